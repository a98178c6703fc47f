"""Grants API: public calls, notices and the 360Giving export; applications (organizations);
scores (panel experts). Each write is one service call; errors are the services' codes."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.models import Region
from opengps.core.errors import NotFound, ServiceError
from opengps.grants import selectors, services
from opengps.grants.models import Application, Round

router = Router(tags=["grants"], auth=django_auth)


class ErrorOut(Schema):
    error: dict[str, Any]


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


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
def round_detail(request: HttpRequest, round_id: int) -> Round:
    return selectors.round_get(actor=request.user, round_id=round_id)


@router.get("/rounds/{round_id}/notice", response={200: list[ListedOut], 404: ErrorOut}, auth=None)
def round_notice(request: HttpRequest, round_id: int) -> list[Application]:
    """The proposed list on public notice, then the funded list."""
    return selectors.notice_list(selectors.round_get(actor=request.user, round_id=round_id))


@router.get("/360giving", auth=None)
def giving_360(request: HttpRequest, year: int | None = Query(None)) -> HttpResponse:  # type: ignore[type-arg]
    """Grants as open data in the 360Giving shape; `year` filters by award date."""
    return HttpResponse(
        dumps_decimal(selectors.giving_360(year)), content_type="application/json; charset=utf-8"
    )


# ---------------------------------------------------------------------------------------------
# Applications


class BudgetLineIn(Schema):
    item: str
    amount: Decimal


class IndicatorIn(Schema):
    name: str
    target: str


class ApplicationIn(Schema):
    title: str
    purpose_area: str
    beneficiary_region: str
    starts_on: date
    ends_on: date
    requested_amount: Decimal
    budget_lines: list[BudgetLineIn] = []
    indicators: list[IndicatorIn] = []
    summary: str = ""
    plan: str = ""


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
        raise ServiceError("grants.region_invalid", "服务区域代码无效", field="beneficiary_region")
    return region


def _input(payload: ApplicationIn) -> dict[str, Any]:
    data = payload.dict()
    data["beneficiary_region"] = _region(payload.beneficiary_region)
    return data


@router.post("/rounds/{round_id}/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request: HttpRequest, round_id: int, payload: ApplicationIn) -> Status[Any]:
    """Save a new draft application of the caller's organization."""
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    return Status(201, services.application_save(actor=request.user, round=round_, **_input(payload)))


@router.put("/applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def application_update(request: HttpRequest, application_id: int, payload: ApplicationIn) -> Application:
    app = selectors.application_get(actor=request.user, application_id=application_id)
    return services.application_save(actor=request.user, round=app.round, application=app, **_input(payload))


@router.post("/applications/{application_id}/submit", response={200: ApplicationOut, **ERRORS})
def application_submit(request: HttpRequest, application_id: int) -> Application:
    """Submit: screened at once; the reasons are in `screening`."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    return services.application_submit(actor=request.user, application=app)


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, application_id: int) -> Application:
    return selectors.application_get(actor=request.user, application_id=application_id)


class ScoresIn(Schema):
    scores: dict[str, Decimal]
    comment: str = ""


class ScoreOut(Schema):
    member: int
    total: Decimal
    scores: dict[str, str]
    comment: str


class ScoreViewOut(Schema):
    expected: int
    submitted: int
    complete: bool
    own: ScoreOut | None
    scores: list[ScoreOut]


def _score(score: Any) -> dict[str, Any]:
    return {"member": score.member_id, "total": score.total, "scores": score.scores, "comment": score.comment}


@router.post("/applications/{application_id}/scores", response={201: ScoreOut, **ERRORS})
def score_submit(request: HttpRequest, application_id: int, payload: ScoresIn) -> Status[Any]:
    """A panel expert's independent scores, once per application."""
    app = selectors.application_get(actor=request.user, application_id=application_id)
    score = services.score_submit(
        actor=request.user, application=app, scores=payload.scores, comment=payload.comment
    )
    return Status(201, _score(score))


@router.get("/applications/{application_id}/scores", response={200: ScoreViewOut, **ERRORS})
def scores_view(request: HttpRequest, application_id: int) -> dict[str, Any]:
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


@router.get("/report/{year}", auth=None)
def fund_use(request: HttpRequest, year: int) -> HttpResponse:
    """The yearly fund-use report as JSON."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise NotFound("grants.year_invalid", "年度无效")
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
        }
        for row in selectors.fund_use_report(year)
    ]
    return HttpResponse(
        dumps_decimal({"year": year, "rounds": rows}), content_type="application/json; charset=utf-8"
    )
