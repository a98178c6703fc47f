"""The publisher hook in opengps.core.audit: subscribers run inside the writer's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from opengps.core import audit
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls() -> Iterator[list[Any]]:
    seen: list[Any] = []

    def callback(event: AuditEvent) -> None:
        seen.append((event.action, event.seq, connection.in_atomic_block))
        if event.object_id == "boom":
            raise RuntimeError("subscriber failed")

    audit.subscribe("test.published", callback)
    audit.subscribe("test.published", callback)  # twice: still called once
    yield seen
    audit.unsubscribe("test.published", callback)


def test_subscriber_runs_after_the_event_inside_the_transaction(calls: list[Any]) -> None:
    # when two events are written, one with a subscribed action
    with transaction.atomic():
        audit.record(actor=None, action="test.other", obj=("test.thing", "1"))
        event = audit.record(actor=None, action="test.published", obj=("test.thing", "2"))
    # then only the subscribed one reached the callback, once, with its sequence, in the transaction
    assert calls == [("test.published", event.seq, True)]


def test_record_many_calls_the_subscriber_per_event(calls: list[Any]) -> None:
    with transaction.atomic():
        events = audit.record_many(
            actor=None,
            action="test.published",
            changes=[(("test.thing", str(n)), None, {"n": n}) for n in range(3)],
        )
    assert [seq for _a, seq, _t in calls] == [e.seq for e in events]


def test_a_failing_subscriber_rolls_the_change_back(calls: list[Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.published", obj=("test.thing", "boom"))
    assert AuditEvent.objects.count() == before
    assert audit.verify_chain()[1] is None


def test_unsubscribed_callback_is_not_called() -> None:
    seen: list[str] = []

    def callback(event: AuditEvent) -> None:
        seen.append(event.action)

    audit.subscribe("test.unsub", callback)
    audit.unsubscribe("test.unsub", callback)
    audit.unsubscribe("test.unsub", callback)  # removing twice is harmless
    with transaction.atomic():
        audit.record(actor=None, action="test.unsub", obj=("test.thing", "1"))
    assert seen == []
