"""Killing the task worker (kill -9) in the middle of a task: after a worker starts again the task
is reclaimed and its job completes exactly once. Needs a database two processes can share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from opengps.core.models import ScheduledRun
from opengps.core.tests import task_samples

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the SQLite test database is in memory: a second process cannot see it (runs on PostgreSQL)",
    ),
]


def _worker_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {**os.environ, "DATABASE_URL": f"{url}/{db['NAME']}", "OPENGPS_DEBUG": "1"}


def _worker(*args: str) -> subprocess.Popen[bytes]:
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.Popen(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, str(manage), "worker", "--interval", "0.2", "--no-schedule", *args],
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_task_killed_with_its_worker_completes_exactly_once_after_a_restart(tmp_path: Path) -> None:
    # given: a worker running a long task
    marker = tmp_path / "started"
    task_samples.long_once.enqueue("drill", str(marker))
    worker = _worker()
    try:
        for _ in range(300):
            if marker.exists():
                break
            time.sleep(0.1)
        assert marker.exists(), "the worker did not start the task"
        # when: the worker is killed mid-task, and another starts
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert DBTaskResult.objects.get().status == "RUNNING"
    again = _worker("--once")
    assert again.wait(timeout=120) == 0
    # then: the lost run is failed as such, the next attempt completed, the job's row written once
    results = {row.status: row for row in DBTaskResult.objects.all()}
    assert sorted(results) == ["FAILED", "SUCCESSFUL"]
    assert results["FAILED"].exception_class_path == "opengps.core.tasks.WorkerLost"
    assert results["SUCCESSFUL"].return_value == "done"
    assert ScheduledRun.objects.filter(name="drill", period="done").count() == 1
