"""Early termination of a contract, with the party at fault."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts import hooks
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Contract,
    ContractStatus,
    TerminationFault,
)
from opengps.contracts.services._common import (
    _check_status,
    _day_or_today,
    _lock,
    _moment,
    _set_status,
    _text,
    require_purchaser,
)
from opengps.core.clock import local_date
from opengps.core.errors import ServiceError


def contract_terminate(
    *,
    actor: Actor,
    contract: Contract,
    reason: str,
    fault: str,
    terminated_on: date | None = None,
    now: datetime | None = None,
) -> Contract:
    """Terminate a signed contract early, with the reason and who is at fault.

    A termination for the supplier's fault is a fact the performance and credit apps read
    (`selectors.terminations`).
    """
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    why = _text(reason, field="reason", message=_("请说明解除原因"))
    if fault not in TerminationFault.values:
        raise ServiceError(Code.CONTRACT_FAULT_INVALID, field="fault")
    day = _day_or_today(terminated_on, today, field="terminated_on", message=_("解除日期不能晚于今天"))
    with transaction.atomic():
        contract = _lock(contract)
        _check_status(contract, ContractStatus.TERMINATED)
        if contract.signed_on and day < contract.signed_on:
            raise ServiceError(Code.CONTRACT_DATE_BEFORE_SIGNING, field="terminated_on")
        _set_status(
            actor,
            contract,
            ContractStatus.TERMINATED,
            Event.CONTRACT_TERMINATED,
            values={"terminated_on": day, "termination_fault": fault, "termination_reason": why},
            extra={"terminated_on": day, "fault": fault},
            reason=why,
        )
        if fault == TerminationFault.SUPPLIER:
            # the credit loop (performance) puts it on the supplier's history in this transaction
            hooks.supplier_fault_recorded(
                actor=actor,
                fault=hooks.SupplierFault(contract=contract, kind="terminated", occurred_on=day, note=why),
            )
    return contract
