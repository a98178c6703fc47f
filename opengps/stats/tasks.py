"""The stats app's background work: the nightly rebuild of the summary tables (``stats.refresh`` in
OPENGPS_SCHEDULE), also enqueued from the dashboards by the finance department."""

from __future__ import annotations

from opengps.core import tasks
from opengps.stats.services import summaries_refresh


@tasks.background(attempts=3, timeout=3600, backoff=300)
def summaries_nightly() -> int:
    """Rebuild every fact and summary row as the system; returns the refresh's id."""
    return summaries_refresh(actor=None).pk
