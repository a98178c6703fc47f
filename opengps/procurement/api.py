"""Procurement API: announcements, clarifications, enquiries, sealed bids with receipts, the opening.

Writes need a session (CSRF-checked) and call one service each. No endpoint returns bidders, bid
content, the documents register or any count of them before the deadline (RULES.md §12); a
supplier sees only its own receipts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Unit
from opengps.core import ratelimit, transparency
from opengps.core.errors import NotFound, ServiceError
from opengps.core.inputs import Date, Deadline, Id, SmallCount, Str16, Str18, Str32, Str200, Text, Yuan
from opengps.planning.models import PurchasePlan
from opengps.procurement import sealing, selectors, services
from opengps.procurement.errors import Code
from opengps.procurement.models import BidVersion, Clarification, Lot, Procurement
from opengps.procurement.uploads import max_bytes
from opengps.registry.models import Organization
from opengps.rules.procurement_flow import AWARD_BASIS_ZH, min_valid_bids, procedure_for

router = Router(tags=["procurement"])


# --- schemas ----------------------------------------------------------------------------------------


class LotOut(Schema):
    number: int
    title: str
    budget: Decimal
    description: str


class ClarificationOut(Schema):
    kind: str
    text: str
    published_on: date
    deadline_before: datetime
    deadline_after: datetime
    postponed: bool
    citation: str


class ProcurementOut(Schema):
    id: int
    reference: str
    title: str
    method: str
    method_name: str
    status: str
    status_label: str
    purchaser: str
    agency: str
    budget: Decimal
    issued_on: date | None
    documents_until: date | None
    bid_deadline: datetime | None
    earliest_deadline: date | None
    deadline_citation: str
    opening_place: str
    bid_deposit: Decimal | None
    notice_ends_on: date | None
    single_source_supplier: str
    award_basis: str
    min_valid_bids: int
    next_steps: list[str]
    outcome_reason: str
    lots: list[LotOut]
    clarifications: list[ClarificationOut]

    @staticmethod
    def resolve_status_label(obj: Procurement) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_purchaser(obj: Procurement) -> str:
        return obj.purchaser.name

    @staticmethod
    def resolve_agency(obj: Procurement) -> str:
        return obj.agency.name if obj.agency else ""

    @staticmethod
    def resolve_single_source_supplier(obj: Procurement) -> str:
        if obj.single_source_supplier is None or obj.status == "draft":
            return ""
        return obj.single_source_supplier.name

    @staticmethod
    def resolve_award_basis(obj: Procurement) -> str:
        return AWARD_BASIS_ZH[procedure_for(obj.method).award_basis]

    @staticmethod
    def resolve_min_valid_bids(obj: Procurement) -> int:
        return min_valid_bids(procedure_for(obj.method), purchase_of_services=obj.purchase_of_services).value

    @staticmethod
    def resolve_lots(obj: Procurement) -> list[Lot]:
        return selectors.lots_of(obj)

    @staticmethod
    def resolve_clarifications(obj: Procurement) -> list[Clarification]:
        return list(selectors.clarifications_of(obj))


class LotIn(Schema):
    title: Str200
    budget: Yuan
    description: Text = ""


class ProcurementCreateIn(Schema):
    plan_id: Id
    title: Str200 = ""
    documents: Text = ""
    agency_id: Id | None = None
    lots: list[LotIn] = []
    single_source_supplier_uscc: Str18 = ""
    single_source_reason: Text = ""


class ProcurementDrawIn(Schema):
    count: SmallCount = 3
    region: Str32 = ""
    keyword: Str200 = ""


class ProcurementDrawOut(Schema):
    seed: str
    inputs: dict[str, str]
    pool_size: int
    invited: list[str]


class AnnounceIn(Schema):
    bid_deadline: Deadline
    opening_place: Str200 = ""
    bid_deposit: Yuan | None = None
    documents_until: Date | None = None
    """Last day the documents are provided (default: the deadline's day; never under the lawful period)."""


class ClarifyIn(Schema):
    kind: Str16
    text: Text
    affects_bids: bool = True
    new_deadline: Deadline | None = None


class ProcurementTextIn(Schema):
    text: Text


class ProcurementReasonIn(Schema):
    reason: Text


class QuestionIn(Schema):
    question: Text


class AnswerIn(Schema):
    answer: Text


class ProcurementDecideIn(Schema):
    uphold: bool
    text: Text


class MethodChangeIn(Schema):
    method: Str32
    reason: Text


class MethodDecisionIn(Schema):
    approve: bool
    note: Text


class EnquiryOut(Schema):
    id: UUID
    question: str
    asker: str
    received_on: date
    answer_due: date
    citation: str
    answer: str
    answered_at: datetime | None


class ProcurementObjectionOut(Schema):
    id: int
    text: str
    received_on: date
    review_due: date
    review_citation: str
    overdue: bool
    decision: str
    decision_text: str


class ReceiptLeafOut(Schema):
    leaf_hash: str
    leaf_index: int | None
    """Given once a published checkpoint covers the leaf (daily); null until then."""
    tree_size: int | None
    proof_url: str | None


class ReceiptOut(Schema):
    submission_id: UUID
    version_id: UUID
    lot: int
    version: int
    kind: str
    status: str
    received_at: datetime
    sealed_sha256: str
    receipt: dict[str, Any]
    signature: str
    transparency: ReceiptLeafOut
    """The receipt's leaf in the transparency log: its index and proof once a checkpoint covers it."""


class OwnBidOut(Schema):
    lot: int
    status: str
    versions: list[ReceiptOut]


class RegisterOut(Schema):
    organization: str
    uscc: str
    obtained_at: datetime


class ReadoutOut(Schema):
    lot: int
    supplier: str
    uscc: str
    version: int
    received_at: datetime
    price_total: Decimal
    preferences: list[str]
    valid: bool
    invalid_reason: str


class OpeningOut(Schema):
    opened_at: datetime
    deadline: datetime
    place: str
    bids_received: int
    valid_bids: int
    required_bids: int
    proceeds: bool
    citation: str
    minutes: dict[str, Any]
    readouts: list[ReadoutOut]


class VerifyIn(Schema):
    receipt: Text


class VerifyOut(Schema):
    valid: bool
    receipt: dict[str, Any] | None
    public_key_pem: str


class NotificationOut(Schema):
    id: int
    procurement: str
    kind: str
    title: str
    body: str
    created_at: datetime
    read: bool


# --- helpers -----------------------------------------------------------------------------------------


def _get(request: HttpRequest, pk: Id) -> Procurement:
    return selectors.procurement_get(actor=request.user, pk=pk)


def _leaf_out(status: transparency.LeafStatus) -> dict[str, Any]:
    return {
        "leaf_hash": status.leaf_hash,
        "leaf_index": status.leaf_index,
        "tree_size": status.tree_size,
        "proof_url": None
        if status.pending
        else f"/api/v1/transparency/proof?leaf={status.leaf_hash}&tree_size={status.tree_size}",
    }


def _receipt_out(version: BidVersion, leaf: transparency.LeafStatus | None = None) -> dict[str, Any]:
    receipt = sealing.Receipt.from_json(version.receipt)
    if leaf is None:
        leaf = selectors.receipt_leaves([version])[version.pk]
    return {
        "submission_id": version.submission_id,
        "version_id": version.pk,
        "lot": version.submission.lot.number,
        "version": version.number,
        "kind": version.kind,
        "status": version.submission.status,
        "received_at": version.received_at,
        "sealed_sha256": version.sealed_sha256,
        "receipt": receipt.payload(),
        "signature": receipt.signature,
        "transparency": _leaf_out(leaf),
    }


def _ack_out(ack: services.BidAck) -> dict[str, Any]:
    ack.version.submission = ack.submission
    # just appended: no checkpoint covers it yet (and the bid path spends no query to say so)
    return _receipt_out(ack.version, transparency.leaf_pending(ack.receipt.digest()))


def bid_inputs(request: HttpRequest) -> list[services.BidFileInput]:
    """Files of a multipart bid: one field per part (qualification, technical, price_schedule, other)."""
    limit = max_bytes()
    inputs = []
    for part in ("qualification", "technical", "price_schedule", "other"):
        for upload in request.FILES.getlist(part):
            if upload.size is not None and upload.size > limit:
                raise ServiceError(
                    Code.BID_FILE_TOO_LARGE,
                    f"文件“{upload.name}”超过大小上限 {limit // (1024 * 1024)} MB",
                    field=part,
                    params={"limit": limit, "size": upload.size},
                )
            inputs.append(services.BidFileInput(part, upload.name or "file", upload.read()))
    return inputs


DEVICE_HEADER = "X-Device-Id"
"""Header a bidding client may send with a stable device id; hashed into the device fingerprint."""


def device_of(request: HttpRequest) -> str:
    """The device fingerprint of a bid request (with `ratelimit.client_ip`, where a bid came from)."""
    return services.device_fingerprint(
        request.META.get("HTTP_USER_AGENT", ""), request.headers.get(DEVICE_HEADER, "")
    )


def bid_source(request: HttpRequest) -> dict[str, Any]:
    """Where a bid act came from (client address, device fingerprint), kept outside the seal."""
    return {"source_ip": ratelimit.client_ip(request), "source_device": device_of(request)}


def bid_content(request: HttpRequest, *, preferences: list[str]) -> dict[str, Any]:
    """The fields of a submitted or modified bid in a multipart request, and where it came from."""
    return {
        "price_total": request.POST.get("price_total", ""),
        "files": bid_inputs(request),
        "preferences": preferences,
        "contact_name": request.POST.get("contact_name", ""),
        "contact_phone": request.POST.get("contact_phone", ""),
        **bid_source(request),
    }


def _preferences(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]


# --- procurements -----------------------------------------------------------------------------------


@router.get("/", response=list[ProcurementOut])
def procurement_list(request: HttpRequest, status: Str32 = "") -> Any:
    """采购项目 — public announcements, plus the actor's own drafts."""
    qs = selectors.procurements_visible(actor=request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


@router.get("/{pk}", response=ProcurementOut)
def procurement_detail(request: HttpRequest, pk: Id) -> Any:
    return _get(request, pk)


@router.post("/", response={201: ProcurementOut}, auth=django_auth)
def procurement_create(request: HttpRequest, payload: ProcurementCreateIn) -> Any:
    plan = get_object_or_404(PurchasePlan, pk=payload.plan_id)
    agency = get_object_or_404(Unit, pk=payload.agency_id) if payload.agency_id else None
    supplier = (
        get_object_or_404(Organization, uscc=payload.single_source_supplier_uscc)
        if payload.single_source_supplier_uscc
        else None
    )
    procurement = services.procurement_create(
        actor=signed_in_user(request),
        plan=plan,
        title=payload.title,
        documents=payload.documents,
        agency=agency,
        lots=[services.LotInput(lot.title, lot.budget, lot.description) for lot in payload.lots] or None,
        single_source_supplier=supplier,
        single_source_reason=payload.single_source_reason,
    )
    return Status(201, procurement)


@router.post("/{pk}/draw", response=ProcurementDrawOut, auth=django_auth)
def invite_draw(request: HttpRequest, pk: Id, payload: ProcurementDrawIn) -> Any:
    draw = services.procurement_invite_draw(
        actor=signed_in_user(request),
        procurement=_get(request, pk),
        count=payload.count,
        region=payload.region,
        keyword=payload.keyword,
    )
    invited = [
        i.organization.name
        for i in selectors.invitations_of(actor=request.user, procurement=draw.procurement)
    ]
    return {"seed": draw.seed, "inputs": draw.inputs, "pool_size": len(draw.pool), "invited": invited}


@router.post("/{pk}/announce", response=ProcurementOut, auth=django_auth)
def announce(request: HttpRequest, pk: Id, payload: AnnounceIn) -> Any:
    return services.procurement_announce(
        actor=signed_in_user(request),
        procurement=_get(request, pk),
        bid_deadline=payload.bid_deadline,
        opening_place=payload.opening_place,
        bid_deposit=payload.bid_deposit,
        documents_until=payload.documents_until,
    )


@router.post("/{pk}/clarifications", response={201: ClarificationOut}, auth=django_auth)
def clarify(request: HttpRequest, pk: Id, payload: ClarifyIn) -> Any:
    return Status(
        201,
        services.procurement_clarify(
            actor=signed_in_user(request),
            procurement=_get(request, pk),
            kind=payload.kind,
            text=payload.text,
            affects_bids=payload.affects_bids,
            new_deadline=payload.new_deadline,
        ),
    )


@router.get("/{pk}/enquiries", response=list[EnquiryOut], auth=django_auth)
def enquiries(request: HttpRequest, pk: Id) -> Any:
    rows = selectors.enquiries_for(actor=request.user, procurement=_get(request, pk))
    return [
        {**{f: getattr(r.enquiry, f) for f in EnquiryOut.model_fields if f != "asker"}, "asker": r.asker}
        for r in rows
    ]


@router.post("/{pk}/enquiries", response={201: EnquiryOut}, auth=django_auth)
def enquiry_ask(request: HttpRequest, pk: Id, payload: QuestionIn) -> Any:
    enquiry = services.enquiry_ask(
        actor=signed_in_user(request), procurement=_get(request, pk), question=payload.question
    )
    return Status(
        201,
        {
            **{f: getattr(enquiry, f) for f in EnquiryOut.model_fields if f != "asker"},
            "asker": enquiry.organization.name,
        },
    )


@router.post("/{pk}/enquiries/{enquiry_id}/answer", response=EnquiryOut, auth=django_auth)
def enquiry_answer(request: HttpRequest, pk: Id, enquiry_id: UUID, payload: AnswerIn) -> Any:
    procurement = _get(request, pk)
    enquiry = services.enquiry_answer(
        actor=signed_in_user(request),
        enquiry=selectors.enquiry_get(actor=request.user, procurement=procurement, enquiry_id=enquiry_id),
        answer=payload.answer,
    )
    return {**{f: getattr(enquiry, f) for f in EnquiryOut.model_fields if f != "asker"}, "asker": ""}


@router.get("/{pk}/objections", response=list[ProcurementObjectionOut], auth=django_auth)
def objections(request: HttpRequest, pk: Id) -> Any:
    return selectors.objections_of(actor=request.user, procurement=_get(request, pk))


@router.post("/{pk}/objections", response={201: ProcurementObjectionOut}, auth=django_auth)
def objection_raise(request: HttpRequest, pk: Id, payload: ProcurementTextIn) -> Any:
    return Status(
        201,
        services.objection_raise(
            actor=signed_in_user(request), procurement=_get(request, pk), text=payload.text
        ),
    )


@router.post("/{pk}/objections/{objection_id}/decide", response=ProcurementObjectionOut, auth=django_auth)
def objection_decide(request: HttpRequest, pk: Id, objection_id: Id, payload: ProcurementDecideIn) -> Any:
    procurement = _get(request, pk)
    objection = selectors.objection_get(actor=request.user, procurement=procurement, pk=objection_id)
    return services.objection_decide(
        actor=signed_in_user(request), objection=objection, uphold=payload.uphold, text=payload.text
    )


@router.post("/{pk}/notice/close", response=ProcurementOut, auth=django_auth)
def notice_close(request: HttpRequest, pk: Id) -> Any:
    return services.procurement_notice_close(actor=signed_in_user(request), procurement=_get(request, pk))


@router.post("/{pk}/documents", response={201: dict[str, str]}, auth=django_auth)
def documents_obtain(request: HttpRequest, pk: Id) -> Any:
    """获取采购文件 — returns the documents; who obtained them stays secret until the deadline."""
    procurement = _get(request, pk)
    services.documents_obtain(actor=signed_in_user(request), procurement=procurement)
    return Status(201, {"reference": procurement.reference, "documents": procurement.documents})


@router.get("/{pk}/documents", response=dict[str, str], auth=django_auth)
def documents_read(request: HttpRequest, pk: Id) -> Any:
    procurement = _get(request, pk)
    if not selectors.may_read_documents(actor=request.user, procurement=procurement):
        raise NotFound(Code.PROCUREMENT_DOCUMENTS_NOT_OBTAINED)
    return {"reference": procurement.reference, "documents": procurement.documents}


@router.get("/{pk}/register", response=list[RegisterOut], auth=django_auth)
def documents_register(request: HttpRequest, pk: Id) -> Any:
    """Who obtained the documents — purchaser, agency and supervisors, after the deadline only."""
    return selectors.documents_register(actor=request.user, procurement=_get(request, pk))


# --- bids -------------------------------------------------------------------------------------------


def _lot(request: HttpRequest, pk: Id, number: Id) -> Lot:
    """The lot to bid on, not read here: the bid services read it in their one context query (bids
    come in bursts at the deadline). A missing lot or procurement, or a draft, is refused there by
    the selectors, with the error they give here for any other lot (a draft is never revealed)."""
    return services.lot_ref(procurement_id=pk, number=number)


def _bid_write(request: HttpRequest, pk: Id, number: Id, write: Callable[..., services.BidAck]) -> Any:
    """Submit or modify: the bid's fields from the request, the receipt as 201."""
    preferences = _preferences(request.POST.get("preferences", ""))
    ack = write(
        actor=request.user, lot=_lot(request, pk, number), **bid_content(request, preferences=preferences)
    )
    return Status(201, _ack_out(ack))


@router.post("/{pk}/lots/{number}/bid", response={201: ReceiptOut}, auth=django_auth)
def bid_submit(request: HttpRequest, pk: Id, number: Id) -> Any:
    """Submit a sealed bid (multipart: ``price_total``, ``preferences`` comma-separated,
    ``contact_name`` and ``contact_phone``, and files in fields ``qualification``, ``technical``,
    ``price_schedule``, ``other``; optional header ``X-Device-Id``). Returns the signed receipt."""
    return _bid_write(request, pk, number, services.bid_submit)


@router.post("/{pk}/lots/{number}/bid/modify", response={201: ReceiptOut}, auth=django_auth)
def bid_modify(request: HttpRequest, pk: Id, number: Id) -> Any:
    """Replace the bid with a new sealed version (same fields as submitting)."""
    return _bid_write(request, pk, number, services.bid_modify)


@router.post("/{pk}/lots/{number}/bid/withdraw", response={201: ReceiptOut}, auth=django_auth)
def bid_withdraw(request: HttpRequest, pk: Id, number: Id) -> Any:
    ack = services.bid_withdraw(
        actor=signed_in_user(request), lot=_lot(request, pk, number), **bid_source(request)
    )
    return Status(201, _ack_out(ack))


@router.get("/{pk}/my-bids", response=list[OwnBidOut], auth=django_auth)
def my_bids(request: HttpRequest, pk: Id) -> Any:
    """The actor's own organization's bids and receipts (never anyone else's, never content)."""
    rows = selectors.own_bids(actor=request.user, procurement=_get(request, pk))
    result = []
    for row in rows:
        if row.submission is None:
            continue
        for version in row.versions:
            version.submission = row.submission
        leaves = selectors.receipt_leaves(row.versions)
        result.append(
            {
                "lot": row.lot.number,
                "status": row.submission.status,
                "versions": [_receipt_out(v, leaves[v.pk]) for v in row.versions],
            }
        )
    return result


@router.get("/receipts/public-key", response=dict[str, str])
def public_key(request: HttpRequest) -> Any:
    """The platform's receipt-verification key (Ed25519, PEM)."""
    return {"public_key_pem": sealing.platform_public_key_pem()}


@router.post("/receipts/verify", response=VerifyOut)
def receipt_verify(request: HttpRequest, payload: VerifyIn) -> Any:
    """Check a receipt's platform signature (anyone may verify)."""
    receipt, valid = selectors.receipt_check(payload.receipt)
    return {
        "valid": valid,
        "receipt": receipt.payload() if receipt else None,
        "public_key_pem": sealing.platform_public_key_pem(),
    }


@router.get("/receipts/{version_id}", response=ReceiptOut, auth=django_auth)
def receipt_get(request: HttpRequest, version_id: UUID) -> Any:
    return _receipt_out(selectors.own_version(actor=request.user, version_id=version_id))


# --- opening and after ------------------------------------------------------------------------------


def _opening_out(request: HttpRequest, procurement: Procurement) -> dict[str, Any]:
    found = selectors.opening_of(actor=request.user, procurement=procurement)
    if found is None:
        raise NotFound(Code.PROCUREMENT_OPENING_NOT_FOUND)
    record, readouts = found
    return {
        **{f: getattr(record, f) for f in OpeningOut.model_fields if f != "readouts"},
        "readouts": [
            {
                "lot": r.lot.number,
                "supplier": r.organization.name,
                "uscc": r.organization.uscc,
                "version": r.version,
                "received_at": r.received_at,
                "price_total": r.price_total,
                "preferences": r.preferences,
                "valid": r.valid,
                "invalid_reason": r.invalid_reason,
            }
            for r in readouts
        ],
    }


@router.post("/{pk}/open", response=OpeningOut, auth=django_auth)
def procurement_open(request: HttpRequest, pk: Id) -> Any:
    """开标 — at or after the deadline: decrypt, read out, minute, notify."""
    procurement = _get(request, pk)
    services.procurement_open(actor=signed_in_user(request), procurement=procurement)
    return _opening_out(request, procurement)


@router.get("/{pk}/opening", response=OpeningOut, auth=django_auth)
def opening(request: HttpRequest, pk: Id) -> Any:
    return _opening_out(request, _get(request, pk))


@router.post("/{pk}/retender", response={201: ProcurementOut}, auth=django_auth)
def retender(request: HttpRequest, pk: Id, payload: ProcurementReasonIn) -> Any:
    return Status(
        201,
        services.procurement_retender(
            actor=signed_in_user(request), procurement=_get(request, pk), reason=payload.reason
        ),
    )


@router.post("/{pk}/method-change", response=ProcurementOut, auth=django_auth)
def method_change(request: HttpRequest, pk: Id, payload: MethodChangeIn) -> Any:
    return services.procurement_request_method_change(
        actor=signed_in_user(request),
        procurement=_get(request, pk),
        method=payload.method,
        reason=payload.reason,
    )


@router.post("/{pk}/method-change/decide", response=ProcurementOut, auth=django_auth)
def method_change_decide(request: HttpRequest, pk: Id, payload: MethodDecisionIn) -> Any:
    return services.procurement_decide_method_change(
        actor=signed_in_user(request),
        procurement=_get(request, pk),
        approve=payload.approve,
        note=payload.note,
    )


@router.post("/{pk}/cancel", response=ProcurementOut, auth=django_auth)
def cancel(request: HttpRequest, pk: Id, payload: ProcurementReasonIn) -> Any:
    return services.procurement_cancel(
        actor=signed_in_user(request), procurement=_get(request, pk), reason=payload.reason
    )


@router.get("/notifications/mine", response=list[NotificationOut], auth=django_auth)
def notifications(request: HttpRequest) -> Any:
    return [
        {
            "id": n.pk,
            "procurement": n.procurement.reference,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in selectors.notifications_for(actor=request.user)
    ]
