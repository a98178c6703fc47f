"""An administrator enters next year's State Council notice; deadlines use it at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from opengps.core.calendar_sync import load_stored_years
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent, HolidayYear
from opengps.rules import calendar
from opengps.workbench.services import holiday_year_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_calendar() -> Iterator[None]:
    calendar.reset_to_shipped()
    yield
    calendar.reset_to_shipped()


def test_unknown_year_becomes_known_after_the_notice_is_entered(make_user: Any) -> None:
    admin = make_user("admin", unit=None)
    with pytest.raises(calendar.CalendarUnknown):
        calendar.is_working_day(date(2031, 1, 1))
    # when (the service reloads on commit; the test transaction never commits, so load explicitly)
    holiday_year_register(
        actor=admin,
        year=2031,
        holidays=["2031-01-01"],
        workdays=["2031-01-04"],
        source="国办发明电〔2030〕7号",
    )
    load_stored_years()
    # then
    assert calendar.is_working_day(date(2031, 1, 1)) is False
    assert calendar.is_working_day(date(2031, 1, 4)) is True  # a Saturday made a working day
    event = AuditEvent.objects.get(action="calendar.year_registered")
    assert event.new_values["source"] == "国办发明电〔2030〕7号"


@pytest.mark.parametrize(
    ("holidays", "workdays", "code"),
    [
        (["2031-13-01"], [], "calendar.bad_date"),
        (["2030-12-31"], [], "calendar.invalid_year"),
        (["2031-01-01"], ["2031-01-01"], "calendar.invalid_year"),
    ],
    ids=["bad-date", "outside-year", "overlap"],
)
def test_bad_notices_are_refused_and_nothing_is_stored(
    make_user: Any, holidays: list[str], workdays: list[str], code: str
) -> None:
    admin = make_user("admin", unit=None)
    with pytest.raises(ServiceError) as err:
        holiday_year_register(actor=admin, year=2031, holidays=holidays, workdays=workdays, source="x")
    assert err.value.code == code
    assert not HolidayYear.objects.exists()


def test_only_administrators_enter_notices(make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        holiday_year_register(
            actor=make_user("finance", unit="finance"), year=2031, holidays=[], workdays=[], source="x"
        )
