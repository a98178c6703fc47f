"""The platform's own Prometheus metrics (exported at /metrics with django-prometheus's request
latency by route): accepted state changes by audit action, refusals by code, the task queue."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import DatabaseError
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from opengps.core import tasks

AUDIT_EVENTS = Counter("opengps_audit_events_total", "State changes committed, by audit action", ["action"])
"""Accepted writes by kind, counted when their transaction commits (``bid.initial``: bids accepted)."""
REFUSALS = Counter("opengps_refusals_total", "Requests refused with a stable error code", ["code", "status"])
"""Refused requests by code, through the API and the forms (``bid.deadline_passed`` …: bids refused)."""
BID_ACTS = Counter(
    "opengps_bid_acts_acknowledged_total", "Bid submissions, modifications and withdrawals acknowledged"
)
"""Acknowledged bid acts platform-wide, counted when the receipt's transaction commits: no procurement,
lot or bidder label (the count per procurement stays sealed until the opening)."""


class TaskQueueCollector(Collector):
    """Task queue depth and the age of its oldest ready task, read from the database at scrape."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The metric names without values, so registering reads nothing from the database."""
        yield GaugeMetricFamily("opengps_task_queue_depth", "Tasks ready to run")
        yield GaugeMetricFamily("opengps_task_queue_oldest_age_seconds", "Age of the oldest ready task")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depth, age = tasks.queue_depth()
        except DatabaseError:
            return
        yield GaugeMetricFamily("opengps_task_queue_depth", "Tasks ready to run", value=depth)
        yield GaugeMetricFamily(
            "opengps_task_queue_oldest_age_seconds", "Age of the oldest ready task", value=age
        )


_registered = False


def register_collectors() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(TaskQueueCollector())
        _registered = True
