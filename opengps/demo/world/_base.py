"""What the whole world shares: the pinned days, the time zone, the throwaway password and the
`DayPin` that moves the one clock."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

from opengps.accounts.models import Unit
from opengps.core import clock

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
TEST_PASSWORD: Final = "test-password-123"  # noqa: S105 — the world's accounts are throwaway

# ---------------------------------------------------------------------------------------------
# The pinned days

TODAY: Final = date(2026, 3, 2)
"""Planning's fixed today: a Monday the shipped calendar knows."""
PLAN_TODAY: Final = date(2025, 3, 3)
"""The day plans are filed: a Monday, > 30 days before any date the suite may run on (2026-)."""
PLAN_START: Final = date(2025, 4, 14)
"""When the plans' procurements may start."""


DayPin = Callable[[date | None], None]
"""Moves the one clock to a day (`None`: back to the real clock)."""


def simulated_days() -> DayPin:
    """A `DayPin` on the one clock's simulated today (`clock.simulated_today`, as the demo files its
    plans); the tests pin the whole clock with time-machine instead."""
    stack = ExitStack()

    def pin(day: date | None) -> None:
        stack.close()
        if day is not None:
            stack.enter_context(clock.simulated_today(day))

    return pin


Units = dict[str, Unit]
"""The world's units by key: finance, civil (湖南省民政厅), cs_civil (长沙市民政局, under civil), audit."""
