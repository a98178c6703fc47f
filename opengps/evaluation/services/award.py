"""The award: the purchaser's confirmation, the announcement and notices, bid deposit returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.errors import Code
from opengps.evaluation.events import Event
from opengps.evaluation.models import Award, DepositReturn
from opengps.evaluation.selectors import award_effective_winner
from opengps.evaluation.services._common import _deadline, _notify_bidders
from opengps.procurement.models import BidReadout, Procurement, ProcurementStatus
from opengps.procurement.policies import dated_refusal, lock, require_official, set_status
from opengps.rules.deadlines import award_announcement_deadline
from opengps.rules.deposits import loser_deposit_return_deadline, winner_deposit_return_deadline


def award_confirm(*, actor: Actor, award: Award, now: datetime | None = None) -> Award:
    """The purchaser confirms the first-ranked candidate within the deadline (O87 §68).

    After the deadline the first candidate already stands by law: refused ``award.confirmation_period_over``.
    """
    procurement = award.evaluation.procurement
    require_official(actor, procurement)
    moment = now or clock.now()
    today = local_date(moment)
    with transaction.atomic():
        procurement = lock(procurement)
        award = Award.objects.select_for_update().get(pk=award.pk)
        if procurement.status != ProcurementStatus.EVALUATED or award.winner_id is not None:
            raise Conflict(Code.AWARD_WRONG_STATUS)
        if today > award.confirm_due:
            raise dated_refusal(
                Code.AWARD_CONFIRMATION_PERIOD_OVER, award.confirm_due, award.confirm_citation, error=Conflict
            )
        award.confirmed_id = award.first_candidate_id
        award.confirmed_at, award.confirmed_by = moment, actor
        award.save(update_fields=["confirmed", "confirmed_at", "confirmed_by"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_AWARD_CONFIRMED,
            obj=procurement,
            old={"lot": award.lot_id, "winner": None},
            new={"lot": award.lot_id, "winner": award.first_candidate.organization_id, "on": today},
            reason=award.confirm_citation,
        )
    return award


def award_announce(*, actor: Actor, procurement: Procurement, now: datetime | None = None) -> list[Award]:
    """Announce the result and send award notices; every lot needs its effective winner.

    Bidders are notified; bid deposits of the others fall due 5 working days after the notice.
    """
    require_official(actor, procurement)
    moment = now or clock.now()
    today = local_date(moment)
    with transaction.atomic():
        procurement = lock(procurement)
        awards = list(
            Award.objects.filter(evaluation__procurement=procurement).select_related("first_candidate", "lot")
        )
        if procurement.status != ProcurementStatus.EVALUATED or not awards:
            raise Conflict(Code.AWARD_WRONG_STATUS, _("当前状态不能发布中标（成交）结果"))
        announced: list[dict[str, Any]] = []
        deposit_due = _deadline(loser_deposit_return_deadline, today)
        for award in awards:
            effective = award_effective_winner(award, today=today)
            if effective.winner is None:
                raise Conflict(
                    Code.AWARD_NOT_CONFIRMED,
                    params={"lot": award.lot.number, "due": award.confirm_due.isoformat()},
                )
            due = _deadline(award_announcement_deadline, effective.decided_on)
            award.winner = effective.winner
            award.decided_on = effective.decided_on
            award.announce_due = due.value
            award.announce_citation = due.citation
            award.announced_at = moment
            award.save(
                update_fields=["winner", "decided_on", "announce_due", "announce_citation", "announced_at"]
            )
            announced.append(
                {
                    "lot": award.lot.number,
                    "winner": award.winner.organization_id,
                    "how": effective.how,
                    "late": today > due.value,
                }
            )
            bidders = BidReadout.objects.filter(lot=award.lot).select_related("organization")
            if procurement.bid_deposit:
                for r in bidders:
                    is_winner = r.pk == award.winner.pk
                    DepositReturn.objects.create(
                        award=award,
                        organization=r.organization,
                        amount=procurement.bid_deposit,
                        trigger="contract_signed" if is_winner else "award_notice",
                        due_on=None if is_winner else deposit_due.value,
                        citation=deposit_due.citation,
                    )
        set_status(
            actor,
            procurement,
            ProcurementStatus.AWARDED,
            Event.PROCUREMENT_AWARDED,
            extra={"lots": announced},
        )
        _notify_bidders(
            procurement,
            chosen={a.winner.organization_id for a in awards if a.winner},
            chosen_title=str(_("中标（成交）通知书：%(ref)s")),
            other_title=str(_("中标（成交）结果公告：%(ref)s")),
            body=str(_("采购结果已公告，可在公告之日起依法提出质疑")),
        )
    return awards


def deposit_return_record(
    *,
    actor: Actor,
    deposit: DepositReturn,
    returned_on: date,
    contract_signed_on: date | None = None,
    now: datetime | None = None,
) -> DepositReturn:
    """Record that a bid deposit was returned (IR §33, O87 §38), late or on time.

    The winner's deadline runs from the contract signature: give `contract_signed_on` when it is
    not yet known. A date in the future, or before the award notice, is refused.
    """
    procurement = deposit.award.evaluation.procurement
    require_official(actor, procurement)
    today = clock.local_date(now or clock.now())
    if returned_on > today:
        raise ServiceError(Code.DEPOSIT_RETURN_IN_FUTURE, field="returned_on")
    with transaction.atomic():
        procurement = lock(procurement)
        deposit = DepositReturn.objects.select_for_update().select_related("award").get(pk=deposit.pk)
        if deposit.returned_on is not None:
            raise Conflict(Code.DEPOSIT_ALREADY_RETURNED)
        announced = deposit.award.announced_at
        if announced is None or returned_on < local_date(announced):
            raise ServiceError(Code.DEPOSIT_RETURN_BEFORE_NOTICE, field="returned_on")
        fields = ["returned_on"]
        if deposit.due_on is None:
            if contract_signed_on is None:
                raise ServiceError(Code.DEPOSIT_CONTRACT_DATE_REQUIRED, field="contract_signed_on")
            due = _deadline(winner_deposit_return_deadline, contract_signed_on)
            deposit.due_on, deposit.citation = due.value, due.citation[:300]
            fields += ["due_on", "citation"]
        deposit.returned_on = returned_on
        deposit.save(update_fields=fields)
        late = returned_on > deposit.due_on
        audit.record(
            actor=actor,
            action=Event.DEPOSIT_RETURNED,
            obj=procurement,
            old={"deposit": deposit.pk, "returned_on": None},
            new={
                "deposit": deposit.pk,
                "organization": deposit.organization_id,
                "amount": deposit.amount,
                "returned_on": returned_on,
                "due_on": deposit.due_on,
                "late": late,
            },
            reason=deposit.citation,
        )
    return deposit
