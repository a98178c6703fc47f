"""The credit loop is immediate: a failed acceptance or a termination for the supplier's fault
reaches the supplier's performance history in the same transaction as the contract event (the
performance app hears it through `opengps.contracts.hooks`, registered in `apps.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from opengps.contracts import services
from opengps.contracts.models import Contract
from opengps.contracts.services import CheckInput
from opengps.core.models import AuditEvent
from opengps.performance.models import HistoryEntry

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "张敏", "role": "采购人代表"}, {"name": "刘洋", "role": "社会工作专家"}]
RECIPIENTS: dict[str, Any] = {
    "recipients_invited": 12,
    "recipients_how": "随机电话抽取服务对象",
    "recipient_opinions": [{"who": "王奶奶", "opinion": "服务不及时", "satisfied": False}],
}


def credit_actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(
            Q(action__in=["acceptance.recorded", "contract.terminated"])
            | Q(action__startswith="performance.")
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def running(purchaser: Any, make_contract: Callable[..., Contract]) -> Contract:
    contract = make_contract(small_supplier=True)
    services.contract_sign(actor=purchaser, contract=contract)
    return services.contract_publish(actor=purchaser, contract=contract)


def _accept(purchaser: Any, contract: Contract, result: str) -> Any:
    item = services.deliverable_add(actor=purchaser, contract=contract, name=f"服务记录{result}")
    passed = result == "pass"
    return services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title=f"阶段验收 {result}",
        result=result,
        reasons="" if passed else "上门服务记录缺失三成",
        members=MEMBERS,
        checklist=[CheckInput(item.pk, passed, "" if passed else "记录不全")],
        **RECIPIENTS,
    )


def test_a_failed_acceptance_flags_the_suppliers_history_at_once(purchaser: Any, running: Contract) -> None:
    # given a passed first phase: nothing on the history
    _accept(purchaser, running, "pass")
    assert not HistoryEntry.objects.filter(organization=running.supplier).exists()
    # when the second phase fails
    failed = _accept(purchaser, running, "fail")
    # then the failure is on the supplier's history at once, flagged, under the phase's reference
    entry = HistoryEntry.objects.get(organization=running.supplier)
    assert entry.kind == "acceptance_failed" and entry.source == "contract"
    assert entry.reference == f"{running.reference} 验收{failed.phase}"
    assert entry.occurred_on == timezone.localdate() and entry.note == "上门服务记录缺失三成"
    assert entry.flagged
    # and the audit shows the acceptance, then the history and the flag, in order
    assert credit_actions() == [
        "acceptance.recorded",
        "acceptance.recorded",
        "performance.history_recorded",
        "performance.flagged",
    ]


def test_a_termination_for_the_suppliers_fault_is_recorded_at_once(purchaser: Any, running: Contract) -> None:
    # when the purchaser terminates for the supplier's fault
    services.contract_terminate(
        actor=purchaser, contract=running, reason="供应商多次未按约定派驻人员", fault="supplier"
    )
    # then the history has the termination, flagged
    entry = HistoryEntry.objects.get(organization=running.supplier)
    assert (entry.kind, entry.reference, entry.flagged) == ("terminated", running.reference, True)
    assert entry.note == "供应商多次未按约定派驻人员"
    assert credit_actions() == [
        "contract.terminated",
        "performance.history_recorded",
        "performance.flagged",
    ]


def test_a_termination_not_for_the_suppliers_fault_leaves_the_history_alone(
    purchaser: Any, running: Contract
) -> None:
    services.contract_terminate(actor=purchaser, contract=running, reason="财政资金取消", fault="purchaser")
    assert not HistoryEntry.objects.filter(organization=running.supplier).exists()
    assert credit_actions() == ["contract.terminated"]


def test_a_refused_acceptance_records_nothing_on_the_history(purchaser: Any, running: Contract) -> None:
    from opengps.core.errors import ServiceError

    item = services.deliverable_add(actor=purchaser, contract=running, name="服务记录")
    # a fail without reasons is refused: neither the acceptance nor the history changes
    with pytest.raises(ServiceError):
        services.acceptance_record(
            actor=purchaser,
            contract=running,
            title="阶段验收",
            result="fail",
            members=MEMBERS,
            checklist=[CheckInput(item.pk, False, "记录不全")],
            **RECIPIENTS,
        )
    assert not running.acceptances.exists()
    assert not HistoryEntry.objects.exists()
