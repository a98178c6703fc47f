"""Service points (社工室) under a station, through the services, the station page, the API, the
coverage table and the public finder: a point opens in a village of the station's township while
the station is open, counts in coverage while it serves (checked against an independent count),
shows to residents, and closes with its station; bad input is refused beside its field, and only
the registration authority of the county sets points up."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opengps.accounts.models import User
from opengps.capacity import selectors, services
from opengps.capacity.models import ServicePoint, Station, Township
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def stations(
    today: date, registrar: User, townships: dict[str, Township], operator: Organization
) -> dict[str, Station]:
    """岳麓街道's station (open since 2026-01-05) and 易俗河镇's (since 2026-02-01)."""
    return {
        code: services.station_open(
            actor=registrar, township=townships[code], name=name, operator=operator, opened_on=D(day)
        )
        for code, name, day in (
            ("430104001", "岳麓街道社会工作服务站", "2026-01-05"),
            ("430321100", "易俗河镇社工站", "2026-02-01"),
        )
    }


def _login(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _open(registrar: User, station: Station, code: str, name: str, day: str, **more: Any) -> ServicePoint:
    return services.point_open(
        actor=registrar, station=station, village_code=code, village_name=name, opened_on=D(day), **more
    )


def _independent(on: date) -> dict[str, int]:
    """Points serving on `on` under stations serving that day, counted one by one in Python."""
    counted: dict[str, int] = {}
    for point in ServicePoint.objects.select_related("station__township"):
        station = point.station
        serving = station.opened_on <= on and (
            station.status == "operating" or (station.status == "closed" and on <= (station.closed_on or on))
        )
        if serving and point.opened_on <= on and (point.closed_on is None or on <= point.closed_on):
            counted[station.township.county_id] = counted.get(station.township.county_id, 0) + 1
    return counted


def test_a_station_gets_points_that_count_and_show_then_close_with_it(
    stations: dict[str, Station], registrar: User
) -> None:
    yuelu, yisuhe = stations["430104001"], stations["430321100"]
    # given three points in 岳麓街道 (one closed since) and one in 易俗河镇
    _open(
        registrar,
        yuelu,
        "430104001001",
        "桃子湖社区",
        "2026-03-01",
        opening_hours="周一至周五",
        phone="0731-1",
    )
    _open(registrar, yuelu, "430104001002", "后湖社区", "2026-05-01", contact="李敏")
    closing = _open(registrar, yuelu, "430104001003", "溁湾社区", "2026-03-01")
    services.point_close(actor=registrar, point=closing, closed_on=D("2026-06-30"), reason="并入后湖社区")
    _open(registrar, yisuhe, "430321100201", "白鹤村", "2026-04-01")
    # then the coverage counts the points serving on each day, as an independent count does
    for day in ("2026-02-28", "2026-04-15", "2026-06-30", "2026-07-01", "2027-01-11"):
        table = selectors.coverage(actor=registrar, on=D(day))
        counted = {row.county.code: row.points for row in table.rows if row.points}
        assert counted == _independent(D(day)), day
        assert table.points == sum(counted.values())
    assert {row.county.code: row.points for row in selectors.coverage(actor=registrar).rows} == {
        "430104": 2,
        "430321": 1,
    }
    # and residents find the open points under their station, the closed one gone
    finder = selectors.public_finder(county="430104")
    assert [p.village for p in finder.stations[0].points] == ["桃子湖社区", "后湖社区"]
    assert finder.stations[0].points[0].opening_hours == "周一至周五"
    page = _login(None).get(reverse("capacity:finder") + "?county=430104").content.decode()
    assert "桃子湖社区" in page and "后湖社区" in page and "溁湾社区" not in page
    # when the station closes, its open points close that day
    services.station_close(actor=registrar, station=yuelu, closed_on=D("2026-12-31"), reason="撤并")
    assert set(ServicePoint.objects.filter(station=yuelu).values_list("closed_on", flat=True)) == {
        D("2026-06-30"),
        D("2026-12-31"),
    }
    assert selectors.coverage(actor=registrar, on=D("2027-01-11")).points == 1
    actions = list(
        AuditEvent.objects.filter(object_type="capacity.servicepoint")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions.count("capacity_point.opened") == 4 and actions.count("capacity_point.closed") == 3


@pytest.mark.parametrize(
    ("code", "day", "expected", "field"),
    [
        ("430104002001", "2026-03-01", "capacity.point_village_invalid", "village_code"),  # another township
        ("43010400100", "2026-03-01", "capacity.point_village_invalid", "village_code"),  # 11 digits
        ("430104001001", "2026-01-04", "capacity.point_outside_station", "opened_on"),  # before the station
    ],
)
def test_a_bad_point_is_refused_beside_its_field(
    stations: dict[str, Station], registrar: User, code: str, day: str, expected: str, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        _open(registrar, stations["430104001"], code, "桃子湖社区", day)
    assert (caught.value.code, caught.value.field) == (expected, field)
    assert not ServicePoint.objects.exists()


def test_one_open_point_per_village_and_a_closed_one_stays_closed(
    stations: dict[str, Station], registrar: User
) -> None:
    point = _open(registrar, stations["430104001"], "430104001001", "桃子湖社区", "2026-03-01")
    with pytest.raises(Conflict) as caught:
        _open(registrar, stations["430104001"], "430104001001", "桃子湖社区", "2026-04-01")
    assert caught.value.code == "capacity.point_exists"
    services.point_close(actor=registrar, point=point, closed_on=D("2026-05-01"))
    with pytest.raises(Conflict):
        services.point_close(actor=registrar, point=point, closed_on=D("2026-06-01"))
    # a new point of the village may open once the old one closed
    _open(registrar, stations["430104001"], "430104001001", "桃子湖社区", "2026-06-01")
    assert ServicePoint.objects.filter(village_code="430104001001").count() == 2


def test_a_station_cannot_close_before_a_point_opened(stations: dict[str, Station], registrar: User) -> None:
    _open(registrar, stations["430104001"], "430104001001", "桃子湖社区", "2026-05-01")
    with pytest.raises(ServiceError) as caught:
        services.station_close(
            actor=registrar, station=stations["430104001"], closed_on=D("2026-04-30"), reason="撤并"
        )
    assert (caught.value.code, caught.value.field) == ("capacity.point_outside_station", "closed_on")


@pytest.mark.parametrize(
    ("who", "township", "village"),
    [
        ("finance", "430104001", "430104001001"),
        ("supplier", "430104001", "430104001001"),  # the operator's own member
        ("cs_registration", "430321100", "430321100201"),  # 长沙市 official, 湘潭县 station
    ],
)
def test_only_the_countys_registration_authority_sets_points_up(
    stations: dict[str, Station],
    finance: User,
    cs_registrar: User,
    operator_member: User,
    who: str,
    township: str,
    village: str,
) -> None:
    users = {"finance": finance, "cs_registration": cs_registrar, "supplier": operator_member}
    with pytest.raises(PermissionDenied):
        _open(users[who], stations[township], village, "某社区", "2026-03-01")
    assert not ServicePoint.objects.exists()
    # while the city's official does set one up in its own county
    _open(cs_registrar, stations["430104001"], "430104001009", "某社区", "2026-03-01")
    assert ServicePoint.objects.count() == 1


def test_the_station_page_sets_a_point_up_and_refuses_beside_the_field(
    stations: dict[str, Station], registrar: User, finance: User
) -> None:
    station = stations["430104001"]
    client = _login(registrar)
    url = reverse("capacity:point-open", args=[station.pk])
    # when a bad code is posted: the page again, 400, the error beside the code
    bad = client.post(
        url, {"village_code": "430104002001", "village_name": "桃子湖社区", "opened_on": "2026-03-01"}
    )
    assert bad.status_code == 400
    assert 'id="point-village_code-error"' in bad.content.decode()
    # when a good one is
    good = client.post(
        url,
        {
            "village_code": "430104001001",
            "village_name": "桃子湖社区",
            "opened_on": "2026-03-01",
            "phone": "0731-1",
        },
    )
    assert good.status_code == 302 and good["Location"] == reverse("capacity:station", args=[station.pk])
    page = client.get(reverse("capacity:station", args=[station.pk])).content.decode()
    assert "桃子湖社区" in page and reverse("capacity:point-close", args=[station.pk]) in page
    # and closing it through the page
    point = ServicePoint.objects.get()
    closed = client.post(
        reverse("capacity:point-close", args=[station.pk]), {"point": point.pk, "closed_on": "2026-02-01"}
    )
    assert closed.status_code == 400 and 'id="point_close-closed_on-error"' in closed.content.decode()
    client.post(
        reverse("capacity:point-close", args=[station.pk]), {"point": point.pk, "closed_on": "2026-09-01"}
    )
    point.refresh_from_db()
    assert point.closed_on == D("2026-09-01")
    # a finance official reads the points but is refused the action (403) and sees no form
    reader = _login(finance)
    assert (
        reverse("capacity:point-open", args=[station.pk])
        not in reader.get(reverse("capacity:station", args=[station.pk])).content.decode()
    )
    refused = reader.post(
        url, {"village_code": "430104001002", "village_name": "后湖社区", "opened_on": "2026-03-01"}
    )
    assert refused.status_code == 403 and ServicePoint.objects.count() == 1


def test_the_api_sets_points_up_and_lists_them(stations: dict[str, Station], registrar: User) -> None:
    station = stations["430104001"]
    client = _login(registrar)
    url = f"/api/v1/capacity/stations/{station.pk}/points"
    bad = client.post(
        url,
        {"village_code": "430104001001", "village_name": "桃子湖社区", "opened_on": "2025-12-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert (bad.json()["error"]["code"], bad.json()["error"]["field"]) == (
        "capacity.point_outside_station",
        "opened_on",
    )
    made = client.post(
        url,
        {"village_code": "430104001001", "village_name": "桃子湖社区", "opened_on": "2026-03-01"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["village_name"] == "桃子湖社区"
    page = client.get(f"/api/v1/capacity/stations/{station.pk}").json()
    assert [p["village_code"] for p in page["points"]] == ["430104001001"]
    coverage = client.get("/api/v1/capacity/coverage").json()
    assert coverage["total"]["points"] == 1
    for export in (reverse("capacity:coverage-export"), "/api/v1/capacity/coverage.xlsx"):
        book = load_workbook(BytesIO(client.get(export).content), read_only=True)
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        assert rows[0][-1] == "社工室"
        assert [(row[1], row[-1]) for row in rows[1:]] == [("岳麓区", 1), ("湘潭县", 0), ("合计", 1)]
    closed = client.post(
        f"{url}/close",
        {"point": made.json()["id"], "closed_on": "2026-10-01"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-10-01"
