"""绩效评价 API: public results and a supplier's history; work lists and writes for the parties;
templates for the finance department; the anonymous survey post. Each write is one service call;
errors are the services' codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Unit
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract
from opengps.core import ratelimit
from opengps.core.api_errors import ERRORS, ErrorOut
from opengps.core.errors import NotFound
from opengps.core.inputs import Id, Measure, Score, SmallCount, Str8, Str32, Str40, Str64, Str120, Text
from opengps.evaluation.models import CommitteeMember
from opengps.performance import documents, selectors, services
from opengps.performance.errors import Code
from opengps.performance.models import (
    ExpertConduct,
    IndicatorTemplate,
    PartyScore,
    PerformanceEvaluation,
)
from opengps.registry.models import Organization

router = Router(tags=["performance"], auth=django_auth)


class PartyOut(Schema):
    party: str
    total: Decimal
    scores: dict[str, str]
    comment: str
    submitted_at: datetime


class _OfContract(Schema):
    """The contract's reference and title and its supplier's name, for an evaluation's schemas."""

    @staticmethod
    def resolve_contract(obj: PerformanceEvaluation) -> str:
        return obj.contract.reference

    @staticmethod
    def resolve_contract_title(obj: PerformanceEvaluation) -> str:
        return obj.contract.title

    @staticmethod
    def resolve_supplier(obj: PerformanceEvaluation) -> str:
        return obj.contract.supplier.name


class PerformanceEvaluationOut(_OfContract):
    id: int
    contract: str
    contract_title: str
    purchaser: str
    supplier: str
    supplier_uscc: str
    period: str
    status: str
    evaluator: str | None
    indicators: list[dict[str, Any]]
    source_weights: dict[str, str]
    responses: int
    satisfaction: Decimal | None
    leaf_scores: dict[str, str]
    score: Decimal | None
    grade: str
    citation: str
    finalized_on: date | None
    published_at: datetime | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_purchaser(obj: PerformanceEvaluation) -> str:
        return obj.contract.purchaser.name

    @staticmethod
    def resolve_supplier_uscc(obj: PerformanceEvaluation) -> str:
        return obj.contract.supplier.uscc

    @staticmethod
    def resolve_evaluator(obj: PerformanceEvaluation) -> str | None:
        return obj.evaluator.name if obj.evaluator else None

    @staticmethod
    def resolve_responses(obj: PerformanceEvaluation) -> int:
        return obj.responses.count()

    @staticmethod
    def resolve_parties(obj: PerformanceEvaluation) -> list[PartyScore]:
        return list(obj.party_scores.all())


class EvaluationRow(_OfContract):
    id: int
    contract: str
    contract_title: str
    supplier: str
    period: str
    status: str
    score: Decimal | None
    grade: str


class HistoryOut(Schema):
    occurred_on: date
    source: str
    kind: str
    reference: str
    grade: str
    score: Decimal | None
    flagged: bool
    note: str
    evaluation_id: int | None


class HistoryPage(Schema):
    organization: str
    uscc: str
    grades: dict[str, int]
    failures: int
    flagged: bool
    entries: list[HistoryOut]
    recommendations: list[dict[str, Any]]


# ---------------------------------------------------------------------------------------------
# Public


@router.get("/published", response=list[EvaluationRow], auth=None)
def published(request: HttpRequest) -> Any:
    """Published evaluation results, newest first."""
    return selectors.published()[:500]


@router.get("/evaluations/{evaluation_id}", response={200: PerformanceEvaluationOut, **ERRORS}, auth=None)
def evaluation_detail(request: HttpRequest, evaluation_id: Id) -> PerformanceEvaluation:
    """One evaluation: public once published; before that, the parties, finance and auditors."""
    return selectors.evaluation_get(actor=request.user, evaluation_id=evaluation_id)


