"""Append audit events to the hash chain and verify it.

Every service that changes state calls `record()` inside its transaction; the event and the
change commit or roll back together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from django.db import connection, models, transaction

from opengps.core import bulk, clock, metrics
from opengps.core.keys import canonical_json
from opengps.core.models import AuditChainHead, AuditEvent
from opengps.core.request_context import current_request_id

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

AuditActor: TypeAlias = "AbstractBaseUser | None"
"""Who an event names: a user, or None for the platform itself ("system"). Core does not import
accounts (import-linter), so this is Django's base user; accounts.actors names the concrete types."""

GENESIS_HASH = "0" * 64

Subscriber = Callable[[AuditEvent], None]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(action: str, callback: Subscriber) -> None:
    """Call ``callback(event)`` for every event with exactly this `action`, right after it is written.

    The publisher hook for side effects that must commit with the change (open-data releases): the
    callback runs inside the writer's transaction while the chain-head lock is held, so its writes
    are serialized with every other audited change. An exception in it rolls the change back.
    Registered once, in an app's ``ready()``; subscribing the same callback twice has no effect.
    """
    callbacks = _subscribers.setdefault(action, [])
    if callback not in callbacks:
        callbacks.append(callback)


def unsubscribe(action: str, callback: Subscriber) -> None:
    """Remove a subscription made by `subscribe` (tests)."""
    callbacks = _subscribers.get(action, [])
    if callback in callbacks:
        callbacks.remove(callback)


def to_jsonable(value: Any) -> Any:
    """Plain JSON for old/new values: Decimal and dates as strings, so no float ever enters."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float):
        raise TypeError("audit values must not be float; use Decimal")
    return str(value)


def canonical_content(event: AuditEvent) -> str:
    """The exact text hashed for an event: sorted keys, no spaces, UTF-8 kept readable."""
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = {
        "seq": event.seq,
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "old": event.old_values,
        "new": event.new_values,
        "reason": event.reason,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    return canonical_json(content)


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event).encode("utf-8")).hexdigest()


def _object_ref(obj: models.Model | tuple[str, str]) -> tuple[str, str, str]:
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk), str(obj)[:300]
    object_type, object_id = obj
    return object_type, str(object_id), ""


def _actor_fields(actor: AuditActor) -> tuple[AbstractBaseUser | None, str]:
    if actor is not None and actor.is_authenticated:
        return actor, actor.get_username()[:150]
    return None, str(actor or "system")[:150]


def record_many(
    *,
    actor: AuditActor,
    action: str,
    changes: Iterable[
        tuple[models.Model | tuple[str, str], Mapping[str, Any] | None, Mapping[str, Any] | None]
    ],
    reason: str = "",
) -> list[AuditEvent]:
    """Append one event per ``(obj, old, new)`` in `changes`, locking the chain head once.

    For bulk operations (imports): the same chain as `record()` called in a loop, at a fraction of
    the cost. Must run inside the transaction that makes the changes.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction that makes the change")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    user, label = _actor_fields(actor)
    request_id = current_request_id()
    now = clock.now()
    events: list[AuditEvent] = []
    seq, prev = head.last_seq, head.last_hash
    for obj, old, new in changes:
        object_type, object_id, object_repr = _object_ref(obj)
        seq += 1
        event = AuditEvent(
            seq=seq,
            occurred_at=now,
            # The FK is settings.AUTH_USER_MODEL, which the stubs resolve to accounts.User; core
            # may not import accounts (import-linter), so it holds the user as its base class.
            actor=user,  # type: ignore[misc]
            actor_label=label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            old_values=to_jsonable(dict(old or {})),
            new_values=to_jsonable(dict(new or {})),
            reason=reason,
            request_id=request_id,
            prev_hash=prev,
        )
        event.hash = prev = compute_hash(event)
        events.append(event)
    if not events:
        return events
    bulk.insert(events)  # COPY on PostgreSQL from `bulk.COPY_FROM` events on, else bulk_create
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    count = len(events)
    transaction.on_commit(lambda: metrics.AUDIT_EVENTS.labels(action=str(action)).inc(count))
    if _subscribers:
        for event in events:
            for callback in _subscribers.get(action, ()):
                callback(event)
    return events


def record(
    *,
    actor: AuditActor,
    action: str,
    obj: models.Model | tuple[str, str],
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event for a state change made in the caller's transaction.

    `actor` is a user (or None for the system); `obj` a saved model instance or
    ``(object_type, object_id)``. Must run inside ``transaction.atomic()``.
    """
    return record_many(actor=actor, action=action, changes=[(obj, old, new)], reason=reason)[0]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (old, new)."""
    keys = [k for k in after if to_jsonable(before.get(k)) != to_jsonable(after.get(k))]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    problem: str


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Recompute every hash in order. Returns (events checked, first break or None)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            return checked, ChainBreak(event.seq, event.pk, f"missing sequence number {expected_seq}")
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.seq, event.pk, "prev_hash does not match the previous event")
        if compute_hash(event) != event.hash:
            return checked, ChainBreak(event.seq, event.pk, "content does not match its hash")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return checked, ChainBreak(
            head.last_seq, 0, "chain head does not match the last event (rows deleted?)"
        )
    return checked, None
