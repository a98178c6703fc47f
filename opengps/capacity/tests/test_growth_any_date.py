"""Service points, trainings and community support on any day: every date below is derived from
the day the clock stands at (the suite's real day, under CI's faketime too, and a few pinned days
across years and month ends), never a calendar day that expires."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Region, User
from opengps.capacity import selectors, services
from opengps.capacity import selectors_growth as reads
from opengps.capacity.models import Township
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["real", date(2029, 3, 1), date(2031, 12, 31), date(2028, 2, 29)])
def day(request: pytest.FixtureRequest, clock_at: Callable[..., None]) -> date:
    """The suite's real day, or a pinned one (a year end, a leap day)."""
    if request.param != "real":
        clock_at(request.param, tick=False)
    return clock.today()


def test_the_rules_follow_the_clock(
    day: date,
    registrar: User,
    townships: dict[str, Township],
    operator: Organization,
    make_worker: Any,
) -> None:
    # given a station opened 400 days ago with a point opened 200 days ago
    station = services.station_open(
        actor=registrar,
        township=townships["430104001"],
        name="岳麓街道社会工作服务站",
        operator=operator,
        opened_on=day - timedelta(days=400),
    )
    services.point_open(
        actor=registrar,
        station=station,
        village_code="430104001001",
        village_name="桃子湖社区",
        opened_on=day - timedelta(days=200),
    )
    # then it counts today and not the day before it opened
    assert selectors.coverage(actor=registrar).points == 1
    assert selectors.coverage(actor=registrar, on=day - timedelta(days=201)).points == 0
    # a training that begins today takes attendance; one that begins tomorrow does not yet
    worker = make_worker(1)
    county = Region.objects.get(pk="430104")
    now = services.training_create(
        actor=registrar, title="今日培训", region=county, starts_on=day, ends_on=day, hours="6"
    )
    services.attendance_record(actor=registrar, training=now, worker=worker)
    tomorrow = day + timedelta(days=1)
    later = services.training_create(
        actor=registrar, title="明日培训", region=county, starts_on=tomorrow, ends_on=tomorrow, hours="6"
    )
    with pytest.raises(ServiceError) as early:
        services.attendance_record(actor=registrar, training=later, worker=worker)
    assert early.value.code == "capacity.training_not_started"
    assert reads.worker_hours_by_year(worker) == {day.year: Decimal("6")}
    assert [r.hours for r in reads.training_hours(actor=registrar)] == [Decimal("6")]
    # support is decided on a day from the filing to today, never tomorrow
    filing = services.filing_create(
        actor=registrar,
        township=townships["430104001"],
        name="桃子湖邻里议事会",
        kind="consultation",
        responsible_person="王芳",
        filed_on=day - timedelta(days=30),
    )
    kwargs: dict[str, Any] = {"kind": "award", "amount": "100", "purpose": "奖励", "decision": "1号"}
    services.support_decide(actor=registrar, filing=filing, decided_on=day, **kwargs)
    with pytest.raises(ServiceError) as future:
        services.support_decide(actor=registrar, filing=filing, decided_on=tomorrow, **kwargs)
    assert future.value.code == "capacity.future_date"
