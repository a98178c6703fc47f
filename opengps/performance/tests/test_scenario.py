"""Scenario: from award to contract, three phased acceptances, composite evaluation and grade — the
audit timeline of every object and the published records, through the real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opengps.contracts import selectors as contract_selectors
from opengps.contracts import services as contract_services
from opengps.contracts.models import ContractStatus
from opengps.contracts.services import CheckInput
from opengps.core.models import AuditEvent
from opengps.performance import selectors, services
from opengps.performance.models import EvaluationStatus, HistoryEntry

pytestmark = pytest.mark.django_db
D = Decimal
MEMBERS = [{"name": "李明", "role": "采购人代表"}, {"name": "黄志刚", "role": "社会工作专家"}]
RECIPIENTS: dict[str, Any] = {
    "recipients_invited": 10,
    "recipients_how": "随机电话抽取服务对象",
    "recipient_opinions": [{"who": "王奶奶", "opinion": "社工每周上门", "satisfied": True}],
}


def actions(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


SCORES = {
    "self": {"quantity": "98", "quality.rate": "100", "quality.complaints": "95", "benefit": "92"},
    "purchaser": {"quantity": "90", "quality.rate": "85", "quality.complaints": "88", "benefit": "86"},
    "third_party": {"quantity": "88", "quality.rate": "80", "quality.complaints": "84", "benefit": "83.5"},
}
"""Each party's sheet, in the template's party order (weights 10/50/40)."""
ANSWERS = [5, 4, 4, 3]


def _accept(
    purchaser: Any, contract: Any, title: str, result: str, checklist: list[CheckInput], **extra: Any
) -> Any:
    return contract_services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title=title,
        result=result,
        members=MEMBERS,
        checklist=checklist,
        **extra,
        **RECIPIENTS,
    )


def _contract_through_three_acceptances(purchaser: Any, award: Any) -> tuple[Any, list[Any]]:
    # given the announced award, the purchaser drafts, signs and publishes the contract
    start = timezone.localdate() - timedelta(days=90)
    contract = contract_services.contract_create_from_award(
        actor=purchaser, award=award, kind="outsourcing", starts_on=start, ends_on=start + timedelta(days=180)
    )
    assert contract.supplier_id == award.winner.organization_id and contract.amount == D("268000.00")
    contract = contract_services.contract_sign(actor=purchaser, contract=contract)
    contract = contract_services.contract_publish(actor=purchaser, contract=contract)
    records = contract_services.deliverable_add(actor=purchaser, contract=contract, name="上门服务记录")
    files = contract_services.deliverable_add(actor=purchaser, contract=contract, name="服务对象档案")
    # when three phases are accepted: pass, partial with reasons, final pass
    both = [CheckInput(records.pk, True), CheckInput(files.pk, True)]
    phases = [
        _accept(purchaser, contract, "第一阶段验收", "pass", both),
        _accept(
            purchaser,
            contract,
            "第二阶段验收",
            "partial",
            [CheckInput(records.pk, True), CheckInput(files.pk, False, "档案缺两份")],
            reasons="服务对象档案缺两份，限期补齐",
        ),
        _accept(purchaser, contract, "最终验收", "pass", both, final=True),
    ]
    for phase in phases:
        contract_services.acceptance_publish(actor=purchaser, acceptance=phase)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    return contract, phases


def _evaluate(purchaser: Any, contract: Any, evaluator_unit: Any, scorers: list[Any]) -> Any:
    """The performance evaluation combines the four sources; it is finalized and published."""
    evaluation = services.evaluation_create(
        actor=purchaser, contract=contract, period="2025年度", evaluator=evaluator_unit
    )
    for user, sheet in zip(scorers, SCORES.values(), strict=True):
        services.evaluation_score_submit(actor=user, evaluation=evaluation, scores=sheet)
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=4)
    for k, (code, answer) in enumerate(zip(codes, ANSWERS, strict=True)):
        services.survey_answer(
            token=evaluation.survey_token, code=code, answer=answer, source=f"198.51.100.{k}"
        )
    evaluation = services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    return services.evaluation_publish(actor=purchaser, evaluation=evaluation)


def _composite_by_hand() -> Decimal:
    """Parties 10/50/40, shares 30/12/18/30/10
    (by hand: 90.0×30 + 84.5×12 + 87.1×18 + 85.6×30 + 80×10 = 8649.8 → 86.498 → 86.50)."""
    parties = list(SCORES.values())
    weights = [D(10), D(50), D(40)]

    def leaf(code: str) -> Decimal:
        return sum((D(s[code]) * w for s, w in zip(parties, weights, strict=True)), D(0)) / 100

    satisfaction = D(100 + 80 + 80 + 60) / 4
    raw = (
        leaf("quantity") * 30
        + leaf("quality.rate") * 12
        + leaf("quality.complaints") * 18
        + leaf("benefit") * 30
        + satisfaction * 10
    ) / 100
    return raw.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _assert_timelines(contract: Any, phases: list[Any], evaluation: Any) -> None:
    """The audit timeline of each object tells the story in order."""
    assert actions(contract) == [
        "contract.created",
        "contract.signed",
        "contract.published",
        *["contract.milestone_updated"] * 2,
        "contract.completed",
    ]
    assert [actions(p) for p in phases] == [["acceptance.recorded", "acceptance.published"]] * 3
    assert actions(evaluation) == [
        "performance.evaluation_created",
        "performance.self_submitted",
        "performance.purchaser_submitted",
        "performance.third_party_submitted",
        "performance.codes_issued",
        *["performance.survey_answered"] * 4,
        "performance.finalized",
        "performance.published",
    ]
    assert actions(contract.supplier)[-1] == "performance.history_recorded"
    recorded = AuditEvent.objects.filter(action="performance.finalized").get()
    assert recorded.new_values["score"] == "86.50" and recorded.new_values["grade"] == "良"


def _assert_published(contract: Any, phases: list[Any], evaluation: Any) -> None:
    """The published records: the contract, its acceptances, the evaluation, the supplier's history."""
    assert contract in contract_selectors.public_contracts()
    assert list(contract_selectors.public_acceptances(contract)) == phases
    assert list(selectors.published()) == [evaluation]
    entry = HistoryEntry.objects.get(organization=contract.supplier)
    assert (entry.grade, entry.score, entry.flagged, entry.evaluation) == (
        "良",
        D("86.50"),
        False,
        evaluation,
    )
    public = Client()
    data = public.get(f"/api/v1/performance/evaluations/{evaluation.pk}").json()
    assert (str(data["score"]), data["grade"], data["contract"]) == ("86.50", "良", contract.reference)
    report = public.get(reverse("performance:report", args=[evaluation.pk]))
    assert report.status_code == 200 and "86.50" in report.content.decode()
    assert public.get(reverse("performance:report_pdf", args=[evaluation.pk])).content.startswith(b"%PDF")
    history = public.get(f"/api/v1/performance/suppliers/{contract.supplier.uscc}/history").json()
    assert [(e["grade"], e["reference"]) for e in history["entries"]] == [
        ("良", f"{contract.reference} 2025年度")
    ]


def test_award_to_contract_to_acceptances_to_graded_published_evaluation(
    purchaser: Any, award: Any, winner_user: Any, evaluator_user: Any, evaluator_unit: Any, template: Any
) -> None:
    # given a contract through three phased acceptances (pass, partial, final pass)
    contract, phases = _contract_through_three_acceptances(purchaser, award)
    # when the supplier, the purchaser and the evaluator score it and four recipients answer
    evaluation = _evaluate(purchaser, contract, evaluator_unit, [winner_user, purchaser, evaluator_user])
    # then the composite is the independent calculation
    assert evaluation.score == _composite_by_hand() == D("86.50")
    assert evaluation.grade == "良"
    assert evaluation.status == EvaluationStatus.PUBLISHED
    _assert_timelines(contract, phases, evaluation)
    _assert_published(contract, phases, evaluation)
