"""The tender section (lots, items, amendments, notices) and the bids extension."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from opengps.challenges.models import Complaint
from opengps.opendata import ocds
from opengps.opendata.builders.common import (
    FAILED_STATUSES,
    Parties,
    _day,
    _day_end,
    _document,
    _moment,
)
from opengps.procurement.models import BidReadout, Clarification, Enquiry, Lot, OpeningRecord, Procurement
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import AWARD_BASIS_ZH, procedure_for


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


def _items(procurement: Procurement, lots: list[Lot]) -> list[dict[str, Any]]:
    """One item per lot, classified by the catalogue items (目录事项) of the project the plan buys:
    the first code as ``classification``, the others as ``additionalClassifications`` (scheme
    `ocds.CLASSIFICATION_SCHEME`). The project's quantity and unit (服务数量、计量单位) describe the
    whole purchase, so they are published only when there is one lot."""
    project = procurement.plan.project
    catalogue = [
        ocds.compact({"scheme": ocds.CLASSIFICATION_SCHEME, "id": item.code, "description": item.name})
        for item in sorted(project.items.all(), key=lambda item: item.code)
    ]
    rows = []
    for lot in lots:
        item: dict[str, Any] = {
            "id": str(lot.number),
            "description": lot.title,
            "relatedLot": str(lot.number),
        }
        if catalogue:
            item["classification"] = catalogue[0]
            if catalogue[1:]:
                item["additionalClassifications"] = catalogue[1:]
        if len(lots) == 1:
            item["quantity"] = ocds.amount(project.quantity)
            item["unit"] = {"name": project.quantity_unit}
        rows.append(item)
    return rows


def _enquiries(procurement: Procurement) -> list[dict[str, Any]]:
    """询问 and their answers (enquiries extension), once answered. Who asked is not published:
    officials do not see it before the bid deadline (asking reveals interest), nor does the public."""
    enquiries = Enquiry.objects.filter(procurement=procurement, answered_at__isnull=False).order_by(
        "received_at", "pk"
    )
    return [
        ocds.compact(
            {
                "id": str(e.pk),
                "date": _moment(e.received_at),
                "description": e.question,
                "answer": e.answer,
                "dateAnswered": _moment(e.answered_at),
            }
        )
        for e in enquiries
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


def _complaint_documents(procurement: Procurement) -> list[dict[str, Any]]:
    """The finance department's decisions on complaints (投诉处理决定), public by law (O94 §34: the
    result is announced in the designated media), as ``complaints`` documents: what was complained
    about and the outcome, dated the decision. Neither the complainant nor the decision's free text
    (which may name the complainant or a bidder) is published; pending complaints are not."""

    decided = (
        Complaint.objects.filter(procurement=procurement, decided_at__isnull=False)
        .select_related("challenge")
        .order_by("decided_at", "pk")
    )
    with translation.override(settings.LANGUAGE_CODE):  # the data is Chinese whoever asks
        return [
            {
                "id": f"complaint-{c.pk}",
                "documentType": "complaints",
                "title": f"投诉处理决定（对{c.challenge.get_subject_display()}的投诉）："
                f"{c.get_decision_display()}",
                "datePublished": _moment(c.decided_at),
                "language": "zh",
            }
            for c in decided
        ]


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
        "items": _items(procurement, lots),
        "lots": _lots(procurement, lots),
        "value": ocds.value(procurement.budget),
        "procurementMethod": ocds.procurement_method(method, procedure.supplier_source),
        "procurementMethodDetails": ocds.procurement_method_details(method),
        "procurementMethodRationale": rationale,
        "mainProcurementCategory": "services",
        "awardCriteria": ocds.award_criteria(procedure.award_basis),
        "awardCriteriaDetails": AWARD_BASIS_ZH[procedure.award_basis],
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": ocds.compact(
            {"startDate": _moment(procurement.announced_at), "endDate": _moment(procurement.bid_deadline)}
        ),
        "amendments": _amendments(clarifications),
        "enquiries": _enquiries(procurement),
        "documents": _tender_documents(procurement, clarifications) + _complaint_documents(procurement),
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
