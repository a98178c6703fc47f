"""Coverage figures by county equal an independent count from the same data: stations operating,
suspended, closed and not yet open; postings running, ended, not yet started, part-time in two
townships; certified and uncertified workers — counted again here by walking every row in Python."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opengps.accounts.models import Region, User
from opengps.capacity import selectors, services
from opengps.capacity.models import Posting, Station, Township
from opengps.core.errors import ServiceError
from opengps.registry.models import Organization
from opengps.rules import capacity as rules
from opengps.rules.capacity import Coverage

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def _independent(on: date, counties: set[str]) -> dict[str, Coverage]:
    """Coverage per county from every row, without the selectors' queries."""
    result = {}
    stations = list(Station.objects.select_related("township"))
    postings = list(Posting.objects.select_related("station__township", "worker"))
    for county in sorted(counties):
        townships = [t for t in Township.objects.all() if t.county_id == county]
        open_here = [
            s
            for s in stations
            if s.township.county_id == county
            and s.opened_on <= on
            and (
                s.status == "operating"
                or (s.status == "closed" and s.closed_on is not None and s.closed_on >= on)
            )
        ]
        running = [
            p
            for p in postings
            if p.station in open_here and p.starts_on <= on and (p.ends_on is None or p.ends_on >= on)
        ]
        workers = {p.worker for p in running}
        result[county] = Coverage(
            townships=len(townships),
            with_station=len({s.township_id for s in open_here}),
            staffed=len({p.station.township_id for p in running}),
            workers=len(workers),
            certified=len([w for w in workers if w.level != "none"]),
        )
    return result


@pytest.fixture
def mixed(
    today: date,
    registrar: User,
    townships: dict[str, Township],
    operator: Organization,
    make_worker: Any,
) -> None:
    """Stations and postings in every state across 岳麓区 and 湘潭县."""

    def station(code: str, opened: str) -> Station:
        return services.station_open(
            actor=registrar,
            township=townships[code],
            name=f"站{code}",
            operator=operator,
            opened_on=D(opened),
        )

    yuelu = station("430104001", "2026-01-05")  # operating, staffed
    wangyue = station("430104002", "2026-02-01")  # suspended later
    station("430104100", "2026-12-01")  # opens in December
    yisu = station("430321100", "2026-03-01")  # operating, staffed by a part-timer
    closed = station("430321200", "2026-01-05")
    workers = [
        make_worker(n, level)
        for n, level in enumerate(["intermediate", "none", "senior", "assistant", "none"])
    ]

    def post(worker: int, at: Station, starts: str, ends: str | None = None, full_time: bool = True) -> None:
        services.posting_add(
            actor=registrar,
            worker=workers[worker],
            station=at,
            starts_on=D(starts),
            ends_on=D(ends) if ends else None,
            full_time=full_time,
        )

    post(0, yuelu, "2026-01-05")
    post(1, yuelu, "2026-01-05", "2026-05-31")  # leaves in May
    post(2, wangyue, "2026-02-01")
    post(3, yisu, "2026-03-01", full_time=False)
    post(3, closed, "2026-01-05", full_time=False)
    post(4, yuelu, "2026-09-01")  # starts in September
    services.station_suspend(actor=registrar, station=wangyue, reason="更换运营机构")
    services.station_close(actor=registrar, station=closed, closed_on=D("2026-08-31"), reason="撤并")


@pytest.mark.parametrize("on", ["2026-01-04", "2026-04-30", "2026-06-15", "2026-09-30", "2026-12-31"])
def test_coverage_by_county_equals_an_independent_count(mixed: None, registrar: User, on: str) -> None:
    # when the province reads the coverage table on a day
    table = selectors.coverage(actor=registrar, on=D(on))
    # then every county's figures are the independent count of the same rows
    expected = _independent(D(on), {"430104", "430321"})
    assert {row.county.code: row.figures for row in table.rows} == expected
    assert [row.county.name for row in table.rows] == ["岳麓区", "湘潭县"]
    assert table.total.townships == 5
    assert table.total.with_station == sum(f.with_station for f in expected.values())
    assert table.total.staffed == sum(f.staffed for f in expected.values())


