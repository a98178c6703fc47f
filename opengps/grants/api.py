"""Grants API: public calls, notices and the 360Giving export; applications (organizations);
scores (panel experts). Each write is one service call; errors are the services' codes."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Region, Unit
from opengps.core import clock, ratelimit
from opengps.core.api_errors import ERRORS, ErrorOut
from opengps.core.errors import NotFound, ServiceError
from opengps.core.inputs import (
    Date,
    Id,
    Points,
    Score,
    SmallCount,
    Str12,
    Str16,
    Str20,
    Str32,
    Str64,
    Str80,
    Str100,
    Str200,
    Text,
    Year,
    Yuan,
)
from opengps.grants import selectors, services
from opengps.grants.errors import Code
from opengps.grants.models import (
    Agreement,
    Application,
    FinalAudit,
    FundReturn,
    Objection,
    PitchSession,
    Programme,
    Round,
)
from opengps.planning.models import BudgetLine

router = Router(tags=["grants"], auth=django_auth)
T = TypeVar("T")


def dumps_decimal(data: Any) -> str:
    """JSON with Decimals written as numbers exactly as they are (never through float), Chinese kept."""
    marker = uuid.uuid4().hex

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{marker}{value}{marker}"
        raise TypeError(type(value).__name__)

    text = json.dumps(data, ensure_ascii=False, default=default, indent=1)
    return re.sub(f'"{marker}(-?[0-9]+(?:\\.[0-9]+)?){marker}"', r"\1", text)


# ---------------------------------------------------------------------------------------------
# Public


class RoundOut(Schema):
    id: int
    year: int
    title: str
    programme: str
    funder: str
    fund_source: str
    status: str
    purpose_areas: list[str]
    total_amount: Decimal
    per_project_cap: Decimal
    call_opens: date
    call_closes: date
    review_by: date
    objection_days: int
    agreement_by: date
    min_rating: int | None
    min_years_registered: int
    org_types: list[str]
    regions: list[str]
    criteria: list[dict[str, Any]]
    tranche_shares: list[int]
    cofunding_min_share: Decimal | None
    cofunding_min_amount: Decimal | None

    @staticmethod
    def resolve_programme(obj: Round) -> str:
        return obj.programme.name

    @staticmethod
    def resolve_funder(obj: Round) -> str:
        return obj.programme.funder_unit.name

    @staticmethod
    def resolve_fund_source(obj: Round) -> str:
        return obj.budget_line.fund_source


class ListedOut(Schema):
    rank: int | None
    title: str
    organization: str
    uscc: str
    combined_score: Decimal | None
    awarded_amount: Decimal | None
    status: str

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_uscc(obj: Application) -> str:
        return obj.organization.uscc


@router.get("/rounds", response=list[RoundOut], auth=None)
def rounds(request: HttpRequest) -> list[Round]:
    """Published calls and rounds (drafts only for their funder and oversight roles)."""
    return selectors.round_list(actor=request.user)


@router.get("/rounds/{round_id}", response={200: RoundOut, 404: ErrorOut}, auth=None)
def round_detail(request: HttpRequest, round_id: Id) -> Round:
    return selectors.round_get(actor=request.user, round_id=round_id)


@router.get("/rounds/{round_id}/notice", response={200: list[ListedOut], 404: ErrorOut}, auth=None)
def round_notice(request: HttpRequest, round_id: Id) -> list[Application]:
    """The proposed list on public notice, then the funded list."""
    return selectors.notice_list(selectors.round_get(actor=request.user, round_id=round_id))


@router.get("/360giving", auth=None)
def giving_360(request: HttpRequest, year: Year | None = None) -> HttpResponse:
    """Grants as open data in the 360Giving shape; `year` filters by award date."""
    return HttpResponse(
        dumps_decimal(selectors.giving_360(year)), content_type="application/json; charset=utf-8"
    )


# ---------------------------------------------------------------------------------------------
# Applications


class GrantBudgetLineIn(Schema):
    item: Str200
    amount: Yuan


class IndicatorIn(Schema):
    name: Str200
    target: Str200


class ApplicationIn(Schema):
    title: Str200
    purpose_area: Str16
    beneficiary_region: Str32
    starts_on: Date
    ends_on: Date
    requested_amount: Yuan
    budget_lines: list[GrantBudgetLineIn] = []
    indicators: list[IndicatorIn] = []
    summary: Text = ""
    plan: Text = ""


class ApplicationOut(Schema):
    id: int
    round_id: int
    title: str
    organization: str
    purpose_area: str
    requested_amount: Decimal
    budget_lines: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    status: str
    screening: list[dict[str, Any]]
    combined_score: Decimal | None
    rank: int | None
    awarded_amount: Decimal | None

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.name


def _region(code: str) -> Region:
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise ServiceError(Code.GRANTS_REGION_INVALID, field="beneficiary_region")
    return region


def _input(payload: ApplicationIn) -> dict[str, Any]:
    data = payload.dict()
    data["beneficiary_region"] = _region(payload.beneficiary_region)
    return data


@router.post("/rounds/{round_id}/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request: HttpRequest, round_id: Id, payload: ApplicationIn) -> Status[Any]:
    """Save a new draft application of the caller's organization."""
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    return Status(
        201, services.application_save(actor=signed_in_user(request), round=round_, **_input(payload))
    )


