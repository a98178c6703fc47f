"""Purchase plans being drafted: the method decision, the requirement check, split-purchase flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import BudgetLine, PlanStatus, Project, ProjectStatus, PurchasePlan
from opengps.planning.selectors import purchase_records, split_check_plans
from opengps.planning.services._common import (
    CATEGORY,
    _budget_covers,
    _findings,
    _lock_plan,
    _positive,
    _reason_required,
    _require_unit_staff,
)
from opengps.planning.services.intentions import require_lawful_start
from opengps.rules.base import Reason, RuleError
from opengps.rules.methods import (
    MethodDecision,
    PurchaseFacts,
    allowed_methods,
    decision_for,
    detect_split_purchases,
)
from opengps.rules.procedures import METHOD_NAMES_ZH, Method, parse_method

FACT_NAMES = frozenset(f.name for f in fields(PurchaseFacts))


def purchase_facts(values: Mapping[str, bool] | None) -> PurchaseFacts:
    """`PurchaseFacts` from a mapping of fact names; ServiceError for an unknown name."""
    values = dict(values or {})
    unknown = sorted(set(values) - FACT_NAMES)
    if unknown:
        raise ServiceError(
            Code.PLANNING_FACT_UNKNOWN,
            _("未知的适用情形：%(names)s") % {"names": "、".join(unknown)},
            field="facts",
            params={"unknown": unknown},
        )
    return PurchaseFacts(**{k: bool(v) for k, v in values.items()})


def method_options(amount: Decimal, facts: PurchaseFacts, on_date: date) -> tuple[MethodDecision, ...]:
    """Every method's decision for a purchase of services (reasons and needed approvals)."""
    try:
        return allowed_methods(amount, CATEGORY, facts, on_date)
    except RuleError as exc:
        raise _rule_error(exc) from None


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, str]]:
    return [asdict(reason) for reason in reasons]


def _split_flags(plan: PurchasePlan) -> list[dict[str, Any]]:
    """Split-purchase groups (化整为零) this plan belongs to, among the unit's plans of its year."""
    year = plan.procurement_starts_on.year
    others = split_check_plans().filter(unit=plan.unit, procurement_starts_on__year=year)
    records = purchase_records(others)
    flags = []
    try:
        groups = detect_split_purchases(records)
    except RuleError as exc:
        raise _rule_error(exc) from None
    for group in groups:
        if str(plan.pk) in {record.reference for record in group.purchases}:
            flags.append(
                {
                    **asdict(group.reason),
                    "total": str(group.total),
                    "threshold": str(group.threshold),
                    "plans": [record.reference for record in group.purchases],
                }
            )
    return flags


def _decide(
    value: Decimal, method: str, facts: Mapping[str, bool] | None, starts_on: date
) -> tuple[Method, MethodDecision]:
    """The chosen method and its decision; refused beside the method when the law does not allow it."""
    try:
        chosen = parse_method(method)
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    decision = decision_for(method_options(value, purchase_facts(facts), starts_on), chosen)
    if not decision.allowed:
        blocking = [r for r in decision.reasons if r.severity == "block"] or list(decision.reasons[:1])
        raise ServiceError(
            Code.PLANNING_METHOD_NOT_ALLOWED,
            _("不能采用%(method)s：%(reason)s（依据：%(citation)s）")
            % {
                "method": METHOD_NAMES_ZH[chosen],
                "reason": blocking[0].message_zh,
                "citation": blocking[0].citation,
            },
            field="method",
            params={"reasons": reasons_json(decision.reasons)},
        )
    return chosen, decision


def plan_create(
    *,
    actor: Actor,
    project: Project,
    budget_line: BudgetLine,
    method: str,
    procurement_starts_on: date,
    facts: Mapping[str, bool] | None = None,
    amount: Decimal | str | None = None,
    title: str = "",
    requirements: str = "",
) -> PurchasePlan:
    """Plan the procurement of an approved project against a budget line that covers it.

    The method must be allowed by `allowed_methods` on the planned start date, and the start
    far enough ahead for an intention published today (`require_lawful_start`); the requirements
    are checked for discriminatory clauses; split purchases are flagged. The line is locked while
    its remaining amount is checked and the plan is written.
    """
    _require_unit_staff(actor, project.unit)
    if project.status != ProjectStatus.APPROVED:
        raise Conflict(Code.PLANNING_PROJECT_NOT_APPROVED, field="project")
    value = _positive(amount if amount is not None else project.estimated_amount, "amount")
    chosen, decision = _decide(value, method, facts, procurement_starts_on)
    require_lawful_start(procurement_starts_on, project.unit)
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
        _budget_covers(line, value, unit=project.unit, fiscal_year=project.fiscal_year)
        plan = PurchasePlan.objects.create(
            project=project,
            budget_line=line,
            unit=project.unit,
            title=(title or project.name).strip(),
            amount=value,
            method=chosen.value,
            method_facts={k: bool(v) for k, v in (facts or {}).items()},
            method_reasons=reasons_json(decision.reasons),
            approval_needed=decision.approval_needed,
            procurement_starts_on=procurement_starts_on,
            requirements=requirements.strip(),
            compliance_findings=_findings(requirements, procurement_starts_on),
            created_by=actor,
        )
        plan.split_flags = _split_flags(plan)
        plan.save(update_fields=["split_flags"])
        audit.record(
            actor=actor,
            action=Event.PLAN_CREATED,
            obj=plan,
            new={
                "project": project,
                "budget_line": line.code,
                "amount": value,
                "method": chosen.value,
                "approval_needed": decision.approval_needed,
                "starts_on": procurement_starts_on,
                "findings": len(plan.compliance_findings),
                "split_flags": len(plan.split_flags),
            },
        )
    return plan


