"""Planning API: budget lines, project library, purchase plans, intentions and the compliance check.

Reads are filtered by the selectors (a unit sees its own records, finance what was sent to it,
auditors everything); writes need a session and go through one service each.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Region, Unit
from opengps.catalog.models import CatalogItem
from opengps.core.inputs import (
    Count,
    Date,
    Id,
    PatchIn,
    Quantity,
    Str16,
    Str20,
    Str32,
    Str40,
    Str64,
    Str200,
    Text,
    Year,
    Yuan,
)
from opengps.core.models import AuditEvent
from opengps.planning import selectors, services
from opengps.planning.models import BudgetLine, Project, PurchaseIntention, PurchasePlan
from opengps.rules.compliance import check_requirements

router = Router(tags=["planning"])


# --- schemas ---------------------------------------------------------------------------------------------


class BudgetLineOut(Schema):
    id: int
    unit: str
    fiscal_year: int
    code: str
    name: str
    fund_source: str
    amount: Decimal
    committed: Decimal
    spent: Decimal
    held: Decimal
    available: Decimal
    status: str
    review_note: str

    @staticmethod
    def resolve_unit(obj: BudgetLine) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_committed(obj: BudgetLine) -> Decimal:
        return selectors.usage_of(obj).committed

    @staticmethod
    def resolve_spent(obj: BudgetLine) -> Decimal:
        return selectors.usage_of(obj).spent

    @staticmethod
    def resolve_held(obj: BudgetLine) -> Decimal:
        return selectors.usage_of(obj).held

    @staticmethod
    def resolve_available(obj: BudgetLine) -> Decimal:
        return selectors.usage_of(obj).available


class PlanningBudgetLineIn(Schema):
    fiscal_year: Year
    code: Str40
    name: Str200
    fund_source: Str20
    amount: Yuan
    unit_id: Id | None = None


class PlanningReasonIn(Schema):
    reason: Text = ""


class AdjustIn(Schema):
    amount: Yuan
    reason: Text


class ProjectOut(Schema):
    id: int
    unit: str
    fiscal_year: int
    name: str
    item_codes: list[str]
    description: str
    quantity: Decimal
    quantity_unit: str
    estimated_amount: Decimal
    recipients: str
    area: str
    term_start: date
    term_end: date
    is_public_service: bool
    status: str
    review_note: str

    @staticmethod
    def resolve_unit(obj: Project) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_area(obj: Project) -> str:
        return obj.area_id

    @staticmethod
    def resolve_item_codes(obj: Project) -> list[str]:
        return sorted(item.code for item in obj.items.all())


class ProjectIn(Schema):
    fiscal_year: Year
    name: Str200
    item_ids: list[Id]
    description: Text
    quantity: Quantity
    quantity_unit: Str20
    estimated_amount: Yuan
    recipients: Str200
    area: Str32
    term_start: Date
    term_end: Date
    term_reason: Text = ""
    is_public_service: bool = True


class ProjectPatchIn(PatchIn):
    """Fields of the proposal to change (draft or returned projects); those left out keep their value."""

    fiscal_year: Year | None = None
    name: Str200 | None = None
    item_ids: list[Id] | None = None
    description: Text | None = None
    quantity: Quantity | None = None
    quantity_unit: Str20 | None = None
    estimated_amount: Yuan | None = None
    recipients: Str200 | None = None
    area: Str32 | None = None
    term_start: Date | None = None
    term_end: Date | None = None
    term_reason: Text | None = None
    is_public_service: bool | None = None


class EventOut(Schema):
    seq: int
    action: str
    actor: str
    occurred_at: datetime
    old: dict[str, Any]
    new: dict[str, Any]
    reason: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_old(obj: AuditEvent) -> dict[str, Any]:
        return obj.old_values or {}

    @staticmethod
    def resolve_new(obj: AuditEvent) -> dict[str, Any]:
        return obj.new_values or {}


class PlanningSurveyIn(Schema):
    method: Str16
    conducted_on: Date
    respondents: Count
    findings: Text


class PlanOut(Schema):
    id: int
    project_id: int
    budget_line_id: int
    unit: str
    title: str
    amount: Decimal
    method: str
    approval_needed: bool
    method_reasons: list[dict[str, Any]]
    split_flags: list[dict[str, Any]]
    procurement_starts_on: date
    requirements: str
    compliance_findings: list[dict[str, Any]]
    compliance_confirmed_reason: str
    status: str
    contract_amount: Decimal | None

    @staticmethod
    def resolve_unit(obj: PurchasePlan) -> str:
        return obj.unit.name


class PlanIn(Schema):
    project_id: Id
    budget_line_id: Id
    method: Str32
    procurement_starts_on: Date
    facts: dict[Str64, bool] = {}
    amount: Yuan | None = None
    title: Str200 = ""
    requirements: Text = ""


class RequirementsIn(Schema):
    requirements: Text


class NoteIn(Schema):
    note: Text = ""


class ContractIn(Schema):
    contract_amount: Yuan


class IntentionIn(Schema):
    summary: Text = ""


class IntentionOut(Schema):
    id: int
    unit: str
    title: str
    summary: str
    budget_amount: Decimal
    expected_month: str
    published_on: date
    citation: str

    @staticmethod
    def resolve_unit(obj: PurchaseIntention) -> str:
        return obj.plan.unit.name


class MethodQuery(Schema):
    amount: Yuan
    on_date: Date
    facts: Text = ""
    """Comma-separated fact names that hold, e.g. ``complex_or_unspecifiable,urgent``."""


class PlanningReasonOut(Schema):
    code: str
    message_zh: str
    message_en: str
    citation: str
    severity: str


class MethodOut(Schema):
    method: str
    name: str
    allowed: bool
    approval_needed: bool
    required: bool
    min_suppliers: int
    reasons: list[PlanningReasonOut]


class PlanningTextIn(Schema):
    text: Text
    on_date: Date | None = None


class FindingOut(Schema):
    sentence: str
    rule_code: str
    message_zh: str
    message_en: str
    citation: str
    matched: str


# --- budget lines -------------------------------------------------------------------------------------


def _line(request: HttpRequest, pk: Id) -> BudgetLine:
    return selectors.budget_line_get(actor=request.user, pk=pk)


@router.get("/budget-lines", response=list[BudgetLineOut])
def budget_lines(request: HttpRequest, fiscal_year: Year | None = None) -> Any:
    """预算指标 with committed/spent/held/available derived from the plans and the e-mall's holdings."""
    lines = selectors.budget_lines_visible(actor=request.user)
    return list(lines.filter(fiscal_year=fiscal_year) if fiscal_year else lines)


