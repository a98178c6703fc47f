"""Shared pytest fixtures: the one clock pinned, the holiday calendar, the language; the world's
fixtures (regions, units, users by role, the lifecycle built through the services) come from the
`opengps.demo.fixtures` plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytest_plugins = ["opengps.demo.fixtures"]


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
