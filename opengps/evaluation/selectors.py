"""Reads of an evaluation: scores under the independence rule, the report, the effective winner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.core.errors import NotFound, PermissionDenied
from opengps.evaluation.errors import Code
from opengps.evaluation.models import (
    Award,
    CommitteeMember,
    DepositReturn,
    Evaluation,
    EvaluationReport,
    FrameworkCallOff,
    FrameworkMember,
    FrameworkShortlist,
    MemberState,
    Score,
)
from opengps.procurement.models import BidReadout
from opengps.procurement.policies import is_official
from opengps.registry.models import Organization

M = TypeVar("M", bound=Model)

FINANCE_ONLY = frozenset({Role.FINANCE})
"""Finance reads the evaluations of its region's purchasers; auditors and administrators all."""


HOW_LABELS = {
    "announced": _("已公告"),
    "confirmed": _("采购人已确认"),
    "deemed": _("逾期未确认，视为确定排名第一的候选人"),
    "pending": _("待确认"),
}
"""What each way of deciding the winner is called on screen (the code itself never is)."""


@dataclass(frozen=True)
class EffectiveWinner:
    winner: BidReadout | None
    how: str
    """announced, confirmed (by the purchaser), deemed (the first candidate stands after the
    deadline) or pending."""
    decided_on: date

    @property
    def how_label(self) -> str:
        return str(HOW_LABELS.get(self.how, self.how))


def award_effective_winner(award: Award, *, today: date) -> EffectiveWinner:
    """Who won the lot on `today`, derived from dates (O87 §68): no job needs to run."""
    if award.winner_id is not None:
        return EffectiveWinner(award.winner, "announced", award.decided_on or award.report_on)
    if award.confirmed_id is not None and award.confirmed_at is not None:
        return EffectiveWinner(award.confirmed, "confirmed", award.confirmed_at.date())
    if today > award.confirm_due:
        return EffectiveWinner(award.first_candidate, "deemed", award.confirm_due + timedelta(days=1))
    return EffectiveWinner(None, "pending", award.confirm_due)


def all_scores_in(evaluation: Evaluation) -> bool:
    """Whether every confirmed member has submitted (and none is still pending)."""
    states = list(evaluation.members.values_list("state", "scores_submitted_at"))
    active = [s for s in states if s[0] != MemberState.RECUSED]
    return bool(active) and all(s[0] == MemberState.CONFIRMED and s[1] is not None for s in active)


def member_for(actor: Viewer, evaluation: Evaluation) -> CommitteeMember | None:
    if not has_role(actor, Role.EXPERT):
        return None
    return CommitteeMember.objects.filter(evaluation=evaluation, user=actor).first()


def can_read_evaluation(actor: Viewer, evaluation: Evaluation) -> bool:
    if not is_authenticated(actor):
        return False
    return (
        is_official(actor, evaluation.procurement)
        or scopes.supervises(actor, evaluation.procurement.purchaser, roles=FINANCE_ONLY)
        or member_for(actor, evaluation) is not None
    )


def scores_visible(*, actor: Viewer, evaluation: Evaluation) -> list[Score]:
    """Raw scores the actor may see: a member sees only their own until every member has submitted;
    officials, finance and auditors see none before then (independent scoring, O87 §55)."""
    if not can_read_evaluation(actor, evaluation):
        raise PermissionDenied(Code.EVALUATION_NOT_VISIBLE)
    rows = Score.objects.filter(member__evaluation=evaluation).select_related(
        "member", "factor", "readout__organization"
    )
    if all_scores_in(evaluation):
        return list(rows.order_by("member_id", "readout_id", "factor_id"))
    member = member_for(actor, evaluation)
    if member is None:
        return []
    return list(rows.filter(member=member).order_by("readout_id", "factor_id"))


@dataclass(frozen=True)
class DepositRow:
    """A bid deposit with its state on `today`: returned (on time or late), due, or overdue."""

    deposit: DepositReturn
    overdue: bool
    """Not returned and its deadline has passed."""
    late: bool
    """Returned after its deadline."""


def deposits_of(*, evaluation: Evaluation, today: date) -> list[DepositRow]:
    """The procurement's bid deposits and whether each is overdue, derived from dates (no job)."""
    rows = DepositReturn.objects.filter(award__evaluation=evaluation).select_related(
        "organization", "award__lot"
    )
    return [
        DepositRow(
            deposit=d,
            overdue=d.returned_on is None and d.due_on is not None and today > d.due_on,
            late=d.returned_on is not None and d.due_on is not None and d.returned_on > d.due_on,
        )
        for d in rows.order_by("award__lot__number", "pk")
    ]


