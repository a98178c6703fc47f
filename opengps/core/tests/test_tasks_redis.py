"""The Redis backend (django-tasks-rq) runs the same task code as the database backend: a task
enqueued by one process with OPENGPS_TASKS_REDIS_URL set is run by `manage.py rqworker`, retried
with the same policy, and writes to the same database. Needs PostgreSQL (two processes share the
database) and the Redis server on 127.0.0.1:6379 (both run in CI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from opengps.core.models import ScheduledRun

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by the test


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the SQLite test database is in memory: the RQ worker cannot see it (runs on PostgreSQL)",
    ),
    pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379"),
    pytest.mark.xdist_group("redis-tasks"),
]


def _env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "OPENGPS_DEBUG": "1",
        "OPENGPS_TASKS_REDIS_URL": REDIS_URL,
    }


def _manage(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, str(manage), *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def _runs(key: str) -> int:
    return ScheduledRun.objects.filter(name__startswith=f"{key}#").count()


def test_the_same_task_code_runs_on_the_redis_backend_with_its_retries() -> None:
    # given: an empty Redis database and two tasks enqueued by a process configured for Redis
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    _manage(
        "shell",
        "-c",
        "from opengps.core import tasks; from opengps.core.tests import task_samples as t; "
        "tasks.enqueue(t.recorded, 'redis-once'); tasks.enqueue(t.recorded, 'redis-retry', fail_times=2)",
    )
    # then: the work waits in Redis, not in the database backend's table
    assert DBTaskResult.objects.count() == 0
    assert _runs("redis-once") == _runs("redis-retry") == 0
    # when: an RQ worker runs the queue as in production (its scheduler moves the retries,
    # which are scheduled jobs, to the queue when due)
    manage = Path(settings.BASE_DIR) / "manage.py"
    worker = subprocess.Popen(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, str(manage), "rqworker", "default", "--with-scheduler"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while (_runs("redis-retry") < 3 or _runs("redis-once") < 1) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a run past the expected ones would show within this second
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    # then: each task ran to success, the flaky one after its two failures, nothing twice
    assert _runs("redis-once") == 1
    assert _runs("redis-retry") == 3
