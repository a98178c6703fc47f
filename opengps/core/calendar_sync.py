"""Keeps the pure rules calendar in step with the holiday years stored in the database."""

from __future__ import annotations

import contextlib
import time
from datetime import date
from typing import Any

from django.db import DatabaseError

from opengps.core.models import HolidayYear
from opengps.rules import calendar

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


HOLIDAY_NOTICE_WARN_FROM = (10, 1)
"""(month, day) from which next year's notice is expected; the State Council has published it
between late October and mid-November (2024: 2023-10-25; 2025: 2024-11-12; 2026: 2025-11-04)."""


def holiday_notice_missing(today: date) -> date | None:
    """The first day on which deadlines will be refused for want of a holiday notice, or None.

    That is 1 January of the first year without one among this year and — from 1 October —
    next year (`calendar.known_years()`: shipped and entered notices). The caller loads the stored
    years first (requests do, through `calendar_sync.refresh_if_stale`).
    """
    years = [today.year]
    if (today.month, today.day) >= HOLIDAY_NOTICE_WARN_FROM:
        years.append(today.year + 1)
    known = calendar.known_years()
    missing = [year for year in years if year not in known]
    return date(missing[0], 1, 1) if missing else None
