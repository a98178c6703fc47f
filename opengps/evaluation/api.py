"""Evaluation and award API: one service call per write; scores only as `selectors.scores_visible` allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.core import clock
from opengps.core.clock import local_date
from opengps.core.errors import NotFound, PermissionDenied
from opengps.core.inputs import Id, Rate, Score, SmallCount, Str8, Str16, Str32, Str64, Str200, Text, Yuan
from opengps.evaluation import selectors, services
from opengps.evaluation.errors import Code
from opengps.evaluation.models import Award, Evaluation, FrameworkCallOff, FrameworkMember, FrameworkShortlist
from opengps.experts.models import Draw
from opengps.procurement.models import BidReadout, Procurement

router = Router(tags=["evaluation"], auth=django_auth)


class FactorIn(Schema):
    code: Str32
    name: Str200
    max_points: Score


class StartIn(Schema):
    draw_id: Id | None = None
    """The expert draw of the committee; none for single source (no committee, O74 §41)."""
    factors: list[FactorIn] = []
    price_weight: Rate = Decimal(0)
    formula: Str8 = "O87"
    small_micro_rate: Rate | None = None
    by_price: bool = False


class ConflictIn(Schema):
    no_conflict: bool
    reason: Text = ""


class ReviewIn(Schema):
    readout_id: Id
    kind: Str16
    requirement: Str200
    passed: bool
    reason: Text = ""


class EvaluationScoresIn(Schema):
    scores: dict[Id, dict[Str64, Score]]


class EvaluationScoreOut(Schema):
    member: str
    supplier: str
    factor: str
    points: Decimal


class EvaluationAwardOut(Schema):
    lot: int
    first_candidate: str
    report_on: date
    confirm_due: date
    confirm_citation: str
    effective_winner: str | None
    how: str
    announce_due: date | None
    announce_citation: str


class EvaluationOut(Schema):
    procurement: int
    status: str
    status_label: str
    members: list[dict[str, Any]]
    factors: list[dict[str, Any]]
    price_weight: Decimal
    report: dict[str, Any] | None
    awards: list[EvaluationAwardOut]
    shortlists: list[dict[str, Any]] = []
    """Framework agreements: the shortlisted suppliers (入围) per lot and the call-offs."""


class CallOffIn(Schema):
    description: Str200
    amount: Yuan
    member_rank: SmallCount | None = None
    """Direct pick: the purchaser's choice by rank; none = the lowest agreement price (O110 §32)."""
    quotes: dict[Id, Yuan] = {}
    """Re-bid (O110 §33): rank → quote."""


def _evaluation(request: HttpRequest, procurement_id: Id) -> Evaluation:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("procurement"), procurement_id=procurement_id
    )
    if not selectors.can_read_evaluation(request.user, evaluation):
        raise PermissionDenied(Code.EVALUATION_NOT_VISIBLE)
    return evaluation


def _award_out(award: Award) -> EvaluationAwardOut:
    effective = selectors.award_effective_winner(award, today=local_date(clock.now()))
    return EvaluationAwardOut(
        lot=award.lot.number,
        first_candidate=award.first_candidate.organization.name,
        report_on=award.report_on,
        confirm_due=award.confirm_due,
        confirm_citation=award.confirm_citation,
        effective_winner=effective.winner.organization.name if effective.winner else None,
        how=effective.how,
        announce_due=award.announce_due,
        announce_citation=award.announce_citation,
    )