@router.put("/applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def application_update(request: HttpRequest, application_id: Id, payload: ApplicationIn) -> Application:
    app = selectors.application_get(actor=request.user, application_id=application_id)
    return services.application_save(
        actor=signed_in_user(request), round=app.round, application=app, **_input(payload)
    )


@router.post("/applications/{application_id}/submit", response={200: ApplicationOut, **ERRORS})
def application_submit(request: HttpRequest, application_id: Id) -> Application:
    """Submit: screened at once; the reasons are in `screening`."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    return services.application_submit(actor=signed_in_user(request), application=app)


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, application_id: Id) -> Application:
    return selectors.application_get(actor=request.user, application_id=application_id)


class GrantScoresIn(Schema):
    scores: dict[Str64, Score]
    comment: Text = ""


class GrantScoreOut(Schema):
    member: int
    total: Decimal
    scores: dict[str, str]
    comment: str


class ScoreViewOut(Schema):
    expected: int
    submitted: int
    complete: bool
    own: GrantScoreOut | None
    scores: list[GrantScoreOut]


def _score(score: Any) -> dict[str, Any]:
    return {"member": score.member_id, "total": score.total, "scores": score.scores, "comment": score.comment}


@router.post("/applications/{application_id}/scores", response={201: GrantScoreOut, **ERRORS})
def score_submit(request: HttpRequest, application_id: Id, payload: GrantScoresIn) -> Status[Any]:
    """A panel expert's independent scores, once per application."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    score = services.score_submit(
        actor=signed_in_user(request), application=app, scores=payload.scores, comment=payload.comment
    )
    return Status(201, _score(score))


