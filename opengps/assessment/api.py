"""Assessment API (/api/v1/assessment/): indicator sets, rounds, applications (with the screening's
reasons), the assessors' sheets, the committee, the notice, objections (anyone, rate-limited) and
their review, and the decision. Refusals are the services' codes in the platform's error shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Unit
from opengps.assessment import facts, selectors, services
from opengps.assessment.errors import Code
from opengps.assessment.models import Application, IndicatorSet, Objection, Round, Sanction
from opengps.core import ratelimit
from opengps.core.api_errors import ERRORS
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.inputs import Date, Id, Score, Str16, Str20, Str24, Str80, Str100, Str120, Str200, Text
from opengps.registry.models import Organization

router = Router(tags=["assessment"], auth=django_auth)


class RateLimited(ServiceError):
    status = 429


class AssessmentIndicatorIn(Schema):
    code: Str20
    section: Str16
    name: Str200
    max_points: Score


class AssessmentIndicatorSetIn(Schema):
    org_type: Str24
    name: Str120
    effective_from: Date
    total_points: Score
    items: list[AssessmentIndicatorIn]


class AssessmentIndicatorOut(Schema):
    code: str
    section: str
    name: str
    max_points: Decimal


class AssessmentIndicatorSetOut(Schema):
    id: int
    org_type: str
    version: int
    name: str
    effective_from: date
    total_points: Decimal
    items: list[AssessmentIndicatorOut]

    @staticmethod
    def resolve_items(obj: IndicatorSet) -> list[Any]:
        return list(selectors.indicators(obj))


class AssessmentRoundIn(Schema):
    name: Str120
    registration_level: Str16
    indicator_set_id: Id
    opens_on: Date
    closes_on: Date
    body_id: Id
    body_reason: Text
    assessors_required: int = 2


class AssessmentRoundOut(Schema):
    id: int
    name: str
    authority: str
    registration_level: str
    org_type: str
    indicator_set_id: int
    opens_on: date
    closes_on: date
    body: str
    body_reason: str
    assessors_required: int
    status: str
    committee_met_on: date | None
    notice_published_on: date | None
    decision_no: str
    decided_on: date | None

    @staticmethod
    def resolve_authority(obj: Round) -> str:
        return obj.authority.name

    @staticmethod
    def resolve_body(obj: Round) -> str:
        return obj.body.name

    @staticmethod
    def resolve_org_type(obj: Round) -> str:
        return obj.indicator_set.org_type


class AssessmentReasonOut(Schema):
    code: str
    message_zh: str
    message_en: str
    citation: str


class AssessmentOrganizationNamed(Schema):
    """Base of the rows naming an application's organization: its name and USCC (`organization`,
    `organization_uscc`, declared by each row where it stands)."""

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_organization_uscc(obj: Application) -> str:
        return obj.organization.uscc


class AssessmentApplicationOut(AssessmentOrganizationNamed):
    id: int
    round_id: int
    organization: str
    organization_uscc: str
    applied_on: date
    self_scores: dict[str, str]
    self_total: Decimal
    status: str
    screening_reasons: list[AssessmentReasonOut]
    score: Decimal | None
    proposed_level: int | None
    rating_level: int | None

    @staticmethod
    def resolve_rating_level(obj: Application) -> int | None:
        return obj.rating.level if obj.rating else None


class AssessmentApplyIn(Schema):
    self_scores: dict[Str20, Score]
    self_note: Text = ""


class AssessmentSheetIn(Schema):
    scores: dict[Str20, Score]
    comments: dict[Str20, Text] = {}
    visited_on: Date
    visit_record: Text


class AssessmentSheetOut(Schema):
    id: int
    application_id: int
    total: Decimal
    visited_on: date


class AssessmentLinkIn(Schema):
    organization_uscc: Str20
    relation: Str16
    detail: Str200 = ""
    assessor_id: Id | None = None
    body_id: Id | None = None


class AssessmentLinkOut(Schema):
    id: int
    relation: str
    detail: str


class AssessmentNoteIn(Schema):
    note: Text


class AssessmentDecideIn(Schema):
    decision_no: Str80


class AssessmentObjectionIn(Schema):
    application_id: Id
    filer_name: Str100 = ""
    filer_contact: Str100 = ""
    text: Text


class AssessmentObjectionOut(Schema):
    """Public view of an objection: never the filer's contact."""

    id: int
    application_id: int
    filed_on: date
    text: str
    status: str
    decision: str
    level_before: int | None
    level_after: int | None
    decided_on: date | None


