"""The actions on budget lines, projects and plans, one URL each (STYLE 14): a form parses the POST,
a selector scoped to the actor fetches the object (404 for anyone outside its scope), one service acts.

A refusal re-renders the object's page with the error beside its field and the refusal's status
(400, 403, 404, 409); success redirects to the page with a message saying what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opengps.accounts.actors import Actor, Viewer, signed_in_user
from opengps.catalog.viewkit import submitted
from opengps.core.errors import PermissionDenied
from opengps.core.views import View, one_action, read_through
from opengps.planning import forms, selectors, services
from opengps.planning.errors import Code
from opengps.planning.models import BudgetLine, Project, PurchasePlan
from opengps.planning.views import pages


@dataclass(frozen=True)
class Target:
    """What an action acts on: how it is fetched for the actor (a selector ``(*, actor, pk)`` that
    raises NotFound outside the actor's scope), the page that shows a refusal, where success returns."""

    scope: Callable[..., Any]
    page: Callable[[HttpRequest, Any, forms.PlanningForm, int], HttpResponse]
    url: str
    url_takes_pk: bool = True

    def success(self, obj: Any, result: Any) -> HttpResponse:
        """Back to the object's page (or to the workbench, for a budget line)."""
        return redirect(self.url, obj.pk) if self.url_takes_pk else redirect(self.url)


BUDGET_LINE = Target(
    selectors.budget_line_get,
    lambda request, line, form, status: pages.render_workbench(
        request, failed=form, failed_line=line.pk, status=status
    ),
    "planning:workbench",
    url_takes_pk=False,
)
PROJECT = Target(
    selectors.project_get,
    lambda request, project, form, status: pages.render_project(request, project, failed=form, status=status),
    "planning:project",
)
PLAN = Target(
    selectors.plan_get,
    lambda request, plan, form, status: pages.render_plan(request, plan, failed=form, status=status),
    "planning:plan",
)

Act = Callable[[Actor, Any, Any], Any]


def action(target: Target, form_class: type[forms.PlanningForm], done: Promise) -> Callable[[Act], View]:
    """Make `act` (which calls one service with the valid form's data) the view of one action URL
    (`one_action`): a refusal shows the target's page again, success goes back to it."""
    decorate = one_action(
        actor=signed_in_user,
        scope=target.scope,
        form=lambda request, obj: form_class(request.POST),
        page=target.page,
        done=done,
        success=target.success,
        not_found=pages.not_found,
    )

    def wrap(act: Act) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, obj: Any, form: forms.PlanningForm) -> Any:
            return act(actor, obj, form)

        return decorate(call)

    return wrap


# --- budget lines (the unit enters and reports them, finance approves or returns them) --------------


def _create_line(actor: Actor, form: forms.BudgetLineForm) -> BudgetLine:
    if actor.unit is None:
        raise PermissionDenied(Code.PERM_NO_UNIT)
    return services.budget_line_create(actor=actor, unit=actor.unit, **form.cleaned_data)


@require_POST
@login_required
def budget_create(request: HttpRequest) -> HttpResponse:
    """新增预算指标: a line of the actor's own unit (the service checks the unit and the role)."""
    actor = signed_in_user(request)
    form = forms.BudgetLineForm(request.POST)
    return submitted(
        request,
        form,
        lambda: _create_line(actor, form),
        page=lambda status: pages.render_workbench(request, failed=form, status=status),
        done=lambda line: _("预算指标已保存"),
        then=lambda line: redirect("planning:workbench"),
    )


@action(BUDGET_LINE, forms.BudgetSubmitForm, _("预算指标已报送财政部门"))
def budget_submit(actor: Actor, line: BudgetLine, form: forms.PlanningForm) -> Any:
    return services.budget_line_submit(actor=actor, line=line)


@action(BUDGET_LINE, forms.BudgetApproveForm, _("预算指标已批复"))
def budget_approve(actor: Actor, line: BudgetLine, form: forms.PlanningForm) -> Any:
    return services.budget_line_approve(actor=actor, line=line, note=form.cleaned_data["note"])


@action(BUDGET_LINE, forms.BudgetRejectForm, _("预算指标已退回"))
def budget_reject(actor: Actor, line: BudgetLine, form: forms.PlanningForm) -> Any:
    return services.budget_line_reject(actor=actor, line=line, reason=form.cleaned_data["reason"])


@action(BUDGET_LINE, forms.BudgetReopenForm, _("预算指标已退回草稿，可修改后重报"))
def budget_reopen(actor: Actor, line: BudgetLine, form: forms.PlanningForm) -> Any:
    return services.budget_line_reopen(actor=actor, line=line)


# --- projects (the unit surveys and submits, its head and finance review) ---------------------------


