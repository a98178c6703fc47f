"""Operations endpoints: /healthz answers without the database, /readyz reports the database and
the task queue (503 when the database does not answer), /metrics only to the monitoring network."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from opengps.core import transparency
from opengps.core.tests import task_samples

pytestmark = pytest.mark.django_db(databases="__all__")  # /readyz asks the replica when there is one


def test_healthz_answers_without_touching_the_database(django_assert_num_queries: Any) -> None:
    Client().get("/healthz")  # the per-process holiday-calendar reload (once a minute) happens here
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_the_task_queue() -> None:
    task_samples.noted.enqueue()
    task_samples.noted.enqueue()
    body = Client().get("/readyz").json()
    assert body["status"] == "ok"
    assert body["tasks"]["ready"] == 2
    assert body["tasks"]["oldest_age_seconds"] >= 0
    assert ("replica" in body) == ("replica" in settings.DATABASES)  # reported only when configured


def test_readyz_is_503_with_a_plain_body_when_the_database_does_not_answer() -> None:
    with mock.patch("opengps.core.health.tasks.queue_depth", side_effect=DatabaseError("gone")):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_healthz_refuses_other_methods() -> None:
    assert Client().post("/healthz").status_code == 405


def test_metrics_are_served_to_the_monitoring_network_only() -> None:
    # given: a committed audit event and a refused API request counted
    outside = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")
    assert outside.status_code == 404
    Client().get("/api/v1/registry/organizations/not-a-number")
    # when
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "opengps_task_queue_depth" in text
    assert "opengps_refusals_total" in text


@override_settings(OPENGPS_METRICS_NETWORKS=["10.0.0.0/8"])
def test_the_monitoring_networks_are_configurable() -> None:
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200


SUM_OVER_WORKERS = """
import os, sys
import django
django.setup()
from django.test import RequestFactory
from opengps.core import health, metrics
for _ in range(2):  # two worker processes, as gunicorn forks them
    pid = os.fork()
    if pid == 0:
        metrics.AUDIT_EVENTS.labels(action="drill.counted").inc()
        os._exit(0)
    os.waitpid(pid, 0)
response = health.metrics(RequestFactory().get("/metrics", REMOTE_ADDR="127.0.0.1"))
sys.stdout.write(response.content.decode())
"""


def test_a_scrape_sums_every_worker_in_multiprocess_mode(tmp_path: Path) -> None:
    # given: PROMETHEUS_MULTIPROC_DIR as deploy/gunicorn.conf.py sets it, two workers that counted
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "opengps.settings",
        "OPENGPS_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    # when: the parent process (a third worker) answers the scrape
    result = subprocess.run(  # noqa: S603 — this interpreter with a fixed script
        [sys.executable, "-c", SUM_OVER_WORKERS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=settings.BASE_DIR,
    )
    # then: the counter is the sum over both workers
    assert 'opengps_audit_events_total{action="drill.counted"} 2.0' in result.stdout


def test_an_acknowledged_bid_act_is_counted_only_when_its_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def counted() -> float:
        return REGISTRY.get_sample_value("opengps_bid_acts_acknowledged_total") or 0.0

    before = counted()
    # when: one receipt's transaction commits, another's rolls back
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            transparency.leaf_append(receipt_digest="ab" * 32)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            transparency.leaf_append(receipt_digest="cd" * 32)
            raise RuntimeError("the bid's transaction fails after its leaf")
    # then: only the acknowledged one is counted
    assert counted() == before + 1
