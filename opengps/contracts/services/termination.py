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
    _day_or_today,
    _lock,
    _moment,
    _text,
    _transition,
    require_purchaser,
)
from opengps.core import audit
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
        old = _transition(contract, ContractStatus.TERMINATED)
        if contract.signed_on and day < contract.signed_on:
            raise ServiceError(Code.CONTRACT_DATE_BEFORE_SIGNING, field="terminated_on")
        contract.terminated_on, contract.termination_fault, contract.termination_reason = day, fault, why
        contract.save(update_fields=["status", "terminated_on", "termination_fault", "termination_reason"])
        audit.record(
            actor=actor,
            action=Event.CONTRACT_TERMINATED,
            obj=contract,
            old={"status": old},
            new={"status": contract.status, "terminated_on": day, "fault": fault},
            reason=why,
        )
        if fault == TerminationFault.SUPPLIER:
            # the credit loop (performance) puts it on the supplier's history in this transaction
            hooks.supplier_fault_recorded(
                actor=actor,
                fault=hooks.SupplierFault(contract=contract, kind="terminated", occurred_on=day, note=why),
            )
    return contract
