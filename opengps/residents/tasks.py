"""Residents' periodic work: the daily escalation of overdue complaints (``residents.escalate`` in
OPENGPS_SCHEDULE)."""

from __future__ import annotations

from opengps.core import tasks
from opengps.residents.services import feedback_escalate_overdue


@tasks.background(attempts=3, timeout=900, backoff=300)
def escalate_daily() -> int:
    """Escalate the complaints and suggestions past their answer deadline; returns how many.
    Idempotent: a retry or a second run the same day escalates nothing more."""
    return feedback_escalate_overdue()
