"""Oversight's periodic work: the nightly red-flag run (``oversight.redflags`` in OPENGPS_SCHEDULE)."""

from __future__ import annotations

from opengps.core import tasks
from opengps.oversight.services import redflags_compute


@tasks.background(attempts=3, timeout=1800, backoff=300)
def redflags_nightly() -> int:
    """Compute every red flag with the thresholds in force today, as the system; returns the run id."""
    return redflags_compute(actor=None).pk
