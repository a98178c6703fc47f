"""Build OCDS releases from the database state at the moment of a published change.

Every release of a procurement is a full snapshot of what is public about it at that moment
(parties with all their roles, tender, bids once opened, announced awards, public contracts), with
the tag of the change that caused it. Because the merge rules replace whole lists such as
``parties.roles``, a snapshot is what keeps compiled releases right.

Secrecy before the opening (RULES.md §12; O87 §28): bid data is read only from the opening's
`BidReadout` rows, which do not exist before the bids are opened; `BidSubmission`, `BidVersion`,
the documents register and the invitation list are never read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.urls import reverse

from opengps.accounts.models import Unit
from opengps.opendata import ocds
from opengps.planning.models import PurchaseIntention, PurchasePlan
from opengps.procurement.models import BidReadout, Clarification, Lot, OpeningRecord, Procurement
from opengps.registry.models import Organization
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method, parse_method
from opengps.rules.procurement_flow import AWARD_BASIS_ZH, procedure_for

PUBLIC_CONTRACT_STATUSES = ("signed", "published", "completed", "terminated")
"""A contract is public once signed (IR §50: published within 2 working days of signing)."""
FAILED_STATUSES = ("failed", "retendered", "method_change_requested", "method_changed")
"""Procurement statuses the portal lists as 采购失败（废标）公告."""


MISSING_SETTING_HELP = """%(name)s is not set, and OPENGPS_DEBUG is off (production).
%(why)s Set it in the service environment; `manage.py check --deploy` lists what is missing.
未设置 %(name)s（生产环境）：开放数据发布后不可更改，请先配置再发布。"""
OCID_PREFIX_WHY = (
    "Every published ocid starts with it and can never change: register the deployment's prefix "
    "with the Open Contracting Partnership (ocds- and 6 characters) and set OPENGPS_OCID_PREFIX."
)
GIVING_PREFIX_WHY = (
    "Every published 360Giving grant id starts with it and can never change: register the publisher's "
    "prefix with 360Giving (360G- and the publisher's name) and set OPENGPS_360G_PREFIX."
)
PUBLIC_URL_WHY = (
    "Published documents and bulk files link to the platform by it: set OPENGPS_PUBLIC_URL to its "
    "public address, e.g. https://gps.example.gov.cn."
)


def _required(name: str, why: str) -> str:
    value = str(getattr(settings, name, "") or "")
    if not value:
        raise ImproperlyConfigured(MISSING_SETTING_HELP % {"name": name, "why": why})
    return value


def public_base_url() -> str:
    """``settings.OPENGPS_PUBLIC_URL``: the platform's public address, base of every published URL."""
    return _required("OPENGPS_PUBLIC_URL", PUBLIC_URL_WHY).rstrip("/")


def public_url(path: str) -> str:
    return f"{public_base_url()}{path}"


def ocid_prefix() -> str:
    """``settings.OPENGPS_OCID_PREFIX``: required in production; development, the demo and the
    tests use the test prefix ``settings.OCDS_TEST_OCID_PREFIX``."""
    return _required("OPENGPS_OCID_PREFIX", OCID_PREFIX_WHY)


def configuration_errors() -> list[tuple[str, str]]:
    """(setting, why) for each open-data setting a production deployment has not set."""
    return [
        (name, why)
        for name, why in (
            ("OPENGPS_OCID_PREFIX", OCID_PREFIX_WHY),
            ("OPENGPS_PUBLIC_URL", PUBLIC_URL_WHY),
            ("OPENGPS_360G_PREFIX", GIVING_PREFIX_WHY),
        )
        if not getattr(settings, name, "")
    ]


def procurement_ocid(procurement: Procurement) -> str:
    return ocds.ocid(ocid_prefix(), procurement.reference)


def plan_ocid(plan: PurchasePlan) -> str:
    """The purchase intention is its own planning process (the procurement does not exist yet)."""
    return ocds.ocid(ocid_prefix(), f"PLAN-{plan.pk:06d}")


def _day(value: date | None) -> str | None:
    """A day-only date that starts something (or happened on that day): 00:00:00 Beijing time."""
    if value is None:
        return None
    return ocds.date_text(datetime.combine(value, time(0, 0), tzinfo=ocds.BEIJING))


