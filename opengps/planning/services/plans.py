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
from opengps.planning.services._common import (
    CATEGORY,
    _budget_covers,
    _findings,
    _lock_plan,
    _positive,
    _reason_required,
    _require_unit_staff,
)
from opengps.rules.base import Reason, RuleError
from opengps.rules.methods import (
    MethodDecision,
    PurchaseFacts,
    PurchaseRecord,
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
    others = (
        PurchasePlan.objects.filter(unit=plan.unit, procurement_starts_on__year=year)
        .exclude(status=PlanStatus.CANCELLED)
        .select_related("budget_line")
        .prefetch_related("project__items")
    )
    records = []
    for other in others:
        items = sorted(item.code for item in other.project.items.all())
        records.append(
            PurchaseRecord(
                reference=str(other.pk),
                unit=str(other.unit_id),
                catalogue_item=items[0] if items else "",
                amount=other.amount,
                purchased_on=other.procurement_starts_on,
                method=Method(other.method),
                category=CATEGORY,
                budget_project=other.budget_line.code,
                approved_non_open=other.method_approved_at is not None and other.method != Method.open_tender,
            )
        )
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

    The method must be allowed by `allowed_methods` on the planned start date; the requirements
    are checked for discriminatory clauses; split purchases are flagged. The line is locked while
    its remaining amount is checked and the plan is written.
    """
    _require_unit_staff(actor, project.unit)
    if project.status != ProjectStatus.APPROVED:
        raise Conflict(Code.PLANNING_PROJECT_NOT_APPROVED, field="project")
    value = _positive(amount if amount is not None else project.estimated_amount, "amount")
    try:
        chosen = parse_method(method)
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    purchase = purchase_facts(facts)
    decision = decision_for(method_options(value, purchase, procurement_starts_on), chosen)
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
