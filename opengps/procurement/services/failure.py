"""After a failure: tender again, or change the method with the finance department's approval; cancel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.planning import services as planning_services
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import Procurement, ProcurementStatus
from opengps.procurement.policies import (
    lock,
    require_official,
    require_status,
    required_text,
    rule_error,
    set_status,
)
from opengps.procurement.services.create import draft_create, lots_of
from opengps.rules.base import RuleError
from opengps.rules.methods import decision_for
from opengps.rules.procedures import METHOD_NAMES_ZH, Method, parse_method
from opengps.rules.procurement_flow import NextStep, procedure_for

NEXT_STEP_LABELS: Mapping[str, Any] = {
    NextStep.retender: _("修改采购文件后重新招标（采购）"),
    NextStep.change_method: _("经设区的市级以上财政部门批准后变更采购方式"),
}


def _reason(reason: str, message: Any, field: str = "reason") -> str:
    return required_text(reason, field=field, code="procurement.reason_required", message=message)


def procurement_retender(
    *, actor: Actor, procurement: Procurement, reason: str, documents: str = ""
) -> Procurement:
    """Amend the documents and tender again (O87 §44): a new draft procurement for the same plan."""
    require_official(actor, procurement)
    require_role(actor, Role.PURCHASER)
    reason = _reason(reason, _("请填写理由"))
    with transaction.atomic():
        old = lock(procurement)
        require_status(old, ProcurementStatus.FAILED)
        if NextStep.retender.value not in old.next_steps:
            raise Conflict(Code.PROCUREMENT_RETENDER_NOT_ALLOWED)
        set_status(actor, old, ProcurementStatus.RETENDERED, Event.PROCUREMENT_RETENDERED, reason=reason)
        return _successor(
            actor, old, Method(old.method), documents=documents or old.documents, same_supplier=True
        )


def _successor(
    actor: Actor, old: Procurement, method: Method, *, documents: str, same_supplier: bool
) -> Procurement:
    """The new draft that follows a failed procurement: same plan, title, lots and agency."""
    return draft_create(
        actor=actor,
        plan=old.plan,
        method=method,
        title=old.title,
        lots=lots_of(old),
        agency=old.agency,
        documents=documents,
        previous=old,
        single_source_supplier=old.single_source_supplier if same_supplier else None,
        single_source_reason=old.single_source_reason if same_supplier else "",
    )


def _require_method_allowed(procurement: Procurement, target: Method) -> None:
    """Refuse a method the plan's facts (now with the failed tender) do not allow."""
    plan = procurement.plan
    facts = planning_services.purchase_facts(
        {
            **{k: bool(v) for k, v in plan.method_facts.items()},
            "failed_open_tender": True,
            "two_responsive_after_open_tender": NextStep.negotiate_with_two.value
            in (procurement.next_steps or []),
        }
    )
    decision = decision_for(planning_services.method_options(plan.amount, facts, clock.today()), target)
    if not decision.allowed:
        blocking = [r for r in decision.reasons if r.severity == "block"] or list(decision.reasons[:1])
        raise ServiceError(
            Code.PROCUREMENT_METHOD_NOT_ALLOWED,
            field="method",
            params={
                "method": METHOD_NAMES_ZH[target],
                "reason": blocking[0].message_zh,
                "citation": blocking[0].citation,
            },
        )


def procurement_request_method_change(
    *, actor: Actor, procurement: Procurement, method: str, reason: str
) -> Procurement:
    """Ask the finance department to approve another method after a failure (O87 §43, IR §23)."""
    require_official(actor, procurement)
    require_role(actor, Role.PURCHASER)
    reason = _reason(reason, _("请填写理由"))
    try:
        target = parse_method(method)
        procedure_for(target)
    except RuleError as exc:
        raise rule_error(exc, field="method") from None
    if target.value == procurement.method:
        raise ServiceError(Code.PROCUREMENT_SAME_METHOD, field="method")
    _require_method_allowed(procurement, target)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.FAILED)
        procurement.requested_method = target.value
        set_status(
            actor,
            procurement,
            ProcurementStatus.METHOD_CHANGE_REQUESTED,
            Event.PROCUREMENT_METHOD_CHANGE_REQUESTED,
            reason=reason,
            extra={"method": target.value},
            update=["requested_method"],
        )
    return procurement


def procurement_decide_method_change(
    *, actor: Actor, procurement: Procurement, approve: bool, note: str
) -> Procurement:
    """Finance of the purchaser's level approves (a new draft with the new method) or refuses."""
    require_role(actor, Role.FINANCE)
    if actor.unit is None or actor.unit.region_id != procurement.purchaser.region_id:
        raise PermissionDenied(Code.PLANNING_FINANCE_OTHER_LEVEL)
    note = _reason(note, _("请填写审核意见"), field="note")
    with transaction.atomic():
        old = lock(procurement)
        require_status(old, ProcurementStatus.METHOD_CHANGE_REQUESTED)
        if not approve:
            set_status(
                actor, old, ProcurementStatus.FAILED, Event.PROCUREMENT_METHOD_CHANGE_REFUSED, reason=note
            )
            return old
        set_status(
            actor,
            old,
            ProcurementStatus.METHOD_CHANGED,
            Event.PROCUREMENT_METHOD_CHANGE_APPROVED,
            reason=note,
            extra={"method": old.requested_method},
        )
        return _successor(
            actor, old, Method(old.requested_method), documents=old.documents, same_supplier=False
        )


def procurement_cancel(*, actor: Actor, procurement: Procurement, reason: str) -> Procurement:
    """Terminate a procurement with a reason (GPL §36 grounds)."""
    require_official(actor, procurement)
    reason = _reason(reason, _("请填写终止理由"))
    with transaction.atomic():
        procurement = lock(procurement)
        procurement.outcome_reason = reason
        set_status(
            actor,
            procurement,
            ProcurementStatus.CANCELLED,
            Event.PROCUREMENT_CANCELLED,
            reason=reason,
            update=["outcome_reason"],
        )
    return procurement