def _day_end(value: date | None) -> str | None:
    """A day-only date that ends something (``endDate``, ``dueDate``): the whole day is included,
    so it is 23:59:59 Beijing time, not the start of the last day."""
    if value is None:
        return None
    return ocds.date_text(datetime.combine(value, time(23, 59, 59), tzinfo=ocds.BEIJING))


def _moment(value: datetime | None) -> str | None:
    return None if value is None else ocds.date_text(value)


class Parties:
    """The parties section, one entry per organization with every role it holds."""

    def __init__(self) -> None:
        self._parties: dict[str, dict[str, Any]] = {}

    def unit(self, unit: Unit, *roles: str) -> dict[str, str]:
        party_id = ocds.party_id_for_uscc(unit.uscc) if unit.uscc else f"OPENGPS-UNIT-{unit.pk}"
        extra: dict[str, Any] = {"address": {"region": unit.region.name, "countryName": "中国"}}
        if unit.uscc:
            extra["identifier"] = ocds.identifier(unit.uscc, unit.name)
        return self._add(party_id, unit.name, roles, extra)

    def organization(self, org: Organization, *roles: str) -> dict[str, str]:
        extra = {
            "identifier": ocds.identifier(org.uscc, org.name),
            "address": ocds.compact(
                {"streetAddress": org.address, "region": org.region.name, "countryName": "中国"}
            ),
        }
        return self._add(ocds.party_id_for_uscc(org.uscc), org.name, roles, extra)

    def _add(self, party_id: str, name: str, roles: Iterable[str], extra: dict[str, Any]) -> dict[str, str]:
        party = self._parties.setdefault(party_id, {"id": party_id, "name": name, "roles": [], **extra})
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": party_id, "name": name}

    def as_list(self) -> list[dict[str, Any]]:
        return [party for party in self._parties.values() if party["roles"]]


def _release(ocid: str, release_id: str, moment: datetime, tag: str) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": ocds.date_text(moment),
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
    }


def _planning(plan: PurchasePlan, intention: PurchaseIntention | None) -> dict[str, Any]:
    project = plan.project
    return ocds.compact(
        {
            "rationale": intention.summary if intention else "",
            "budget": ocds.compact(
                {
                    "id": f"PLAN-{plan.pk}",
                    "description": plan.budget_line.name,
                    "amount": ocds.value(plan.amount),
                    "project": project.name,
                    "projectID": str(project.pk),
                }
            ),
            "milestones": [
                {
                    "id": "procurement-start",
                    "title": "预计采购开始日期",
                    "type": "preProcurement",
                    "dueDate": _day_end(plan.procurement_starts_on),
                    "status": "scheduled",
                }
            ],
        }
    )


def build_planning_release(
    plan: PurchasePlan, *, release_id: str, moment: datetime, tag: str
) -> dict[str, Any]:
    """The purchase intention (采购意向): a planned process, before any procurement exists."""
    plan = PurchasePlan.objects.select_related("unit__region", "project", "budget_line").get(pk=plan.pk)
    intention = PurchaseIntention.objects.filter(plan=plan).first()
    parties = Parties()
    buyer = parties.unit(plan.unit, "buyer")
    method = parse_method(plan.method)
    release = _release(plan_ocid(plan), release_id, moment, tag)
    release.update(
        {
            "parties": parties.as_list(),
            "buyer": buyer,
            "planning": _planning(plan, intention),
            "tender": ocds.compact(
                {
                    "id": f"PLAN-{plan.pk}",
                    "title": intention.title if intention else plan.title,
                    "description": intention.summary if intention else "",
                    "status": "planned",
                    "value": ocds.value(plan.amount),
                    "procurementMethod": ocds.procurement_method(method, _source(method)),
                    "procurementMethodDetails": ocds.procurement_method_details(method),
                    "mainProcurementCategory": "services",
                }
            ),
        }
    )
    return release


def _source(method: Method) -> str | None:
    try:
        return procedure_for(method).supplier_source.value
    except RuleError:  # the e-mall has no procedure; its method maps without one
        return None


