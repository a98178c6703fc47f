"""The demo enters a labelled provisional calendar for a year whose holiday notice is missing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from opengps.accounts.demo import DemoContext
from opengps.core import calendar_sync
from opengps.core.models import AuditEvent, HolidayYear
from opengps.demo.loader import PROVISIONAL_SOURCE, _provisional_calendar
from opengps.rules import calendar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_calendar_afterwards() -> Iterator[None]:
    yield
    calendar.reset_to_shipped()
    calendar_sync._last_loaded = 0.0


def test_missing_next_year_gets_a_provisional_notice_once(
    make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    # given the last day of December of the last shipped year, and no notice for the next one
    last = max(calendar.known_years())
    context = DemoContext(organizations=0, users={"admin": make_user("admin", unit=None)})
    # when the demo checks the calendar
    with django_capture_on_commit_callbacks(execute=True):
        warnings = _provisional_calendar(context, date(last, 12, 20))
    # then the next year has a provisional notice with the fixed-date holidays only, audited,
    # in force at once, and the demo says so in both languages
    row = HolidayYear.objects.get(year=last + 1)
    assert row.source == PROVISIONAL_SOURCE
    assert date(last + 1, 10, 1).isoformat() in row.holidays and len(row.holidays) == 6
    assert AuditEvent.objects.filter(action="calendar.year_registered").count() == 1
    assert not calendar.is_working_day(date(last + 1, 1, 1))
    assert len(warnings) == 1 and str(last + 1) in warnings[0] and "provisional" in warnings[0]
    # and a second load changes nothing
    assert _provisional_calendar(context, date(last, 12, 20)) == []
    assert AuditEvent.objects.filter(action="calendar.year_registered").count() == 1


def test_a_notice_an_administrator_entered_is_never_replaced(make_user: Callable[..., Any]) -> None:
    last = max(calendar.known_years())
    HolidayYear.objects.create(
        year=last + 1, holidays=[date(last + 1, 1, 1).isoformat()], workdays=[], source="国办发明电"
    )
    context = DemoContext(organizations=0, users={"admin": make_user("admin", unit=None)})
    assert _provisional_calendar(context, date(last, 12, 20)) == []
    assert HolidayYear.objects.get(year=last + 1).source == "国办发明电"
