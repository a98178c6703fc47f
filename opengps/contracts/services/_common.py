"""Helpers shared by the contract services: the clock guard, amounts, text, the actor checks,
the row lock and the status transition."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.contracts.errors import Code
from opengps.contracts.kit import require_party, require_status_in
from opengps.contracts.models import (
    Contract,
)
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.money import parse_yuan
from opengps.core.status import status_check, status_set
from opengps.procurement.policies import rule_error
from opengps.rules import contracts as rules
from opengps.rules.base import RuleError


def _moment(now: datetime | None) -> datetime:
    moment = now or clock.now()
    if timezone.is_naive(moment):
        raise ServiceError(Code.REQUEST_TIME_NAIVE)
    return moment


def _day_or_today(day: date | None, today: date, *, field: str, message: Any) -> date:
    """The day an event happened, today by default; a day after today is refused."""
    chosen = day or today
    if chosen > today:
        raise ServiceError(Code.CONTRACT_DATE_IN_FUTURE, message, field=field)
    return chosen


def yuan(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """A yuan amount from text or Decimal (never float), rounded half-up to the fen."""
    return parse_yuan(value, field=field, code="contract.amount_invalid", allow_zero=allow_zero)


def _text(value: str, *, field: str, message: Any, limit: int = 5000) -> str:
    clean = (value or "").strip()
    if not clean:
        raise ServiceError(Code.CONTRACT_TEXT_REQUIRED, message, field=field)
    if len(clean) > limit:
        raise ServiceError(Code.CONTRACT_TEXT_TOO_LONG, field=field)
    return clean


def require_purchaser(actor: Actor, contract: Contract) -> None:
    """Writes on a contract: staff (purchaser role) of the purchasing unit only."""
    require_party(actor, Role.PURCHASER, contract.purchaser_id, Code.PERM_OTHER_UNIT)


def require_supplier_member(actor: Actor, contract: Contract) -> None:
    """Progress reports: members of the contract's supplier organization only."""
    require_party(actor, Role.SUPPLIER, contract.supplier_id, Code.CONTRACT_NOT_SUPPLIER)


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


CONTRACT_STATE_REFUSED = _("合同当前状态（%(status)s）不能执行此操作")
"""The refusal of a contract's status change its table does not allow."""


def _check_status(contract: Contract, target: str) -> str:
    """Refuse unless the contract's table allows the change to `target`; the current status."""
    return status_check(
        contract, target, check=rules.check_contract_transition, message=CONTRACT_STATE_REFUSED
    )


def _set_status(
    actor: Actor,
    contract: Contract,
    target: str,
    action: str,
    *,
    values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    reason: str = "",
) -> str:
    """Move the contract to `target` by its table, save `values` with it and audit `action`
    (`core.status.status_set`); the old status."""
    return status_set(
        contract,
        target,
        actor=actor,
        action=action,
        check=rules.check_contract_transition,
        reason=reason,
        values=values,
        extra=extra,
        message=CONTRACT_STATE_REFUSED,
    )


def _require_status(contract: Contract, *statuses: str) -> None:
    require_status_in(contract, statuses, Code.CONTRACT_WRONG_STATUS, CONTRACT_STATE_REFUSED)


def _ruled(call: Any, *, field: str | None = None) -> Any:
    try:
        return call()
    except RuleError as exc:
        raise rule_error(exc, field=field) from None
