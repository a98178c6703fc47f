"""The guided path (issue 18): for a project or a plan, the one next step of the person looking at
it — what to do, where (a link), and from which day when it cannot be done yet. The days come from
the planning services, which ask the rules (`opengps.rules.deadlines`); nothing is counted here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.planning import selectors, services
from opengps.planning.models import PlanStatus, Project, ProjectStatus, PurchasePlan

PROCUREMENT_ACTIVE = ("draft", "notice", "announced", "opened", "evaluating", "evaluated", "suspended")
"""Procurement statuses in which a plan's procurement is still running (by value: planning comes
before procurement and does not import it)."""


@dataclass(frozen=True)
class NextStep:
    """What comes next. `url` is where it is done ("" when it is someone else's turn or not yet
    possible); `earliest` the first day it may be done when that is later than today."""

    label: str
    url: str = ""
    note: str = ""
    earliest: date | None = None
    citation: str = ""

    @property
    def days_left(self) -> int:
        return (self.earliest - clock.today()).days if self.earliest else 0


def _is_unit(user: Any, unit_id: int) -> bool:
    return has_role(user, Role.PURCHASER) and getattr(user, "unit_id", None) == unit_id


def project_next_step(project: Project, user: Any) -> NextStep | None:
    """The project's next step for `user`; None once there is nothing left to do on it."""
    unit = _is_unit(user, project.unit_id)
    page = reverse("planning:project", args=[project.pk])
    status = project.status
    if status in (ProjectStatus.DRAFT, ProjectStatus.RETURNED):
        if not unit:
            return NextStep(_("等待采购单位修改并提交"))
        required, _citation = services.project_survey_required(project)
        if required and selectors.survey_of(project) is None:
            return NextStep(_("记录需求调查"), f"{page}#survey", _("本项目须先开展需求调查，再提交审核"))
        return NextStep(_("提交单位负责人审核"), f"{page}#review")
    if status == ProjectStatus.SUBMITTED:
        if unit:
            return NextStep(_("单位负责人审核"), f"{page}#review", _("由申报人以外的单位负责人审核"))
        return NextStep(_("等待单位负责人审核"))
    if status == ProjectStatus.UNIT_APPROVED:
        if has_role(user, Role.FINANCE):
            return NextStep(_("财政审核入库"), f"{page}#review")
        return NextStep(_("等待财政部门审核入库"))
    if status == ProjectStatus.APPROVED:
        plans = [p for p in selectors.project_plans(project) if p.status != PlanStatus.CANCELLED]
        if plans:
            return NextStep(_("查看采购实施计划"), reverse("planning:plan", args=[plans[0].pk]))
        if unit:
            return NextStep(_("编制采购实施计划"), f"{page}#plan-form")
        return NextStep(_("等待采购单位编制采购实施计划"))
    return None


def _running_procurement(plan: PurchasePlan) -> Any:
    """The plan's procurement still running (through the reverse relation), or None."""
    related: Any = getattr(plan, "procurements", None)
    if related is None:  # pragma: no cover — the procurement app is always installed
        return None
    return related.filter(status__in=PROCUREMENT_ACTIVE).order_by("-created_at").first()


def plan_next_step(plan: PurchasePlan, user: Any) -> NextStep | None:
    """The plan's next step for `user`, with the earliest lawful day where one applies."""
    unit = _is_unit(user, plan.unit_id)
    page = reverse("planning:plan", args=[plan.pk])
    status = plan.status
    today = clock.today()
    if status == PlanStatus.DRAFT:
        if not unit:
            return NextStep(_("等待采购单位提交采购实施计划"))
        if plan.method_approval_note:
            return NextStep(
                _("按财政部门意见修改计划后重新提交"),
                reverse("planning:plan-edit", args=[plan.pk]),
                _("退回意见：%(note)s") % {"note": plan.method_approval_note},
            )
        if plan.compliance_findings and not plan.compliance_confirmed_reason:
            return NextStep(_("修改采购需求，或说明理由后确认保留"), f"{page}#compliance")
        return NextStep(_("提交采购实施计划"), f"{page}#next")
    if status == PlanStatus.PENDING_APPROVAL:
        if has_role(user, Role.FINANCE):
            return NextStep(_("审批采购方式"), f"{page}#next")
        return NextStep(_("等待财政部门批准采购方式"))
    if status == PlanStatus.READY:
        if not unit:
            return NextStep(_("等待采购单位公开采购意向"))
        earliest, citation = services.earliest_start(today, plan.unit)
        if plan.procurement_starts_on < earliest:
            return NextStep(
                _("调整预计采购开始日期"),
                f"{page}#reschedule",
                _("今天公开采购意向，最早可于 %(day)s 开始采购；请先把开始日期调整到该日或之后")
                % {"day": earliest.isoformat()},
                citation=citation,
            )
        return NextStep(_("公开采购意向"), f"{page}#next")
    if status in (PlanStatus.INTENTION_PUBLISHED, PlanStatus.IN_PROCUREMENT):
        running = _running_procurement(plan)
        if running is not None:
            return NextStep(_("查看采购项目"), reverse("procurement:detail", args=[running.pk]))
        if not unit:
            return NextStep(_("等待采购单位创建采购项目"))
        create = reverse("procurement:create-from-plan", args=[plan.pk])
        may = services.procurement_may_start_on(plan)
        if may is not None and may[0] > today:
            day, citation = may
            return NextStep(
                _("创建采购项目"),
                note=_("采购意向公开须满30日：可于 %(day)s（%(days)s 天后）开始采购")
                % {"day": day.isoformat(), "days": (day - today).days},
                earliest=day,
                citation=citation,
            )
        return NextStep(_("创建采购项目"), create, _("采购项目按本计划预先填好，创建即开始采购"))
    return None
