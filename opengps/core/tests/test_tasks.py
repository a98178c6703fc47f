"""The task system: tasks commit with their job, failed runs are retried with back-off, a run is
stopped at its timeout, a dead worker's task is reclaimed, and periodic work runs once a period."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from opengps.core import tasks
from opengps.core.models import ScheduledRun
from opengps.core.tests import task_samples

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
SCHEDULE = {
    "sample.daily": {"task": "opengps.core.tests.task_samples.noted", "every": "day", "at": "02:00"},
    "sample.hourly": {"task": "opengps.core.tests.task_samples.noted", "every": "hour"},
}


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    task_samples.calls.clear()


def _statuses(name: str) -> list[str]:
    rows = DBTaskResult.objects.filter(task_path__endswith=name).order_by("enqueued_at", "run_after")
    return [row.status for row in rows]


def test_a_task_is_stored_with_the_transaction_that_enqueues_it() -> None:
    # given / when: one enqueue rolled back, one committed
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue(task_samples.noted)
        raise RuntimeError("the job's transaction fails")
    with transaction.atomic():
        tasks.enqueue(task_samples.noted)
    # then: only the committed one exists, and a worker round runs it
    assert DBTaskResult.objects.count() == 1
    assert tasks.run_ready() == 1
    assert task_samples.calls == ["noted"] and _statuses("noted") == [TaskResultStatus.SUCCESSFUL]


def test_a_failing_task_is_retried_with_doubling_back_off_until_it_succeeds() -> None:
    with time_machine.travel(NOON, tick=False) as clock:
        task_samples.flaky.enqueue(2)
        assert tasks.run_ready() == 1  # attempt 1 fails; attempt 2 waits 30 s
        assert tasks.run_ready() == 0
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert retry.run_after == NOON + timedelta(seconds=30)
        assert retry.args_kwargs["kwargs"] == {tasks.ATTEMPT: 2}
        clock.shift(30)
        assert tasks.run_ready() == 1  # attempt 2 fails; attempt 3 waits 60 s
        assert DBTaskResult.objects.get(status=TaskResultStatus.READY).run_after == NOON + timedelta(
            seconds=90
        )
        clock.shift(59)
        assert tasks.run_ready() == 0
        clock.shift(1)
        assert tasks.run_ready() == 1
    assert _statuses("flaky") == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert DBTaskResult.objects.get(status="SUCCESSFUL").return_value == "done"


def test_a_task_that_keeps_failing_stops_after_its_attempts() -> None:
    with time_machine.travel(NOON, tick=False) as clock:
        task_samples.flaky.enqueue(99)
        for _ in range(5):
            tasks.run_ready()
            clock.shift(3600)
    assert _statuses("flaky") == ["FAILED", "FAILED", "FAILED"]
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_a_run_is_stopped_at_its_timeout_and_retried() -> None:
    task_samples.sleepy.enqueue(5)
    assert tasks.run_ready(limit=1) == 1
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "opengps.core.tasks.TaskTimeout"
    assert DBTaskResult.objects.get(status="READY").args_kwargs["kwargs"] == {tasks.ATTEMPT: 2}


def test_the_task_of_a_worker_that_died_is_failed_and_enqueued_again() -> None:
    # given: a task claimed by a worker process on this host that no longer exists
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    result = task_samples.flaky.enqueue(0)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(f"{tasks.worker_id().split(':')[0]}:{dead.pid}:dead")
    # and one claimed by a live worker (this process)
    alive = DBTaskResult.objects.get(pk=task_samples.flaky.enqueue(0).id)
    alive.claim(tasks.worker_id())
    # when
    assert tasks.reclaim_lost() == 1
    # then: the dead worker's run is failed as lost, its next attempt is ready, the live one runs on
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "opengps.core.tasks.WorkerLost"
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["kwargs"] == {tasks.ATTEMPT: 2}
    alive.refresh_from_db()
    assert alive.status == "RUNNING"


def test_a_task_on_another_host_is_lost_only_after_its_timeout_and_grace() -> None:
    with time_machine.travel(NOON, tick=False) as clock:
        row = DBTaskResult.objects.get(pk=task_samples.flaky.enqueue(0).id)
        row.claim("elsewhere:123:abcd")
        clock.shift(60 + tasks.LOST_GRACE.total_seconds())
        assert tasks.reclaim_lost() == 0
        clock.shift(1)
        assert tasks.reclaim_lost() == 1


@override_settings(OPENGPS_SCHEDULE=SCHEDULE)
def test_periodic_work_is_enqueued_once_per_period_however_many_workers_tick() -> None:
    at_one = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # 01:00 in Beijing: the daily run is not due
    assert tasks.tick(now=at_one) == ["sample.hourly"]
    assert tasks.tick(now=at_one) == []  # a second worker in the same hour
    at_three = at_one + timedelta(hours=2)  # 03:00: both due
    assert tasks.tick(now=at_three) == ["sample.daily", "sample.hourly"]
    assert tasks.tick(now=at_three + timedelta(minutes=30)) == []
    assert tasks.tick(now=at_three + timedelta(hours=21)) == ["sample.hourly"]  # 00:00 next day
    assert tasks.tick(now=at_three + timedelta(hours=23)) == ["sample.daily", "sample.hourly"]
    assert ScheduledRun.objects.filter(name="sample.daily").count() == 2
    assert DBTaskResult.objects.count() == ScheduledRun.objects.count() == 6


@override_settings(OPENGPS_SCHEDULE=SCHEDULE)
def test_a_period_another_worker_took_is_not_enqueued_again() -> None:
    # given: another worker inserted this hour's row first
    ScheduledRun.objects.create(name="sample.hourly", period="2026-12-04T12", enqueued_at=NOON)
    # when / then
    assert tasks.tick(now=NOON) == ["sample.daily"]
    assert DBTaskResult.objects.count() == 1


def test_the_platform_schedule_names_real_tasks() -> None:
    entries = tasks.schedule()
    assert {entry.name for entry in entries} >= {"oversight.redflags", "transparency.checkpoint"}
    assert all(entry.task.module_path.startswith("opengps.") for entry in entries)


def test_old_results_are_pruned() -> None:
    with time_machine.travel(NOON - timedelta(days=31), tick=False):
        task_samples.noted.enqueue()
        tasks.run_ready()
        ScheduledRun.objects.create(name="x", period="old", enqueued_at=NOON - timedelta(days=31))
    task_samples.noted.enqueue()
    with time_machine.travel(NOON, tick=False):
        assert tasks.prune_results.call() == 2
    assert DBTaskResult.objects.count() == 1
