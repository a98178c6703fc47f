"""Reads of performance evaluation: work lists per role, the public record, a supplier's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.catalog.models import CatalogItem
from opengps.core.errors import NotFound
from opengps.evaluation.models import CommitteeMember, Evaluation
from opengps.evaluation.models import EvaluationStatus as ProcEvalStatus
from opengps.performance.errors import Code
from opengps.performance.models import (
    EvaluationStatus,
    ExpertConduct,
    HistoryEntry,
    IndicatorTemplate,
    ListingRecommendation,
    PerformanceEvaluation,
    RecommendationStatus,
)
from opengps.performance.services import conduct_due, party_of, specs_of
from opengps.planning.models import Project
from opengps.registry.models import Organization
from opengps.rules import performance as rules

PUBLIC = (EvaluationStatus.PUBLISHED,)
FINANCE_ONLY = frozenset({Role.FINANCE})
"""Oversee evaluations: auditors and administrators all, finance its region's (`accounts.scopes`)."""


def _base() -> QuerySet[PerformanceEvaluation]:
    return PerformanceEvaluation.objects.select_related(
        "contract", "contract__supplier", "contract__purchaser", "evaluator", "template"
    ).annotate(response_count=Count("responses", distinct=True))


def can_read(actor: Viewer, evaluation: PerformanceEvaluation) -> bool:
    """Published evaluations are public; before that: the parties, finance and auditors."""
    if evaluation.status in PUBLIC:
        return True
    if not is_authenticated(actor):
        return False
    if scopes.supervises(actor, evaluation.contract.purchaser, roles=FINANCE_ONLY):
        return True
    return party_of(actor, evaluation) is not None


def evaluation_get(*, actor: Viewer, evaluation_id: int) -> PerformanceEvaluation:
    evaluation = _base().filter(pk=evaluation_id).first()
    if evaluation is None or not can_read(actor, evaluation):
        raise NotFound(Code.PERFORMANCE_NOT_FOUND)
    return evaluation


def evaluation_by_token(token: str) -> PerformanceEvaluation:
    evaluation = _base().filter(survey_token=token).first()
    if evaluation is None:
        raise NotFound(Code.PERFORMANCE_SURVEY_NOT_FOUND)
    return evaluation


def work_list(*, actor: Viewer) -> QuerySet[PerformanceEvaluation]:
    """The evaluations an actor works on or oversees: purchaser's unit, supplier's own,
    evaluator's assignments; finance, auditors and admins see all."""
    qs = _base()
    if not is_authenticated(actor):
        return qs.none()
    if actor.role in {Role.FINANCE, Role.AUDITOR, Role.ADMIN}:
        return qs.filter(scopes.units_q(actor, "contract__purchaser"))
    if actor.role == Role.PURCHASER:
        return qs.filter(contract__purchaser_id=actor.unit_id)
    if actor.role == Role.SUPPLIER:
        return qs.filter(contract__supplier_id=actor.organization_id)
    if actor.role == Role.EVALUATOR:
        return qs.filter(evaluator_id=actor.unit_id)
    return qs.none()


def published() -> QuerySet[PerformanceEvaluation]:
    return _base().filter(status__in=PUBLIC).order_by("-published_at", "-pk")


def templates() -> QuerySet[IndicatorTemplate]:
    return IndicatorTemplate.objects.select_related("category").order_by("category__code", "name")


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    level: int
    weight: Decimal
    share: Decimal | None
    survey: bool
    guide: list[dict[str, str]]
    score: str | None


def indicator_rows(evaluation_or_template: PerformanceEvaluation | IndicatorTemplate) -> list[IndicatorRow]:
    """The indicator tree in order, with levels, each leaf's share of the whole and, for a
    finalized evaluation, each leaf's combined score."""
    items = evaluation_or_template.indicators
    specs = specs_of(items)
    shares = rules.leaf_weights(specs)
    by_code = {s.code: s for s in specs}
    leaf_scores = getattr(evaluation_or_template, "leaf_scores", {}) or {}
    rows = []
    for item, spec in zip(items, specs, strict=True):
        level, node = 1, spec
        while node.parent is not None and node.parent in by_code and level < rules.MAX_LEVELS:
            node, level = by_code[node.parent], level + 1
        rows.append(
            IndicatorRow(
                spec.code,
                spec.name,
                level,
                spec.weight,
                shares.get(spec.code),
                spec.survey,
                list(item.get("guide") or []),
                leaf_scores.get(spec.code),
            )
        )
    return rows


def supplier_history(organization: Organization) -> list[HistoryEntry]:
    """A supplier's performance history, newest first (public: results and failures are public
    records; shown to purchasers when they plan and evaluate)."""
    return list(
        HistoryEntry.objects.filter(organization=organization)
        .select_related("evaluation")
        .order_by("-occurred_on", "-pk")
    )


@dataclass(frozen=True)
class HistorySummary:
    entries: list[HistoryEntry]
    grades: dict[str, int]
    failures: int
    flagged: bool
    recommendations: list[ListingRecommendation]


