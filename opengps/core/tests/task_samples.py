"""Tasks the task-system tests run (a task must live at module level to be importable by path)."""

from __future__ import annotations

import time

from opengps.core import clock, tasks

calls: list[str] = []


@tasks.background(attempts=3, timeout=60, backoff=30)
def flaky(fail_times: int) -> str:
    """Fails its first `fail_times` runs in this process, then succeeds."""
    calls.append("flaky")
    if calls.count("flaky") <= fail_times:
        raise RuntimeError("not yet")
    return "done"


@tasks.background(attempts=2, timeout=1, backoff=5)
def sleepy(seconds: float) -> str:
    """Sleeps longer than its one-second timeout."""
    time.sleep(seconds)
    return "woke"


@tasks.background(attempts=1, timeout=60, backoff=0)
def noted() -> str:
    calls.append("noted")
    return "noted"


@tasks.background(attempts=3, timeout=120, backoff=0)
def long_once(key: str, marker: str) -> str:
    """Idempotent long job: the first run signals it started (`marker`) and works for a minute;
    any run that finds the marker finishes at once. Its result row commits exactly once."""
    from pathlib import Path

    from django.db import transaction

    from opengps.core.models import ScheduledRun

    if ScheduledRun.objects.filter(name=key, period="done").exists():
        return "skipped"
    path = Path(marker)
    if not path.exists():
        path.write_text("started")
        for _ in range(600):
            time.sleep(0.1)
    with transaction.atomic():
        ScheduledRun.objects.create(name=key, period="done", enqueued_at=clock.now())
    return "done"


@tasks.background(attempts=3, timeout=60, backoff=0)
def recorded(key: str, fail_times: int = 0) -> str:
    """Writes one row per run (``<key>#<n>``) and fails its first `fail_times` runs: the runs are
    counted in the database, so the count survives worker processes (RQ forks one per job)."""
    from opengps.core.models import ScheduledRun

    runs = ScheduledRun.objects.filter(name__startswith=f"{key}#").count()
    ScheduledRun.objects.create(name=f"{key}#{runs + 1}", period="run", enqueued_at=clock.now())
    if runs < fail_times:
        raise RuntimeError("not yet")
    return "recorded"