@router.get("/suppliers/{uscc}/history", response={200: HistoryPage, 404: ErrorOut}, auth=None)
def supplier_history(request: HttpRequest, uscc: str) -> dict[str, Any]:
    """A supplier's performance history and the credit loop's recommendations."""
    org = Organization.objects.filter(uscc=uscc).first()
    if org is None:
        raise NotFound(Code.REGISTRY_NOT_FOUND)
    summary = selectors.history_summary(org)
    return {
        "organization": org.name,
        "uscc": org.uscc,
        "grades": summary.grades,
        "failures": summary.failures,
        "flagged": summary.flagged,
        "entries": summary.entries,
        "recommendations": [
            {
                "id": r.pk,
                "status": r.status,
                "made_on": r.made_on.isoformat(),
                "reason": r.reason,
                "listings": [listing.pk for listing in r.listings.all()],
            }
            for r in summary.recommendations
        ],
    }


@router.get("/survey/{token}/qr.svg", auth=None)
def survey_qr(request: HttpRequest, token: str) -> HttpResponse:
    evaluation = selectors.evaluation_by_token(token)
    url = request.build_absolute_uri(f"/performance/s/{evaluation.survey_token}/")
    return HttpResponse(documents.qr_svg(url), content_type="image/svg+xml")


class PerformanceSurveyIn(Schema):
    code: Str32
    answer: SmallCount
    comment: Text = ""


@router.post("/survey/{token}", response={201: dict[str, bool], **ERRORS}, auth=None)
def survey_answer(request: HttpRequest, token: str, payload: PerformanceSurveyIn) -> Status[Any]:
    """A recipient's anonymous answer with a one-time code; throttled per client address."""
    services.survey_answer(
        token=token,
        code=payload.code,
        answer=payload.answer,
        comment=payload.comment,
        source=ratelimit.client_ip(request),
    )
    return Status(201, {"ok": True})


# ---------------------------------------------------------------------------------------------
# Parties


@router.get("/work", response=list[EvaluationRow])
def work(request: HttpRequest) -> Any:
    """The actor's work list (purchaser, supplier, evaluator; all for finance and auditors)."""
    return selectors.work_list(actor=request.user)[:500]


class EvaluationIn(Schema):
    contract: Str64
    period: Str40
    evaluator_id: Id | None = None


@router.post("/evaluations", response={201: PerformanceEvaluationOut, **ERRORS})
def evaluation_create(request: HttpRequest, payload: EvaluationIn) -> Status[Any]:
    contract = Contract.objects.filter(reference=payload.contract).first()
    if contract is None:
        raise NotFound(Code.CONTRACT_NOT_FOUND)
    evaluator = None
    if payload.evaluator_id is not None:
        evaluator = Unit.objects.filter(pk=payload.evaluator_id).first()
        if evaluator is None:
            raise NotFound(Code.PERFORMANCE_EVALUATOR_NOT_FOUND)
    evaluation = services.evaluation_create(
        actor=signed_in_user(request), contract=contract, period=payload.period, evaluator=evaluator
    )
    return Status(201, evaluation)


def _evaluation(request: HttpRequest, evaluation_id: Id) -> PerformanceEvaluation:
    return selectors.evaluation_get(actor=request.user, evaluation_id=evaluation_id)


class PerformanceScoresIn(Schema):
    scores: dict[Str64, Score] = {}
    measured: dict[Str64, Measure] = {}
    comment: Text = ""


@router.post("/evaluations/{evaluation_id}/scores", response={201: PartyOut, **ERRORS})
def scores_submit(request: HttpRequest, evaluation_id: Id, payload: PerformanceScoresIn) -> Status[Any]:
    """The actor's party (self / purchaser / third_party, from who they are) submits its scores."""
    row = services.evaluation_score_submit(
        actor=signed_in_user(request),
        evaluation=_evaluation(request, evaluation_id),
        scores=payload.scores,
        measured=payload.measured,
        comment=payload.comment,
    )
    return Status(201, row)


class CodesIn(Schema):
    count: SmallCount


@router.post("/evaluations/{evaluation_id}/codes", response={201: dict[str, list[str]], **ERRORS})
def codes_issue(request: HttpRequest, evaluation_id: Id, payload: CodesIn) -> Status[Any]:
    """One-time survey codes, returned once (only their hashes are stored)."""
    codes = services.recipient_codes_issue(
        actor=signed_in_user(request), evaluation=_evaluation(request, evaluation_id), count=payload.count
    )
    return Status(201, {"codes": codes})


