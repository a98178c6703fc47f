"""Challenge and complaint API: filings, answers, finance actions; every deadline with its citation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.challenges import selectors, services
from opengps.challenges.models import Challenge, Complaint
from opengps.core.inputs import Id, SmallCount, Str16, Text
from opengps.procurement.models import Procurement

router = Router(tags=["challenges"], auth=django_auth)


class ChallengeIn(Schema):
    subject: Str16
    text: Text


class ChallengeTextIn(Schema):
    text: Text


class SuspendIn(Schema):
    days: SmallCount
    reason: Text


class ChallengeDecideIn(Schema):
    upheld: bool
    text: Text


class ClockStopIn(Schema):
    reason: Str16
    """inspection 检验 / testing 检测 / appraisal 鉴定 / expert_review 专家评审 / supplement 补正材料."""
    note: Text


class ClockStopOut(Schema):
    reason: str
    reason_label: str
    note: str
    stopped_on: date
    resumed_on: date | None

    @staticmethod
    def resolve_reason_label(obj: Any) -> str:
        # revalidated when nested in an already-built ComplaintOut: keep its label
        label = getattr(obj, "reason_label", None)
        return str(label if label is not None else obj.get_reason_display())


class ComplaintOut(Schema):
    id: int
    text: str
    received_on: date
    filing_due: date
    filing_citation: str
    decision_due: date
    decision_citation: str
    suspended_on: date | None
    suspended_until: date | None
    suspension_citation: str
    decision: str
    decision_text: str
    clock_stops: list[ClockStopOut]
    """Periods not counted in the decision time (O94 §27); `decision_due` already excludes those resumed."""

    @staticmethod
    def resolve_clock_stops(obj: Any) -> list[Any]:
        stops = obj.clock_stops
        return list(stops) if isinstance(stops, list) else list(stops.all())


class ChallengeOut(Schema):
    id: int
    supplier: str
    subject: str
    text: str
    known_on: date
    filing_due: date
    filing_citation: str
    received_on: date
    answer_due: date
    answer_citation: str
    status: str
    answer: str
    complaint: ComplaintOut | None
    complaint_due: date | None
    complaint_due_citation: str


def _challenge_out(c: Challenge) -> ChallengeOut:
    complaint = getattr(c, "complaint", None) if hasattr(c, "complaint") else None
    due = selectors.complaint_due(c)
    return ChallengeOut(
        id=c.pk,
        supplier=c.organization.name,
        subject=c.subject,
        text=c.text,
        known_on=c.known_on,
        filing_due=c.filing_due,
        filing_citation=c.filing_citation,
        received_on=c.received_on,
        answer_due=c.answer_due,
        answer_citation=c.answer_citation,
        status=c.status,
        answer=c.answer,
        complaint=ComplaintOut.from_orm(complaint) if complaint else None,
        complaint_due=due.value if due else None,
        complaint_due_citation=due.citation if due else "",
    )


@router.get("/{procurement_id}", response=list[ChallengeOut])
def challenge_list(request: HttpRequest, procurement_id: Id) -> list[ChallengeOut]:
    procurement = get_object_or_404(Procurement, pk=procurement_id)
    return [
        _challenge_out(c) for c in selectors.challenges_visible(actor=request.user, procurement=procurement)
    ]


@router.post("/{procurement_id}", response={201: ChallengeOut})
def challenge_file(request: HttpRequest, procurement_id: Id, payload: ChallengeIn) -> Status[ChallengeOut]:
    procurement = get_object_or_404(Procurement, pk=procurement_id)
    challenge = services.challenge_file(
        actor=signed_in_user(request), procurement=procurement, subject=payload.subject, text=payload.text
    )
    return Status(201, _challenge_out(challenge))


@router.post("/challenge/{challenge_id}/answer", response=ChallengeOut)
def challenge_answer(request: HttpRequest, challenge_id: Id, payload: ChallengeTextIn) -> ChallengeOut:
    challenge = get_object_or_404(Challenge, pk=challenge_id)
    return _challenge_out(
        services.challenge_answer(actor=signed_in_user(request), challenge=challenge, answer=payload.text)
    )


@router.post("/challenge/{challenge_id}/complaint", response={201: ComplaintOut})
def complaint_file(request: HttpRequest, challenge_id: Id, payload: ChallengeTextIn) -> Status[Complaint]:
    challenge = get_object_or_404(Challenge, pk=challenge_id)
    return Status(
        201, services.complaint_file(actor=signed_in_user(request), challenge=challenge, text=payload.text)
    )


@router.post("/complaint/{complaint_id}/suspend", response=ComplaintOut)
def complaint_suspend(request: HttpRequest, complaint_id: Id, payload: SuspendIn) -> Complaint:
    complaint = get_object_or_404(Complaint, pk=complaint_id)
    return services.complaint_suspend(
        actor=signed_in_user(request), complaint=complaint, days=payload.days, reason=payload.reason
    )


@router.post("/complaint/{complaint_id}/resume", response=ComplaintOut)
def complaint_resume(request: HttpRequest, complaint_id: Id) -> Complaint:
    return services.complaint_resume(
        actor=signed_in_user(request), complaint=get_object_or_404(Complaint, pk=complaint_id)
    )


@router.post("/complaint/{complaint_id}/decide", response=ComplaintOut)
def complaint_decide(request: HttpRequest, complaint_id: Id, payload: ChallengeDecideIn) -> Complaint:
    complaint = get_object_or_404(Complaint, pk=complaint_id)
    return services.complaint_decide(
        actor=signed_in_user(request), complaint=complaint, upheld=payload.upheld, text=payload.text
    )


@router.post("/complaint/{complaint_id}/clock-stop", response={201: ComplaintOut})
def complaint_clock_stop(request: HttpRequest, complaint_id: Id, payload: ClockStopIn) -> Status[Complaint]:
    """中止计算投诉处理期限（财政部令第94号 第二十七条）: finance only; one stop at a time."""
    complaint = selectors.complaint_for_finance(actor=request.user, complaint_id=complaint_id)
    services.complaint_clock_stop(
        actor=signed_in_user(request), complaint=complaint, reason=payload.reason, note=payload.note
    )
    return Status(201, Complaint.objects.get(pk=complaint.pk))


@router.post("/complaint/{complaint_id}/clock-resume", response=ComplaintOut)
def complaint_clock_resume(request: HttpRequest, complaint_id: Id) -> Complaint:
    """恢复计算投诉处理期限: `decision_due` moves later by the working days the clock stood still."""
    complaint = selectors.complaint_for_finance(actor=request.user, complaint_id=complaint_id)
    return services.complaint_clock_resume(actor=signed_in_user(request), complaint=complaint)