def plan_update_requirements(*, actor: Actor, plan: PurchasePlan, requirements: str) -> PurchasePlan:
    """Fix the requirement text: the check runs again and any earlier confirmation lapses."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(Code.PLANNING_PLAN_NOT_DRAFT, field="status")
        text = requirements.strip()
        if text == plan.requirements:
            return plan
        old = {"findings": len(plan.compliance_findings), "confirmed": bool(plan.compliance_confirmed_reason)}
        plan.requirements = text
        plan.compliance_findings = _findings(text, plan.procurement_starts_on)
        plan.compliance_confirmed_reason, plan.compliance_confirmed_by = "", None
        plan.save(
            update_fields=[
                "requirements",
                "compliance_findings",
                "compliance_confirmed_reason",
                "compliance_confirmed_by",
            ]
        )
        audit.record(
            actor=actor,
            action=Event.PLAN_REQUIREMENTS_CHANGED,
            obj=plan,
            old=old,
            new={"findings": len(plan.compliance_findings), "confirmed": False},
        )
    return plan


def plan_confirm_compliance(*, actor: Actor, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """The purchaser keeps the flagged sentences and says why (recorded in the audit trail)."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(Code.PLANNING_PLAN_NOT_DRAFT, _("只能在草稿状态确认"), field="status")
        if not plan.compliance_findings:
            raise Conflict(Code.PLANNING_NOTHING_TO_CONFIRM)
        plan.compliance_confirmed_reason, plan.compliance_confirmed_by = reason, actor
        plan.save(update_fields=["compliance_confirmed_reason", "compliance_confirmed_by"])
        audit.record(
            actor=actor,
            action=Event.PLAN_COMPLIANCE_CONFIRMED,
            obj=plan,
            new={"findings": [(f["rule_code"], f["sentence"]) for f in plan.compliance_findings]},
            reason=reason,
        )
    return plan


def plan_update(
    *,
    actor: Actor,
    plan: PurchasePlan,
    budget_line: BudgetLine,
    method: str,
    procurement_starts_on: date,
    facts: Mapping[str, bool] | None = None,
    amount: Decimal | str | None = None,
    requirements: str = "",
) -> PurchasePlan:
    """Change a plan while it is a draft (also after finance returned it): every check of
    `plan_create` runs again on the new values; the plan's own amount is given back to its line
    first. A changed requirement text is checked again and any earlier confirmation lapses, and so
    does a method approval the new values no longer match."""
    _require_unit_staff(actor, plan.unit)
    value = _positive(amount if amount is not None else plan.amount, "amount")
    chosen, decision = _decide(value, method, facts, procurement_starts_on)
    require_lawful_start(procurement_starts_on, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(
                Code.PLANNING_PLAN_NOT_EDITABLE, field="status", params={"status": plan.get_status_display()}
            )
        line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
        released = plan.amount if line.pk == plan.budget_line_id else Decimal(0)
        _budget_covers(
            line, value, unit=plan.unit, fiscal_year=plan.project.fiscal_year, released=released
        )
        text = requirements.strip()
        new_facts = {k: bool(v) for k, v in (facts or {}).items()}
        old = {
            "budget_line": plan.budget_line.code,
            "amount": plan.amount,
            "method": plan.method,
            "starts_on": plan.procurement_starts_on,
            "facts": plan.method_facts,
            "requirements": len(plan.requirements),
        }
        new = {
            "budget_line": line.code,
            "amount": value,
            "method": chosen.value,
            "starts_on": procurement_starts_on,
            "facts": new_facts,
            "requirements": len(text),
        }
        if old == new and text == plan.requirements:
            return plan
        if text != plan.requirements:
            plan.compliance_confirmed_reason, plan.compliance_confirmed_by = "", None
        plan.budget_line = line
        plan.amount = value
        plan.method = chosen.value
        plan.method_facts = new_facts
        plan.method_reasons = reasons_json(decision.reasons)
        plan.approval_needed = decision.approval_needed
        plan.procurement_starts_on = procurement_starts_on
        plan.requirements = text
        plan.compliance_findings = _findings(text, procurement_starts_on)
        plan.split_flags = _split_flags(plan)
        plan.save(
            update_fields=[
                "budget_line",
                "amount",
                "method",
                "method_facts",
                "method_reasons",
                "approval_needed",
                "procurement_starts_on",
                "requirements",
                "compliance_findings",
                "compliance_confirmed_reason",
                "compliance_confirmed_by",
                "split_flags",
            ]
        )
        audit.record(actor=actor, action=Event.PLAN_CHANGED, obj=plan, old=old, new=new)
    return plan
