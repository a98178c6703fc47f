"""Helpers shared by the draw services: who manages a draw, who may answer for a drawn expert."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core.errors import PermissionDenied
from opengps.experts.models import Draw

DRAW_ROLES = (Role.PURCHASER, Role.AGENCY)


def _require_draw_manager(actor: Any, draw: Draw) -> None:
    """Purchaser staff of the draw's unit, or the agency that made it."""
    require_role(actor, *DRAW_ROLES)
    if actor.role == Role.PURCHASER and actor.unit_id != draw.purchaser_unit_id:
        raise PermissionDenied("perm.other_unit", _("不能操作其他单位的数据"))
    if actor.role == Role.AGENCY and actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied("perm.other_unit", _("不能操作其他单位的数据"))


def _require_decline_on_behalf(actor: Any, draw: Draw) -> None:
    """Only the expert, or the agency that made the draw (with the reason it records), may decline
    or recuse a drawn expert: a purchaser declining for an expert could reshape a random draw by
    skipping experts it does not want (O87 §47: the draw is random, the purchaser not its master)."""
    require_role(actor, *DRAW_ROLES)
    if actor.role != Role.AGENCY or draw.agency_unit_id is None or actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied(
            "draw.decline_not_yours",
            _("只有专家本人或组织抽取的代理机构（须记录原因）可以代为谢绝或回避"),
        )