def _lots(procurement: Procurement, lots: list[Lot]) -> list[dict[str, Any]]:
    status = ocds.tender_status(procurement.status)
    return [
        ocds.compact(
            {
                "id": str(lot.number),
                "title": lot.title,
                "description": lot.description,
                "value": ocds.value(lot.budget),
                "status": status,
            }
        )
        for lot in lots
    ]


def _amendments(clarifications: list[Clarification]) -> list[dict[str, Any]]:
    rows = []
    for c in clarifications:
        description = c.text
        if c.deadline_after != c.deadline_before:
            description += f"\n投标截止时间由 {_moment(c.deadline_before)} 变更为 {_moment(c.deadline_after)}"
        rows.append(
            ocds.compact(
                {
                    "id": f"{c.kind}-{c.pk}",
                    "date": _moment(c.published_at),
                    "rationale": c.get_kind_display(),
                    "description": description,
                }
            )
        )
    return rows


def _document(
    doc_id: str, document_type: str, title: str, url: str, published: str | None, fmt: str
) -> dict[str, Any]:
    return ocds.compact(
        {
            "id": doc_id,
            "documentType": document_type,
            "title": title,
            "url": public_url(url),
            "datePublished": published,
            "format": fmt,
            "language": "zh",
        }
    )


def _tender_documents(procurement: Procurement, clarifications: list[Clarification]) -> list[dict[str, Any]]:
    """The notices a reader can open (no login): the announcement page on the portal and its PDF,
    the single-source notice (公示), each clarification or amendment notice, and the failure or
    termination notice — each at the URL the portal serves it from."""
    pk = procurement.pk
    announced = _moment(procurement.announced_at)
    documents = []
    if procurement.notice_published_on and procurement.method == Method.single_source:
        documents.append(
            _document(
                "single-source-notice",
                "tenderNotice",
                f"单一来源采购公示：{procurement.title}",
                reverse("portal:notice", kwargs={"kind": "single_source", "pk": pk}),
                _day(procurement.notice_published_on),
                "text/html",
            )
        )
    if procurement.announced_at is not None:
        documents.append(
            _document(
                "announcement",
                "tenderNotice",
                f"采购公告：{procurement.title}",
                reverse("portal:notice", kwargs={"kind": "announcement", "pk": pk}),
                announced,
                "text/html",
            )
        )
    documents.append(
        _document(
            "announcement-pdf",
            "tenderNotice",
            f"采购公告（PDF）：{procurement.title}",
            reverse("procurement:notice-pdf", kwargs={"pk": pk}),
            announced or _day(procurement.notice_published_on),
            "application/pdf",
        )
    )
    if procurement.announced_at is not None:
        documents += [
            _document(
                f"{c.kind}-{c.pk}",
                "clarifications",
                f"{c.get_kind_display()}：{procurement.title}",
                reverse("portal:notice", kwargs={"kind": "amendment", "pk": c.pk}),
                _moment(c.published_at),
                "text/html",
            )
            for c in clarifications
        ]
        ended = {"failed": FAILED_STATUSES, "cancelled": ("cancelled",)}
        for kind, statuses in ended.items():
            if procurement.status in statuses:
                documents.append(
                    _document(
                        kind,
                        "cancellationDetails",
                        f"{'采购失败（废标）公告' if kind == 'failed' else '终止公告'}：{procurement.title}",
                        reverse("portal:notice", kwargs={"kind": kind, "pk": pk}),
                        None,
                        "text/html",
                    )
                )
    return documents


