"""Challenge and complaint API: filings, answers, finance actions; every deadline with its citation."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.challenges import selectors, services
from opengps.challenges.models import Challenge, Complaint
from opengps.procurement.models import Procurement

router = Router(tags=["challenges"], auth=django_auth)


class ChallengeIn(Schema):
    subject: str
    text: str


class TextIn(Schema):
    text: str


class SuspendIn(Schema):
    days: int
    reason: str


class DecideIn(Schema):
    upheld: bool
    text: str


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
def challenge_list(request: HttpRequest, procurement_id: int) -> list[ChallengeOut]:
    procurement = get_object_or_404(Procurement, pk=procurement_id)
    return [
        _challenge_out(c) for c in selectors.challenges_visible(actor=request.user, procurement=procurement)
    ]


@router.post("/{procurement_id}", response={201: ChallengeOut})
def challenge_file(request: HttpRequest, procurement_id: int, payload: ChallengeIn) -> Status[ChallengeOut]:
    procurement = get_object_or_404(Procurement, pk=procurement_id)
    challenge = services.challenge_file(
        actor=request.user, procurement=procurement, subject=payload.subject, text=payload.text
    )
    return Status(201, _challenge_out(challenge))


@router.post("/challenge/{challenge_id}/answer", response=ChallengeOut)
def challenge_answer(request: HttpRequest, challenge_id: int, payload: TextIn) -> ChallengeOut:
    challenge = get_object_or_404(Challenge, pk=challenge_id)
    return _challenge_out(
        services.challenge_answer(actor=request.user, challenge=challenge, answer=payload.text)
    )


@router.post("/challenge/{challenge_id}/complaint", response={201: ComplaintOut})
def complaint_file(request: HttpRequest, challenge_id: int, payload: TextIn) -> Status[Complaint]:
    challenge = get_object_or_404(Challenge, pk=challenge_id)
    return Status(201, services.complaint_file(actor=request.user, challenge=challenge, text=payload.text))


@router.post("/complaint/{complaint_id}/suspend", response=ComplaintOut)
def complaint_suspend(request: HttpRequest, complaint_id: int, payload: SuspendIn) -> Complaint:
    complaint = get_object_or_404(Complaint, pk=complaint_id)
    return services.complaint_suspend(
        actor=request.user, complaint=complaint, days=payload.days, reason=payload.reason
    )


@router.post("/complaint/{complaint_id}/resume", response=ComplaintOut)
def complaint_resume(request: HttpRequest, complaint_id: int) -> Complaint:
    return services.complaint_resume(
        actor=request.user, complaint=get_object_or_404(Complaint, pk=complaint_id)
    )


@router.post("/complaint/{complaint_id}/decide", response=ComplaintOut)
def complaint_decide(request: HttpRequest, complaint_id: int, payload: DecideIn) -> Complaint:
    complaint = get_object_or_404(Complaint, pk=complaint_id)
    return services.complaint_decide(
        actor=request.user, complaint=complaint, upheld=payload.upheld, text=payload.text
    )
