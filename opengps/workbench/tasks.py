"""The workbench's periodic work: the daily reminders run (``workbench.reminders`` in OPENGPS_SCHEDULE)."""

from __future__ import annotations

from opengps.core import tasks
from opengps.workbench.services import reminders_sync


@tasks.background(attempts=3, timeout=900, backoff=300)
def reminders_daily() -> int:
    """Send today's reminders as the system; returns how many were created. Idempotent: a retry or
    a second run the same day creates nothing (one reminder per recipient, subject and due date)."""
    return sum(reminders_sync().created.values())