def _tender(
    procurement: Procurement, parties: Parties, procuring: dict[str, str], lots: list[Lot]
) -> dict[str, Any]:
    method = Method(procurement.method)
    procedure = procedure_for(method)
    clarifications = list(
        Clarification.objects.filter(procurement=procurement).order_by("published_at", "pk")
    )
    rationale = procurement.single_source_reason
    if procurement.single_source_supplier is not None:
        parties.organization(procurement.single_source_supplier, "interestedParty")
        rationale = f"拟定供应商：{procurement.single_source_supplier.name}。{rationale}"
    tender: dict[str, Any] = {
        "id": procurement.reference,
        "title": procurement.title,
        "description": procurement.documents,
        "status": ocds.tender_status(procurement.status),
        "procuringEntity": procuring,
        "items": [
            {"id": str(lot.number), "description": lot.title, "relatedLot": str(lot.number)} for lot in lots
        ],
        "lots": _lots(procurement, lots),
        "value": ocds.value(procurement.budget),
        "procurementMethod": ocds.procurement_method(method, procedure.supplier_source),
        "procurementMethodDetails": ocds.procurement_method_details(method),
        "procurementMethodRationale": rationale,
        "mainProcurementCategory": "services",
        "awardCriteriaDetails": AWARD_BASIS_ZH[procedure.award_basis],
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": ocds.compact(
            {"startDate": _moment(procurement.announced_at), "endDate": _moment(procurement.bid_deadline)}
        ),
        "amendments": _amendments(clarifications),
        "documents": _tender_documents(procurement, clarifications),
    }
    if method is Method.framework_agreement:
        # OCDS techniques extension field; core 1.1 allows it as an additional property
        tender["techniques"] = {"hasFrameworkAgreement": True}
    if procurement.notice_published_on:
        tender["enquiryPeriod"] = {
            "startDate": _day(procurement.notice_published_on),
            "endDate": _day_end(procurement.notice_ends_on),
        }
    return ocds.compact(tender)


def _bids(
    opening: OpeningRecord, parties: Parties, tender: dict[str, Any], lots: dict[int, Lot]
) -> dict[str, Any]:
    """The bids extension, from the opening's readouts only (they exist only after the opening)."""
    readouts = list(
        BidReadout.objects.filter(opening=opening)
        .select_related("organization__region")
        .order_by("lot_id", "received_at", "pk")
    )
    details, tenderers = [], {}
    for r in readouts:
        ref = parties.organization(r.organization, "tenderer")
        tenderers[ref["id"]] = ref
        lot_id = str(lots[r.lot_id].number)
        details.append(
            {
                "id": f"{lot_id}-{r.organization.uscc}",
                "date": _moment(r.received_at),
                "status": "valid" if r.valid else "disqualified",
                "tenderers": [ref],
                "value": ocds.value(r.price_total),
                "relatedLots": [lot_id],
            }
        )
    tender["numberOfTenderers"] = len(tenderers)
    tender["tenderers"] = list(tenderers.values())
    statistics = []
    for lot in sorted(lots.values(), key=lambda item: item.number):
        rows = [r for r in readouts if r.lot_id == lot.pk]
        statistics.append(
            {"id": f"{lot.number}-bids", "measure": "bids", "value": len(rows), "relatedLot": str(lot.number)}
        )
        statistics.append(
            {
                "id": f"{lot.number}-validBids",
                "measure": "validBids",
                "value": sum(1 for r in rows if r.valid),
                "relatedLot": str(lot.number),
            }
        )
    return {"statistics": statistics, "details": details}


def _awards(procurement: Procurement, parties: Parties) -> list[dict[str, Any]]:
    from opengps.evaluation.models import Award

    awards = (
        Award.objects.filter(evaluation__procurement=procurement, announced_at__isnull=False)
        .select_related("lot", "winner__organization__region")
        .order_by("lot__number")
    )
    rows = []
    for award in awards:
        suppliers = []
        if award.winner is not None:
            suppliers.append(parties.organization(award.winner.organization, "supplier"))
        rows.append(
            ocds.compact(
                {
                    "id": f"lot-{award.lot.number}",
                    "title": award.lot.title,
                    "status": "active",
                    "date": _moment(award.announced_at),
                    "value": ocds.value(award.winner.price_total) if award.winner else None,
                    "suppliers": suppliers,
                    "relatedLots": [str(award.lot.number)],
                    "documents": _award_documents(procurement, award),
                }
            )
        )
    return rows + _framework_awards(procurement, parties)


