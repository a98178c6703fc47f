"""合同与履约验收 API: published contracts for everyone; reads for the parties, finance and auditors;
each write is one service call and errors are the services' codes."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.contracts import selectors, services
from opengps.contracts.errors import Code
from opengps.contracts.models import Acceptance, Contract, Milestone, Payment, Post
from opengps.core.api_errors import ERRORS, ErrorOut
from opengps.core.errors import NotFound, ServiceError
from opengps.core.inputs import (
    Count,
    Date,
    Id,
    SmallCount,
    Str8,
    Str16,
    Str32,
    Str60,
    Str64,
    Str80,
    Str120,
    Str200,
    Text,
    Yuan,
)
from opengps.evaluation.models import Award, FrameworkCallOff

RowT = TypeVar("RowT", bound=models.Model)

router = Router(tags=["contracts"], auth=django_auth)


# --- output --------------------------------------------------------------------------------------


class PublicContractOut(Schema):
    """The fields published under IR §50 (no internal notes, no personal data)."""

    id: int
    reference: str
    title: str
    kind: str
    status: str
    procurement: str
    purchaser: str
    supplier: str
    supplier_uscc: str
    amount: Decimal
    original_amount: Decimal | None
    starts_on: date
    ends_on: date
    signed_on: date | None
    published_at: datetime | None

    @staticmethod
    def resolve_procurement(obj: Contract) -> str:
        return obj.procurement.reference

    @staticmethod
    def resolve_purchaser(obj: Contract) -> str:
        return obj.purchaser.name

    @staticmethod
    def resolve_supplier(obj: Contract) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_supplier_uscc(obj: Contract) -> str:
        return obj.supplier.uscc


class MilestoneOut(Schema):
    id: int
    order: int
    title: str
    due_on: date
    done_on: date | None
    note: str


class DeliverableOut(Schema):
    id: int
    name: str
    standard: str
    milestone_id: int | None


class PaymentOut(Schema):
    id: int
    order: int
    title: str
    amount: Decimal
    planned_on: date | None
    after_phase: int | None
    due_on: date | None
    due_citation: str
    paid_on: date | None
    paid_amount: Decimal | None


class AmendmentOut(Schema):
    number: int
    added_amount: Decimal
    amount_before: Decimal
    amount_after: Decimal
    cumulative: Decimal
    cap: Decimal
    citation: str
    ends_on_before: date
    ends_on_after: date
    reason: str
    signed_on: date


class PlacementOut(Schema):
    id: int
    person_name: str
    qualification: str
    starts_on: date
    ends_on: date | None


class PostOut(Schema):
    id: int
    name: str
    headcount: int
    location: str
    duties: str
    placements: list[PlacementOut]

    @staticmethod
    def resolve_placements(obj: Post) -> list[Any]:
        return list(obj.placements.all())


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str


class ReportOut(Schema):
    id: int
    period_start: date
    period_end: date
    summary: str
    figures: dict[str, str]
    submitted_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class ContractCheckOut(Schema):
    deliverable_id: int
    deliverable: str
    passed: bool
    reason: str

    @staticmethod
    def resolve_deliverable(obj: Any) -> str:
        return str(obj.deliverable.name)


class AcceptanceOut(Schema):
    id: int
    phase: int
    title: str
    final: bool
    accepted_on: date
    result: str
    reasons: str
    members: list[dict[str, Any]]
    recipients_invited: int
    recipients_how: str
    recipient_opinions: list[dict[str, Any]]
    items: list[ContractCheckOut]
    published: bool
    published_at: datetime | None

    @staticmethod
    def resolve_items(obj: Acceptance) -> list[Any]:
        return list(obj.items.select_related("deliverable"))


class ContractOut(PublicContractOut):
    award_id: int | None
    lot: int
    performance_bond: Decimal
    bond_citation: str
    multi_year: bool
    term_citation: str
    notice_on: date | None
    sign_due: date | None
    sign_citation: str
    sign_late_reason: str
    publish_due: date | None
    publish_citation: str
    publish_late_reason: str
    small_supplier: bool
    people_facing: bool
    report_every_days: int
    indicators: list[dict[str, Any]]
    terms: str
    completed_at: datetime | None
    terminated_on: date | None
    termination_fault: str
    termination_reason: str
    milestones: list[MilestoneOut]
    deliverables: list[DeliverableOut]
    payments: list[PaymentOut]
    amendments: list[AmendmentOut]
    posts: list[PostOut]
    reports: list[ReportOut]
    acceptances: list[AcceptanceOut]

    @staticmethod
    def resolve_lot(obj: Contract) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_milestones(obj: Contract) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_deliverables(obj: Contract) -> list[Any]:
        return list(obj.deliverables.all())

    @staticmethod
    def resolve_payments(obj: Contract) -> list[Any]:
        return list(obj.payments.all())

    @staticmethod
    def resolve_amendments(obj: Contract) -> list[Any]:
        return list(obj.amendments.all())

    @staticmethod
    def resolve_posts(obj: Contract) -> list[Any]:
        return list(obj.posts.prefetch_related("placements"))

    @staticmethod
    def resolve_reports(obj: Contract) -> list[Any]:
        return list(obj.reports.prefetch_related("attachments"))

    @staticmethod
    def resolve_acceptances(obj: Contract) -> list[Any]:
        return list(obj.acceptances.all())


class PublicAcceptanceOut(Schema):
    """A published acceptance result without personal data (group names, recipients' names)."""

    phase: int
    title: str
    final: bool
    accepted_on: date
    result: str
    reasons: str
    recipients_invited: int
    items: list[ContractCheckOut]
    published_at: datetime | None

    @staticmethod
    def resolve_items(obj: Acceptance) -> list[Any]:
        return list(obj.items.select_related("deliverable"))


class PublicDetailOut(PublicContractOut):
    acceptances: list[PublicAcceptanceOut]

    @staticmethod
    def resolve_acceptances(obj: Contract) -> list[Any]:
        return list(selectors.public_acceptances(obj))


class LateOut(Schema):
    contract_id: int
    reference: str
    kind: str
    label: str
    due_on: date
    days_late: int


class ContractAwardOut(Schema):
    id: int
    procurement: str
    lot: int
    title: str
    winner: str
    price: Decimal
    announced_at: datetime | None

    @staticmethod
    def resolve_procurement(obj: Award) -> str:
        return obj.evaluation.procurement.reference

    @staticmethod
    def resolve_lot(obj: Award) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_title(obj: Award) -> str:
        return obj.evaluation.procurement.title

    @staticmethod
    def resolve_winner(obj: Award) -> str:
        return obj.winner.organization.name if obj.winner else ""

    @staticmethod
    def resolve_price(obj: Award) -> Decimal:
        return obj.winner.price_total if obj.winner else Decimal("0")


# --- public --------------------------------------------------------------------------------------


@router.get("/public", response=list[PublicContractOut], auth=None)
def public_list(request: HttpRequest) -> list[Contract]:
    """Published contracts, newest first (no login)."""
    return list(selectors.public_contracts()[:200])


@router.get("/public/{contract_id}", response={200: PublicDetailOut, 404: ErrorOut}, auth=None)
def public_detail(request: HttpRequest, contract_id: Id) -> Contract:
    """One published contract with its published acceptance results."""
    return selectors.public_contract_get(contract_id)


# --- reads ---------------------------------------------------------------------------------------


@router.get("/", response=list[PublicContractOut])
def contract_list(request: HttpRequest, status: Str32 = "") -> list[Contract]:
    """Contracts the caller may read: own unit's, own organization's, or all (finance, auditors)."""
    return list(selectors.contract_list(actor=request.user, status=status))


@router.get("/late", response=list[LateOut])
def late(request: HttpRequest) -> list[dict[str, Any]]:
    """What is late across the caller's contracts, computed from dates."""
    return [
        {
            "contract_id": i.contract.pk,
            "reference": i.contract.reference,
            "kind": i.kind,
            "label": i.label,
            "due_on": i.due_on,
            "days_late": i.days_late,
        }
        for i in selectors.late_items(selectors.contract_list(actor=request.user))
    ]


@router.get("/awards", response=list[ContractAwardOut])
def awards(request: HttpRequest) -> list[Award]:
    """Announced awards of the caller's unit still without a contract."""
    return list(selectors.awards_to_contract(request.user))


class TermsIn(Schema):
    """The purchaser's terms of a new contract (award or framework call-off)."""

    starts_on: Date
    ends_on: Date
    title: Str200 = ""
    multi_year: bool = False
    performance_bond: Yuan = Decimal("0")
    small_supplier: bool | None = None
    people_facing: bool = True
    report_every_days: SmallCount = 30
    indicators: list[dict[Str64, Text]] = []
    terms: Text = ""


class CallOffCreateIn(TermsIn):
    call_off_id: Id


@router.post("/call-offs", response={201: ContractOut, **ERRORS})
def contract_create_call_off(request: HttpRequest, payload: CallOffCreateIn) -> Status[Any]:
    """Draft the call-off contract of a framework agreement's second-stage pick."""
    call_off = (
        FrameworkCallOff.objects.filter(pk=payload.call_off_id)
        .select_related("shortlist__evaluation__procurement", "shortlist__lot", "member__readout")
        .first()
    )
    if call_off is None:
        raise NotFound(Code.CONTRACT_CALL_OFF_NOT_FOUND)
    data = payload.dict(exclude={"call_off_id"})
    return Status(
        201, services.contract_create_from_call_off(actor=signed_in_user(request), call_off=call_off, **data)
    )


@router.get("/{contract_id}", response={200: ContractOut, **ERRORS})
def contract_detail(request: HttpRequest, contract_id: Id) -> Contract:
    return selectors.contract_get(actor=request.user, contract_id=contract_id)


# --- writes --------------------------------------------------------------------------------------


class ContractCreateIn(TermsIn):
    award_id: Id
    kind: Str16


@router.post("/", response={201: ContractOut, **ERRORS})
def contract_create(request: HttpRequest, payload: ContractCreateIn) -> Status[Any]:
    """Draft the contract of an announced award."""
    award = Award.objects.filter(pk=payload.award_id).select_related("evaluation__procurement", "lot").first()
    if award is None:
        raise NotFound(Code.CONTRACT_AWARD_NOT_FOUND)
    data = payload.dict(exclude={"award_id"})
    return Status(
        201, services.contract_create_from_award(actor=signed_in_user(request), award=award, **data)
    )


def _contract(request: HttpRequest, contract_id: Id) -> Contract:
    return selectors.contract_get(actor=request.user, contract_id=contract_id)


def _added(request: HttpRequest, contract_id: Id, add: Callable[..., Any], payload: Schema) -> Status[Any]:
    """201 with the row `add` (one service taking `actor`, `contract` and the payload's fields)
    makes on a contract the caller may read."""
    contract = _contract(request, contract_id)
    return Status(201, add(actor=signed_in_user(request), contract=contract, **payload.dict()))


def _of_contract(request: HttpRequest, contract_id: Id, model: type[RowT], pk: Id) -> RowT:
    """A row (milestone, payment, post, acceptance) of a contract the actor may read; 404 for a row
    of another contract."""
    return get_object_or_404(model, pk=pk, contract=_contract(request, contract_id))


class ContractSignIn(Schema):
    signed_on: Date | None = None
    late_reason: Text = ""


@router.post("/{contract_id}/sign", response={200: ContractOut, **ERRORS})
def contract_sign(request: HttpRequest, contract_id: Id, payload: ContractSignIn) -> Contract:
    return services.contract_sign(
        actor=signed_in_user(request), contract=_contract(request, contract_id), **payload.dict()
    )


class LateIn(Schema):
    late_reason: Text = ""


@router.post("/{contract_id}/publish", response={200: ContractOut, **ERRORS})
def contract_publish(request: HttpRequest, contract_id: Id, payload: LateIn) -> Contract:
    return services.contract_publish(
        actor=signed_in_user(request),
        contract=_contract(request, contract_id),
        late_reason=payload.late_reason,
    )


class AmendIn(Schema):
    added_amount: Yuan
    reason: Text
    signed_on: Date | None = None
    new_ends_on: Date | None = None


@router.post("/{contract_id}/amendments", response={201: AmendmentOut, **ERRORS})
def contract_amend(request: HttpRequest, contract_id: Id, payload: AmendIn) -> Status[Any]:
    """A supplementary contract; refused beyond 10% of the original amount (GPL §49)."""
    return _added(request, contract_id, services.contract_amend, payload)


class TerminateIn(Schema):
    reason: Text
    fault: Str32
    terminated_on: Date | None = None


@router.post("/{contract_id}/terminate", response={200: ContractOut, **ERRORS})
def contract_terminate(request: HttpRequest, contract_id: Id, payload: TerminateIn) -> Contract:
    contract = _contract(request, contract_id)
    return services.contract_terminate(actor=signed_in_user(request), contract=contract, **payload.dict())


class MilestoneIn(Schema):
    title: Str200
    due_on: Date
    note: Text = ""


@router.post("/{contract_id}/milestones", response={201: MilestoneOut, **ERRORS})
def milestone_add(request: HttpRequest, contract_id: Id, payload: MilestoneIn) -> Status[Any]:
    return _added(request, contract_id, services.milestone_add, payload)


class DoneIn(Schema):
    done_on: Date | None = None
    note: Text = ""


@router.post("/{contract_id}/milestones/{milestone_id}/complete", response={200: MilestoneOut, **ERRORS})
def milestone_complete(request: HttpRequest, contract_id: Id, milestone_id: Id, payload: DoneIn) -> Milestone:
    milestone = _of_contract(request, contract_id, Milestone, milestone_id)
    return services.milestone_complete(actor=signed_in_user(request), milestone=milestone, **payload.dict())


class DeliverableIn(Schema):
    name: Str200
    standard: Text = ""
    milestone_id: Id | None = None


@router.post("/{contract_id}/deliverables", response={201: DeliverableOut, **ERRORS})
def deliverable_add(request: HttpRequest, contract_id: Id, payload: DeliverableIn) -> Status[Any]:
    contract = _contract(request, contract_id)
    milestone = None
    if payload.milestone_id is not None:
        milestone = contract.milestones.filter(pk=payload.milestone_id).first()
        if milestone is None:
            raise ServiceError(Code.CONTRACT_MILESTONE_OTHER_CONTRACT, field="milestone_id")
    deliverable = services.deliverable_add(
        actor=signed_in_user(request),
        contract=contract,
        name=payload.name,
        standard=payload.standard,
        milestone=milestone,
    )
    return Status(201, deliverable)


class PaymentIn(Schema):
    title: Str200
    amount: Yuan
    planned_on: Date | None = None
    after_phase: SmallCount | None = None


@router.post("/{contract_id}/payments", response={201: PaymentOut, **ERRORS})
def payment_add(request: HttpRequest, contract_id: Id, payload: PaymentIn) -> Status[Any]:
    return _added(request, contract_id, services.payment_schedule_add, payload)


class PaidIn(Schema):
    paid_on: Date | None = None
    paid_amount: Yuan | None = None
    voucher: Str80 = ""


@router.post("/{contract_id}/payments/{payment_id}/paid", response={200: PaymentOut, **ERRORS})
def payment_paid(request: HttpRequest, contract_id: Id, payment_id: Id, payload: PaidIn) -> Payment:
    payment = _of_contract(request, contract_id, Payment, payment_id)
    return services.payment_record(actor=signed_in_user(request), payment=payment, **payload.dict())


class PostIn(Schema):
    name: Str120
    headcount: SmallCount
    location: Str200
    duties: Text = ""


@router.post("/{contract_id}/posts", response={201: PostOut, **ERRORS})
def post_add(request: HttpRequest, contract_id: Id, payload: PostIn) -> Status[Any]:
    return _added(request, contract_id, services.post_add, payload)


class PlacementIn(Schema):
    person_name: Str60
    starts_on: Date
    qualification: Str200 = ""
    ends_on: Date | None = None


@router.post("/{contract_id}/posts/{post_id}/placements", response={201: PlacementOut, **ERRORS})
def placement_add(request: HttpRequest, contract_id: Id, post_id: Id, payload: PlacementIn) -> Status[Any]:
    post = _of_contract(request, contract_id, Post, post_id)
    return Status(201, services.placement_record(actor=signed_in_user(request), post=post, **payload.dict()))


class FileIn(Schema):
    name: Str200
    content_base64: str


class ReportIn(Schema):
    period_start: Date
    period_end: Date
    summary: Text
    figures: dict[Str64, Text] = {}
    files: list[FileIn] = []


def _files(files: list[FileIn]) -> list[services.ReportFile]:
    out = []
    for f in files:
        try:
            content = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError(Code.CONTRACT_FILE_ENCODING, field="files") from None
        out.append(services.ReportFile(f.name, content))
    return out


@router.post("/{contract_id}/reports", response={201: ReportOut, **ERRORS})
def report_submit(request: HttpRequest, contract_id: Id, payload: ReportIn) -> Status[Any]:
    """A progress report by the supplier; attachments as base64 (size and type checked)."""
    contract = _contract(request, contract_id)
    report = services.progress_report_submit(
        actor=signed_in_user(request),
        contract=contract,
        period_start=payload.period_start,
        period_end=payload.period_end,
        summary=payload.summary,
        figures=payload.figures,
        files=_files(payload.files),
    )
    return Status(201, report)


class CheckIn(Schema):
    deliverable_id: Id
    passed: bool
    reason: Text = ""


class MemberIn(Schema):
    name: Str120
    role: Str60 = ""


class OpinionIn(Schema):
    who: Str120 = ""
    opinion: Text
    satisfied: bool | None = None


class AcceptanceIn(Schema):
    title: Str200
    result: Str8
    members: list[MemberIn]
    checklist: list[CheckIn]
    reasons: Text = ""
    final: bool = False
    accepted_on: Date | None = None
    recipients_invited: Count = 0
    recipients_how: Str200 = ""
    recipient_opinions: list[OpinionIn] = []


@router.post("/{contract_id}/acceptances", response={201: AcceptanceOut, **ERRORS})
def acceptance_record(request: HttpRequest, contract_id: Id, payload: AcceptanceIn) -> Status[Any]:
    """One acceptance phase; the final phase passing completes the contract."""
    contract = _contract(request, contract_id)
    data = payload.dict()
    data["checklist"] = [services.CheckInput(**c) for c in data["checklist"]]
    return Status(201, services.acceptance_record(actor=signed_in_user(request), contract=contract, **data))


@router.post("/{contract_id}/acceptances/{acceptance_id}/publish", response={200: AcceptanceOut, **ERRORS})
def acceptance_publish(request: HttpRequest, contract_id: Id, acceptance_id: Id) -> Acceptance:
    acceptance = _of_contract(request, contract_id, Acceptance, acceptance_id)
    return services.acceptance_publish(actor=signed_in_user(request), acceptance=acceptance)
