"""Reads of budgets, projects, plans and intentions — filtered by who may see them.

A unit sees only its own records (never another unit's drafts); the finance department sees
what units of its level of government have sent it; auditors read everything; the public sees
published intentions only. Budget usage is always summed from the plans, and from what later stages
declare they hold on a line (`planning.hooks.register_budget_holding`: the e-mall's orders), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from opengps.accounts import scopes
from opengps.accounts.actors import MaybeActor, Viewer
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version, purchasable_items
from opengps.core.errors import one_or_not_found
from opengps.core.models import AuditEvent
from opengps.core.money import FEN
from opengps.planning.errors import Code
from opengps.planning.hooks import budget_holdings, supplier_performance
from opengps.planning.models import (
    ACTIVE_PLAN_STATUSES,
    BudgetLine,
    BudgetStatus,
    DemandSurvey,
    PlanStatus,
    Project,
    ProjectStatus,
    PurchaseIntention,
    PurchasePlan,
)
from opengps.registry.models import Organization
from opengps.rules.methods import PurchaseRecord
from opengps.rules.procedures import Method

ZERO = Decimal("0.00")
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class BudgetUsage:
    """What a budget line holds, has committed (to plans, and `held` by later stages' orders), has
    spent on contracts, and has left."""

    amount: Decimal
    committed: Decimal
    spent: Decimal
    held: Decimal = ZERO
    """Of `committed`: what the e-mall's orders and open 竞价 rounds hold (`planning.hooks`)."""

    @property
    def available(self) -> Decimal:
        return self.amount - self.committed


def _committed_q() -> Sum:
    return Sum("plans__amount", filter=Q(plans__status__in=ACTIVE_PLAN_STATUSES))


def _held() -> Combinable:
    """What the registered later stages hold on each line (a correlated expression)."""
    total: Combinable = Value(ZERO, output_field=_MONEY)
    for holding in budget_holdings():
        total = total + Coalesce(holding(), Value(ZERO), output_field=_MONEY)
    return total


def with_usage(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Annotate `active_amount`, `spent_amount` and `held_amount` (one query, no N+1)."""
    return lines.annotate(
        active_amount=Coalesce(_committed_q(), Value(ZERO), output_field=_MONEY),
        spent_amount=Coalesce(
            Sum("plans__contract_amount", filter=Q(plans__status=PlanStatus.CONTRACTED)),
            Value(ZERO),
            output_field=_MONEY,
        ),
        held_amount=_held(),
    )


def budget_usage(line: BudgetLine) -> BudgetUsage:
    """Usage of one line at this moment: its plans, and what later stages hold on it."""
    plans = PurchasePlan.objects.filter(budget_line=line)
    active = plans.filter(status__in=ACTIVE_PLAN_STATUSES).aggregate(total=Sum("amount"))["total"] or ZERO
    spent = (
        plans.filter(status=PlanStatus.CONTRACTED).aggregate(total=Sum("contract_amount"))["total"] or ZERO
    )
    held = ZERO
    if budget_holdings():
        held = BudgetLine.objects.filter(pk=line.pk).annotate(held=_held()).values_list("held", flat=True)[0]
    return _usage(line.amount, active, spent, held)


def _usage(amount: Decimal, active: Any, spent: Any, held: Any) -> BudgetUsage:
    # SQLite may return a bare 0 or a float for the coalesced sums; keep yuan to the cent everywhere.
    active, spent, held = (Decimal(v).quantize(FEN) for v in (active, spent, held))
    return BudgetUsage(amount=amount, committed=active + spent + held, spent=spent, held=held)


def usage_of(line: BudgetLine) -> BudgetUsage:
    """Usage from `with_usage` annotations when present, else computed."""
    active = getattr(line, "active_amount", None)
    spent = getattr(line, "spent_amount", None)
    held = getattr(line, "held_amount", None)
    if active is None or spent is None or held is None:
        return budget_usage(line)
    return _usage(line.amount, active, spent, held)


def _finance_region(actor: Viewer) -> str | None:
    return actor.unit.region_id if has_role(actor, Role.FINANCE) and actor.unit is not None else None


def _scope(
    qs: QuerySet[Any], actor: MaybeActor, *, draft_status: str, unit_field: str = "unit"
) -> QuerySet[Any]:
    """Auditors and administrators all; finance its region's units and below (`accounts.scopes`),
    never their drafts; other officials their own unit."""
    if not is_authenticated(actor):
        return qs.none()
    if actor.role in (Role.AUDITOR, Role.ADMIN):
        return qs
    if _finance_region(actor) is not None:
        return qs.filter(scopes.units_q(actor, unit_field)).exclude(status=draft_status)
    if actor.unit_id:
        return qs.filter(**{f"{unit_field}_id": actor.unit_id})
    return qs.none()


def budget_lines_visible(*, actor: Viewer) -> QuerySet[BudgetLine]:
    lines = BudgetLine.objects.select_related("unit")
    return with_usage(_scope(lines, actor, draft_status=BudgetStatus.DRAFT)).order_by("-fiscal_year", "code")


def budget_line_get(*, actor: Viewer, pk: int) -> BudgetLine:
    return one_or_not_found(budget_lines_visible(actor=actor), pk, Code.PLANNING_BUDGET_NOT_FOUND)


def projects_visible(*, actor: MaybeActor) -> QuerySet[Project]:
    projects = Project.objects.select_related("unit", "area").prefetch_related("items")
    return _scope(projects, actor, draft_status=ProjectStatus.DRAFT).order_by("-fiscal_year", "-created_at")


def project_get(*, actor: Viewer, pk: int) -> Project:
    return one_or_not_found(projects_visible(actor=actor), pk, Code.PLANNING_PROJECT_NOT_FOUND)


def project_timeline(*, actor: Viewer, project: Project) -> QuerySet[AuditEvent]:
    """The project's events, oldest first, for whoever may see the project (the unit, finance, auditors).

    Unlike the auditors' chain view this needs no audit role: the unit head sees what the
    proposer changed, the finance department what was changed after it returned the project.
    """
    project = project_get(actor=actor, pk=project.pk)
    return (
        AuditEvent.objects.filter(object_type="planning.project", object_id=str(project.pk))
        .select_related("actor")
        .order_by("seq")
    )


def plans_visible(*, actor: Viewer) -> QuerySet[PurchasePlan]:
    plans = PurchasePlan.objects.select_related("unit", "project", "budget_line")
    return _scope(plans, actor, draft_status=PlanStatus.DRAFT).order_by("-created_at")


def plan_get(*, actor: Viewer, pk: int) -> PurchasePlan:
    return one_or_not_found(plans_visible(actor=actor), pk, Code.PLANNING_PLAN_NOT_FOUND)


def split_check_plans() -> QuerySet[PurchasePlan]:
    """Every plan not cancelled, with what `purchase_records` reads of it (its unit, budget line and
    catalogue items) fetched along: the purchases the split-purchase rule (化整为零) weighs."""
    return (
        PurchasePlan.objects.exclude(status=PlanStatus.CANCELLED)
        .select_related("unit", "budget_line")
        .prefetch_related("project__items")
    )


def purchase_records(plans: Iterable[PurchasePlan]) -> list[PurchaseRecord]:
    """The plans as the split-purchase rule reads them (`opengps.rules.methods.detect_split_purchases`),
    each referenced by its pk; a plan's catalogue item is its project's first item code. Fetch the
    plans with `split_check_plans` (one query each for plans and items)."""
    records = []
    for plan in plans:
        items = sorted(item.code for item in plan.project.items.all())
        records.append(
            PurchaseRecord(
                reference=str(plan.pk),
                unit=str(plan.unit_id),
                catalogue_item=items[0] if items else "",
                amount=plan.amount,
                purchased_on=plan.procurement_starts_on,
                method=Method(plan.method),
                budget_project=plan.budget_line.code,
                approved_non_open=plan.method_approved_at is not None and plan.method != Method.open_tender,
            )
        )
    return records


def plan_budget_lines(*, actor: Viewer, project: Project) -> QuerySet[BudgetLine]:
    """The approved lines a plan of `project` may draw on, among those the actor sees."""
    return budget_lines_visible(actor=actor).filter(
        unit=project.unit, fiscal_year=project.fiscal_year, status=BudgetStatus.APPROVED
    )


def project_plans(project: Project) -> QuerySet[PurchasePlan]:
    return project.plans.all()


def survey_of(project: Project) -> DemandSurvey | None:
    return DemandSurvey.objects.filter(project=project).first()


def intention_of(plan: PurchasePlan) -> PurchaseIntention | None:
    return PurchaseIntention.objects.filter(plan=plan).first()


def project_items(project: Project | None = None) -> QuerySet[CatalogItem]:
    """The catalogue items a project may name: the purchasable items of the catalogue in force, and
    those `project` already names (kept selectable after they leave the catalogue)."""
    version = current_version()
    items = purchasable_items(version) if version else CatalogItem.objects.none()
    if project is None:
        return items
    current = CatalogItem.objects.filter(pk__in=project.items.values("pk"))
    return (items | current).distinct().select_related("parent__parent").order_by("position")


def project_areas(*, actor: Viewer, project: Project | None = None) -> QuerySet[Region]:
    """The service areas the actor's unit may choose: its province's regions (and the project's own)."""
    unit = getattr(actor, "unit", None)
    areas = Q(code__startswith=unit.region_id[:4]) if unit is not None else Q(pk__in=[])
    if project is not None:
        areas |= Q(pk=project.area_id)
    return Region.objects.filter(areas).select_related("parent__parent").order_by("code")


def finance_queue(*, actor: Viewer) -> dict[str, QuerySet[Any]]:
    """What waits for this finance department: budget lines, projects, method approvals — of its
    own level of government only (本级财政部门 decides; it reads the levels below)."""
    own_level = {"unit__region_id": _finance_region(actor) or "-"}
    return {
        "budget_lines": budget_lines_visible(actor=actor).filter(status=BudgetStatus.SUBMITTED, **own_level),
        "projects": projects_visible(actor=actor).filter(status=ProjectStatus.UNIT_APPROVED, **own_level),
        "plans": plans_visible(actor=actor).filter(status=PlanStatus.PENDING_APPROVAL, **own_level),
    }


def public_intentions(*, year: int | None = None, unit_id: int | None = None) -> QuerySet[PurchaseIntention]:
    """Published intentions for everyone, newest first."""
    intentions = PurchaseIntention.objects.select_related("plan__unit", "plan__project")
    if year is not None:
        intentions = intentions.filter(published_on__year=year)
    if unit_id is not None:
        intentions = intentions.filter(plan__unit_id=unit_id)
    return intentions.order_by("-published_on", "-pk")


def project_suppliers(project: Project) -> list[Organization]:
    """The suppliers a project's plans name or bought from: the single-source supplier of any of
    its procurements, and whoever holds or held a contract bought under any of its plans (this
    plan's and earlier ones, e.g. last year's round of a recurring service), by name — whose
    performance history the purchaser sees when planning the next procurement.

    Procurements and contracts are later stages: they are reached through the relations they
    declare on the plan and the organization, never imported."""
    named = PurchasePlan.objects.filter(
        project=project, procurements__single_source_supplier__isnull=False
    ).values("procurements__single_source_supplier_id")
    return list(
        Organization.objects.filter(Q(contracts__procurement__plan__project=project) | Q(pk__in=named))
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class SupplierContext:
    """What the planning pages show of suppliers' past performance: the history of the project's
    own suppliers, or — while it has none — the latest published results in its catalogue items
    (both read by the performance app, through `planning.hooks`)."""

    histories: Sequence[tuple[Organization, object]]
    category_results: Sequence[object]


def supplier_context(project: Project) -> SupplierContext:
    performance = supplier_performance()
    suppliers = project_suppliers(project)
    if suppliers:
        return SupplierContext(performance.histories(suppliers), [])
    return SupplierContext([], performance.category_results(project.items.all()))
