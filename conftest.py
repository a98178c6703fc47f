"""Shared pytest fixtures: regions, units and one user for every role, built through services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

DEMO_PASSWORD = "test-password-123"  # noqa: S105 — test-only credential


@pytest.fixture
def clock_at() -> Iterator[Callable[..., None]]:
    """Pin the one clock (`opengps.core.clock`, via time-machine) at a day (10:00 Beijing time) or an
    aware moment; `None` returns to the real clock. Ticks from there unless `tick=False`.

    Database-clock deadlines (bids) are not moved: run those parts of a test on the real clock."""
    state: dict[str, Any] = {}

    def pin(when: date | datetime | None, *, tick: bool = True) -> None:
        traveller = state.pop("traveller", None)
        if traveller is not None:
            traveller.stop()
        if when is None:
            return
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
        traveller = time_machine.travel(when, tick=tick)
        traveller.start()
        state["traveller"] = traveller

    yield pin
    pin(None)


@pytest.fixture
def regions(db: Any) -> None:
    from opengps.accounts.services import regions_load

    regions_load()


@pytest.fixture
def units(regions: None) -> dict[str, Any]:
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import unit_create

    province = Region.objects.get(pk="430000")
    changsha = Region.objects.get(pk="430100")
    finance = unit_create(actor=None, name="湖南省财政厅", kind=Unit.Kind.FINANCE, region=province)
    civil = unit_create(actor=None, name="湖南省民政厅", kind=Unit.Kind.CIVIL_AFFAIRS, region=province)
    cs_civil = unit_create(
        actor=None, name="长沙市民政局", kind=Unit.Kind.CIVIL_AFFAIRS, region=changsha, parent=civil
    )
    audit = unit_create(actor=None, name="湖南省审计厅", kind=Unit.Kind.AUDIT, region=province)
    return {"finance": finance, "civil": civil, "cs_civil": cs_civil, "audit": audit}


@pytest.fixture
def make_user(units: dict[str, Any]) -> Callable[..., Any]:
    from opengps.accounts.services import user_create

    counter = {"n": 0}

    def make(role: str, *, unit: str | None = "civil", organization: Any = None, username: str = "") -> Any:
        counter["n"] += 1
        return user_create(
            actor=None,
            username=username or f"{role}{counter['n']}",
            password=DEMO_PASSWORD,
            role=role,
            unit=units[unit] if unit else None,
            organization=organization,
        )

    return make


@pytest.fixture
def registrar(make_user: Callable[..., Any]) -> Any:
    return make_user("registration")


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return make_user("auditor", unit="audit")


@pytest.fixture
def purchaser(make_user: Callable[..., Any]) -> Any:
    return make_user("purchaser")


@pytest.fixture
def next_year_calendar(db: Any) -> Any:
    """Deadlines count from the real clock (bids: the database clock) and may run into a year the
    shipped calendar lacks — every December, and in CI's other-year leg.

    Stores a plain test notice (New Year's Day off) for such years in the database, as an
    administrator would, so the periodic reload in `opengps.core.calendar_sync` keeps it; the
    shipped data is restored afterwards. Covers this year and the next on the pinned clock and on
    the machine's real clock (time-machine's escape hatch), whichever a test's steps run on.
    """
    from opengps.core import calendar_sync, clock
    from opengps.core.models import HolidayYear
    from opengps.rules import calendar

    hatch = time_machine.escape_hatch
    real_year = (hatch.datetime.datetime.now() if hatch.is_travelling() else datetime.now()).year
    for year in sorted({clock.today().year, clock.today().year + 1, real_year, real_year + 1}):
        if year not in calendar.known_years() and not HolidayYear.objects.filter(year=year).exists():
            HolidayYear.objects.create(
                year=year, holidays=[date(year, 1, 1).isoformat()], workdays=[], source="测试用节假日安排"
            )
    calendar_sync.load_stored_years()
    yield
    calendar.reset_to_shipped()
    calendar_sync._last_loaded = 0.0


@pytest.fixture(autouse=True)
def _chinese_first() -> Any:
    """Each test starts in the platform's default language (a request may have switched the thread's)."""
    from django.conf import settings

    if not settings.configured:  # the pure rules tests run without Django
        yield
        return
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _shipped_calendar_after() -> Any:
    """A test's stored holiday notices (the demo's provisional year, `next_year_calendar`) may be
    loaded into this process by a request's periodic reload; never let them outlive the test."""
    yield
    from opengps.rules import calendar

    calendar.reset_to_shipped()
    from django.conf import settings

    if settings.configured:
        from opengps.core import calendar_sync

        calendar_sync._last_loaded = 0.0