def history_summary(organization: Organization) -> HistorySummary:
    entries = supplier_history(organization)
    grades: dict[str, int] = dict.fromkeys(rules.GRADES, 0)
    for e in entries:
        if e.grade in grades:
            grades[e.grade] += 1
    return HistorySummary(
        entries,
        grades,
        sum(1 for e in entries if e.flagged),
        any(e.flagged for e in entries),
        list(recommendations_of(organization)),
    )


def recommendations_of(organization: Organization) -> QuerySet[ListingRecommendation]:
    return ListingRecommendation.objects.filter(organization=organization).prefetch_related("listings")


def pending_recommendations(*, actor: Viewer) -> QuerySet[ListingRecommendation]:
    qs = ListingRecommendation.objects.select_related("organization").filter(
        status=RecommendationStatus.PENDING
    )
    if not has_role(actor, Role.REGISTRATION, Role.ADMIN, Role.AUDITOR, Role.FINANCE):
        return qs.none()
    return qs


@dataclass(frozen=True)
class ConductRow:
    member: CommitteeMember
    due_on: date | None
    conduct: ExpertConduct | None


def conduct_to_rate(*, actor: Viewer) -> list[ConductRow]:
    """Committee members of the purchaser's ended evaluations, with their rating deadline."""
    if not has_role(actor, Role.PURCHASER):
        return []
    members = (
        CommitteeMember.objects.filter(
            evaluation__procurement__purchaser_id=actor.unit_id,
            evaluation__status=ProcEvalStatus.CONFIRMED,
        )
        .select_related("evaluation__procurement", "evaluation__report")
        .order_by("-evaluation_id", "pk")
    )
    conducts = {c.member_id: c for c in ExpertConduct.objects.filter(member__in=members)}
    rows = []
    for member in members:
        due = conduct_due(member)
        rows.append(ConductRow(member, due.value if due else None, conducts.get(member.pk)))
    return rows


def conduct_records(*, actor: Viewer) -> QuerySet[ExpertConduct]:
    """Every conduct rating, for the finance department (which manages the expert database) and
    auditors; a purchaser sees its own."""
    qs = ExpertConduct.objects.select_related("member__evaluation__procurement", "rated_by").order_by(
        "-rated_on", "-pk"
    )
    if has_role(actor, Role.FINANCE, Role.AUDITOR, Role.ADMIN):
        return qs.filter(scopes.units_q(actor, "member__evaluation__procurement__purchaser"))
    if has_role(actor, Role.PURCHASER):
        return qs.filter(member__evaluation__procurement__purchaser_id=actor.unit_id)
    return qs.none()


def ended_evaluations_of(evaluation: Evaluation) -> list[CommitteeMember]:
    return list(evaluation.members.all())


def history_summaries(organizations: Iterable[Organization]) -> list[tuple[Organization, HistorySummary]]:
    """`history_summary` of several suppliers in three queries whatever their number (entries,
    recommendations, their listings), in the order given — for pages that list suppliers, such as
    a purchase plan's (shown to purchasers when they plan later procurements)."""
    orgs = list(organizations)
    ids = [o.pk for o in orgs]
    entries: dict[int, list[HistoryEntry]] = {pk: [] for pk in ids}
    for entry in (
        HistoryEntry.objects.filter(organization_id__in=ids)
        .select_related("evaluation")
        .order_by("-occurred_on", "-pk")
    ):
        entries[entry.organization_id].append(entry)
    recommendations: dict[int, list[ListingRecommendation]] = {pk: [] for pk in ids}
    for rec in ListingRecommendation.objects.filter(organization_id__in=ids).prefetch_related("listings"):
        recommendations[rec.organization_id].append(rec)
    summaries = []
    for org in orgs:
        own = entries[org.pk]
        grades: dict[str, int] = dict.fromkeys(rules.GRADES, 0)
        for e in own:
            if e.grade in grades:
                grades[e.grade] += 1
        flagged = sum(1 for e in own if e.flagged)
        summaries.append((org, HistorySummary(own, grades, flagged, flagged > 0, recommendations[org.pk])))
    return summaries


@dataclass(frozen=True)
class CategoryResult:
    """A supplier's latest published evaluation in a catalogue category, with its flagged failures."""

    evaluation: PerformanceEvaluation
    failures: int

    @property
    def supplier(self) -> Organization:
        return self.evaluation.contract.supplier


def category_results(items: Iterable[CatalogItem], *, limit: int = 10) -> list[CategoryResult]:
    """The latest published performance result of each supplier that held a contract bought under a
    project of any of `items` (catalogue items), newest first, at most `limit` suppliers — the
    "past results in this category" a purchaser sees when planning (two queries)."""
    projects = Project.objects.filter(items__in=list(items)).values("pk")
    evaluations = published().filter(contract__procurement__plan__project_id__in=projects)
    latest: dict[int, PerformanceEvaluation] = {}
    for evaluation in evaluations[: limit * 20]:
        if evaluation.contract.supplier_id not in latest:
            latest[evaluation.contract.supplier_id] = evaluation
            if len(latest) == limit:
                break
    counts = dict(
        HistoryEntry.objects.filter(organization_id__in=list(latest), flagged=True)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    return [CategoryResult(e, counts.get(org_id, 0)) for org_id, e in latest.items()]
