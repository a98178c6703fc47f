"""Reads of an evaluation: scores under the independence rule, the report, the effective winner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
    FrameworkCallOff,
    FrameworkShortlist,
    MemberState,
    Score,
)
from opengps.procurement.models import BidReadout
from opengps.procurement.policies import is_official

FINANCE_ONLY = frozenset({Role.FINANCE})
"""Finance reads the evaluations of its region's purchasers; auditors and administrators all."""


@dataclass(frozen=True)
class EffectiveWinner:
    winner: BidReadout | None
    how: str
    """confirmed (by the purchaser), deemed (first candidate stands after the deadline) or pending."""
    decided_on: date


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
