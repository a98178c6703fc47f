"""Keeps the pure rules calendar in step with the holiday years stored in the database."""

from __future__ import annotations

import contextlib
import time
from datetime import date
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.errors import ServiceError
from opengps.core.models import HolidayYear
from opengps.rules import calendar
from opengps.rules.base import RuleError

RELOAD_SECONDS = 60.0
_last_loaded = 0.0


def load_stored_years() -> int:
    """Register every stored year with the rules calendar; returns how many."""
    global _last_loaded
    calendar.reset_to_shipped()
    count = 0
    for row in HolidayYear.objects.order_by("year"):
        calendar.register_year(
            row.year,
            [date.fromisoformat(d) for d in row.holidays],
            [date.fromisoformat(d) for d in row.workdays],
            row.source,
        )
        count += 1
    _last_loaded = time.monotonic()
    return count


def refresh_if_stale(**_: Any) -> None:
    """`request_started` hook: reload at most once a minute per process (other workers' edits)."""
    if time.monotonic() - _last_loaded < RELOAD_SECONDS:
        return
    # Before the first migrate the table is missing; the shipped data stays in force.
    with contextlib.suppress(DatabaseError):
        load_stored_years()


def _parse_days(values: list[str], field: str) -> list[date]:
    days: list[date] = []
    for value in values:
        try:
            days.append(date.fromisoformat(value.strip()))
        except ValueError:
            raise ServiceError(
                "calendar.bad_date",
                _("日期“%(value)s”格式错误，应为 YYYY-MM-DD") % {"value": value},
                field=field,
            ) from None
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
        audit.record(actor=actor, action="calendar.year_registered", obj=row, old=old, new=new)
        transaction.on_commit(load_stored_years)
    return row
