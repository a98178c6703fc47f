"""Declared hooks through which a later stage (performance) acts on contract events without the
contracts app importing it: the layering runs contracts → performance, never back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from opengps.accounts.actors import Actor
from opengps.contracts.models import Contract

SupplierFaultKind = Literal["acceptance_failed", "terminated"]


@dataclass(frozen=True)
class SupplierFault:
    """A fact against the supplier: an acceptance phase failed (`phase` set) or the contract was
    terminated for the supplier's fault (`phase` None)."""

    contract: Contract
    kind: SupplierFaultKind
    occurred_on: date
    note: str
    phase: int | None = None


class SupplierFaultSubscriber(Protocol):
    """Called inside the contracts service's transaction, after its audit event: an exception
    rolls the contract event back with it."""

    def __call__(self, *, actor: Actor, fault: SupplierFault) -> None: ...


_supplier_fault_subscribers: list[SupplierFaultSubscriber] = []


def on_supplier_fault(subscriber: SupplierFaultSubscriber) -> None:
    """Subscribe to supplier faults (the performance app's credit loop, from its `ready()`)."""
    if subscriber not in _supplier_fault_subscribers:
        _supplier_fault_subscribers.append(subscriber)


def supplier_fault_subscribers() -> tuple[SupplierFaultSubscriber, ...]:
    return tuple(_supplier_fault_subscribers)


def supplier_fault_recorded(*, actor: Actor, fault: SupplierFault) -> None:
    """Tell every subscriber, in order, in the caller's transaction."""
    for subscriber in tuple(_supplier_fault_subscribers):
        subscriber(actor=actor, fault=fault)


@contextmanager
def subscribed(subscriber: SupplierFaultSubscriber) -> Iterator[None]:
    """Within the block, `subscriber` also hears supplier faults (tests)."""
    _supplier_fault_subscribers.append(subscriber)
    try:
        yield
    finally:
        _supplier_fault_subscribers.remove(subscriber)
