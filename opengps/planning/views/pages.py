"""Planning pages: the workbench (budget lines, projects, plans, finance's queue), the public
intentions, a project's page, a plan's page, the project form and the method preview. Each page holds
one form per action; the actions themselves are in `actions` (one URL each).

A page re-rendered after a refusal shows the refused form (`failed`) with its errors beside its
fields, in place of the empty one, and answers with the refusal's status.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.catalog.viewkit import submitted
from opengps.core import clock
from opengps.core.errors import NotFound, ServiceError
from opengps.core.timeline import readable
from opengps.core.views import read_through
from opengps.planning import forms, next_steps, selectors, services
from opengps.planning.errors import Code
from opengps.planning.models import (
    DemandSurvey,
    FundSource,
    PlanStatus,
    Project,
    ProjectStatus,
    PurchasePlan,
)
from opengps.rules.methods import PurchaseFacts
from opengps.rules.procedures import METHOD_NAMES_ZH

PROJECT_ACTIONS = {
    "project.proposed": _("项目已申报"),
    "project.changed": _("项目已修改"),
    "project.survey_recorded": _("记录需求调查"),
    "project.submitted": _("提交单位负责人审核"),
    "project.unit_approved": _("单位负责人同意"),
    "project.approved": _("财政审核通过，入库"),
    "project.returned": _("退回修改"),
    "project.withdrawn": _("撤回"),
}
PROJECT_FIELDS = {
    "status": _("状态"),
    "fiscal_year": _("预算年度"),
    "name": _("项目名称"),
    "items": _("目录事项"),
    "description": _("服务内容"),
    "quantity": _("服务数量"),
    "quantity_unit": _("计量单位"),
    "estimated_amount": _("预算估算（元）"),
    "recipients": _("服务对象"),
    "area": _("服务区域"),
    "term": _("服务期"),
    "term_start": _("服务期起"),
    "term_end": _("服务期止"),
    "term_reason": _("服务期超过一年的理由"),
    "is_public_service": _("面向社会公众的公共服务"),
    "method": _("调查方式"),
    "conducted_on": _("调查日期"),
    "respondents": _("调查对象数量"),
    "findings": _("调查结论"),
}


def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    """The page for an object outside the actor's scope (or that does not exist): 404, said plainly."""
    return render(request, "planning/not_found.html", {"error": exc}, status=404)


def _with_failed(empty: list[forms.PlanningForm], failed: forms.PlanningForm | None) -> dict[str, Any]:
    page_forms: dict[str, Any] = {form.action: form for form in empty}
    if failed is not None:
        page_forms[failed.action] = failed
    return page_forms


# --- the workbench and the public intentions ----------------------------------------------------------


@require_safe
def workbench(request: HttpRequest) -> HttpResponse:
    """项目与计划: a unit's own lines, projects and plans; finance's queue; everything for auditors."""
    if not request.user.is_authenticated:
        return redirect("planning:intentions")
    return render_workbench(request)


