"""Every capacity page and API endpoint, as each role and anonymously: officials of the region read
coverage, stations and a station's workers and logs; everyone else is refused; and no answer to
anyone ever carries a worker's full identity number (pages and the API show it masked only)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opengps.accounts.models import User
from opengps.api import api
from opengps.capacity import services, urls
from opengps.capacity.excel import XLSX
from opengps.capacity.models import SocialWorker, Station, Township
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def station(
    today: date, registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> Station:
    """岳麓街道's station with two workers and three months of logs; 湘潭县 has a station too."""
    made = services.station_open(
        actor=registrar,
        township=townships["430104001"],
        name="岳麓街道社会工作服务站",
        operator=operator,
        opened_on=D("2026-01-05"),
        opening_hours="周一至周五 8:30-17:30",
    )
    for n, level in ((1, "intermediate"), (2, "none")):
        services.posting_add(
            actor=registrar, worker=make_worker(n, level), station=made, starts_on=D("2026-01-05")
        )
    for month in (1, 2, 3):
        services.service_log_enter(
            actor=registrar, station=made, month=date(2026, month, 1), elderly=20 + month, people_served=9
        )
    services.station_open(
        actor=registrar,
        township=townships["430321100"],
        name="易俗河镇社工站",
        operator=operator,
        opened_on=D("2026-02-01"),
    )
    return made


def _login(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(answer: Any) -> str:
    """The answer as text: a page or JSON as it is, a workbook as every cell of every sheet."""
    if answer.get("Content-Type") != XLSX:
        return str(answer.content.decode())
    book = load_workbook(BytesIO(answer.content), read_only=True)
    return "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    )


def _pages(station: Station) -> list[str]:
    return [
        reverse("capacity:coverage"),
        reverse("capacity:coverage") + "?region=430104",
        reverse("capacity:stations"),
        reverse("capacity:stations") + "?region=430104",
        reverse("capacity:station", args=[station.pk]),
        reverse("capacity:coverage-export"),
        reverse("capacity:stations-export") + "?region=430104",
        reverse("capacity:trainings"),
        reverse("capacity:training-hours") + "?year=2026",
        reverse("capacity:events"),
        reverse("capacity:filings") + "?region=430104",
    ]


def _endpoints(station: Station) -> list[str]:
    return [
        "/api/v1/capacity/coverage",
        "/api/v1/capacity/coverage?region=430104&on=2026-03-31",
        "/api/v1/capacity/stations",
        f"/api/v1/capacity/stations/{station.pk}",
        "/api/v1/capacity/coverage.xlsx",
        "/api/v1/capacity/stations.xlsx?region=430104",
        "/api/v1/capacity/bases",
        "/api/v1/capacity/trainings",
        "/api/v1/capacity/training-hours?year=2026",
        "/api/v1/capacity/events",
        "/api/v1/capacity/filings",
    ]


def test_the_scan_covers_every_page_and_endpoint(station: Station) -> None:
    # The others are the writing screens: the station page's POST-only actions and the operator's
    # log screen (tests/test_views_forms.py, which checks them for full identity numbers too).
    actions = {
        "station-open",
        "worker-register",
        "operator-logs",
        "log-enter",
        "posting-add",
        "posting-end",
        "suspend",
        "resume",
        "close",
        # the registration authority's import screens (tests/test_excel.py, refused to the others)
        "imports",
        "import-run",
        "import-template",
        # the public finder, which reads no worker at all (tests/test_finder.py)
        "finder",
        # service points, trainings, events and community organizations: their objects' pages and
        # actions (tests/test_growth_views.py; every page scanned by tests/test_id_number_scan.py)
        "point-open",
        "point-close",
        "training-create",
        "training",
        "training-attend",
        "event-create",
        "event",
        "event-showcase",
        "filing",
        "filing-support",
        "filing-activity",
    }
    assert {p.name for p in urls.urlpatterns} - actions == {
        "coverage",
        "stations",
        "station",
        "coverage-export",
        "stations-export",
        "trainings",
        "training-hours",
        "events",
        "filings",
    }
    paths = {path for path in api.get_openapi_schema()["paths"] if path.startswith("/api/v1/capacity/")}
    assert paths == {
        "/api/v1/capacity/coverage",
        "/api/v1/capacity/stations",
        "/api/v1/capacity/stations/{pk}",
        "/api/v1/capacity/coverage.xlsx",
        "/api/v1/capacity/stations.xlsx",
        # the import writes (tests/test_excel.py); it answers row errors, never a cell's value
        "/api/v1/capacity/import/{kind}",
        "/api/v1/capacity/bases",
        # a base's page and its assessment (tests/test_bases.py): bases hold no personal data
        "/api/v1/capacity/bases/{pk}",
        "/api/v1/capacity/bases/{pk}/assessments",
        # service points, trainings, events, community organizations (tests/test_growth_api.py; every
        # route scanned by tests/test_id_number_scan.py)
        "/api/v1/capacity/stations/{pk}/points",
        "/api/v1/capacity/stations/{pk}/points/close",
        "/api/v1/capacity/trainings",
        "/api/v1/capacity/trainings/{pk}",
        "/api/v1/capacity/trainings/{pk}/attendances",
        "/api/v1/capacity/training-hours",
        "/api/v1/capacity/events",
        "/api/v1/capacity/events/{pk}",
        "/api/v1/capacity/events/{pk}/showcases",
        "/api/v1/capacity/filings",
        "/api/v1/capacity/filings/{pk}",
        "/api/v1/capacity/filings/{pk}/supports",
        "/api/v1/capacity/filings/{pk}/activities",
    }


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        ("registration", True),
        ("cs_registration", True),
        ("finance", True),
        ("auditor", True),
        ("admin", True),
        ("purchaser", False),
        ("supplier", False),
        ("anonymous", False),
    ],
)
def test_no_page_or_endpoint_shows_a_full_identity_number(
    station: Station,
    who: str,
    reads: bool,
    registrar: User,
    cs_registrar: User,
    finance: User,
    auditor: User,
    make_user: Any,
    operator_member: User,
) -> None:
    users: dict[str, User | None] = {
        "registration": registrar,
        "cs_registration": cs_registrar,
        "finance": finance,
        "auditor": auditor,
        "admin": make_user("admin", unit=None),
        "purchaser": make_user("purchaser"),
        "supplier": operator_member,
        "anonymous": None,
    }
    client = _login(users[who])
    numbers = list(SocialWorker.objects.values_list("id_number", "id_number_masked"))
    assert len(numbers) == 2
    for url in [*_pages(station), *_endpoints(station)]:
        # when the role reads the page or endpoint
        answer = client.get(url)
        body = _text(answer)
        # then no full identity number is in it, whoever reads
        for full, _masked in numbers:
            assert full not in body, (who, url)
        # and officials read it; the rest are refused (anonymous: sign in first)
        if reads:
            assert answer.status_code == 200, (who, url, body[:300])
        elif who == "anonymous":
            assert answer.status_code in (302, 401), (who, url)
        else:
            assert answer.status_code == 403, (who, url)
    if reads:
        page = client.get(reverse("capacity:station", args=[station.pk])).content.decode()
        for _full, masked in numbers:
            assert masked in page
        assert "岳麓街道社会工作服务站" in page and "社会工作师" in page and "周一至周五" in page


