"""Reads of challenges and complaints: who may see them, and the complaint deadline a challenger faces."""

from __future__ import annotations

from typing import Any

from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.challenges.models import Challenge
from opengps.procurement.models import Procurement
from opengps.procurement.services import is_official
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import complaint_deadline


def challenges_visible(*, actor: Any, procurement: Procurement) -> list[Challenge]:
    """Officials of the procurement, finance and auditors see all; a supplier sees its own."""
    if not is_authenticated(actor):
        return []
    rows = Challenge.objects.filter(procurement=procurement).select_related("organization", "complaint")
    if is_official(actor, procurement) or actor.role in (Role.FINANCE, Role.AUDITOR):
        return list(rows)
    if actor.role == Role.SUPPLIER and actor.organization_id:
        return list(rows.filter(organization_id=actor.organization_id))
    return []


def complaint_due(challenge: Challenge) -> Ruled[Any] | None:
    """The last day to complain about `challenge` (O94 §17), or None when the calendar lacks the year."""
    try:
        return complaint_deadline(challenge.answer_due)
    except RuleError:
        return None