@action(PROJECT, forms.SurveyForm, _("需求调查已记录"))
def project_survey(actor: Actor, project: Project, form: forms.SurveyForm) -> Any:
    return services.demand_survey_record(actor=actor, project=project, **form.service_kwargs())


@action(PROJECT, forms.ProjectSubmitForm, _("项目已提交单位负责人审核"))
def project_submit(actor: Actor, project: Project, form: forms.PlanningForm) -> Any:
    return services.project_submit(actor=actor, project=project)


@action(PROJECT, forms.ProjectApproveUnitForm, _("单位负责人已同意，项目已报送财政部门"))
def project_approve_unit(actor: Actor, project: Project, form: forms.PlanningForm) -> Any:
    return services.project_approve_unit(actor=actor, project=project, note=form.cleaned_data["note"])


@action(PROJECT, forms.ProjectApproveForm, _("项目已审核通过，入库"))
def project_approve(actor: Actor, project: Project, form: forms.PlanningForm) -> Any:
    return services.project_approve(actor=actor, project=project, note=form.cleaned_data["note"])


@action(PROJECT, forms.ProjectReturnForm, _("项目已退回修改"))
def project_return(actor: Actor, project: Project, form: forms.PlanningForm) -> Any:
    return services.project_return(actor=actor, project=project, reason=form.cleaned_data["reason"])


@action(PROJECT, forms.ProjectWithdrawForm, _("项目已撤回"))
def project_withdraw(actor: Actor, project: Project, form: forms.PlanningForm) -> Any:
    return services.project_withdraw(actor=actor, project=project, reason=form.cleaned_data["reason"])


def _project_of_plan(*, actor: Viewer, project_pk: int) -> Project:
    """The project a new plan is prepared under (the URL's `project_pk`), as `selectors.project_get`."""
    return selectors.project_get(actor=actor, pk=project_pk)


@require_POST
@login_required
@read_through(_project_of_plan, "project_pk", not_found=pages.not_found)
def plan_new(request: HttpRequest, project: Project) -> HttpResponse:
    """编制采购实施计划 from the project's page; with ``preview`` (no JS) the page comes back with the
    method decisions for the values typed, and nothing is saved."""
    actor = signed_in_user(request)
    form = forms.PlanForm(request.POST, lines=selectors.budget_lines_visible(actor=actor))
    if request.POST.get("preview"):
        return pages.render_project(request, project, failed=form)
    return submitted(
        request,
        form,
        lambda: services.plan_create(actor=actor, project=project, **form.service_kwargs()),
        page=lambda status: pages.render_project(request, project, failed=form, status=status),
        done=lambda plan: _("采购实施计划已保存"),
        then=lambda plan: redirect("planning:plan", plan.pk),
    )


# --- plans (the unit prepares and carries them out, finance approves the method) ---------------------


@action(PLAN, forms.RequirementsForm, _("采购需求已修改并重新审查"))
def plan_requirements(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_update_requirements(
        actor=actor, plan=plan, requirements=form.cleaned_data["requirements"]
    )


@action(PLAN, forms.ComplianceForm, _("已确认保留上述条款"))
def plan_confirm(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_confirm_compliance(actor=actor, plan=plan, reason=form.cleaned_data["reason"])


@action(PLAN, forms.PlanSubmitForm, _("采购实施计划已提交，请按“下一步”继续"))
def plan_submit(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_submit(actor=actor, plan=plan)


@action(PLAN, forms.MethodApproveForm, _("采购方式已批准"))
def plan_approve_method(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_approve_method(actor=actor, plan=plan, note=form.cleaned_data["note"])


@action(PLAN, forms.MethodRejectForm, _("采购方式未获批准，计划已退回"))
def plan_reject_method(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_reject_method(actor=actor, plan=plan, reason=form.cleaned_data["reason"])


@action(PLAN, forms.IntentionForm, _("采购意向已公开；公开满30日后即可创建采购项目"))
def plan_intention(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.intention_publish(actor=actor, plan=plan, summary=form.cleaned_data["summary"])


@action(PLAN, forms.StartForm, _("已开始采购，可在采购公告中发起采购项目"))
def plan_start(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_start_procurement(actor=actor, plan=plan)


@action(PLAN, forms.RescheduleForm, _("预计采购开始日期已调整，可公开采购意向"))
def plan_reschedule(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_reschedule(
        actor=actor,
        plan=plan,
        procurement_starts_on=form.cleaned_data["procurement_starts_on"],
        reason=form.cleaned_data["reason"],
    )


@action(PLAN, forms.PlanCancelForm, _("采购实施计划已取消"))
def plan_cancel(actor: Actor, plan: PurchasePlan, form: forms.PlanningForm) -> Any:
    return services.plan_cancel(actor=actor, plan=plan, reason=form.cleaned_data["reason"])
