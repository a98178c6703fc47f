"""Supplementary contracts (补充合同) within the 10% cap (GPL §49)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Amendment,
    Contract,
    ContractStatus,
)
from opengps.contracts.services._common import (
    _lock,
    _moment,
    _require_status,
    _ruled,
    _text,
    require_purchaser,
    yuan,
)
from opengps.core import audit
from opengps.core.clock import local_date
from opengps.core.errors import ServiceError
from opengps.procurement.policies import rule_error
from opengps.rules import contracts as rules
from opengps.rules.base import RuleError


def contract_amend(
    *,
    actor: Actor,
    contract: Contract,
    added_amount: Decimal | str,
    reason: str,
    signed_on: date | None = None,
    new_ends_on: date | None = None,
    now: datetime | None = None,
) -> Amendment:
    """Record a supplementary contract (补充合同).

    All supplementary contracts together may add at most 10% of the original amount (GPL §49):
    beyond that the amendment is refused with ``contract.amendment_over_cap`` citing the article.
    A new end date is checked against the term limit (O102 §24) from the original start.
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    added = yuan(added_amount, field="added_amount", allow_zero=True)
    why = _text(reason, field="reason", message=_("请说明变更理由"))
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.SIGNED, ContractStatus.PUBLISHED)
        ends_on = new_ends_on or contract.ends_on
        if added == 0 and ends_on == contract.ends_on:
            raise ServiceError(Code.CONTRACT_AMENDMENT_EMPTY, field="added_amount")
        original = contract.original_amount or contract.amount
        before = contract.amendments.aggregate(total=Sum("added_amount"))["total"] or Decimal("0")
        cumulative = before + added
        try:
            cap = rules.check_amendment(original, cumulative)
        except RuleError as exc:
            raise rule_error(exc, field="added_amount") from None
        if ends_on != contract.ends_on:
            _ruled(
                lambda: rules.check_contract_term(
                    contract.starts_on, ends_on, multi_year_conditions=contract.multi_year
                ),
                field="new_ends_on",
            )
        number = (contract.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
        amendment = Amendment.objects.create(
            contract=contract,
            number=number,
            added_amount=added,
            amount_before=contract.amount,
            amount_after=contract.amount + added,
            cumulative=cumulative,
            cap=cap.value,
            citation=cap.citation,
            ends_on_before=contract.ends_on,
            ends_on_after=ends_on,
            reason=why,
            signed_on=signed_on or local_date(moment),
            recorded_by=actor,
            recorded_at=moment,
        )
        old = {"amount": contract.amount, "ends_on": contract.ends_on}
        contract.amount, contract.ends_on = amendment.amount_after, ends_on
        contract.save(update_fields=["amount", "ends_on"])
        audit.record(
            actor=actor,
            action=Event.CONTRACT_AMENDED,
            obj=contract,
            old=old,
            new={
                "amount": contract.amount,
                "ends_on": ends_on,
                "amendment": number,
                "added_amount": added,
                "cumulative": cumulative,
                "cap": cap.value,
            },
            reason=f"{why}（{cap.citation}）",
        )
    return amendment
