"""The end of a grant: the accounting firm's final audit, the return of unspent money, closing
agreements and the round."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    AuditOpinion,
    FinalAudit,
    FundReturn,
    Round,
    RoundStatus,
    TrancheStatus,
)
from opengps.grants.services._common import (
    _locked_agreement,
    _locked_round,
    _money,
    _release,
    _require_funder,
    _round_status,
    _status_set,
    _transition,
    is_funder,
)
from opengps.performance.models import HistoryKind, HistorySource
from opengps.performance.services import performance_history_record
from opengps.rules import grants as rules
from opengps.rules.base import RuleError


def paid_amount(agreement: Agreement) -> Decimal:
    return agreement.tranches.aggregate(s=Sum("released_amount"))["s"] or Decimal("0.00")


def returned_amount(agreement: Agreement) -> Decimal:
    return agreement.returns.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def final_audit_record(
    *,
    actor: Actor,
    agreement: Agreement,
    opinion: str,
    verified_spent: Decimal | str,
    findings: Sequence[str],
    completed_on: date,
    disallowed: Decimal | str = Decimal("0.00"),
) -> FinalAudit:
    """The accounting firm's final audit (结项审计): opinion, verified and disallowed spending, findings.

    Only staff of the round's appointed firm. Settles the money (`rules.grants.final_settlement`):
    the last tranche pays up to allowed spending (nothing after an adverse opinion); money paid
    above it must be returned. With nothing to return the agreement closes at once.
    """
    require_role(actor, Role.EVALUATOR)
    round_ = agreement.application.round
    if round_.audit_firm_id is None or actor.unit_id != round_.audit_firm_id:
        raise PermissionDenied(Code.GRANTS_NOT_AUDIT_FIRM)
    if opinion not in AuditOpinion.values:
        raise ServiceError(Code.GRANTS_OPINION_INVALID, field="opinion")
    spent = _money(verified_spent, "verified_spent")
    not_allowed = _money(disallowed, "disallowed")
    items = [f.strip() for f in findings if f.strip()]
    if not items:
        raise ServiceError(Code.GRANTS_FINDINGS_REQUIRED, _("请至少填写一条审计发现"), field="findings")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        old = _transition("grant_agreement", locked, AgreementStatus.AUDITED)
        pending = list(locked.tranches.filter(status=TrancheStatus.PENDING).order_by("seq"))
        final = pending[-1] if pending else None
        payable = final.amount if final is not None and opinion != AuditOpinion.ADVERSE else Decimal("0.00")
        try:
            settlement = rules.final_settlement(
                paid=paid_amount(locked), final_tranche=payable, verified_spent=spent, disallowed=not_allowed
            )
        except RuleError as exc:
            raise _rule_error(exc, field="disallowed") from None
        record = FinalAudit.objects.create(
            agreement=locked,
            firm_id=round_.audit_firm_id,
            auditor=actor,
            opinion=opinion,
            verified_spent=spent,
            disallowed=not_allowed,
            findings=items,
            completed_on=completed_on,
        )
        locked.return_due = settlement.to_return
        locked.save(update_fields=["status", "return_due"])
        audit.record(
            actor=actor,
            action=Event.GRANT_AGREEMENT_AUDITED,
            obj=locked,
            old={"status": old},
            new={
                "status": locked.status,
                "opinion": opinion,
                "verified_spent": spent,
                "disallowed": not_allowed,
                "findings": items,
                "release": settlement.release,
                "return_due": settlement.to_return,
            },
        )
        if final is not None:
            if settlement.release > 0:
                change = _release(final, settlement.release, completed_on)
                audit.record_many(actor=actor, action=Event.GRANT_TRANCHE_RELEASED, changes=[change])
            else:
                _status_set(
                    actor,
                    "grant_tranche",
                    final,
                    TrancheStatus.STOPPED,
                    Event.GRANT_TRANCHE_STOPPED,
                    new={"seq": final.seq},
                )
        if opinion == AuditOpinion.ADVERSE:
            # An adverse opinion fails the project as a failed acceptance fails a contract. The
            # firm is no official, so the entry is the system's; the audit event above names the firm.
            performance_history_record(
                actor=None,
                organization=locked.application.organization,
                source=HistorySource.GRANT,
                reference=locked.number,
                kind=HistoryKind.ACCEPTANCE_FAILED,
                occurred_on=completed_on,
                note=str(_("结项审计否定意见：%(findings)s") % {"findings": "；".join(items)}),
            )
        if settlement.to_return == 0:
            _close(actor, locked)
    return record


def _close(actor: Actor, agreement: Agreement) -> None:
    _status_set(
        actor,
        "grant_agreement",
        agreement,
        AgreementStatus.CLOSED,
        Event.GRANT_AGREEMENT_CLOSED,
        new={"paid": paid_amount(agreement), "returned": returned_amount(agreement)},
    )


def fund_return_record(
    *, actor: Actor, agreement: Agreement, amount: Decimal | str, returned_on: date, document: str
) -> FundReturn:
    """Record money returned after the final audit (funder staff or the finance department);
    the agreement closes once everything due is back."""
    round_ = agreement.application.round
    if not is_funder(actor, round_):
        require_role(actor, Role.PURCHASER, Role.FINANCE)
        if actor.role == Role.PURCHASER:
            raise PermissionDenied(Code.PERM_OTHER_UNIT, _("只有资助单位或财政部门可以登记退回资金"))
        # finance of the funder's region (or above), never another city's
        scopes.require_supervises(actor, round_.programme.funder_unit)
    value = _money(amount, "amount")
    document = document.strip()
    if not document:
        raise ServiceError(Code.GRANTS_DOCUMENT_REQUIRED, field="document")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if locked.status != AgreementStatus.AUDITED:
            raise Conflict(Code.GRANTS_NO_RETURN_DUE, field="status")
        outstanding = locked.return_due - returned_amount(locked)
        if value <= 0 or value > outstanding:
            raise ServiceError(
                Code.GRANTS_RETURN_INVALID,
                _("退回金额应大于0且不超过待退回的 %(left)s 元") % {"left": outstanding},
                field="amount",
                params={"outstanding": str(outstanding)},
            )
        item = FundReturn.objects.create(
            agreement=locked, amount=value, returned_on=returned_on, document=document, recorded_by=actor
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_AGREEMENT_FUNDS_RETURNED,
            obj=locked,
            old={"outstanding": outstanding},
            new={
                "amount": value,
                "returned_on": returned_on,
                "document": document,
                "outstanding": outstanding - value,
            },
        )
        if value == outstanding:
            _close(actor, locked)
    return item


def round_complete(*, actor: Actor, round: Round) -> Round:
    """Close the round once every agreement is closed."""
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if (
            Agreement.objects.filter(application__round=locked)
            .exclude(status=AgreementStatus.CLOSED)
            .exists()
        ):
            raise Conflict(Code.GRANTS_AGREEMENTS_OPEN, field="status")
        return _round_status(actor, locked, RoundStatus.COMPLETED, Event.GRANT_ROUND_COMPLETED)