@router.post("/evaluations/{evaluation_id}/finalize", response={200: PerformanceEvaluationOut, **ERRORS})
def finalize(request: HttpRequest, evaluation_id: Id) -> PerformanceEvaluation:
    evaluation = services.evaluation_finalize(
        actor=signed_in_user(request), evaluation=_evaluation(request, evaluation_id)
    )
    return selectors.evaluation_get(actor=request.user, evaluation_id=evaluation.pk)


@router.post("/evaluations/{evaluation_id}/publish", response={200: PerformanceEvaluationOut, **ERRORS})
def publish(request: HttpRequest, evaluation_id: Id) -> PerformanceEvaluation:
    evaluation = services.evaluation_publish(
        actor=signed_in_user(request), evaluation=_evaluation(request, evaluation_id)
    )
    return selectors.evaluation_get(actor=request.user, evaluation_id=evaluation.pk)


# ---------------------------------------------------------------------------------------------
# Templates (finance department)


class TemplateIn(Schema):
    name: Str120
    category_id: Id | None = None
    indicators: list[dict[str, Any]]
    source_weights: dict[Str32, Measure]


class TemplateOut(Schema):
    id: int
    name: str
    category: str | None
    indicators: list[dict[str, Any]]
    source_weights: dict[str, str]
    is_active: bool

    @staticmethod
    def resolve_category(obj: IndicatorTemplate) -> str | None:
        return obj.category.code if obj.category else None


@router.get("/templates", response=list[TemplateOut], auth=None)
def templates(request: HttpRequest) -> Any:
    return selectors.templates()


def _category(category_id: int | None) -> CatalogItem | None:
    if category_id is None:
        return None
    item = CatalogItem.objects.filter(pk=category_id).first()
    if item is None:
        raise NotFound(Code.CATALOG_NOT_FOUND)
    return item


@router.post("/templates", response={201: TemplateOut, **ERRORS})
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[Any]:
    template = services.template_save(
        actor=signed_in_user(request),
        name=payload.name,
        category=_category(payload.category_id),
        indicators=payload.indicators,
        source_weights=payload.source_weights,
    )
    return Status(201, template)


@router.put("/templates/{template_id}", response={200: TemplateOut, **ERRORS})
def template_update(request: HttpRequest, template_id: Id, payload: TemplateIn) -> IndicatorTemplate:
    template = IndicatorTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(Code.PERFORMANCE_TEMPLATE_NOT_FOUND)
    return services.template_save(
        actor=signed_in_user(request),
        template=template,
        name=payload.name,
        category=_category(payload.category_id),
        indicators=payload.indicators,
        source_weights=payload.source_weights,
    )


# ---------------------------------------------------------------------------------------------
# Experts' conduct


class ConductIn(Schema):
    rating: Str8
    note: Text = ""


class ConductOut(Schema):
    member_id: int
    expert: str
    procurement: str
    rating: str
    note: str
    due_on: date
    late: bool
    rated_on: date

    @staticmethod
    def resolve_expert(obj: ExpertConduct) -> str:
        return obj.member.name

    @staticmethod
    def resolve_procurement(obj: ExpertConduct) -> str:
        return obj.member.evaluation.procurement.reference


@router.post("/conduct/{member_id}", response={201: ConductOut, **ERRORS})
def conduct_rate(request: HttpRequest, member_id: Id, payload: ConductIn) -> Status[Any]:
    member = CommitteeMember.objects.select_related("evaluation__procurement").filter(pk=member_id).first()
    if member is None:
        raise NotFound(Code.EXPERT_CONDUCT_MEMBER_NOT_FOUND)
    conduct = services.expert_conduct_rate(
        actor=signed_in_user(request), member=member, rating=payload.rating, note=payload.note
    )
    return Status(201, conduct)


@router.get("/conduct", response=list[ConductOut])
def conduct_list(request: HttpRequest) -> Any:
    """Conduct ratings: all for the finance department and auditors, a purchaser's own."""
    return selectors.conduct_records(actor=request.user)[:500]