def _out(evaluation: Evaluation) -> EvaluationOut:
    report = getattr(evaluation, "report", None)
    return EvaluationOut(
        procurement=evaluation.procurement_id,
        status=evaluation.status,
        status_label=str(evaluation.get_status_display()),
        members=[
            {
                "name": m.name,
                "state": m.state,
                "scores_submitted": m.scores_submitted_at is not None,
                "report_confirmed": m.report_confirmed_at is not None,
            }
            for m in evaluation.members.all()
        ],
        factors=[
            {"code": f.code, "name": f.name, "max_points": f.max_points} for f in evaluation.factors.all()
        ],
        price_weight=evaluation.price_weight,
        report=None
        if report is None
        else {
            "built_at": report.built_at.isoformat(),
            "due_on": report.due_on.isoformat(),
            "due_citation": report.due_citation,
            "delivered_on": report.delivered_on.isoformat() if report.delivered_on else None,
            "lots": report.lots,
        },
        awards=[
            _award_out(a) for a in evaluation.awards.select_related("lot", "first_candidate__organization")
        ],
        shortlists=selectors.framework_shortlists(evaluation),
    )


def _after(request: HttpRequest, procurement_id: int, service: Callable[..., object]) -> EvaluationOut:
    """Run `service(actor=…, evaluation=…)` on the procurement's evaluation; its state afterwards."""
    evaluation = _evaluation(request, procurement_id)
    service(actor=request.user, evaluation=evaluation)
    evaluation.refresh_from_db()
    return _out(evaluation)


