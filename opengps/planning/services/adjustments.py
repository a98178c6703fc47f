"""Adjustments to a plan before or during procurement: a new start date, or cancellation."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import ACTIVE_PLAN_STATUSES, PlanStatus, PurchasePlan
from opengps.planning.services._common import (
    _advance,
    _findings,
    _lock_plan,
    _reason_required,
    _require_unit_staff,
)
from opengps.planning.services.intentions import require_lawful_start
from opengps.planning.services.plans import method_options, purchase_facts
from opengps.rules.methods import decision_for
from opengps.rules.procedures import Method


def plan_reschedule(
    *, actor: Actor, plan: PurchasePlan, procurement_starts_on: date, reason: str
) -> PurchasePlan:
    """Move the planned start (before the intention is published): the method and text are rechecked,
    and the new start must leave the intention its 30 days from today (`require_lawful_start`)."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    require_lawful_start(procurement_starts_on, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status not in (PlanStatus.DRAFT, PlanStatus.READY):
            raise Conflict(Code.PLANNING_PLAN_LOCKED, field="status")
        decision = decision_for(
            method_options(plan.amount, purchase_facts(plan.method_facts), procurement_starts_on),
            Method(plan.method),
        )
        if not decision.allowed or (decision.approval_needed and plan.method_approved_at is None):
            raise ServiceError(Code.PLANNING_METHOD_RECHECK, field="procurement_starts_on")
        old = plan.procurement_starts_on
        plan.procurement_starts_on = procurement_starts_on
        plan.compliance_findings = _findings(plan.requirements, procurement_starts_on)
        plan.save(update_fields=["procurement_starts_on", "compliance_findings"])
        audit.record(
            actor=actor,
            action=Event.PLAN_RESCHEDULED,
            obj=plan,
            old={"starts_on": old},
            new={"starts_on": procurement_starts_on},
            reason=reason,
        )
    return plan


def plan_cancel(*, actor: Actor, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """Cancel a plan; its amount becomes available on the budget line again."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    return _advance(
        actor, plan, PlanStatus.CANCELLED, Event.PLAN_CANCELLED, reason=reason, guard=_require_active
    )


def _require_active(plan: PurchasePlan) -> None:
    if plan.status not in ACTIVE_PLAN_STATUSES:
        raise Conflict(Code.PLANNING_PLAN_CLOSED, field="status")
