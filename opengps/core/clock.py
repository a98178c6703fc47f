"""The one clock: every "now" and "today" in services, selectors, views and the demo comes from here.

Tests pin it with `time-machine` (which moves `datetime.now`, `date.today` and `time.time` at the
C level), so nothing needs a private per-app `_today` helper. Deadlines the law enforces at the
moment of a write (the bid deadline) are judged by the database clock instead
(`opengps.procurement.clock.db_now`).

"Today" is the date in Asia/Shanghai (TIME_ZONE), whatever the server's own zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return datetime.now(tz=UTC)


def today() -> date:
    """Today's date in Asia/Shanghai (or the demo's simulated day, see `simulated_today`)."""
    return _simulated_today.get() or datetime.now(tz=BEIJING).date()


def local_now() -> datetime:
    """The current moment in Asia/Shanghai, for display and file names."""
    return datetime.now(tz=BEIJING)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai date of an aware moment."""
    return moment.astimezone(BEIJING).date()


_simulated_today: ContextVar[date | None] = ContextVar("opengps_simulated_today", default=None)


@contextmanager
def simulated_today(day: date) -> Iterator[None]:
    """Within the block, `today()` answers `day` (moments stay real).

    Only the demo uses it, to file plans and intentions on earlier days through the real services
    while bids still meet real database-clock deadlines. Tests pin the whole clock with
    `time-machine` instead.
    """
    token = _simulated_today.set(day)
    try:
        yield
    finally:
        _simulated_today.reset(token)
