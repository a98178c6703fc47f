"""Workbench writes: the platform administrator enters a year's State Council holiday notice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.calendar_sync import load_stored_years
from opengps.core.errors import ServiceError
from opengps.core.models import HolidayYear
from opengps.rules import calendar
from opengps.rules.base import RuleError
from opengps.workbench.errors import Code
from opengps.workbench.events import Event


def _parse_days(values: list[str], field: str) -> list[date]:
    days: list[date] = []
    for value in values:
        try:
            days.append(date.fromisoformat(value.strip()))
        except ValueError:
            raise ServiceError(Code.BAD_DATE, field=field, params={"value": value}) from None
    return days


def holiday_year_register(
    *, actor: Any, year: int, holidays: list[str], workdays: list[str], source: str
) -> HolidayYear:
    """Store a State Council holiday notice for `year` and put it in force at once."""
    require_role(actor, Role.ADMIN)
    holiday_days = _parse_days(holidays, "holidays")
    workday_days = _parse_days(workdays, "workdays")
    try:  # validate with the rule before anything is written
        calendar.validate_year(year, holiday_days, workday_days, source)
    except RuleError as exc:
        raise ServiceError(exc.code, exc.message_zh, params=exc.params) from exc
    with transaction.atomic():
        row = HolidayYear.objects.filter(year=year).first()
        old = {"holidays": row.holidays, "workdays": row.workdays, "source": row.source} if row else {}
        new = {
            "holidays": [d.isoformat() for d in sorted(holiday_days)],
            "workdays": [d.isoformat() for d in sorted(workday_days)],
            "source": source,
        }
        row, _created = HolidayYear.objects.update_or_create(year=year, defaults={**new, "entered_by": actor})
        audit.record(actor=actor, action=Event.HOLIDAY_YEAR_REGISTERED, obj=row, old=old, new=new)
        transaction.on_commit(load_stored_years)
    return row
