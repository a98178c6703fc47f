"""Background work as tasks (STYLE §12): Django's standard task API (`django_tasks`, the backport of
Django 6's `django.tasks`) with the platform's policy on top — a per-task timeout, retries with
exponential back-off, reclaiming the tasks of a worker that died, and a scheduler for periodic
work that runs each period exactly once however many workers run.

The default backend is the database (`django_tasks_db`): a task is a row written in the same
transaction as the job it runs, so an acknowledged job is never lost, and SQLite or PostgreSQL is
all `make demo` needs. A cluster may configure the Redis backend (`django_tasks_rq`); the task code
is the same (docs/operations.md).

Tasks must be idempotent: a task may run again after a worker died in the middle of it, so it
checks its job's state first and writes its result in one transaction with the job's status.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal, ParamSpec, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.base import Task

from opengps.core import clock
from opengps.core.models import ScheduledRun

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPT = "_attempt"
"""The keyword a retried task carries: which attempt this run is (the first run has none)."""
LOST_GRACE = timedelta(minutes=2)
"""How long past its timeout a task on another host may run before it counts as lost."""


class TaskTimeout(Exception):
    """The task ran longer than its policy allows; it is stopped and retried or failed."""


class WorkerLost(Exception):
    """The worker running the task died (killed, machine lost); the task is retried."""


@dataclass(frozen=True)
class Policy:
    attempts: int
    """Runs at most this many times in all (1: never retried)."""
    timeout: int
    """Seconds one run may take before it is stopped (`TaskTimeout`)."""
    backoff: int
    """Seconds before the first retry; doubled for each further one."""

    def delay(self, attempt: int) -> timedelta:
        """How long to wait before run number `attempt + 1`."""
        return timedelta(seconds=self.backoff * 2 ** max(attempt - 1, 0))


_policies: dict[str, Policy] = {}


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise `TaskTimeout` in the running code after `seconds` (a SIGALRM timer; only where signals
    can be used — the worker's main thread; elsewhere the run is not bounded)."""

    def expire(signum: int, frame: Any) -> None:
        raise TaskTimeout(f"task ran longer than {seconds} s")

    if seconds <= 0:
        yield
        return
    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main thread: signals cannot be used here
        yield
        return
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def background(
    *,
    attempts: int = 3,
    timeout: int = 600,
    backoff: int = 30,
    queue_name: str = "default",
    priority: int = 0,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Make a module-level function a task with the platform's policy: each run is stopped after
    `timeout` seconds; a run that raises is enqueued again after `backoff` · 2^(n-1) seconds until
    `attempts` runs have been made (the failed run stays visible as failed)."""
    policy = Policy(attempts=attempts, timeout=timeout, backoff=backoff)

    def wrap(function: Callable[P, T]) -> Task[P, T]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                with deadline(policy.timeout):
                    return function(*args, **kwargs)
            except Exception:
                if attempt < policy.attempts:
                    retry(the_task, args, kwargs, attempt=attempt)
                raise

        the_task: Task[P, T] = task(queue_name=queue_name, priority=priority)(run)
        _policies[the_task.module_path] = policy
        return the_task

    return wrap


def policy_of(module_path: str) -> Policy:
    return _policies.get(module_path, Policy(attempts=1, timeout=0, backoff=0))


def retry(the_task: Task[Any, Any], args: Any, kwargs: dict[str, Any], *, attempt: int) -> None:
    """Enqueue run number `attempt + 1` of `the_task` after its back-off."""
    delay = policy_of(the_task.module_path).delay(attempt)
    logger.warning("task %s failed (attempt %s); retrying in %s", the_task.module_path, attempt, delay)
    the_task.using(run_after=clock.now() + delay).enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})


def _same_database() -> bool:
    return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__module__.startswith("django_tasks_db")


def enqueue(the_task: Task[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue `the_task` as part of the caller's transaction: with the database backend the task
    row commits (or rolls back) with the job it runs; with another backend it is sent on commit."""
    if _same_database() or not connection.in_atomic_block:
        the_task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


# --- workers ------------------------------------------------------------------------------------


def worker_id() -> str:
    """``host:pid:random`` — lets a worker on the same host tell a dead worker's tasks apart."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{os.urandom(4).hex()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lost(worker: str, started_at: datetime | None, policy: Policy, now: datetime) -> bool:
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname()[:40] and pid.isdigit():
        return not _alive(int(pid))
    limit = timedelta(seconds=policy.timeout or 3600) + LOST_GRACE
    return started_at is not None and now - started_at > limit


def reclaim_lost(*, now: datetime | None = None) -> int:
    """Fail the running tasks whose worker died and enqueue their next attempt (database backend).

    A worker on this host is dead when its process is gone; one elsewhere when its task has run
    past the task's timeout plus `LOST_GRACE` (a live worker stops a task at its timeout)."""
    if not _same_database():
        return 0
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    reclaimed = 0
    for row in DBTaskResult.objects.running().order_by("started_at"):
        worker = (row.worker_ids or [""])[-1]
        try:
            the_task = row.task  # imports the task's module, which registers its policy
        except (ImportError, AttributeError):
            the_task = None
        policy = policy_of(row.task_path)
        if not _lost(worker, row.started_at, policy, now):
            continue
        with transaction.atomic():
            locked = DBTaskResult.objects.select_for_update().filter(pk=row.pk, status=row.status).first()
            if locked is None:
                continue
            locked.set_failed(WorkerLost(f"worker {worker} stopped while running the task"))
            args, kwargs = list(locked.args_kwargs["args"]), dict(locked.args_kwargs["kwargs"])
            attempt = int(kwargs.pop(ATTEMPT, 1))
            if the_task is not None and attempt < policy.attempts:
                retry(the_task, args, kwargs, attempt=attempt)
            reclaimed += 1
    if reclaimed:
        logger.warning("reclaimed %s task(s) of lost workers", reclaimed)
    return reclaimed


def queue_depth() -> tuple[int, float]:
    """Tasks ready to run now and the age in seconds of the oldest one (database backend)."""
    if not _same_database():
        return 0, 0.0
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return ready.count(), (clock.now() - oldest).total_seconds() if oldest else 0.0


# --- the scheduler ------------------------------------------------------------------------------

Every = Literal["minute", "hour", "day"]


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task[Any, Any]
    every: Every
    at: time | None = None
    """For daily work: the local (Asia/Shanghai) time of day from which the day's run is due."""

    def period(self, now: datetime) -> str | None:
        """The key of the period `now` falls in, or None while today's run is not yet due."""
        local = now.astimezone(clock.BEIJING)
        if self.every == "minute":
            return local.strftime("%Y-%m-%dT%H:%M")
        if self.every == "hour":
            return local.strftime("%Y-%m-%dT%H")
        if self.at is not None and local.time() < self.at:
            return None
        return local.date().isoformat()


def schedule() -> list[Periodic]:
    """The periodic work, as data in settings (``OPENGPS_SCHEDULE``: name → task path, every, at)."""
    entries = []
    for name, spec in sorted(settings.OPENGPS_SCHEDULE.items()):
        at = time.fromisoformat(spec["at"]) if spec.get("at") else None
        every = spec["every"]
        if every not in ("minute", "hour", "day"):
            raise ImproperlyConfigured(f"OPENGPS_SCHEDULE[{name!r}]: every must be minute, hour or day")
        entries.append(Periodic(name=name, task=import_string(spec["task"]), every=cast(Every, every), at=at))
    return entries


def tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose current period has no run yet; returns their names.

    Several workers may tick at once: the unique (name, period) row is the lock — only the worker
    whose insert succeeds enqueues, in the same transaction, so each period runs exactly once."""
    now = now or clock.now()
    started = []
    for entry in schedule():
        key = entry.period(now)
        if key is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=entry.name, period=key, enqueued_at=now)
                enqueue(entry.task)
        except IntegrityError:
            continue
        started.append(entry.name)
    return started


def backend_names() -> list[str]:
    return list(task_backends)


def run_ready(*, worker: str = "", limit: int | None = None) -> int:
    """Run the ready tasks of the database backend in this process, oldest first, one claim per
    transaction (the worker's round; tests call it too); returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult  # the database backend's own table
    from django_tasks_db.utils import exclusive_transaction

    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=limit,
        worker_id=worker or worker_id(),
        excluded_queue_names=[],
    )
    ran = 0
    while limit is None or ran < limit:
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        with exclusive_transaction(ready.db):
            row = ready.get_locked()
            if row is None:
                break
            row.claim(runner.worker_id)
        runner.run_task(row)
        ran += 1
    return ran


KEEP_RESULTS = timedelta(days=30)
"""Finished task results and schedule rows older than this are deleted by `prune_results`."""


@background(attempts=2, timeout=600, backoff=300)
def prune_results() -> int:
    """Delete finished task results and scheduled-run rows older than `KEEP_RESULTS` (daily)."""
    cutoff = clock.now() - KEEP_RESULTS
    deleted = ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()[0]
    if _same_database():
        from django_tasks_db.models import DBTaskResult  # the database backend's own table

        deleted += DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]
    return deleted
