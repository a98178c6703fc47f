"""Budget lines (预算指标): entered by a unit, approved, returned or adjusted by its finance department."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import BudgetLine, BudgetStatus, FundSource
from opengps.planning.selectors import budget_usage
from opengps.planning.services._common import (
    _advance,
    _positive,
    _reason_required,
    _require_finance_for,
    _require_unit_staff,
)


def budget_line_create(
    *,
    actor: Actor,
    unit: Unit,
    fiscal_year: int,
    code: str,
    name: str,
    fund_source: str,
    amount: Decimal | str,
) -> BudgetLine:
    """A unit enters a budget line (draft); the finance department of its level may enter one too."""
    if has_role(actor, Role.FINANCE):
        _require_finance_for(actor, unit)
    else:
        _require_unit_staff(actor, unit)
    if fund_source not in FundSource.values:
        raise ServiceError(Code.PLANNING_FUND_SOURCE_INVALID, field="fund_source")
    if not code.strip() or not name.strip():
        raise ServiceError(Code.PLANNING_BUDGET_CODE_REQUIRED, field="code")
    value = _positive(amount, "amount")
    with transaction.atomic():
        if BudgetLine.objects.filter(unit=unit, fiscal_year=fiscal_year, code=code.strip()).exists():
            raise Conflict(Code.PLANNING_BUDGET_DUPLICATE, field="code")
        line = BudgetLine.objects.create(
            unit=unit,
            fiscal_year=fiscal_year,
            code=code.strip(),
            name=name.strip(),
            fund_source=fund_source,
            amount=value,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.BUDGET_CREATED,
            obj=line,
            new={
                "unit": unit,
                "fiscal_year": fiscal_year,
                "code": line.code,
                "name": line.name,
                "fund_source": fund_source,
                "amount": value,
            },
        )
    return line


def budget_line_submit(*, actor: Actor, line: BudgetLine) -> BudgetLine:
    _require_unit_staff(actor, line.unit)
    return _advance(actor, line, BudgetStatus.SUBMITTED, Event.BUDGET_SUBMITTED)


def budget_line_approve(*, actor: Actor, line: BudgetLine, note: str = "") -> BudgetLine:
    """批复: the finance department approves; from now on plans may draw on the line."""
    _require_finance_for(actor, line.unit)
    return _advance(
        actor,
        line,
        BudgetStatus.APPROVED,
        Event.BUDGET_APPROVED,
        reason=note,
        audited=("amount",),
        values={"approved_by": actor, "approved_at": clock.now(), "review_note": note},
    )


def budget_line_reject(*, actor: Actor, line: BudgetLine, reason: str) -> BudgetLine:
    _require_finance_for(actor, line.unit)
    reason = _reason_required(reason)
    values = {"review_note": reason}
    return _advance(actor, line, BudgetStatus.REJECTED, Event.BUDGET_REJECTED, reason=reason, values=values)


def budget_line_reopen(*, actor: Actor, line: BudgetLine) -> BudgetLine:
    """A returned line goes back to draft so the unit can correct and resubmit it."""
    _require_unit_staff(actor, line.unit)
    return _advance(actor, line, BudgetStatus.DRAFT, Event.BUDGET_REOPENED)


def budget_line_adjust(*, actor: Actor, line: BudgetLine, amount: Decimal | str, reason: str) -> BudgetLine:
    """预算调整: change an approved line's amount; never below what its plans already commit."""
    _require_finance_for(actor, line.unit)
    reason = _reason_required(reason)
    value = _positive(amount, "amount")
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if line.status != BudgetStatus.APPROVED:
            raise Conflict(Code.PLANNING_BUDGET_NOT_APPROVED, _("只能调整已批复的预算指标"), field="status")
        if value == line.amount:
            return line
        committed = budget_usage(line).committed
        if value < committed:
            raise Conflict(
                Code.PLANNING_BUDGET_BELOW_COMMITTED,
                _("预算指标“%(line)s”已占用 %(committed)s 元，调整后的金额不能低于该数")
                % {"line": line, "committed": committed},
                field="amount",
                params={"committed": str(committed)},
            )
        old = line.amount
        line.amount = value
        line.save(update_fields=["amount"])
        audit.record(
            actor=actor,
            action=Event.BUDGET_ADJUSTED,
            obj=line,
            old={"amount": old},
            new={"amount": value},
            reason=reason,
        )
    return line
