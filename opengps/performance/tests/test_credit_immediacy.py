"""Failed acceptances and supplier-fault terminations reach the history when they happen (the
contracts services record them); finalizing an evaluation later does not count them again."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.contracts import services as contract_services
from opengps.contracts.services import CheckInput
from opengps.core.models import AuditEvent
from opengps.performance import selectors, services
from opengps.performance.models import HistoryEntry
from opengps.performance.tests.test_services import ANSWERS, _answer, _submit_all

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "张敏", "role": "采购人代表"}]


def _fail_acceptance(purchaser: Any, contract: Any) -> Any:
    item = contract_services.deliverable_add(actor=purchaser, contract=contract, name="上门服务记录")
    return contract_services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title="第一阶段验收",
        result="fail",
        reasons="上门服务记录缺失三成",
        members=MEMBERS,
        checklist=[CheckInput(item.pk, False, "记录不全")],
        recipients_invited=5,
        recipients_how="随机电话抽取",
        recipient_opinions=[{"who": "王奶奶", "opinion": "不及时", "satisfied": False}],
    )


def test_a_failure_recorded_at_once_is_not_counted_again_when_the_evaluation_is_finalized(
    purchaser: Any, winner_user: Any, evaluator_user: Any, evaluation: Any
) -> None:
    org = evaluation.contract.supplier
    # given a failed acceptance: the history shows it at once
    _fail_acceptance(purchaser, evaluation.contract)
    assert selectors.history_summary(org).failures == 1
    # when the evaluation is finalized (which also brings contract facts into the history)
    _submit_all(evaluation, {"self": winner_user, "purchaser": purchaser, "third_party": evaluator_user})
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=5)
    _answer(evaluation, codes, ANSWERS)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    # then the failure is still counted once, next to the grade
    summary = selectors.history_summary(org)
    assert summary.failures == 1
    assert sorted(e.kind for e in summary.entries) == ["acceptance_failed", "grade"]
    assert HistoryEntry.objects.filter(organization=org, kind="acceptance_failed").count() == 1
    # and the audit recorded the failure once, before the finalization
    recorded = list(
        AuditEvent.objects.filter(action__in=["performance.history_recorded", "performance.finalized"])
        .order_by("seq")
        .values_list("action", "new_values")
    )
    kinds = [(action, (new or {}).get("kind")) for action, new in recorded]
    assert kinds == [
        ("performance.history_recorded", "acceptance_failed"),
        ("performance.finalized", None),
        ("performance.history_recorded", "grade"),
    ]


def test_refreshing_the_history_after_a_termination_adds_nothing(purchaser: Any, contract: Any) -> None:
    # given a termination for the supplier's fault, recorded at once
    contract_services.contract_terminate(
        actor=purchaser, contract=contract, reason="多次未派驻人员", fault="supplier"
    )
    assert HistoryEntry.objects.filter(organization=contract.supplier, kind="terminated").count() == 1
    # when an official refreshes the history from the contract facts
    added = services.history_refresh(actor=purchaser, organization=contract.supplier)
    # then nothing is added twice
    assert added == 0
    assert selectors.history_summary(contract.supplier).failures == 1
