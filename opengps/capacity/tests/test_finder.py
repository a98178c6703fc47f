"""The public station finder: anyone, signed in or not, finds the station of a township by county and
township — its address, opening hours, phone and what it offers — and never a social worker."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import User
from opengps.capacity import services
from opengps.capacity.models import SocialWorker, Station, Township
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def stations(
    today: date, registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> dict[str, Station]:
    """岳麓街道 (open, staffed, logging elderly care and community building), 望岳街道 (suspended),
    莲花镇 (closed), 易俗河镇 in 湘潭县."""

    def open_(code: str, **kw: Any) -> Station:
        return services.station_open(
            actor=registrar,
            township=townships[code],
            name=f"{townships[code].name}社工站",
            operator=operator,
            opened_on=D("2026-01-05"),
            **kw,
        )

    made = {
        "430104001": open_(
            "430104001",
            address="岳麓区岳麓街道桃子湖路1号",
            opening_hours="周一至周五 8:30-17:30",
            phone="0731-88880001",
        ),
        "430104002": open_("430104002"),
        "430104100": open_("430104100"),
        "430321100": open_("430321100", address="湘潭县易俗河镇"),
    }
    services.posting_add(
        actor=registrar, worker=make_worker(1), station=made["430104001"], starts_on=D("2026-01-05")
    )
    for month in (D("2026-10-01"), D("2026-11-01")):
        services.service_log_enter(
            actor=registrar, station=made["430104001"], month=month, elderly=12, community=3, people_served=9
        )
    services.station_suspend(actor=registrar, station=made["430104002"], reason="更换运营机构")
    services.station_close(
        actor=registrar, station=made["430104100"], closed_on=D("2026-06-30"), reason="撤并"
    )
    return made


def _find(query: str = "", user: User | None = None) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("capacity:finder") + query)


def test_a_resident_finds_the_stations_of_a_county_without_signing_in(stations: dict[str, Station]) -> None:
    # when an anonymous resident opens the finder
    first = _find()
    body = first.content.decode()
    # then the counties with townships are offered, and no station yet
    assert first.status_code == 200
    assert (
        '<option value="430104">岳麓区</option>' in body and '<option value="430321">湘潭县</option>' in body
    )
    assert "社工站</h2>" not in body
    # when they choose 岳麓区
    body = _find("?county=430104").content.decode()
    # then its serving stations are listed with what residents need; the closed one is gone
    assert "岳麓街道社工站" in body and "望岳街道社工站" in body and "莲花镇社工站" not in body
    assert "易俗河镇社工站" not in body
    assert "岳麓区岳麓街道桃子湖路1号" in body and "周一至周五 8:30-17:30" in body
    assert 'href="tel:0731-88880001"' in body
    assert "养老服务、社区建设" in body and "暂停服务" in body
    assert "找到 2 个社工站" in body


def test_a_township_narrows_the_list(stations: dict[str, Station]) -> None:
    body = _find("?county=430104&township=430104002").content.decode()
    assert "望岳街道社工站" in body and "岳麓街道社工站" not in body.replace("望岳街道社工站", "")
    assert '<option value="430104002" selected>望岳街道</option>' in body


def test_the_finder_shows_nothing_personal(stations: dict[str, Station], registrar: User) -> None:
    worker = SocialWorker.objects.get()
    for user in (None, registrar):
        body = _find("?county=430104", user).content.decode()
        assert worker.name not in body
        assert worker.id_number not in body and worker.id_number_masked not in body
        assert "人次" not in body and "服务人数" not in body


@pytest.mark.parametrize("query", ["?county=43x", "?county=4301040", "?county=430104&township=430321100"])
def test_a_malformed_code_is_a_400(stations: dict[str, Station], query: str) -> None:
    assert _find(query).status_code == 400


def test_a_county_without_stations_says_so(stations: dict[str, Station]) -> None:
    body = _find("?county=430102").content.decode()
    assert "该地区暂未查到运营中的社工站" in body