def framework_shortlists(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The framework agreement's shortlist per lot, its members in rank order and the call-offs."""
    rows: list[dict[str, Any]] = []
    shortlists = (
        FrameworkShortlist.objects.filter(evaluation=evaluation)
        .select_related("lot")
        .prefetch_related("members__organization", "call_offs__member__organization")
        .order_by("lot__number")
    )
    for s in shortlists:
        rows.append(
            {
                "lot": s.lot.number,
                "title": s.lot.title,
                "first_stage": s.first_stage,
                "second_stage": s.second_stage,
                "elimination_rate": s.elimination_rate,
                "max_members": s.max_members,
                "responsive": s.responsive,
                "eliminated": list(s.eliminated),
                "cut_value": str(s.cut_value),
                "citation": s.citation,
                "announced_at": s.announced_at.isoformat() if s.announced_at else None,
                "members": [
                    {
                        "rank": m.rank,
                        "supplier": m.organization.name,
                        "uscc": m.organization.uscc,
                        "price": str(m.price),
                    }
                    for m in s.members.all()
                ],
                "call_offs": [
                    {
                        "number": c.number,
                        "supplier": c.member.organization.name,
                        "rule": c.rule,
                        "note": c.note,
                        "description": c.description,
                        "amount": str(c.amount),
                        "picked_at": c.picked_at.isoformat(),
                        "citation": c.citation,
                        "publish_due": c.publish_due.isoformat() if c.publish_due else None,
                        "publish_citation": c.publish_citation,
                        "published_at": c.published_at.isoformat() if c.published_at else None,
                        "publish_late_reason": c.publish_late_reason,
                    }
                    for c in s.call_offs.all()
                ],
            }
        )
    return rows


def call_off_for_official(*, actor: Viewer, call_off_id: int) -> FrameworkCallOff:
    """A call-off of a procurement the actor runs (its purchaser or agency); NotFound otherwise, so
    another unit's call-offs are not even confirmed to exist."""
    call_off = (
        FrameworkCallOff.objects.select_related(
            "shortlist__evaluation__procurement", "shortlist__lot", "member__organization"
        )
        .filter(pk=call_off_id)
        .first()
    )
    if call_off is None or not is_official(actor, call_off.shortlist.evaluation.procurement):
        raise NotFound(Code.FRAMEWORK_CALL_OFF_NOT_FOUND)
    return call_off


# --- the evaluation and the objects its screens act on, each scoped to the actor (STYLE 14) -----------


def _evaluation_of(pk: int) -> Evaluation | None:
    return Evaluation.objects.select_related("procurement").filter(procurement_id=pk).first()


def evaluation_get(*, actor: Viewer, pk: int) -> Evaluation:
    """The evaluation of procurement `pk` for whoever may read it (`can_read_evaluation`: its
    officials, the finance department overseeing it, its committee); NotFound for anyone else."""
    evaluation = _evaluation_of(pk)
    if evaluation is None or not can_read_evaluation(actor, evaluation):
        raise NotFound(Code.EVALUATION_NOT_FOUND)
    return evaluation


def evaluation_run_by(*, actor: Viewer, pk: int) -> Evaluation:
    """The evaluation of a procurement the actor runs (its purchaser's or agency's staff); else NotFound."""
    evaluation = _evaluation_of(pk)
    if evaluation is None or not is_official(actor, evaluation.procurement):
        raise NotFound(Code.EVALUATION_NOT_FOUND)
    return evaluation


def evaluation_of_member(*, actor: Viewer, pk: int) -> Evaluation:
    """The evaluation whose committee the actor sits on (in any state); else NotFound."""
    evaluation = _evaluation_of(pk)
    if evaluation is None or member_for(actor, evaluation) is None:
        raise NotFound(Code.EVALUATION_NOT_FOUND)
    return evaluation


def readout_get(*, actor: Viewer, evaluation: Evaluation, readout_id: int) -> BidReadout:
    """A bid read out at this evaluation's opening, for whoever may read the evaluation; a bid of
    another procurement is NotFound (beside the bid's field)."""
    readout = (
        BidReadout.objects.select_related("opening", "organization")
        .filter(pk=readout_id, opening__procurement_id=evaluation.procurement_id)
        .first()
    )
    if readout is None or not can_read_evaluation(actor, evaluation):
        raise NotFound(Code.EVALUATION_BID_NOT_FOUND, field="readout")
    return readout


def _of_evaluation(actor: Viewer, evaluation: Evaluation, rows: QuerySet[M], code: str) -> M:
    """The one row of `rows` (already narrowed to this evaluation and its pk), for the officials who
    run the evaluation's procurement; a missing row and anyone else are the same NotFound `code`."""
    row = rows.first()
    if row is None or not is_official(actor, evaluation.procurement):
        raise NotFound(code)
    return row


def award_get(*, actor: Viewer, evaluation: Evaluation, award_id: int) -> Award:
    """An award of this evaluation, for the officials who run its procurement; an award of another
    evaluation (even one the actor runs) is NotFound, as it is for anyone else."""
    rows = Award.objects.select_related("evaluation__procurement", "lot").filter(
        pk=award_id, evaluation=evaluation
    )
    return _of_evaluation(actor, evaluation, rows, Code.AWARD_NOT_FOUND)


def deposit_get(*, actor: Viewer, evaluation: Evaluation, deposit_id: int) -> DepositReturn:
    """A bid deposit of this evaluation's awards, for the officials who run its procurement; else NotFound."""
    rows = DepositReturn.objects.select_related("award__evaluation__procurement").filter(
        pk=deposit_id, award__evaluation=evaluation
    )
    return _of_evaluation(actor, evaluation, rows, Code.DEPOSIT_NOT_FOUND)


def shortlist_get(*, actor: Viewer, evaluation: Evaluation, shortlist_id: int) -> FrameworkShortlist:
    """A framework shortlist of this evaluation, for the officials who run its procurement; else NotFound."""
    rows = FrameworkShortlist.objects.select_related("evaluation__procurement", "lot").filter(
        pk=shortlist_id, evaluation=evaluation
    )
    return _of_evaluation(actor, evaluation, rows, Code.FRAMEWORK_SHORTLIST_NOT_FOUND)


def shortlist_member_get(*, actor: Viewer, shortlist: FrameworkShortlist, rank: int) -> FrameworkMember:
    """The shortlisted supplier ranked `rank` (a direct pick); NotFound beside the rank's field."""
    member = FrameworkMember.objects.filter(shortlist=shortlist, rank=rank).first()
    if member is None or not is_official(actor, shortlist.evaluation.procurement):
        raise NotFound(Code.FRAMEWORK_MEMBER_NOT_FOUND, field="member_rank")
    return member


# --- what the evaluation page and its documents show ---------------------------------------------------


def report_of(evaluation: Evaluation) -> EvaluationReport | None:
    return EvaluationReport.objects.filter(evaluation=evaluation).first()


def awards_of(evaluation: Evaluation) -> list[Award]:
    return list(
        evaluation.awards.select_related("lot", "first_candidate__organization", "winner__organization")
        .order_by("lot__number")
    )


def shortlists_of(evaluation: Evaluation) -> list[FrameworkShortlist]:
    """The framework shortlists with their members and call-offs, as the page lists them."""
    return list(
        FrameworkShortlist.objects.filter(evaluation=evaluation)
        .select_related("lot")
        .prefetch_related("members__organization", "call_offs__member__organization")
        .order_by("lot__number")
    )


def bidders_of(evaluation: Evaluation) -> list[Organization]:
    """Each organization that bid in the procurement, once, by name."""
    seen: dict[int, Organization] = {}
    readouts = BidReadout.objects.filter(opening__procurement_id=evaluation.procurement_id)
    for readout in readouts.select_related("organization"):
        seen.setdefault(readout.organization_id, readout.organization)
    return sorted(seen.values(), key=lambda o: o.name)


def announced_awards(procurement_id: int) -> list[Award]:
    """The lots' awards once the result is announced (every lot has its winner), else []."""
    awards = list(
        Award.objects.filter(evaluation__procurement_id=procurement_id)
        .select_related("lot__procurement", "evaluation", "winner__organization")
        .order_by("lot__number")
    )
    if not awards or any(a.announced_at is None or a.winner_id is None for a in awards):
        return []
    return awards


def award_notice_get(*, actor: Viewer, procurement_id: int, lot: int) -> Award:
    """The announced award of lot `lot` whose notice (中标（成交）通知书) the actor may read: the
    officials, the finance department overseeing the purchaser, and the winner; else NotFound."""
    award = next((a for a in announced_awards(procurement_id) if a.lot.number == lot), None)
    if award is None or award.winner is None:
        raise NotFound(Code.AWARD_NOT_FOUND)
    procurement = award.lot.procurement
    allowed = (
        is_official(actor, procurement)
        or scopes.supervises(actor, procurement.purchaser, roles=FINANCE_ONLY)
        or (
            has_role(actor, Role.SUPPLIER)
            and getattr(actor, "organization_id", None) == award.winner.organization_id
        )
    )
    if not allowed:
        raise NotFound(Code.AWARD_NOT_FOUND)
    return award
