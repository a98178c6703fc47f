"""Signing a contract (GPL §46) and publishing it (IR §50)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Contract,
    ContractStatus,
)
from opengps.contracts.services._common import (
    _check_status,
    _day_or_today,
    _lock,
    _moment,
    _ruled,
    _set_status,
    require_purchaser,
)
from opengps.core.clock import local_date
from opengps.core.errors import ServiceError
from opengps.evaluation.models import DepositReturn
from opengps.rules.deadlines import (
    contract_publication_deadline,
)
from opengps.rules.deposits import winner_deposit_return_deadline


def _late_reason(
    day: date, due: date | None, citation: str, late_reason: str, *, code: str, message: Any
) -> tuple[bool, str]:
    """Whether `day` is after the legal `due` day, and the reason, required when it is."""
    late = due is not None and day > due
    reason = (late_reason or "").strip()
    if late and not reason:
        raise ServiceError(
            code,
            message % {"due": due, "citation": citation},
            field="late_reason",
            params={"due": str(due), "citation": citation},
        )
    return late, reason


def contract_sign(
    *,
    actor: Actor,
    contract: Contract,
    signed_on: date | None = None,
    late_reason: str = "",
    now: datetime | None = None,
) -> Contract:
    """Record the signing (GPL §46: within 30 days of the award notice).

    A signature after the deadline is still a fact to record, but only with the reason, and the
    audit event marks it late. The publication deadline (2 working days, IR §50) and the winner's
    bid-deposit return deadline (5 working days, IR §33) start from the signing day.
    """
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    day = _day_or_today(signed_on, today, field="signed_on", message=_("签订日期不能晚于今天"))
    if contract.notice_on and day < contract.notice_on:
        raise ServiceError(Code.CONTRACT_SIGNED_BEFORE_NOTICE, field="signed_on")
    late, reason = _late_reason(
        day,
        contract.sign_due,
        contract.sign_citation,
        late_reason,
        code="contract.sign_late_reason_required",
        message=_("已超过签订期限 %(due)s（依据：%(citation)s），逾期签订须说明原因"),
    )
    publish = _ruled(lambda: contract_publication_deadline(day))
    deposit = _ruled(lambda: winner_deposit_return_deadline(day))
    with transaction.atomic():
        contract = _lock(contract)
        _check_status(contract, ContractStatus.SIGNED)
        deposits = DepositReturn.objects.filter(
            award=contract.award, organization_id=contract.supplier_id, due_on__isnull=True
        ).update(due_on=deposit.value, citation=deposit.citation)
        _set_status(
            actor,
            contract,
            ContractStatus.SIGNED,
            Event.CONTRACT_SIGNED,
            values={
                "signed_on": day,
                "signed_by": actor,
                "sign_late_reason": reason if late else "",
                "publish_due": publish.value,
                "publish_citation": publish.citation,
            },
            extra={
                "signed_on": day,
                "late": late,
                "publish_due": publish.value,
                "deposit_due": deposit.value if deposits else None,
            },
            reason=reason if late else contract.sign_citation,
        )
    return contract


def contract_publish(
    *, actor: Actor, contract: Contract, late_reason: str = "", now: datetime | None = None
) -> Contract:
    """Publish the signed contract on the platform (IR §50: within 2 working days of signing).

    Late publication needs its reason and is marked late in the audit trail.
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    today = local_date(moment)
    late, reason = _late_reason(
        today,
        contract.publish_due,
        contract.publish_citation,
        late_reason,
        code="contract.publish_late_reason_required",
        message=_("已超过公告期限 %(due)s（依据：%(citation)s），逾期公告须说明原因"),
    )
    with transaction.atomic():
        contract = _lock(contract)
        _set_status(
            actor,
            contract,
            ContractStatus.PUBLISHED,
            Event.CONTRACT_PUBLISHED,
            values={"published_at": moment, "publish_late_reason": reason if late else ""},
            extra={"published_at": moment, "late": late},
            reason=reason if late else contract.publish_citation,
        )
    return contract
