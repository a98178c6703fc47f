"""Operations endpoints: `/healthz` (the process answers), `/readyz` (it can serve: the database
answers; replica lag and task-queue lag reported) and `/metrics` (Prometheus, for the monitoring
network only). None of them touches a session or needs a login."""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from opengps.core import metrics as metrics_module
from opengps.core import tasks

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive (no database call: a load balancer's liveness probe)."""
    return JsonResponse({"status": "ok"})


REPLICA_CATCH_UP_SECONDS = 0.25
"""How long `replica_lag` watches a standby replay what it had received before it calls it late."""


def replica_lag() -> float | None:
    """Seconds the read replica is behind (None without a replica; raises when it does not answer).

    A standby that replays what it had received within REPLICA_CATCH_UP_SECONDS lags that long; one
    that does not, or whose WAL receiver is gone (primary unreachable, WAL recycled), is as late as
    its last replayed commit. A database that is not a standby lags 0."""
    if "replica" not in settings.DATABASES:
        return None
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()::text, "
            "EXISTS (SELECT FROM pg_stat_wal_receiver)"
        )
        in_recovery, received, receiving = cursor.fetchone()
        if not in_recovery:
            return 0.0
        started = time.monotonic()
        while True:
            cursor.execute(
                "SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false), EXTRACT(EPOCH FROM "
                "now() - COALESCE(pg_last_xact_replay_timestamp(), pg_postmaster_start_time()))",
                [received],
            )
            caught_up, since_commit = cursor.fetchone()
            waited = time.monotonic() - started
            if receiving and caught_up:
                return waited
            if not receiving or waited >= REPLICA_CATCH_UP_SECONDS:
                return max(float(since_commit), waited)
            time.sleep(0.02)


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the primary database answers (else 503). Also reports the replica's lag and
    the task queue (ready tasks, age of the oldest); a replica that does not answer or lags more
    than OPENGPS_REPLICA_MAX_LAG is reported as such (public reads then go to the primary)."""
    body: dict[str, Any] = {"status": "ok"}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        depth, age = tasks.queue_depth()
        body["tasks"] = {"ready": depth, "oldest_age_seconds": round(age, 1)}
    except DatabaseError as exc:
        logger.warning("readyz: database not answering: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    try:
        lag = replica_lag()
    except DatabaseError:
        body["replica"] = {"status": "down"}
    else:
        if lag is not None:
            late = lag > settings.OPENGPS_REPLICA_MAX_LAG
            body["replica"] = {"status": "lagging" if late else "ok", "lag_seconds": round(lag, 3)}
    return JsonResponse(body)


def _allowed(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.OPENGPS_METRICS_NETWORKS)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, to the monitoring networks only (OPENGPS_METRICS_NETWORKS; 404 to others).

    Under gunicorn with several workers, ``PROMETHEUS_MULTIPROC_DIR`` (deploy/gunicorn.conf.py sets
    it) makes every worker write its counters there and a scrape sums all workers' files, whichever
    worker answers; the task-queue gauges are read from the database at the scrape."""
    if not _allowed(request):
        return HttpResponse(status=404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated upstream
        registry.register(metrics_module.TaskQueueCollector())
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    return ExportToDjangoView(request)  # type: ignore[no-any-return]