class AssessmentReviewIn(Schema):
    upheld: bool
    decision: Text
    level: int | None = None


class AssessmentSanctionIn(Schema):
    kind: Str24
    finding: Str24
    reason: Text
    decision_no: Str80
    level: int | None = None
    serious: bool = False


class AssessmentSanctionOut(Schema):
    id: int
    application_id: int
    kind: str
    finding: str
    serious: bool
    reason: str
    decision_no: str
    level_before: int
    level_after: int | None
    decided_on: date


class AssessmentNoticeRowOut(AssessmentOrganizationNamed):
    organization: str
    organization_uscc: str
    score: Decimal | None
    proposed_level: int | None
    status: str


class AssessmentNoticeOut(Schema):
    round: AssessmentRoundOut
    notice_open: bool
    applications: list[AssessmentNoticeRowOut]
    objections: list[AssessmentObjectionOut]


class AssessmentFactOut(Schema):
    """A record the platform holds about the organization: labels to show, `kind` for programs."""

    kind: str
    source: str
    label: str
    on: date | None
    url: str
    tone: str
    detail: str


class AssessmentFactSectionOut(Schema):
    """The facts that inform one section of the indicator set, with the section's indicators."""

    section: str
    label: str
    indicators: list[AssessmentIndicatorOut]
    facts: list[AssessmentFactOut]


# --- indicator sets and rounds --------------------------------------------------------------------


@router.get("/sets", response={200: list[AssessmentIndicatorSetOut], **ERRORS}, auth=None)
def sets(request: HttpRequest) -> Any:
    """Every version of every indicator set (public: organizations prepare against them)."""
    return list(selectors.indicator_sets())


@router.post("/sets", response={201: AssessmentIndicatorSetOut, **ERRORS})
def set_create(request: HttpRequest, payload: AssessmentIndicatorSetIn) -> Status[IndicatorSet]:
    """A new version of an organization type's indicator set; the points must sum to the total."""
    data = payload.dict()
    made = services.indicator_set_create(actor=signed_in_user(request), **data)
    return Status(201, made)


@router.get("/rounds", response={200: list[AssessmentRoundOut], **ERRORS})
def rounds(request: HttpRequest) -> Any:
    return list(selectors.rounds_visible(actor=request.user)[:200])


@router.post("/rounds", response={201: AssessmentRoundOut, **ERRORS})
def round_open(request: HttpRequest, payload: AssessmentRoundIn) -> Status[Round]:
    """Open a round of the caller's registration authority with its appointed assessment body."""
    body = Unit.objects.filter(pk=payload.body_id).first()
    if body is None:
        raise ServiceError(Code.ASSESSMENT_BODY_INVALID, field="body")
    indicator_set = selectors.indicator_set_get(payload.indicator_set_id)
    made = services.round_open(
        actor=signed_in_user(request),
        name=payload.name,
        registration_level=payload.registration_level,
        indicator_set=indicator_set,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        body=body,
        body_reason=payload.body_reason,
        assessors_required=payload.assessors_required,
    )
    return Status(201, made)


@router.get("/rounds/{round_id}", response={200: AssessmentRoundOut, **ERRORS})
def round_detail(request: HttpRequest, round_id: Id) -> Round:
    return selectors.round_get(actor=request.user, pk=round_id)


