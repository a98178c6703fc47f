"""Open data's periodic work: the nightly bulk files (``opendata.export`` in OPENGPS_SCHEDULE)."""

from __future__ import annotations

from opengps.core import tasks
from opengps.opendata.services import export_job_create


@tasks.background(attempts=1, timeout=300, backoff=0)
def export_nightly() -> int:
    """Queue the nightly bulk export as the system (the export itself is `export_job_task`)."""
    return export_job_create(actor=None).pk