@pytest.mark.parametrize("on", ["2026-01-04", "2026-06-15", "2026-08-31", "2026-09-01", "2026-12-01"])
def test_the_queries_count_a_station_as_the_rule_does(mixed: None, on: str) -> None:
    counted = set(Station.objects.filter(selectors.operating_on(D(on))).values_list("pk", flat=True))
    for station in Station.objects.all():
        assert (station.pk in counted) is rules.is_operating(
            station.status, station.opened_on, station.closed_on, D(on)
        )


def test_the_figures_of_a_day_by_hand(mixed: None, registrar: User) -> None:
    # 15 June 2026: 岳麓区 has 3 townships, only 岳麓街道's station operates (望岳 suspended, 莲花
    # opens in December), staffed by worker 0 (社会工作师; worker 1 left in May); 湘潭县's two
    # stations both operate (白石 closes in August), staffed by part-timer 3 (助理社会工作师), once
    table = selectors.coverage(actor=registrar, on=D("2026-06-15"))
    yuelu, xiangtan = (row.figures for row in table.rows)
    assert yuelu == Coverage(townships=3, with_station=1, staffed=1, workers=1, certified=1)
    assert xiangtan == Coverage(townships=2, with_station=2, staffed=2, workers=1, certified=1)
    assert str(yuelu.station_share) == "33.3" and yuelu.gaps == 2
    assert table.total == Coverage(townships=5, with_station=3, staffed=3, workers=2, certified=2)


def test_a_city_reads_its_own_counties_only(mixed: None, cs_registrar: User, make_user: Any) -> None:
    table = selectors.coverage(actor=cs_registrar, on=D("2026-06-15"))
    assert [row.county.code for row in table.rows] == ["430104"]
    with pytest.raises(ServiceError) as caught:
        selectors.coverage(actor=cs_registrar, region="430321")
    assert caught.value.code == "capacity.out_of_region"
    with pytest.raises(ServiceError) as supplier:
        selectors.coverage(actor=make_user("purchaser"))
    assert supplier.value.code == "perm.denied"
    assert [s.township_id for s in selectors.stations(actor=cs_registrar, on=D("2026-06-15"))] == [
        "430104001",
        "430104002",
        "430104100",
    ]


COVERAGE_QUERIES = 5
"""The coverage's queries of the capacity tables whatever the area: townships, stations (and those
staffed), workers and open service points per county, and the area's workers (then one for the
counties' names)."""


def _more_counties(registrar: User, operator: Organization, make_worker: Any) -> None:
    """A township with a staffed station in each of three more counties."""
    for n, county in enumerate(["430102", "430103", "430105"]):
        township = services.township_create(
            actor=registrar,
            code=f"{county}001",
            name=f"街道{n}",
            kind="street",
            county=Region.objects.get(pk=county),
        )
        station = services.station_open(
            actor=registrar,
            township=township,
            name=f"站{county}",
            operator=operator,
            opened_on=D("2026-01-05"),
        )
        services.posting_add(
            actor=registrar, worker=make_worker(10 + n), station=station, starts_on=D("2026-01-05")
        )


@pytest.mark.parametrize("path", ["/capacity/", "/api/v1/capacity/coverage"])
def test_the_province_page_and_api_make_the_same_few_queries_however_many_counties(
    mixed: None,
    registrar: User,
    operator: Organization,
    make_worker: Any,
    path: str,
    django_assert_max_num_queries: Any,
) -> None:
    # given the province's page (or API) read with two counties
    client = Client()
    client.force_login(registrar)
    with CaptureQueriesContext(connection) as two:
        assert client.get(path).status_code == 200
    coverage = [q for q in two.captured_queries if "capacity_" in q["sql"]]
    assert len(coverage) == COVERAGE_QUERIES, [q["sql"][:120] for q in coverage]
    # when three more counties have townships, stations and workers
    _more_counties(registrar, operator, make_worker)
    # then the same page makes no more queries (a query per county would add three)
    with django_assert_max_num_queries(len(two.captured_queries)):
        answer = client.get(path)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert all(county in body for county in ["430102", "430103", "430104", "430105", "430321"])