@router.get("/rounds/{round_id}/applications", response={200: list[AssessmentApplicationOut], **ERRORS})
def round_applications(request: HttpRequest, round_id: Id) -> Any:
    round_ = selectors.round_get(actor=request.user, pk=round_id)
    return list(selectors.applications_of(actor=request.user, round_=round_))


@router.post("/rounds/{round_id}/applications", response={201: AssessmentApplicationOut, **ERRORS})
def apply(request: HttpRequest, round_id: Id, payload: AssessmentApplyIn) -> Status[Application]:
    """A member of an organization applies with its self-assessment."""
    round_ = selectors.round_get(actor=request.user, pk=round_id)
    made = services.application_submit(
        actor=signed_in_user(request),
        round=round_,
        self_scores=payload.self_scores,
        self_note=payload.self_note,
    )
    return Status(201, made)


@router.post("/rounds/{round_id}/committee", response={200: AssessmentRoundOut, **ERRORS})
def committee(request: HttpRequest, round_id: Id, payload: AssessmentNoteIn) -> Round:
    round_ = selectors.round_get(actor=request.user, pk=round_id)
    return services.committee_propose(actor=signed_in_user(request), round=round_, note=payload.note)


@router.post("/rounds/{round_id}/notice", response={200: AssessmentRoundOut, **ERRORS})
def notice_publish(request: HttpRequest, round_id: Id) -> Round:
    round_ = selectors.round_get(actor=request.user, pk=round_id)
    return services.notice_publish(actor=signed_in_user(request), round=round_)


@router.post("/rounds/{round_id}/decide", response={200: AssessmentRoundOut, **ERRORS})
def decide(request: HttpRequest, round_id: Id, payload: AssessmentDecideIn) -> Round:
    """Close the notice (refused before its period has run) and record the ratings."""
    round_ = selectors.round_get(actor=request.user, pk=round_id)
    return services.round_decide(actor=signed_in_user(request), round=round_, decision_no=payload.decision_no)


# --- applications -----------------------------------------------------------------------------------


@router.get("/applications/{application_id}", response={200: AssessmentApplicationOut, **ERRORS})
def application(request: HttpRequest, application_id: Id) -> Application:
    return selectors.application_get(actor=request.user, pk=application_id)


@router.get("/applications/{application_id}/facts", response={200: list[AssessmentFactSectionOut], **ERRORS})
def application_facts(request: HttpRequest, application_id: Id) -> Any:
    """What the platform already knows about the organization (performance grades, grant outcomes,
    credit listings and penalties, opinion alerts, residents' ratings and complaints), by the section
    it informs: for the round's assessors, its registration authority and auditors. It informs the
    assessor; it never changes a score."""
    item = selectors.application_get(actor=request.user, pk=application_id)
    if not facts.readable_by(request.user, item.round):
        raise PermissionDenied(Code.ASSESSMENT_OUT_OF_SCOPE)
    return facts.application_facts(item, selectors.indicators(item.round.indicator_set), viewer=request.user)


@router.post("/applications/{application_id}/screen", response={200: AssessmentApplicationOut, **ERRORS})
def screen(request: HttpRequest, application_id: Id) -> Application:
    """Screen by the rules on today's records: eligible, or not with every reason and its article."""
    item = selectors.application_get(actor=request.user, pk=application_id)
    return services.application_screen(actor=signed_in_user(request), application=item)


@router.post("/applications/{application_id}/sanctions", response={201: AssessmentSanctionOut, **ERRORS})
def sanction(request: HttpRequest, application_id: Id, payload: AssessmentSanctionIn) -> Status[Sanction]:
    """Downgrade (`kind` "downgrade", to `level`) or revoke (`kind` "revoke") the rating the
    decision awarded, on a finding, with the reason and the decision document (M39 第三十条 [U])."""
    item = selectors.application_get(actor=request.user, pk=application_id)
    made = services.rating_sanction(
        actor=signed_in_user(request),
        application=item,
        kind=payload.kind,
        finding=payload.finding,
        reason=payload.reason,
        decision_no=payload.decision_no,
        level=payload.level,
        serious=payload.serious,
    )
    return Status(201, made)


