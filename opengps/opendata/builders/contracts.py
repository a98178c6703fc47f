"""Contracts and their implementation (milestones, payments, acceptance, performance)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from opengps.contracts.models import Contract
from opengps.opendata import ocds
from opengps.opendata.builders.common import (
    PUBLIC_CONTRACT_STATUSES,
    Parties,
    _day,
    _day_end,
    _document,
    _moment,
    public_url,
)
from opengps.performance.models import EvaluationStatus
from opengps.procurement.models import Procurement


def _contracts(procurement: Procurement, parties: Parties, buyer: dict[str, str]) -> list[dict[str, Any]]:

    contracts = (
        Contract.objects.filter(procurement=procurement, status__in=PUBLIC_CONTRACT_STATUSES)
        .select_related("lot", "supplier__region", "award", "procurement")
        .order_by("lot__number", "pk")
    )
    return [_contract(contract, parties, buyer) for contract in contracts]


def _related(contract: Any, name: str) -> list[Any]:
    manager = getattr(contract, name, None)
    return list(manager.all()) if manager is not None else []


def _performance_documents(contract: Any) -> list[dict[str, Any]]:
    """Published performance evaluations (绩效评价结果), which the portal shows, as implementation
    documents: score and grade in the title, the public report page as the URL."""

    evaluations = [
        e
        for e in _related(contract, "evaluations")
        if e.status == EvaluationStatus.PUBLISHED and e.published_at is not None
    ]
    return [
        ocds.compact(
            {
                "id": f"performance-{e.pk}",
                "documentType": "physicalProgressReport",
                "title": f"绩效评价结果（{e.period}）：综合得分 {e.score}，等级 {e.grade}",
                "description": e.citation,
                "url": public_url(reverse("portal:notice", kwargs={"kind": "performance", "pk": e.pk})),
                "datePublished": _moment(e.published_at),
                "format": "text/html",
                "language": "zh",
            }
        )
        for e in sorted(evaluations, key=lambda e: (e.published_at, e.pk))
    ]


def _milestone(m: Any, contract: Any) -> dict[str, Any]:
    """A contract milestone (milestoneStatus codelist): ``met`` once done; a milestone still open
    when the contract is terminated early can no longer be met, so it is ``notMet`` as of the
    termination day (``dateModified``) rather than ``scheduled`` forever."""
    status, modified, note = "met" if m.done_on else "scheduled", None, m.note
    if m.done_on is None and contract.status == "terminated":
        status, modified = "notMet", _day(contract.terminated_on)
        note = "；".join(part for part in (m.note, "合同提前解除，该节点未完成") if part)
    return ocds.compact(
        {
            "id": f"M{m.order}",
            "title": m.title,
            "type": "delivery",
            "description": note,
            "dueDate": _day_end(m.due_on),
            "dateMet": _day(m.done_on),
            "dateModified": modified,
            "status": status,
        }
    )


def _contract_notices(contract: Any) -> list[dict[str, Any]]:
    """The contract's public notices: its own page and PDF once published, and the award result."""
    notices: list[dict[str, Any]] = []
    if contract.published_at is not None:  # 合同公告 (IR §50): the portal page and its PDF
        notices = [
            _document(
                "contract-notice",
                "contractNotice",
                f"合同公告：{contract.title}",
                reverse("portal:notice", kwargs={"kind": "contract", "pk": contract.pk}),
                _moment(contract.published_at),
                "text/html",
            ),
            _document(
                "contract-notice-pdf",
                "contractNotice",
                f"合同公告（PDF）：{contract.title}",
                reverse("contracts:notice_pdf", kwargs={"contract_id": contract.pk}),
                _moment(contract.published_at),
                "application/pdf",
            ),
        ]
    award = contract.award
    if award is not None and award.winner_id is not None and award.announced_at is not None:
        # the result the contract follows: public from the announcement, so a signed contract
        # links a page that answers before its own notice is due (IR §50: 2 working days)
        notices.append(
            _document(
                "result",
                "awardNotice",
                f"中标（成交）结果公告：{contract.procurement.title}",
                reverse("portal:notice", kwargs={"kind": "result", "pk": award.pk}),
                _moment(award.announced_at),
                "text/html",
            )
        )
    return notices


def _contract_description(contract: Any) -> str:
    """The kind, and how a terminated or completed contract ended (OCDS has one status for both)."""
    description = str(contract.get_kind_display())
    if contract.status == "terminated":
        # OCDS contract status "terminated" covers both ends: the description says which
        description += f"；合同提前解除（{_day(contract.terminated_on) or ''}）"
        if getattr(contract, "termination_reason", ""):
            description += f"：{contract.termination_reason}"
    elif contract.status == "completed":
        description += f"；合同履行完毕（终验合格，{_moment(contract.completed_at) or ''}）"
    return description


def _contract(contract: Any, parties: Parties, buyer: dict[str, str]) -> dict[str, Any]:
    supplier = parties.organization(contract.supplier, "supplier", "payee")
    parties.unit(contract.purchaser, "payer")
    amendments = [
        ocds.compact(
            {
                "id": f"{contract.reference}-A{a.number}",
                "date": _day(a.signed_on),
                "rationale": a.reason,
                "description": f"合同金额 {a.amount_before} → {a.amount_after} 元；结束日期 "
                f"{a.ends_on_before} → {a.ends_on_after}（依据：{a.citation}）",
            }
        )
        for a in _related(contract, "amendments")
    ]
    milestones = [_milestone(m, contract) for m in _related(contract, "milestones")]
    transactions = [
        {
            "id": f"{contract.reference}-P{p.order}",
            "date": _day(p.paid_on),
            "value": ocds.value(p.paid_amount if p.paid_amount is not None else p.amount),
            "payer": buyer,
            "payee": supplier,
        }
        for p in _related(contract, "payments")
        if p.paid_on is not None
    ]
    documents = [
        ocds.compact(
            {
                "id": f"acceptance-{a.phase}",
                "documentType": "completionCertificate" if a.final else "physicalProgressReport",
                "title": f"{a.title}（{a.get_result_display()}）",
                "description": a.reasons,
                "datePublished": _moment(a.published_at),
                "language": "zh",
            }
        )
        for a in _related(contract, "acceptances")
        if getattr(a, "published", False)
    ]
    documents += [
        {
            "id": f"report-{r.pk}",
            "documentType": "physicalProgressReport",
            "title": f"履约报告 {r.period_start}—{r.period_end}",
            "datePublished": _moment(r.submitted_at),
            "language": "zh",
        }
        for r in _related(contract, "reports")
    ]
    documents += _performance_documents(contract)
    notices = _contract_notices(contract)
    description = _contract_description(contract)
    return ocds.compact(
        {
            "id": contract.reference,
            "awardID": f"lot-{contract.lot.number}",
            "title": contract.title,
            "description": description,
            "status": ocds.contract_status(contract.status),
            "period": {"startDate": _day(contract.starts_on), "endDate": _day_end(contract.ends_on)},
            "value": ocds.value(contract.amount),
            "dateSigned": _day(contract.signed_on),
            "amendments": amendments,
            "milestones": milestones,
            "documents": notices,
            "implementation": ocds.compact({"transactions": transactions, "documents": documents}),
        }
    )
