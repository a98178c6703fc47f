"""The opinion app's background work: every minute (``opinion.fetch`` in OPENGPS_SCHEDULE) the
sources whose own interval has run out are fetched; a failing source waits longer each time."""

from __future__ import annotations

from opengps.core import tasks
from opengps.opinion import fetching


@tasks.background(attempts=1, timeout=600, backoff=60)
def fetch_due() -> int:
    """Fetch the due sources; returns how many new items arrived. Not retried: a source that failed
    is backed off and fetched again when due."""
    return sum(result.new for result in fetching.fetch_due())
