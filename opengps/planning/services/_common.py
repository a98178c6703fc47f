"""Helpers the planning services share: citations, transitions, actor checks, amounts, the budget decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import require_role, require_unit_member
from opengps.catalog.content import yuan
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.status import STATE_REFUSED, Check, status_check, status_set
from opengps.planning.errors import Code
from opengps.planning.models import BudgetLine, BudgetStatus, PurchasePlan
from opengps.planning.selectors import budget_usage
from opengps.rules.compliance import check_requirements
from opengps.rules.workflow import check_transition

CATEGORY = "services"  # 政府购买服务: the platform's purchases are services
O102_10 = "政府购买服务管理办法（财政部令第102号）第十条"
O102_24 = "政府购买服务管理办法（财政部令第102号）第二十四条"
C22_10 = "政府采购需求管理办法（财库〔2021〕22号）第十条"
BUDGET_FIRST = "政府购买服务管理办法（财政部令第102号）第二十一条；预算法 第十三条"


_M = TypeVar("_M", bound=Model)

ENTITIES = {"budgetline": "budget_line", "project": "project", "purchaseplan": "plan"}
"""The workflow table of each planning model (by model name)."""


def _check(entity: str) -> Check:
    def check(current: str, target: str) -> None:
        check_transition(entity, current, target)

    return check


def _transition(entity: str, obj: Any, target: str) -> None:
    status_check(obj, target, check=_check(entity), message=STATE_REFUSED)


def _set_status(
    actor: Actor,
    obj: Model,
    target: str,
    action: str,
    *,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> None:
    """Move `obj` to `target` (checked against the workflow table), saving `values` with it, and audit."""
    status_set(
        obj,
        target,
        actor=actor,
        action=action,
        check=_check(ENTITIES[obj._meta.model_name or ""]),
        reason=reason,
        values=values,
        extra=extra,
        message=STATE_REFUSED,
    )


def _advance(
    actor: Actor,
    obj: _M,
    target: str,
    action: str,
    *,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    audited: Sequence[str] = (),
    guard: Callable[[_M], None] | None = None,
) -> _M:
    """One status change in a transaction of its own: `obj` read again with its row locked (`_lock`),
    refused by `guard` when given, moved to `target` with `values` (`_set_status`) and audited as
    `action` with the locked row's `audited` fields; returns the locked row."""
    with transaction.atomic():
        locked = _lock(obj)
        if guard is not None:
            guard(locked)
        extra = {name: getattr(locked, name) for name in audited}
        _set_status(actor, locked, target, action, reason=reason, extra=extra, values=values)
    return locked


def _require_unit_staff(actor: Actor, unit: Unit) -> None:
    require_role(actor, Role.PURCHASER)
    require_unit_member(actor, unit)


def _require_finance_for(actor: Actor, unit: Unit) -> None:
    """The finance department of the unit's own level of government (本级财政部门)."""
    require_role(actor, Role.FINANCE)
    if actor.unit is None or actor.unit.region_id != unit.region_id:
        raise PermissionDenied(Code.PLANNING_FINANCE_OTHER_LEVEL)


def _reason_required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError(Code.PLANNING_REASON_REQUIRED, field="reason")
    return reason


def _positive(value: Decimal | str | int, field: str) -> Decimal:
    amount = yuan(value, field=field)
    if amount <= 0:
        raise ServiceError(Code.PLANNING_AMOUNT_INVALID, field=field)
    return amount


def _budget_covers(
    line: BudgetLine, amount: Decimal, *, unit: Unit, fiscal_year: int, released: Decimal = Decimal(0)
) -> None:
    """THE budget decision (先有预算、后购买服务): an approved line of the unit and year covering `amount`.

    `released` is what the plan being changed already holds on this line (it is given back first).
    Must be called with `line` locked in the current transaction.
    """
    if line.unit_id != unit.pk:
        raise ServiceError(
            Code.PLANNING_BUDGET_OTHER_UNIT,
            _("预算指标“%(line)s”不属于本单位") % {"line": line},
            field="budget_line",
            params={"line": line.code},
        )
    if line.status != BudgetStatus.APPROVED:
        raise ServiceError(
            Code.PLANNING_BUDGET_NOT_APPROVED,
            _(
                "预算指标“%(line)s”尚未经财政部门批复（当前状态：%(status)s），不能据以采购（依据：%(citation)s）"
            )
            % {"line": line, "status": line.get_status_display(), "citation": BUDGET_FIRST},
            field="budget_line",
            params={"line": line.code, "status": line.status, "citation": BUDGET_FIRST},
        )
    if line.fiscal_year != fiscal_year:
        raise ServiceError(
            Code.PLANNING_BUDGET_OTHER_YEAR,
            _("预算指标“%(line)s”属于 %(line_year)s 年度，项目属于 %(year)s 年度")
            % {"line": line, "line_year": line.fiscal_year, "year": fiscal_year},
            field="budget_line",
            params={"line": line.code},
        )
    usage = budget_usage(line)
    available = usage.available + released
    if available < amount:
        shortfall = amount - available
        raise ServiceError(
            Code.PLANNING_BUDGET_INSUFFICIENT,
            _(
                "预算指标“%(line)s”可用余额 %(available)s 元（批复 %(amount)s 元，已占用 %(committed)s 元），"
                "本计划需 %(needed)s 元，尚缺 %(shortfall)s 元（依据：%(citation)s）"
            )
            % {
                "line": line,
                "available": available,
                "amount": usage.amount,
                "committed": usage.committed - released,
                "needed": amount,
                "shortfall": shortfall,
                "citation": BUDGET_FIRST,
            },
            field="budget_line",
            params={
                "line": line.code,
                "available": str(available),
                "needed": str(amount),
                "shortfall": str(shortfall),
                "citation": BUDGET_FIRST,
            },
        )


def _findings(text: str, on_date: date) -> list[dict[str, str]]:
    return [
        {
            "sentence": f.sentence,
            "rule_code": f.rule_code,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "citation": f.citation,
            "matched": f.matched,
        }
        for f in check_requirements(text, on_date)
    ]


def _lock_plan(plan: PurchasePlan) -> PurchasePlan:
    return (
        PurchasePlan.objects.select_for_update(of=("self",))
        .select_related("unit", "budget_line")
        .get(pk=plan.pk)
    )


def _lock(obj: _M) -> _M:
    """`obj` read again with its row locked for the current transaction (a plan: `_lock_plan`)."""
    if isinstance(obj, PurchasePlan):
        return cast(_M, _lock_plan(obj))
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
