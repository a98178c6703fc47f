"""Reads of challenges and complaints: who may see them, and the complaint deadline a challenger faces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.challenges.errors import Code
from opengps.challenges.models import Challenge, Complaint, ComplaintClockStop
from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.procurement.models import Procurement
from opengps.procurement.policies import is_official
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import ClockStop, ClockStopReason, complaint_deadline, complaint_decision_due

FINANCE_ONLY = frozenset({Role.FINANCE})
"""Finance reads its region's challenges; auditors and administrators all (`accounts.scopes`)."""


def challenges_visible(*, actor: Viewer, procurement: Procurement) -> list[Challenge]:
    """Officials of the procurement, finance and auditors see all; a supplier sees its own."""
    return list(_visible(actor, procurement))


def challenge_get(*, actor: Viewer, procurement: Procurement, pk: int) -> Challenge:
    """One challenge of `procurement` the actor sees (`challenges_visible`); anything else NotFound."""
    challenge = _visible(actor, procurement).filter(pk=pk).first()
    if challenge is None:
        raise NotFound(Code.CHALLENGE_NOT_FOUND)
    return challenge


def complaint_get(*, actor: Viewer, procurement: Procurement, pk: int) -> Complaint:
    """The complaint on a challenge of `procurement` the actor sees; anything else NotFound."""
    challenge = _visible(actor, procurement).filter(complaint__pk=pk).first()
    if challenge is None:
        raise NotFound(Code.COMPLAINT_NOT_FOUND)
    return challenge.complaint


def _visible(actor: Viewer, procurement: Procurement) -> QuerySet[Challenge]:
    if not is_authenticated(actor):
        return Challenge.objects.none()
    rows = (
        Challenge.objects.filter(procurement=procurement)
        .select_related("organization", "complaint")
        .prefetch_related(
            Prefetch(
                "complaint__clock_stops", queryset=ComplaintClockStop.objects.order_by("stopped_on", "pk")
            )
        )
    )
    if is_official(actor, procurement) or scopes.supervises(actor, procurement.purchaser, roles=FINANCE_ONLY):
        return rows
    if actor.role == Role.SUPPLIER and actor.organization_id:
        return rows.filter(organization_id=actor.organization_id)
    return Challenge.objects.none()


def complaint_due(challenge: Challenge) -> Ruled[Any] | None:
    """The last day to complain about `challenge` (O94 §17), or None when the calendar lacks the year."""
    try:
        return complaint_deadline(challenge.answer_due)
    except RuleError:
        return None


def complaint_for_finance(*, actor: Viewer, complaint_id: int) -> Complaint:
    """A complaint the finance department handles (O94 §3: finance handles complaints); refused to
    other roles, missing as NotFound."""
    require_role(actor, Role.FINANCE)
    complaint = (
        Complaint.objects.select_related("procurement", "challenge__organization")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None or not scopes.supervises(actor, complaint.procurement.purchaser, roles=FINANCE_ONLY):
        raise NotFound(Code.COMPLAINT_NOT_FOUND)
    return complaint


@dataclass(frozen=True, slots=True)
class ComplaintClock:
    """The complaint's clock stops and its decision deadline counted as of `today` (O94 §26-27)."""

    stops: list[ComplaintClockStop]
    due: Ruled[date] | None
    """The deadline; while a stop runs, the earliest it can be (it moves later each working day)."""
    running: bool


def complaint_clock(complaint: Complaint, today: date | None = None) -> ComplaintClock:
    """What the complaint page shows about the decision clock: each stop with its reason, and the
    deadline recalculated from receipt without the stopped working days."""
    today = today or clock.today()
    stops = list(complaint.clock_stops.all())
    running = any(stop.resumed_on is None for stop in stops)
    try:
        due: Ruled[date] | None = complaint_decision_due(
            complaint.received_on,
            [ClockStop(ClockStopReason(s.reason), s.stopped_on, s.resumed_on) for s in stops],
            as_of=max(today, *(s.stopped_on for s in stops)) if stops else None,
        )
    except RuleError:
        due = None
    return ComplaintClock(stops, due, running)
