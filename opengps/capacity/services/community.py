"""Filed community social organizations after filing: small support and awards (资助、奖励, a
lightweight round: amount, purpose, decision, budget line if any) and their activities log
(社区协商, 平安建设, 文明创建). Each write in one transaction with its audit event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import ActivityKind, CommunityFiling, FilingActivity, FilingSupport, SupportKind
from opengps.capacity.services._common import refusal, require_manager, text
from opengps.core import audit, clock
from opengps.core.errors import ServiceError
from opengps.core.money import CEILING, FEN
from opengps.planning.models import BudgetLine
from opengps.rules import capacity_growth as rules
from opengps.rules.base import RuleError


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ServiceError(Code.CAPACITY_SUPPORT_AMOUNT_INVALID, field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= CEILING or amount != amount.quantize(FEN):
        raise ServiceError(Code.CAPACITY_SUPPORT_AMOUNT_INVALID, field="amount")
    return amount.quantize(FEN)


def _after_filing(filing: CommunityFiling, day: date, field: str) -> None:
    try:
        rules.check_after_filing(day, filed_on=filing.filed_on, today=clock.today(), field=field)
    except RuleError as exc:
        raise refusal(exc, field=field) from None


def support_decide(
    *,
    actor: Actor,
    filing: CommunityFiling,
    kind: str,
    amount: Decimal | str,
    purpose: str,
    decision: str,
    decided_on: date,
    budget_line: BudgetLine | None = None,
) -> FilingSupport:
    """Record a funding or an award (`kind`) decided for `filing` by the township's county
    department: `amount` yuan for `purpose` under the decision `decision` of `decided_on` (on or
    after the filing, not in the future), paid from `budget_line` of that year when given."""
    require_manager(actor, filing.township.county_id)
    if kind not in SupportKind.values:
        raise ServiceError(Code.CAPACITY_KIND_INVALID, field="kind")
    value = _amount(amount)
    what = text(purpose, field="purpose", required=Code.CAPACITY_PURPOSE_REQUIRED)
    number = text(decision, field="decision", required=Code.CAPACITY_DECISION_REQUIRED, limit=60)
    _after_filing(filing, decided_on, "decided_on")
    if budget_line is not None and budget_line.fiscal_year != decided_on.year:
        raise ServiceError(Code.CAPACITY_BUDGET_YEAR, field="budget_line")
    with transaction.atomic():
        item = FilingSupport.objects.create(
            filing=filing,
            kind=kind,
            amount=value,
            purpose=what,
            decision=number,
            decided_on=decided_on,
            budget_line=budget_line,
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_SUPPORT_DECIDED,
            obj=filing,
            new={
                "kind": kind,
                "amount": value,
                "purpose": what,
                "decision": number,
                "decided_on": decided_on,
                "budget_line": budget_line.code if budget_line else None,
            },
        )
    return item


def activity_log(
    *,
    actor: Actor,
    filing: CommunityFiling,
    kind: str,
    title: str,
    held_on: date,
    participants: int = 0,
    notes: str = "",
) -> FilingActivity:
    """Log an activity `filing` held on `held_on` (on or after the filing, not in the future)."""
    require_manager(actor, filing.township.county_id)
    if kind not in ActivityKind.values:
        raise ServiceError(Code.CAPACITY_KIND_INVALID, field="kind")
    name = text(title, field="title", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    if isinstance(participants, bool) or not isinstance(participants, int) or participants < 0:
        raise ServiceError(Code.CAPACITY_COUNT_INVALID, field="participants")
    _after_filing(filing, held_on, "held_on")
    with transaction.atomic():
        item = FilingActivity.objects.create(
            filing=filing,
            kind=kind,
            title=name,
            held_on=held_on,
            participants=participants,
            notes=text(notes, field="notes", limit=2000),
            entered_by=actor,
            entered_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_ACTIVITY_LOGGED,
            obj=filing,
            new={"kind": kind, "title": name, "held_on": held_on, "participants": participants},
        )
    return item