@router.post("/applications/{application_id}/sheets", response={201: AssessmentSheetOut, **ERRORS})
def sheet(request: HttpRequest, application_id: Id, payload: AssessmentSheetIn) -> Status[Any]:
    """An assessor of the round's body submits their indicator sheet (refused when linked)."""
    item = selectors.application_get(actor=request.user, pk=application_id)
    made = services.sheet_submit(
        actor=signed_in_user(request),
        application=item,
        scores=payload.scores,
        comments=payload.comments,
        visited_on=payload.visited_on,
        visit_record=payload.visit_record,
    )
    return Status(201, made)


@router.post("/links", response={201: AssessmentLinkOut, **ERRORS})
def link(request: HttpRequest, payload: AssessmentLinkIn) -> Status[Any]:
    """Record (authority) or declare (assessor) a link between an organization and an assessor or body."""
    organization = Organization.objects.filter(uscc=payload.organization_uscc).first()
    if organization is None:
        raise NotFound(Code.ASSESSMENT_ORG_NOT_FOUND)
    assessor = (
        get_user_model().objects.filter(pk=payload.assessor_id).first() if payload.assessor_id else None
    )
    body = Unit.objects.filter(pk=payload.body_id).first() if payload.body_id else None
    made = services.link_record(
        actor=signed_in_user(request),
        organization=organization,
        relation=payload.relation,
        detail=payload.detail,
        assessor=assessor,
        body=body,
    )
    return Status(201, made)


# --- public notice and objections -------------------------------------------------------------------


@router.get("/notices/{round_id}", response={200: AssessmentNoticeOut, **ERRORS}, auth=None)
def notice(request: HttpRequest, round_id: Id) -> Any:
    """A round's public notice: the proposed (or awarded) levels and the objections' outcomes."""
    round_ = selectors.notice_get(round_id)
    return {
        "round": round_,
        "notice_open": services.notice_open(round_),
        "applications": list(selectors.notice_applications(round_)),
        "objections": list(selectors.objections_of(round_)),
    }


@router.post("/notices/{round_id}/objections", response={201: AssessmentObjectionOut, **ERRORS}, auth=None)
def object_(request: HttpRequest, round_id: Id, payload: AssessmentObjectionIn) -> Status[Objection]:
    """Anyone objects to a proposed level during the notice (rate-limited per address)."""
    limit, window = services.OBJECTION_RATE
    if not ratelimit.allow(
        f"assessment-objection:{ratelimit.client_ip(request)}", limit=limit, window_seconds=window
    ):
        raise RateLimited(Code.ASSESSMENT_RATE_LIMITED)
    round_ = selectors.notice_get(round_id)
    item = selectors.notice_objection_application(round_, payload.application_id)
    if item is None:
        raise ServiceError(Code.ASSESSMENT_NOTICE_OVER, field="application")
    made = services.objection_file(
        actor=request.user,
        application=item,
        text=payload.text,
        filer_name=payload.filer_name,
        filer_contact=payload.filer_contact,
    )
    return Status(201, made)


@router.post("/objections/{objection_id}/review", response={200: AssessmentObjectionOut, **ERRORS})
def review(request: HttpRequest, objection_id: Id, payload: AssessmentReviewIn) -> Objection:
    """The committee's review (复核) of an objection; upheld, the proposed level becomes `level`."""
    item = selectors.objection_get(actor=request.user, pk=objection_id)
    return services.objection_review(
        actor=signed_in_user(request),
        objection=item,
        upheld=payload.upheld,
        decision=payload.decision,
        level=payload.level,
    )
