"""The supplier-fault hook: contracts tells its subscribers (the performance app's credit loop) of a
failed acceptance or a termination for the supplier's fault, inside the contract event's
transaction, without importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from opengps.contracts import hooks, services
from opengps.contracts.hooks import SupplierFault
from opengps.contracts.models import Contract, ContractStatus
from opengps.contracts.services import CheckInput
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "张敏", "role": "采购人代表"}]
RECIPIENTS: dict[str, Any] = {"recipients_invited": 5, "recipients_how": "电话回访"}


class Heard:
    """A subscriber that keeps what it hears, whether it was inside a transaction, and the audit
    actions already written when it was called."""

    def __init__(self) -> None:
        self.faults: list[SupplierFault] = []
        self.in_transaction: list[bool] = []
        self.written: list[list[str]] = []

    def __call__(self, *, actor: Any, fault: SupplierFault) -> None:
        self.faults.append(fault)
        self.in_transaction.append(transaction.get_connection().in_atomic_block)
        self.written.append(list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)))


@pytest.fixture
def running(purchaser: Any, make_contract: Callable[..., Contract]) -> Contract:
    contract = make_contract()
    services.contract_sign(actor=purchaser, contract=contract)
    return services.contract_publish(actor=purchaser, contract=contract)


def _fail_a_phase(purchaser: Any, contract: Contract) -> Any:
    item = services.deliverable_add(actor=purchaser, contract=contract, name="服务记录")
    return services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title="阶段验收",
        result="fail",
        reasons="记录缺失",
        members=MEMBERS,
        checklist=[CheckInput(item.pk, False, "记录不全")],
        **RECIPIENTS,
    )


def test_a_failed_acceptance_is_heard_in_its_transaction_after_its_event(
    purchaser: Any, running: Contract
) -> None:
    heard = Heard()
    # when a phase fails while a subscriber listens
    with hooks.subscribed(heard):
        failed = _fail_a_phase(purchaser, running)
    # then the subscriber heard the fault once, inside the transaction, after acceptance.recorded
    [fault] = heard.faults
    assert (fault.contract.pk, fault.kind, fault.phase) == (running.pk, "acceptance_failed", failed.phase)
    assert (fault.occurred_on, fault.note) == (timezone.localdate(), "记录缺失")
    assert heard.in_transaction == [True]
    assert "acceptance.recorded" in heard.written[0]


def test_a_termination_for_the_suppliers_fault_is_heard(purchaser: Any, running: Contract) -> None:
    heard = Heard()
    with hooks.subscribed(heard):
        services.contract_terminate(actor=purchaser, contract=running, reason="未按约派员", fault="supplier")
    [fault] = heard.faults
    assert (fault.contract.pk, fault.kind, fault.phase) == (running.pk, "terminated", None)
    assert (fault.occurred_on, fault.note) == (timezone.localdate(), "未按约派员")
    assert heard.in_transaction == [True]
    assert "contract.terminated" in heard.written[0]


def test_a_termination_for_another_partys_fault_is_not_heard(purchaser: Any, running: Contract) -> None:
    heard = Heard()
    with hooks.subscribed(heard):
        services.contract_terminate(actor=purchaser, contract=running, reason="资金取消", fault="purchaser")
    assert heard.faults == []


def test_a_subscriber_that_fails_rolls_the_contract_event_back(purchaser: Any, running: Contract) -> None:
    def broken(*, actor: Any, fault: SupplierFault) -> None:
        raise RuntimeError("history unavailable")

    events = AuditEvent.objects.count()
    with hooks.subscribed(broken), pytest.raises(RuntimeError):
        services.contract_terminate(actor=purchaser, contract=running, reason="未按约派员", fault="supplier")
    running.refresh_from_db()
    assert running.status == ContractStatus.PUBLISHED and running.terminated_on is None
    assert AuditEvent.objects.count() == events
    assert broken not in hooks.supplier_fault_subscribers()


def test_subscribing_twice_is_hearing_once() -> None:
    heard = Heard()
    before = hooks.supplier_fault_subscribers()
    try:
        hooks.on_supplier_fault(heard)
        hooks.on_supplier_fault(heard)
        assert hooks.supplier_fault_subscribers() == (*before, heard)
    finally:
        hooks._supplier_fault_subscribers.remove(heard)