def test_a_city_reads_its_counties_and_is_refused_another(station: Station, cs_registrar: User) -> None:
    client = _login(cs_registrar)
    coverage = client.get("/api/v1/capacity/coverage?on=2026-03-31").json()
    assert [row["county_name"] for row in coverage["rows"]] == ["岳麓区"]
    assert coverage["rows"][0] == {
        "county": "430104",
        "county_name": "岳麓区",
        "townships": 3,
        "with_station": 1,
        "station_share": "33.3",
        "staffed": 1,
        "staffed_share": "33.3",
        "workers": 2,
        "certified": 1,
        "certified_share": "50.0",
        "gaps": 2,
        "points": 0,
    }
    other = Station.objects.get(township_id="430321100")
    assert client.get(f"/api/v1/capacity/stations/{other.pk}").status_code == 404
    assert client.get(reverse("capacity:station", args=[other.pk])).status_code == 404
    refused = client.get("/api/v1/capacity/stations?region=430321")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "capacity.out_of_region")
    malformed = client.get("/api/v1/capacity/coverage?region=43x")
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (400, "capacity.county_invalid")
    assert client.get(reverse("capacity:coverage") + "?region=430321").status_code == 403


def test_the_station_page_in_the_api_lists_workers_and_logs(station: Station, finance: User) -> None:
    page = _login(finance).get(f"/api/v1/capacity/stations/{station.pk}").json()
    assert page["station"]["township_name"] == "岳麓街道" and page["station"]["status_label"] == "运营中"
    assert sorted(p["level"] for p in page["postings"]) == ["intermediate", "none"]
    assert [log["month"] for log in page["logs"]] == ["2026-03-01", "2026-02-01", "2026-01-01"]
    assert page["logs"][0]["services"] == 23
