"""Planning URLs: pages, and one URL per action (POST only) on a budget line, project or plan."""

from typing import Any

from django.urls import URLPattern, path

from opengps.planning.views import actions, pages

app_name = "planning"

BUDGET_ACTIONS = {
    "submit": actions.budget_submit,
    "approve": actions.budget_approve,
    "reject": actions.budget_reject,
    "reopen": actions.budget_reopen,
}
PROJECT_ACTIONS = {
    "survey": actions.project_survey,
    "submit": actions.project_submit,
    "approve-unit": actions.project_approve_unit,
    "approve": actions.project_approve,
    "return": actions.project_return,
    "withdraw": actions.project_withdraw,
}
PLAN_ACTIONS = {
    "requirements": actions.plan_requirements,
    "confirm": actions.plan_confirm,
    "submit": actions.plan_submit,
    "approve-method": actions.plan_approve_method,
    "reject-method": actions.plan_reject_method,
    "intention": actions.plan_intention,
    "start": actions.plan_start,
    "reschedule": actions.plan_reschedule,
    "cancel": actions.plan_cancel,
}


def _actions(prefix: str, kind: str, views: dict[str, Any]) -> list[URLPattern]:
    """``<prefix>/<pk>/<action>/``, named ``<kind>-<action>``."""
    return [path(f"{prefix}/<int:pk>/{name}/", view, name=f"{kind}-{name}") for name, view in views.items()]


urlpatterns = [
    path("", pages.workbench, name="workbench"),
    path("intentions/", pages.intentions, name="intentions"),
    path("budget-lines/", actions.budget_create, name="budget-create"),
    *_actions("budget-lines", "budget", BUDGET_ACTIONS),
    path("projects/new/", pages.project_new, name="project-new"),
    path("projects/<int:pk>/", pages.project_detail, name="project"),
    path("projects/<int:pk>/edit/", pages.project_edit, name="project-edit"),
    *_actions("projects", "project", PROJECT_ACTIONS),
    path("projects/<int:project_pk>/plan/", actions.plan_new, name="plan-new"),
    path("method-preview/", pages.method_preview, name="method-preview"),
    path("plans/<int:pk>/", pages.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", pages.plan_edit, name="plan-edit"),
    *_actions("plans", "plan", PLAN_ACTIONS),
]