@router.get("/{procurement_id}", response=EvaluationOut)
def evaluation_detail(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    return _out(_evaluation(request, procurement_id))


@router.post("/{procurement_id}/start", response={201: EvaluationOut})
def evaluation_start(request: HttpRequest, procurement_id: Id, payload: StartIn) -> Status[EvaluationOut]:
    procurement = get_object_or_404(Procurement, pk=procurement_id)
    evaluation = services.evaluation_start(
        actor=signed_in_user(request),
        procurement=procurement,
        draw=get_object_or_404(Draw, pk=payload.draw_id) if payload.draw_id is not None else None,
        factors=[services.FactorInput(f.code, f.name, f.max_points) for f in payload.factors],
        price_weight=payload.price_weight,
        formula=payload.formula,
        small_micro_rate=payload.small_micro_rate,
        by_price=payload.by_price,
    )
    return Status(201, _out(evaluation))


@router.post("/{procurement_id}/conflict", response=EvaluationOut)
def member_conflict(request: HttpRequest, procurement_id: Id, payload: ConflictIn) -> EvaluationOut:
    evaluation = _evaluation(request, procurement_id)
    services.member_confirm_no_conflict(
        actor=signed_in_user(request),
        evaluation=evaluation,
        no_conflict=payload.no_conflict,
        reason=payload.reason,
    )
    return _out(evaluation)


@router.post("/{procurement_id}/substitutes", response=EvaluationOut)
def substitute_join(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    """Seat the accepted substitutes of experts who recused."""
    return _after(request, procurement_id, services.committee_substitute_join)


@router.post("/{procurement_id}/reviews", response=EvaluationOut)
def review_record(request: HttpRequest, procurement_id: Id, payload: ReviewIn) -> EvaluationOut:
    evaluation = _evaluation(request, procurement_id)
    services.review_record(
        actor=signed_in_user(request),
        evaluation=evaluation,
        readout=get_object_or_404(BidReadout.objects.select_related("opening"), pk=payload.readout_id),
        kind=payload.kind,
        requirement=payload.requirement,
        passed=payload.passed,
        reason=payload.reason,
    )
    return _out(evaluation)


@router.post("/{procurement_id}/scores", response=EvaluationOut)
def scores_submit(request: HttpRequest, procurement_id: Id, payload: EvaluationScoresIn) -> EvaluationOut:
    evaluation = _evaluation(request, procurement_id)
    services.scores_submit(actor=signed_in_user(request), evaluation=evaluation, scores=payload.scores)
    return _out(evaluation)


@router.get("/{procurement_id}/scores", response=list[EvaluationScoreOut])
def scores_list(request: HttpRequest, procurement_id: Id) -> list[EvaluationScoreOut]:
    evaluation = _evaluation(request, procurement_id)
    return [
        EvaluationScoreOut(
            member=s.member.name, supplier=s.readout.organization.name, factor=s.factor.code, points=s.points
        )
        for s in selectors.scores_visible(actor=request.user, evaluation=evaluation)
    ]


@router.post("/{procurement_id}/report", response=EvaluationOut)
def report_build(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    return _after(request, procurement_id, services.evaluation_report_build)


@router.post("/{procurement_id}/report/confirm", response=EvaluationOut)
def report_confirm(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    return _after(request, procurement_id, services.evaluation_report_confirm)


@router.post("/{procurement_id}/awards/{lot_number}/confirm", response=EvaluationOut)
def award_confirm(request: HttpRequest, procurement_id: Id, lot_number: Id) -> EvaluationOut:
    evaluation = _evaluation(request, procurement_id)
    services.award_confirm(
        actor=signed_in_user(request),
        award=get_object_or_404(Award, evaluation=evaluation, lot__number=lot_number),
    )
    return _out(evaluation)


@router.post("/{procurement_id}/announce", response=EvaluationOut)
def award_announce(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    evaluation = _evaluation(request, procurement_id)
    services.award_announce(actor=signed_in_user(request), procurement=evaluation.procurement)
    return _out(evaluation)


@router.post("/{procurement_id}/shortlist/announce", response=EvaluationOut)
def shortlist_announce(request: HttpRequest, procurement_id: Id) -> EvaluationOut:
    """Framework agreement: announce the shortlist (入围结果公告, O110 §28)."""
    evaluation = _evaluation(request, procurement_id)
    services.framework_shortlist_announce(actor=signed_in_user(request), procurement=evaluation.procurement)
    return _out(evaluation)


@router.post("/{procurement_id}/shortlist/{lot_number}/call-offs", response={201: EvaluationOut})
def call_off_pick(
    request: HttpRequest, procurement_id: Id, lot_number: SmallCount, payload: CallOffIn
) -> Status[EvaluationOut]:
    """Framework agreement: award a call-off to a shortlisted supplier by the agreement's rule."""
    evaluation = _evaluation(request, procurement_id)
    shortlist = get_object_or_404(FrameworkShortlist, evaluation=evaluation, lot__number=lot_number)
    by_rank = {m.rank: m for m in FrameworkMember.objects.filter(shortlist=shortlist)}
    chosen = None
    if payload.member_rank is not None:
        chosen = by_rank.get(payload.member_rank)
        if chosen is None:
            raise NotFound(Code.FRAMEWORK_MEMBER_NOT_FOUND)
    quotes = {}
    for rank, price in payload.quotes.items():
        if rank not in by_rank:
            raise NotFound(Code.FRAMEWORK_MEMBER_NOT_FOUND)
        quotes[by_rank[rank].pk] = price
    services.framework_call_off_pick(
        actor=signed_in_user(request),
        shortlist=shortlist,
        description=payload.description,
        amount=payload.amount,
        chosen=chosen,
        quotes=quotes or None,
    )
    return Status(201, _out(evaluation))


class CallOffPublishIn(Schema):
    late_reason: Text = ""


@router.post("/{procurement_id}/shortlist/{lot_number}/call-offs/{number}/publish", response=EvaluationOut)
def call_off_publish(
    request: HttpRequest, procurement_id: Id, lot_number: SmallCount, number: Id, payload: CallOffPublishIn
) -> EvaluationOut:
    """Framework agreement: publish one call-off result (成交结果单笔公告) — a re-bid or rotation
    within 2 working days (O110 §35); later needs `late_reason` and is marked late."""
    evaluation = _evaluation(request, procurement_id)
    call_off = (
        FrameworkCallOff.objects.filter(
            shortlist__evaluation=evaluation, shortlist__lot__number=lot_number, number=number
        )
        .values_list("pk", flat=True)
        .first()
    )
    if call_off is None:
        raise NotFound(Code.FRAMEWORK_CALL_OFF_NOT_FOUND)
    services.framework_call_off_publish(
        actor=signed_in_user(request),
        call_off=selectors.call_off_for_official(actor=request.user, call_off_id=call_off),
        late_reason=payload.late_reason,
    )
    return _out(evaluation)