@router.get("/applications/{application_id}/scores", response={200: ScoreViewOut, **ERRORS})
def scores_view(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    """Own scores always; the others' only once every member has scored."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    view = selectors.application_scores(actor=request.user, application=app)
    return {
        "expected": view.expected,
        "submitted": view.submitted,
        "complete": view.complete,
        "own": _score(view.own) if view.own else None,
        "scores": [_score(s) for s in view.scores],
    }


def _leverage_json(row: selectors.LeverageRow) -> dict[str, Any]:
    return {
        "public": row.leverage.public,
        "cash": row.split.cash,
        "in_kind": row.split.in_kind,
        "other_public": row.split.public,
        "donations": row.donations,
        "committed": row.committed,
        "leverage": row.leverage.ratio,
        "cash_leverage": row.leverage.cash_ratio,
        "citation": row.citation,
    }


@router.get("/report/{year}", auth=None)
def fund_use(request: HttpRequest, year: Year) -> HttpResponse:
    """The yearly fund-use report as JSON."""
    if not 2000 <= year <= clock.today().year + 1:
        raise NotFound(Code.GRANTS_YEAR_INVALID)
    rows = [
        {
            "round": row.round.title,
            "total": row.total,
            "awarded": row.awarded,
            "paid": row.paid,
            "returned": row.returned,
            "projects": row.projects,
            "by_purpose": {k: {"projects": n, "amount": a} for k, (n, a) in row.by_purpose.items()},
            "grades": row.grades,
            "cofunding": _leverage_json(row.leverage) if row.leverage is not None else None,
            "cofunding_shortfalls": row.shortfalls,
        }
        for row in selectors.fund_use_report(year)
    ]
    return HttpResponse(
        dumps_decimal({"year": year, "rounds": rows}), content_type="application/json; charset=utf-8"
    )


# ---------------------------------------------------------------------------------------------
# Funder writes: programmes, rounds and each step of the cycle (one service call each)


class ProgrammeIn(Schema):
    name: Str200
    fund_source: Str20 = "welfare_lottery"
    is_venture_philanthropy: bool = False
    description: Text = ""
    is_development_fund: bool = False
    volunteer_hour_rate: Yuan | None = None


class ProgrammeOut(Schema):
    id: int
    name: str
    funder_unit_id: int
    fund_source: str
    is_venture_philanthropy: bool
    is_development_fund: bool
    volunteer_hour_rate: Decimal | None


@router.post("/programmes", response={201: ProgrammeOut, **ERRORS})
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[Any]:
    """A funder unit's staff set up a programme."""
    user: Any = request.user
    return Status(201, services.programme_create(actor=user, funder_unit=user.unit, **payload.dict()))


class CriterionIn(Schema):
    code: Str64
    name: Str200
    weight: SmallCount


class RoundIn(Schema):
    programme_id: Id
    year: Year
    title: Str200
    budget_line_id: Id
    total_amount: Yuan
    per_project_cap: Yuan
    purpose_areas: list[Str32]
    call_opens: Date
    call_closes: Date
    review_by: Date
    agreement_by: Date
    criteria: list[CriterionIn]
    objection_days: SmallCount = 5
    tranche_shares: list[SmallCount] = [50, 30, 20]
    pass_score: Points = Decimal(60)
    org_types: list[Str32] = []
    min_rating: SmallCount | None = None
    min_years_registered: SmallCount = 0
    regions: list[Str32] = []
    exclude_abnormal: bool = True
    expert_category: Str16 = "A09"
    audit_firm_id: Id | None = None
    call_text: Text = ""
    cofunding_min_share: Points | None = None
    cofunding_min_amount: Yuan | None = None


def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise ServiceError(Code.GRANTS_AUDIT_FIRM_INVALID, "结项审计机构不存在", field=field)
    return unit


@router.post("/rounds", response={201: RoundOut, **ERRORS})
def round_create(request: HttpRequest, payload: RoundIn) -> Status[Any]:
    """A draft round of one of the caller's unit's programmes."""
    data = payload.dict()
    programme = Programme.objects.filter(pk=data.pop("programme_id")).first()
    if programme is None:
        raise NotFound(Code.GRANTS_PROGRAMME_NOT_FOUND)
    line = BudgetLine.objects.filter(pk=data.pop("budget_line_id")).first()
    if line is None:
        raise ServiceError(Code.GRANTS_BUDGET_LINE_INVALID, field="budget_line")
    data["audit_firm"] = _unit(data.pop("audit_firm_id"), "audit_firm")
    round_ = services.round_create(
        actor=signed_in_user(request), programme=programme, budget_line=line, **data
    )
    return Status(201, selectors.round_get(actor=request.user, round_id=round_.pk))


def _round(request: HttpRequest, round_id: Id) -> Round:
    return selectors.round_get(actor=request.user, round_id=round_id)


def _fresh(request: HttpRequest, round_: Round) -> Round:
    return selectors.round_get(actor=request.user, round_id=round_.pk)


def _on_round(request: HttpRequest, round_id: Id, service: Callable[..., Round], **values: Any) -> Round:
    """Call `service` on the round the actor may read (with `values`); the round read again after."""
    return _fresh(request, service(actor=signed_in_user(request), round=_round(request, round_id), **values))


@router.post("/rounds/{round_id}/publish", response={200: RoundOut, **ERRORS})
def round_publish(request: HttpRequest, round_id: Id) -> Round:
    return _on_round(request, round_id, services.round_publish)


class GrantReasonIn(Schema):
    reason: Text


@router.post("/rounds/{round_id}/cancel", response={200: RoundOut, **ERRORS})
def round_cancel(request: HttpRequest, round_id: Id, payload: GrantReasonIn) -> Round:
    return _on_round(request, round_id, services.round_cancel, reason=payload.reason)


class FirmIn(Schema):
    firm_id: Id


@router.post("/rounds/{round_id}/audit-firm", response={200: RoundOut, **ERRORS})
def round_audit_firm(request: HttpRequest, round_id: Id, payload: FirmIn) -> Round:
    firm = _unit(payload.firm_id, "firm")
    assert firm is not None
    return _on_round(request, round_id, services.round_assign_audit_firm, firm=firm)


@router.post("/rounds/{round_id}/review", response={200: RoundOut, **ERRORS})
def round_review_start(request: HttpRequest, round_id: Id) -> Round:
    """After the call closes, the round goes to review."""
    return _on_round(request, round_id, services.round_review_start)


class PanelIn(Schema):
    needed: SmallCount = 5


@router.post("/rounds/{round_id}/panel", response={200: RoundOut, **ERRORS})
def panel_draw(request: HttpRequest, round_id: Id, payload: PanelIn) -> Round:
    """Draw the expert panel at random (the experts then accept or decline)."""
    return _on_round(request, round_id, services.panel_draw, needed=payload.needed)


class PitchIn(Schema):
    held_on: Date
    location: Str200
    notes: Text = ""


class PitchOut(Schema):
    id: int
    application_id: int
    held_on: date
    location: str
    notes: str


@router.post("/applications/{application_id}/pitches", response={201: PitchOut, **ERRORS})
def pitch_record(request: HttpRequest, application_id: Id, payload: PitchIn) -> Status[PitchSession]:
    app = selectors.application_get(actor=request.user, application_id=application_id)
    return Status(
        201, services.pitch_record(actor=signed_in_user(request), application=app, **payload.dict())
    )


@router.post("/rounds/{round_id}/rank", response={200: RoundOut, **ERRORS})
def round_rank(request: HttpRequest, round_id: Id) -> Round:
    """Combine the scores and propose funding within the round's total."""
    return _on_round(request, round_id, services.round_rank)


@router.post("/rounds/{round_id}/notice", response={200: RoundOut, **ERRORS})
def notice_publish(request: HttpRequest, round_id: Id) -> Round:
    return _on_round(request, round_id, services.notice_publish)


@router.post("/rounds/{round_id}/decide", response={200: RoundOut, **ERRORS})
def round_decide(request: HttpRequest, round_id: Id) -> Round:
    """The funding decision once the notice period is over and every objection decided."""
    return _on_round(request, round_id, services.round_decide)


@router.post("/rounds/{round_id}/complete", response={200: RoundOut, **ERRORS})
def round_complete(request: HttpRequest, round_id: Id) -> Round:
    return _on_round(request, round_id, services.round_complete)


# Objections: anyone may file during the notice (anonymous too, rate-limited); decisions are public.


class ObjectionIn(Schema):
    application_id: Id | None = None
    filer_name: Str100 = ""
    filer_contact: Str100 = ""
    text: Text


class GrantObjectionOut(Schema):
    """Public view of an objection: never the filer's contact."""

    id: int
    application_id: int | None
    filed_on: date
    text: str
    status: str
    decision: str
    decided_on: date | None


class RateLimited(ServiceError):
    status = 429


@router.get(
    "/rounds/{round_id}/objections", response={200: list[GrantObjectionOut], 404: ErrorOut}, auth=None
)
def objections(request: HttpRequest, round_id: Id) -> list[Objection]:
    return selectors.objections_public(_round(request, round_id))


@router.post("/rounds/{round_id}/objections", response={201: GrantObjectionOut, **ERRORS}, auth=None)
def objection_file(request: HttpRequest, round_id: Id, payload: ObjectionIn) -> Status[Objection]:
    """Object to the proposed list (signed in or not; name and contact required when anonymous)."""
    limit, window = services.OBJECTION_RATE
    if not ratelimit.allow(
        f"grants-objection:{ratelimit.client_ip(request)}", limit=limit, window_seconds=window
    ):
        raise RateLimited(Code.GRANTS_RATE_LIMITED)
    round_ = _round(request, round_id)
    app = None
    if payload.application_id is not None:
        app = Application.objects.filter(pk=payload.application_id, round=round_).first()
        if app is None:
            raise ServiceError(Code.GRANTS_APPLICATION_OTHER_ROUND, field="application")
    item = services.objection_file(
        actor=request.user,
        round=round_,
        application=app,
        filer_name=payload.filer_name,
        filer_contact=payload.filer_contact,
        text=payload.text,
    )
    return Status(201, item)


class GrantDecideIn(Schema):
    upheld: bool
    decision: Text


@router.post("/objections/{objection_id}/decide", response={200: GrantObjectionOut, **ERRORS})
def objection_decide(request: HttpRequest, objection_id: Id, payload: GrantDecideIn) -> Objection:
    item = selectors.objection_get(actor=request.user, objection_id=objection_id)
    return services.objection_decide(actor=signed_in_user(request), objection=item, **payload.dict())


# Agreements and money


class GrantSignIn(Schema):
    signed_on: Date
    starts_on: Date | None = None
    ends_on: Date | None = None


class TrancheOut(Schema):
    seq: int
    share: int
    amount: Decimal
    released_amount: Decimal
    milestone: str
    status: str


class AgreementOut(Schema):
    id: int
    number: str
    application_id: int
    amount: Decimal
    signed_on: date
    starts_on: date
    ends_on: date
    status: str
    midterm_passed: bool | None
    final_score: Decimal | None
    final_grade: str
    return_due: Decimal
    review_score: Decimal | None
    cofunding_committed: Decimal
    cofunding_received: Decimal
    cofunding_deduction: Decimal
    cofunding_flag: dict[str, Any]
    tranches: list[TrancheOut]

    @staticmethod
    def resolve_tranches(obj: Agreement) -> list[Any]:
        return list(obj.tranches.order_by("seq"))


def _agreement(request: HttpRequest, agreement_id: Id) -> Agreement:
    return selectors.agreement_get(actor=request.user, agreement_id=agreement_id)


def _on_agreement(request: HttpRequest, agreement_id: Id, service: Callable[..., T], payload: Schema) -> T:
    """Call `service` on the agreement the actor may read, with the payload's fields; its result."""
    agreement = _agreement(request, agreement_id)
    return service(actor=signed_in_user(request), agreement=agreement, **payload.dict())


@router.post("/applications/{application_id}/agreement", response={201: AgreementOut, **ERRORS})
def agreement_sign(request: HttpRequest, application_id: Id, payload: GrantSignIn) -> Status[Agreement]:
    """Sign the agreement of a funded application; the first tranche is released."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    agreement = services.agreement_sign(actor=signed_in_user(request), application=app, **payload.dict())
    return Status(201, _agreement(request, agreement.pk))


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **ERRORS})
def agreement_detail(request: HttpRequest, agreement_id: Id) -> Agreement:
    return _agreement(request, agreement_id)


class MidtermIn(Schema):
    passed: bool
    findings: Text
    reviewed_on: Date


@router.post("/agreements/{agreement_id}/midterm", response={200: AgreementOut, **ERRORS})
def midterm_review(request: HttpRequest, agreement_id: Id, payload: MidtermIn) -> Agreement:
    """Passing releases the next tranche; failing stops the rest."""
    _on_agreement(request, agreement_id, services.midterm_review_record, payload)
    return _agreement(request, agreement_id)


class FinalReviewIn(Schema):
    score: Score
    note: Text = ""
    reviewed_on: Date


@router.post("/agreements/{agreement_id}/final-review", response={200: AgreementOut, **ERRORS})
def final_review(request: HttpRequest, agreement_id: Id, payload: FinalReviewIn) -> Agreement:
    _on_agreement(request, agreement_id, services.final_review_record, payload)
    return _agreement(request, agreement_id)


class FinalAuditIn(Schema):
    opinion: Str12
    verified_spent: Yuan
    disallowed: Yuan = Decimal("0.00")
    findings: list[Text]
    completed_on: Date


class FinalAuditOut(Schema):
    id: int
    agreement_id: int
    firm_id: int
    opinion: str
    verified_spent: Decimal
    disallowed: Decimal
    findings: list[str]
    completed_on: date


@router.post("/agreements/{agreement_id}/final-audit", response={201: FinalAuditOut, **ERRORS})
def final_audit(request: HttpRequest, agreement_id: Id, payload: FinalAuditIn) -> Status[FinalAudit]:
    """The appointed accounting firm records the final audit (结项审计)."""
    return Status(201, _on_agreement(request, agreement_id, services.final_audit_record, payload))


class FundReturnIn(Schema):
    amount: Yuan
    returned_on: Date
    document: Str80


class FundReturnOut(Schema):
    id: int
    agreement_id: int
    amount: Decimal
    returned_on: date
    document: str


@router.post("/agreements/{agreement_id}/fund-returns", response={201: FundReturnOut, **ERRORS})
def fund_return(request: HttpRequest, agreement_id: Id, payload: FundReturnIn) -> Status[FundReturn]:
    return Status(201, _on_agreement(request, agreement_id, services.fund_return_record, payload))
