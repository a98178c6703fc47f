"""Helpers shared by the draw services: who manages a draw, who may answer for a drawn expert."""

from __future__ import annotations

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core.errors import PermissionDenied
from opengps.experts.errors import Code
from opengps.experts.models import Draw

DRAW_ROLES = (Role.PURCHASER, Role.AGENCY)


def _require_draw_manager(actor: Actor, draw: Draw) -> None:
    """Purchaser staff of the draw's unit, or the agency that made it."""
    require_role(actor, *DRAW_ROLES)
    if actor.role == Role.PURCHASER and actor.unit_id != draw.purchaser_unit_id:
        raise PermissionDenied(Code.PERM_OTHER_UNIT)
    if actor.role == Role.AGENCY and actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied(Code.PERM_OTHER_UNIT)


def _require_decline_on_behalf(actor: Actor, draw: Draw) -> None:
    """Only the expert, or the agency that made the draw (with the reason it records), may decline
    or recuse a drawn expert: a purchaser declining for an expert could reshape a random draw by
    skipping experts it does not want (O87 §47: the draw is random, the purchaser not its master)."""
    require_role(actor, *DRAW_ROLES)
    if actor.role != Role.AGENCY or draw.agency_unit_id is None or actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied(Code.DRAW_DECLINE_NOT_YOURS)