@router.post("/budget-lines", response={201: BudgetLineOut}, auth=django_auth)
def budget_line_create(request: HttpRequest, payload: PlanningBudgetLineIn) -> Any:
    user: Any = request.user
    unit = get_object_or_404(Unit, pk=payload.unit_id) if payload.unit_id else user.unit
    line = services.budget_line_create(
        actor=user,
        unit=unit,
        fiscal_year=payload.fiscal_year,
        code=payload.code,
        name=payload.name,
        fund_source=payload.fund_source,
        amount=payload.amount,
    )
    return Status(201, selectors.budget_line_get(actor=user, pk=line.pk))


@router.post("/budget-lines/{pk}/submit", response=BudgetLineOut, auth=django_auth)
def budget_line_submit(request: HttpRequest, pk: Id) -> Any:
    services.budget_line_submit(actor=signed_in_user(request), line=_line(request, pk))
    return _line(request, pk)


@router.post("/budget-lines/{pk}/approve", response=BudgetLineOut, auth=django_auth)
def budget_line_approve(request: HttpRequest, pk: Id, payload: NoteIn) -> Any:
    services.budget_line_approve(actor=signed_in_user(request), line=_line(request, pk), note=payload.note)
    return _line(request, pk)


@router.post("/budget-lines/{pk}/reject", response=BudgetLineOut, auth=django_auth)
def budget_line_reject(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    services.budget_line_reject(actor=signed_in_user(request), line=_line(request, pk), reason=payload.reason)
    return _line(request, pk)


@router.post("/budget-lines/{pk}/adjust", response=BudgetLineOut, auth=django_auth)
def budget_line_adjust(request: HttpRequest, pk: Id, payload: AdjustIn) -> Any:
    services.budget_line_adjust(
        actor=signed_in_user(request), line=_line(request, pk), amount=payload.amount, reason=payload.reason
    )
    return _line(request, pk)


# --- projects -------------------------------------------------------------------------------------------


def _project(request: HttpRequest, pk: Id) -> Project:
    return selectors.project_get(actor=request.user, pk=pk)


@router.get("/projects", response=list[ProjectOut])
def projects(request: HttpRequest, status: Str32 = "") -> Any:
    found = selectors.projects_visible(actor=request.user)
    return list(found.filter(status=status) if status else found)


@router.get("/projects/{pk}", response=ProjectOut)
def project_detail(request: HttpRequest, pk: Id) -> Any:
    return _project(request, pk)


@router.post("/projects", response={201: ProjectOut}, auth=django_auth)
def project_propose(request: HttpRequest, payload: ProjectIn) -> Any:
    data = payload.dict()
    items = list(CatalogItem.objects.filter(pk__in=data.pop("item_ids")).select_related("version"))
    area = get_object_or_404(Region, pk=data.pop("area"))
    project = services.project_propose(actor=signed_in_user(request), items=items, area=area, **data)
    return Status(201, project)


@router.patch("/projects/{pk}", response=ProjectOut, auth=django_auth)
def project_update(request: HttpRequest, pk: Id, payload: ProjectPatchIn) -> Any:
    """修改项目 — only while a draft or returned for changes (else 409 ``planning.project_not_editable``)."""
    data = payload.dict(exclude_unset=True)
    if "item_ids" in data:
        data["items"] = list(
            CatalogItem.objects.filter(pk__in=data.pop("item_ids") or []).select_related("version")
        )
    if "area" in data:
        data["area"] = get_object_or_404(Region, pk=data["area"])
    return services.project_update(actor=signed_in_user(request), project=_project(request, pk), **data)


@router.get("/projects/{pk}/timeline", response=list[EventOut])
def project_timeline(request: HttpRequest, pk: Id) -> Any:
    """项目动态 — every event of the project with old → new values, oldest first."""
    return list(selectors.project_timeline(actor=request.user, project=_project(request, pk)))


@router.post("/projects/{pk}/survey", response=ProjectOut, auth=django_auth)
def project_survey(request: HttpRequest, pk: Id, payload: PlanningSurveyIn) -> Any:
    services.demand_survey_record(
        actor=signed_in_user(request), project=_project(request, pk), **payload.dict()
    )
    return _project(request, pk)


@router.post("/projects/{pk}/submit", response=ProjectOut, auth=django_auth)
def project_submit(request: HttpRequest, pk: Id) -> Any:
    return services.project_submit(actor=signed_in_user(request), project=_project(request, pk))


@router.post("/projects/{pk}/approve-unit", response=ProjectOut, auth=django_auth)
def project_approve_unit(request: HttpRequest, pk: Id, payload: NoteIn) -> Any:
    return services.project_approve_unit(
        actor=signed_in_user(request), project=_project(request, pk), note=payload.note
    )


@router.post("/projects/{pk}/approve", response=ProjectOut, auth=django_auth)
def project_approve(request: HttpRequest, pk: Id, payload: NoteIn) -> Any:
    return services.project_approve(
        actor=signed_in_user(request), project=_project(request, pk), note=payload.note
    )


@router.post("/projects/{pk}/return", response=ProjectOut, auth=django_auth)
def project_return(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    return services.project_return(
        actor=signed_in_user(request), project=_project(request, pk), reason=payload.reason
    )


@router.post("/projects/{pk}/withdraw", response=ProjectOut, auth=django_auth)
def project_withdraw(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    return services.project_withdraw(
        actor=signed_in_user(request), project=_project(request, pk), reason=payload.reason
    )


# --- plans ------------------------------------------------------------------------------------------------


def _plan(request: HttpRequest, pk: Id) -> PurchasePlan:
    return selectors.plan_get(actor=request.user, pk=pk)


@router.get("/method-options", response=list[MethodOut])
def method_options(request: HttpRequest, query: Query[MethodQuery]) -> Any:
    """Which methods a purchase of services may use, with reasons and needed approvals (allowed_methods)."""
    names = {name.strip(): True for name in query.facts.split(",") if name.strip()}
    decisions = services.method_options(query.amount, services.purchase_facts(names), query.on_date)
    return [
        {
            "method": d.method.value,
            "name": d.name_zh,
            "allowed": d.allowed,
            "approval_needed": d.approval_needed,
            "required": d.required,
            "min_suppliers": d.min_suppliers,
            "reasons": services.reasons_json(d.reasons),
        }
        for d in decisions
    ]


@router.post("/compliance-check", response=list[FindingOut])
def compliance_check(request: HttpRequest, payload: PlanningTextIn) -> Any:
    """采购需求合规审查 — every sentence with each discriminatory clause it contains, cited."""
    return list(check_requirements(payload.text[:50000], payload.on_date))


@router.get("/plans", response=list[PlanOut])
def plans(request: HttpRequest, status: Str32 = "") -> Any:
    found = selectors.plans_visible(actor=request.user)
    return list(found.filter(status=status) if status else found)


@router.get("/plans/{pk}", response=PlanOut)
def plan_detail(request: HttpRequest, pk: Id) -> Any:
    return _plan(request, pk)


@router.post("/plans", response={201: PlanOut}, auth=django_auth)
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    project = selectors.project_get(actor=request.user, pk=payload.project_id)
    line = selectors.budget_line_get(actor=request.user, pk=payload.budget_line_id)
    plan = services.plan_create(
        actor=signed_in_user(request),
        project=project,
        budget_line=line,
        method=payload.method,
        procurement_starts_on=payload.procurement_starts_on,
        facts=payload.facts,
        amount=payload.amount,
        title=payload.title,
        requirements=payload.requirements,
    )
    return Status(201, plan)


@router.post("/plans/{pk}/requirements", response=PlanOut, auth=django_auth)
def plan_requirements(request: HttpRequest, pk: Id, payload: RequirementsIn) -> Any:
    return services.plan_update_requirements(
        actor=signed_in_user(request), plan=_plan(request, pk), requirements=payload.requirements
    )


@router.post("/plans/{pk}/confirm-compliance", response=PlanOut, auth=django_auth)
def plan_confirm(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    return services.plan_confirm_compliance(
        actor=signed_in_user(request), plan=_plan(request, pk), reason=payload.reason
    )


@router.post("/plans/{pk}/submit", response=PlanOut, auth=django_auth)
def plan_submit(request: HttpRequest, pk: Id) -> Any:
    return services.plan_submit(actor=signed_in_user(request), plan=_plan(request, pk))


@router.post("/plans/{pk}/approve-method", response=PlanOut, auth=django_auth)
def plan_approve_method(request: HttpRequest, pk: Id, payload: NoteIn) -> Any:
    return services.plan_approve_method(
        actor=signed_in_user(request), plan=_plan(request, pk), note=payload.note
    )


@router.post("/plans/{pk}/reject-method", response=PlanOut, auth=django_auth)
def plan_reject_method(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    return services.plan_reject_method(
        actor=signed_in_user(request), plan=_plan(request, pk), reason=payload.reason
    )


@router.post("/plans/{pk}/intention", response={201: IntentionOut}, auth=django_auth)
def plan_intention(request: HttpRequest, pk: Id, payload: IntentionIn) -> Any:
    return Status(
        201,
        services.intention_publish(
            actor=signed_in_user(request), plan=_plan(request, pk), summary=payload.summary
        ),
    )


@router.post("/plans/{pk}/start", response=PlanOut, auth=django_auth)
def plan_start(request: HttpRequest, pk: Id) -> Any:
    return services.plan_start_procurement(actor=signed_in_user(request), plan=_plan(request, pk))


@router.post("/plans/{pk}/contract", response=PlanOut, auth=django_auth)
def plan_contract(request: HttpRequest, pk: Id, payload: ContractIn) -> Any:
    return services.plan_record_contract(
        actor=signed_in_user(request), plan=_plan(request, pk), contract_amount=payload.contract_amount
    )


@router.post("/plans/{pk}/cancel", response=PlanOut, auth=django_auth)
def plan_cancel(request: HttpRequest, pk: Id, payload: PlanningReasonIn) -> Any:
    return services.plan_cancel(actor=signed_in_user(request), plan=_plan(request, pk), reason=payload.reason)


# --- public -----------------------------------------------------------------------------------------------


@router.get("/intentions", response=list[IntentionOut])
def intentions(request: HttpRequest, year: Year | None = None, unit_id: Id | None = None) -> Any:
    """采购意向公开 — public, no login."""
    return list(selectors.public_intentions(year=year, unit_id=unit_id)[:500])
