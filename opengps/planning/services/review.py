"""Review and approval: projects by the unit head and the finance department, plans' methods by finance."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import clock
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import DemandSurvey, PlanStatus, Project, ProjectStatus, PurchasePlan
from opengps.planning.services._common import (
    _advance,
    _lock_plan,
    _reason_required,
    _require_finance_for,
    _require_unit_staff,
    _set_status,
)
from opengps.planning.services.projects import project_survey_required


def project_submit(*, actor: Actor, project: Project) -> Project:
    """Send a draft to the unit head; refused without the demand survey C22 §11 requires."""
    _require_unit_staff(actor, project.unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        required, citation = project_survey_required(project)
        if required and not DemandSurvey.objects.filter(project=project).exists():
            raise ServiceError(
                Code.PLANNING_DEMAND_SURVEY_REQUIRED,
                _("本项目须先开展需求调查并记录结果（依据：%(citation)s）") % {"citation": citation},
                field="demand_survey",
                params={"citation": citation},
            )
        _set_status(
            actor,
            project,
            ProjectStatus.SUBMITTED,
            Event.PROJECT_SUBMITTED,
            extra={"survey_required": required},
        )
    return project


def project_approve_unit(*, actor: Actor, project: Project, note: str = "") -> Project:
    """The head of the unit approves — someone other than the proposer (four eyes)."""
    _require_unit_staff(actor, project.unit)
    if project.proposed_by_id == actor.pk:
        raise PermissionDenied(Code.PLANNING_SAME_PERSON)
    values = {"unit_approved_by": actor}
    return _advance(
        actor, project, ProjectStatus.UNIT_APPROVED, Event.PROJECT_UNIT_APPROVED, reason=note, values=values
    )


def project_approve(*, actor: Actor, project: Project, note: str = "") -> Project:
    """The finance department of the unit's level enters the project in the library."""
    _require_finance_for(actor, project.unit)
    values = {"approved_by": actor, "approved_at": clock.now(), "review_note": note}
    return _advance(
        actor, project, ProjectStatus.APPROVED, Event.PROJECT_APPROVED, reason=note, values=values
    )


def project_return(*, actor: Actor, project: Project, reason: str) -> Project:
    """Return for changes: by the unit head while submitted, by the finance department when unit-approved."""
    reason = _reason_required(reason)
    if project.status == ProjectStatus.UNIT_APPROVED:
        _require_finance_for(actor, project.unit)
    else:
        _require_unit_staff(actor, project.unit)
    values = {"review_note": reason}
    return _advance(
        actor, project, ProjectStatus.RETURNED, Event.PROJECT_RETURNED, reason=reason, values=values
    )


def project_withdraw(*, actor: Actor, project: Project, reason: str) -> Project:
    _require_unit_staff(actor, project.unit)
    reason = _reason_required(reason)
    return _advance(actor, project, ProjectStatus.WITHDRAWN, Event.PROJECT_WITHDRAWN, reason=reason)


def plan_submit(*, actor: Actor, plan: PurchasePlan) -> PurchasePlan:
    """Submit: to the finance department when its approval is needed, else straight to ready."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.compliance_findings and not plan.compliance_confirmed_reason:
            raise ServiceError(
                Code.PLANNING_COMPLIANCE_UNCONFIRMED,
                _(
                    "采购需求有 %(count)s 处可能构成差别歧视的条款，请修改或说明理由后确认"
                    "（首条：%(first)s，依据：%(citation)s）"
                )
                % {
                    "count": len(plan.compliance_findings),
                    "first": plan.compliance_findings[0]["sentence"],
                    "citation": plan.compliance_findings[0]["citation"],
                },
                field="requirements",
                params={"findings": plan.compliance_findings},
            )
        needs_finance = plan.approval_needed or bool(plan.split_flags)
        target = PlanStatus.PENDING_APPROVAL if needs_finance else PlanStatus.READY
        _set_status(
            actor,
            plan,
            target,
            Event.PLAN_SUBMITTED,
            extra={"approval_needed": plan.approval_needed, "split_flags": len(plan.split_flags)},
        )
    return plan


def plan_approve_method(*, actor: Actor, plan: PurchasePlan, note: str) -> PurchasePlan:
    """The finance department approves the method (IR §23) or clears a split-purchase flag."""
    _require_finance_for(actor, plan.unit)
    note = _reason_required(note)
    return _advance(
        actor,
        plan,
        PlanStatus.READY,
        Event.PLAN_METHOD_APPROVED,
        reason=note,
        audited=("method",),
        values={"method_approved_by": actor, "method_approved_at": clock.now(), "method_approval_note": note},
    )


def plan_reject_method(*, actor: Actor, plan: PurchasePlan, reason: str) -> PurchasePlan:
    _require_finance_for(actor, plan.unit)
    reason = _reason_required(reason)
    values = {"method_approval_note": reason}
    return _advance(actor, plan, PlanStatus.DRAFT, Event.PLAN_METHOD_REJECTED, reason=reason, values=values)