def render_workbench(
    request: HttpRequest,
    *,
    failed: forms.PlanningForm | None = None,
    failed_line: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The workbench; `failed` is a refused budget form (of the line `failed_line`, for a row's action)."""
    user = signed_in_user(request)
    empty: list[forms.PlanningForm] = [
        forms.BudgetLineForm(initial={"fiscal_year": clock.today().year}),
        forms.BudgetSubmitForm(),
        forms.BudgetApproveForm(),
        forms.BudgetRejectForm(),
        forms.BudgetReopenForm(),
    ]
    return render(
        request,
        "planning/workbench.html",
        {
            "lines": [
                {"line": line, "usage": selectors.usage_of(line)}
                for line in selectors.budget_lines_visible(actor=user)[:200]
            ],
            "projects": selectors.projects_visible(actor=user)[:200],
            "plans": [
                {"plan": plan, "next": next_steps.plan_next_step(plan, user) if own else None}
                for plan in selectors.plans_visible(actor=user)[:200]
                for own in [plan.unit_id == user.unit_id]
            ],
            "queue": selectors.finance_queue(actor=user) if has_role(user, Role.FINANCE) else None,
            "is_unit": has_role(user, Role.PURCHASER),
            "fund_sources": FundSource.choices,
            "forms": _with_failed(empty, failed),
            "failed": failed,
            "failed_line": failed_line,
        },
        status=status,
    )


@require_safe
def intentions(request: HttpRequest) -> HttpResponse:
    """采购意向公开 — public."""
    return render(request, "planning/intentions.html", {"intentions": selectors.public_intentions()[:300]})


# --- the project form (申报 and 修改) --------------------------------------------------------------------


def _project_form_page(
    request: HttpRequest,
    form: forms.ProjectForm | None,
    *,
    project: Project | None = None,
    locked: ServiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "planning/project_form.html",
        {"project": project, "form": form, "locked": locked, "failed": form if status != 200 else None},
        status=status,
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """申报项目: the form (GET), or the proposal saved as a draft (POST)."""
    user = signed_in_user(request)
    kwargs: dict[str, Any] = {
        "items": selectors.project_items(),
        "areas": selectors.project_areas(actor=user),
    }
    if request.method != "POST":
        initial = {
            "fiscal_year": clock.today().year,
            "is_public_service": True,
            "area": user.unit.region_id if user.unit else None,
        }
        return _project_form_page(request, forms.ProjectForm(initial=initial, **kwargs))
    form = forms.ProjectForm(request.POST, **kwargs)
    default_area = user.unit.region if user.unit else None
    return submitted(
        request,
        form,
        lambda: services.project_propose(actor=user, **form.service_kwargs(default_area)),
        page=lambda status: _project_form_page(request, form, status=status),
        done=lambda project: _("项目已保存为草稿"),
        then=lambda project: redirect("planning:project", pk=project.pk),
    )


def _project_initial(project: Project) -> dict[str, Any]:
    """The form's values: the audited ones (`services.project_state`), items as the form's choices."""
    return {
        **services.project_state(project),
        "items": [str(item.pk) for item in project.items.all()],
        "quantity": project.quantity.normalize() if project.quantity % 1 == 0 else project.quantity,
    }


def _update_project(actor: Actor, project: Project, form: forms.ProjectForm) -> Project:
    fields = form.service_kwargs(project.area)
    if {item.pk for item in fields["items"]} == set(project.items.values_list("pk", flat=True)):
        fields["items"] = None  # unchanged, even if an item has since left the catalogue
    return services.project_update(actor=actor, project=project, **fields)


@login_required
@read_through(selectors.project_get, "pk", not_found=not_found)
def project_edit(request: HttpRequest, project: Project) -> HttpResponse:
    """修改项目: the unit's own project while a draft or returned for changes."""
    user = signed_in_user(request)
    kwargs: dict[str, Any] = {
        "items": selectors.project_items(project),
        "areas": selectors.project_areas(actor=user, project=project),
    }
    if request.method != "POST":
        if not project.is_editable:
            locked = ServiceError(
                Code.PLANNING_PROJECT_NOT_EDITABLE, params={"status": project.get_status_display()}
            )
            return _project_form_page(request, None, project=project, locked=locked)
        form = forms.ProjectForm(initial=_project_initial(project), **kwargs)
        return _project_form_page(request, form, project=project)
    form = forms.ProjectForm(request.POST, **kwargs)
    return submitted(
        request,
        form,
        lambda: _update_project(user, project, form),
        page=lambda status: _project_form_page(request, form, project=project, status=status),
        done=lambda changed: _("项目已修改"),
        then=lambda changed: redirect("planning:project", pk=project.pk),
    )


# --- a project's page ---------------------------------------------------------------------------------


@login_required
@require_safe
@read_through(selectors.project_get, "pk", not_found=not_found)
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    return render_project(request, project)


def _preview_of(project: Project, plan_form: forms.PlanningForm) -> forms.MethodPreviewForm:
    """The method preview for the plan form's values (the project's estimate before any input)."""
    data: Any = plan_form.data if plan_form.is_bound else {"amount": str(project.estimated_amount)}
    return forms.MethodPreviewForm(data)


def render_project(
    request: HttpRequest, project: Project, *, failed: forms.PlanningForm | None = None, status: int = 200
) -> HttpResponse:
    """The project's page; `failed` is a refused action's bound form, shown with its errors."""
    user = signed_in_user(request)
    required, citation = services.project_survey_required(project)
    earliest, earliest_citation = services.earliest_start(clock.today(), project.unit)
    empty: list[forms.PlanningForm] = [
        forms.SurveyForm(),
        forms.ProjectSubmitForm(),
        forms.ProjectApproveUnitForm(),
        forms.ProjectApproveForm(),
        forms.ProjectReturnForm(),
        forms.ProjectWithdrawForm(),
        forms.PlanForm(
            lines=selectors.budget_lines_visible(actor=user),
            initial={
                "amount": str(project.estimated_amount),
                "procurement_starts_on": earliest,
                "requirements": project.description,
            },
        ),
    ]
    page_forms = _with_failed(empty, failed)
    page_forms["plan"].show_earliest(earliest, earliest_citation)
    preview = _preview_of(project, page_forms["plan"])
    return render(
        request,
        "planning/project_detail.html",
        {
            "project": project,
            "survey": selectors.survey_of(project),
            "survey_required": required,
            "survey_citation": citation,
            "plans": selectors.project_plans(project),
            "lines": selectors.plan_budget_lines(actor=user, project=project),
            "is_unit": has_role(user, Role.PURCHASER) and user.unit_id == project.unit_id,
            "is_finance": has_role(user, Role.FINANCE),
            "fact_labels": forms.FACT_LABELS.items(),
            "forms": page_forms,
            "failed": failed if status != 200 else None,
            "decisions": preview.decisions(),
            "preview_error": preview.problem,
            "chosen": preview.chosen,
            "suppliers": selectors.supplier_context(project),
            "next_step": next_steps.project_next_step(project, user),
            "timeline": readable(
                selectors.project_timeline(actor=user, project=project),
                actions=PROJECT_ACTIONS,
                fields=PROJECT_FIELDS,
                choices={
                    "status": dict(ProjectStatus.choices),
                    "method": dict(DemandSurvey.Method.choices),
                    "is_public_service": {},
                },
            ),
        },
        status=status,
    )


@require_safe
def method_preview(request: HttpRequest) -> HttpResponse:
    """The method decisions for the plan form's amount, start date and facts (htmx partial, GET)."""
    preview = forms.MethodPreviewForm(request.GET)
    return render(
        request,
        "planning/_method_preview.html",
        {"decisions": preview.decisions(), "preview_error": preview.problem, "chosen": preview.chosen},
    )


# --- a plan's page ------------------------------------------------------------------------------------


@login_required
@require_safe
@read_through(selectors.plan_get, "pk", not_found=not_found)
def plan_detail(request: HttpRequest, plan: PurchasePlan) -> HttpResponse:
    return render_plan(request, plan)


def render_plan(
    request: HttpRequest, plan: PurchasePlan, *, failed: forms.PlanningForm | None = None, status: int = 200
) -> HttpResponse:
    """The plan's page; `failed` is a refused action's bound form, shown with its errors."""
    user = signed_in_user(request)
    facts = services.purchase_facts(plan.method_facts) if plan.method_facts else PurchaseFacts()
    earliest, citation = services.earliest_start(clock.today(), plan.unit)
    reschedule = forms.RescheduleForm(initial={"procurement_starts_on": earliest})
    reschedule.show_earliest(earliest, citation)
    empty: list[forms.PlanningForm] = [
        reschedule,
        forms.RequirementsForm(initial={"requirements": plan.requirements}),
        forms.ComplianceForm(),
        forms.PlanSubmitForm(),
        forms.MethodApproveForm(),
        forms.MethodRejectForm(),
        forms.IntentionForm(),
        forms.StartForm(),
        forms.PlanCancelForm(),
    ]
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "usage": selectors.budget_usage(plan.budget_line),
            "decisions": services.method_options(plan.amount, facts, plan.procurement_starts_on),
            "method_name": {m.value: name for m, name in METHOD_NAMES_ZH.items()}.get(
                plan.method, plan.method
            ),
            "intention": selectors.intention_of(plan),
            "is_unit": has_role(user, Role.PURCHASER) and user.unit_id == plan.unit_id,
            "is_finance": has_role(user, Role.FINANCE),
            "suppliers": selectors.supplier_context(plan.project),
            "forms": _with_failed(empty, failed),
            "failed": failed,
            "next_step": next_steps.plan_next_step(plan, user),
            "intention_late": plan.procurement_starts_on < earliest,
        },
        status=status,
    )


def _plan_initial(plan: PurchasePlan) -> dict[str, Any]:
    return {
        "budget_line": plan.budget_line_id,
        "amount": str(plan.amount),
        "procurement_starts_on": plan.procurement_starts_on,
        "facts": [name for name, on in plan.method_facts.items() if on],
        "method": plan.method,
        "requirements": plan.requirements,
    }


def _plan_form_page(
    request: HttpRequest,
    plan: PurchasePlan,
    form: forms.PlanEditForm | None,
    *,
    locked: ServiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    if form is not None:
        form.show_earliest(*services.earliest_start(clock.today(), plan.unit))
    return render(
        request,
        "planning/plan_form.html",
        {
            "plan": plan,
            "form": form,
            "locked": locked,
            "failed": form if status != 200 else None,
            "lines": selectors.plan_budget_lines(actor=user, project=plan.project),
            "fact_labels": forms.FACT_LABELS.items(),
        },
        status=status,
    )


@login_required
@read_through(selectors.plan_get, "pk", not_found=not_found)
def plan_edit(request: HttpRequest, plan: PurchasePlan) -> HttpResponse:
    """修改采购实施计划: the unit's own plan while a draft (also when finance returned it)."""
    user = signed_in_user(request)
    lines = selectors.budget_lines_visible(actor=user)
    if request.method != "POST":
        if plan.status != PlanStatus.DRAFT:
            status = plan.get_status_display()
            locked = ServiceError(Code.PLANNING_PLAN_NOT_EDITABLE, params={"status": status})
            return _plan_form_page(request, plan, None, locked=locked)
        return _plan_form_page(request, plan, forms.PlanEditForm(initial=_plan_initial(plan), lines=lines))
    form = forms.PlanEditForm(request.POST, lines=lines)
    return submitted(
        request,
        form,
        lambda: services.plan_update(actor=user, plan=plan, **form.service_kwargs()),
        page=lambda status: _plan_form_page(request, plan, form, status=status),
        done=lambda changed: (
            str(_("采购实施计划已修改：预计 %(day)s 开始采购，可重新提交"))
            % {"day": changed.procurement_starts_on.isoformat()}
        ),
        then=lambda changed: redirect("planning:plan", pk=plan.pk),
    )