def _award_documents(procurement: Procurement, award: Any) -> list[dict[str, Any]]:
    """中标（成交）结果公告: the lot's page on the portal, and the whole result as PDF once every lot
    of the procurement is announced with its winner (when the PDF is served)."""
    from opengps.evaluation.models import Award

    if award.winner is None:
        return []
    title = f"中标（成交）结果公告：{procurement.title}"
    documents = [
        _document(
            "result",
            "awardNotice",
            title,
            reverse("portal:notice", kwargs={"kind": "result", "pk": award.pk}),
            _moment(award.announced_at),
            "text/html",
        )
    ]
    lots = Award.objects.filter(evaluation__procurement=procurement)
    if not lots.filter(Q(announced_at__isnull=True) | Q(winner__isnull=True)).exists():
        documents.append(
            _document(
                "result-pdf",
                "awardNotice",
                f"{title}（PDF）",
                reverse("evaluation:result-pdf", kwargs={"pk": procurement.pk}),
                _moment(award.announced_at),
                "application/pdf",
            )
        )
    return documents


def _framework_awards(procurement: Procurement, parties: Parties) -> list[dict[str, Any]]:
    """An announced framework shortlist (入围结果, O110 §28) is one award per lot naming every
    shortlisted supplier; the agreement prices are in the bids, so the award has no value."""
    from opengps.evaluation.models import FrameworkShortlist

    shortlists = (
        FrameworkShortlist.objects.filter(evaluation__procurement=procurement, announced_at__isnull=False)
        .select_related("lot")
        .prefetch_related("members__organization__region")
        .order_by("lot__number")
    )
    rows = []
    for shortlist in shortlists:
        members = sorted(shortlist.members.all(), key=lambda m: m.rank)
        rows.append(
            {
                "id": f"lot-{shortlist.lot.number}",
                "title": shortlist.lot.title,
                "description": f"框架协议入围供应商 {len(members)} 家（{shortlist.citation}）",
                "status": "active",
                "date": _moment(shortlist.announced_at),
                "suppliers": [parties.organization(m.organization, "supplier") for m in members],
                "relatedLots": [str(shortlist.lot.number)],
            }
        )
    return rows


def _contracts(procurement: Procurement, parties: Parties, buyer: dict[str, str]) -> list[dict[str, Any]]:
    from opengps.contracts.models import Contract

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
    from opengps.performance.models import EvaluationStatus

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


def build_procurement_release(
    procurement: Procurement, *, release_id: str, moment: datetime, tag: str
) -> dict[str, Any]:
    """Everything public about `procurement` now, as one release tagged `tag`."""
    procurement = Procurement.objects.select_related(
        "purchaser__region", "agency__region", "plan", "previous", "single_source_supplier__region"
    ).get(pk=procurement.pk)
    lots = list(Lot.objects.filter(procurement=procurement).order_by("number"))
    parties = Parties()
    if procurement.agency is not None:
        buyer = parties.unit(procurement.purchaser, "buyer", "payer")
        procuring = parties.unit(procurement.agency, "procuringEntity")
    else:
        buyer = parties.unit(procurement.purchaser, "buyer", "procuringEntity")
        procuring = buyer
    tender = _tender(procurement, parties, procuring, lots)
    release = _release(procurement_ocid(procurement), release_id, moment, tag)
    plan = procurement.plan
    intention = PurchaseIntention.objects.filter(plan=plan).first()
    release["planning"] = _planning(
        PurchasePlan.objects.select_related("project", "budget_line").get(pk=plan.pk), intention
    )
    opening = OpeningRecord.objects.filter(procurement=procurement).first()
    if opening is not None:
        release["bids"] = _bids(opening, parties, tender, {lot.pk: lot for lot in lots})
    release["tender"] = tender
    awards = _awards(procurement, parties)
    if awards:
        release["awards"] = awards
    contracts = _contracts(procurement, parties, buyer)
    if contracts:
        release["contracts"] = contracts
    related = []
    if intention is not None:
        related.append(
            {
                "id": "planning",
                "relationship": ["planning"],
                "title": intention.title,
                "scheme": "ocid",
                "identifier": plan_ocid(plan),
            }
        )
    if procurement.previous is not None:
        related.append(
            {
                "id": "previous",
                "relationship": ["unsuccessfulProcess"],
                "title": procurement.previous.title,
                "scheme": "ocid",
                "identifier": procurement_ocid(procurement.previous),
            }
        )
    if related:
        release["relatedProcesses"] = related
    release["parties"] = parties.as_list()
    release["buyer"] = buyer
    return release
