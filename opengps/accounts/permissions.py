"""Permission checks used by services: who may read or write what."""

from __future__ import annotations

from typing import TypeGuard

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import MaybeActor
from opengps.accounts.errors import Code
from opengps.accounts.models import Role, Unit, User
from opengps.core.errors import PermissionDenied

OFFICIAL_ROLES = frozenset({Role.PURCHASER, Role.AGENCY, Role.FINANCE, Role.REGISTRATION, Role.ADMIN})
READ_EVERYTHING_ROLES = frozenset({Role.AUDITOR})


def is_authenticated(actor: MaybeActor) -> TypeGuard[User]:
    """A signed-in, active user (narrows `actor` to `User`)."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def has_role(actor: MaybeActor, *roles: str) -> TypeGuard[User]:
    return is_authenticated(actor) and actor.role in roles


def require_role(actor: MaybeActor, *roles: str) -> None:
    """Refuse unless the actor holds one of `roles`. Auditors never write, so never pass here."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    if actor.role not in roles:
        raise PermissionDenied(
            Code.PERM_DENIED,
            _("您的角色（%(role)s）无权执行此操作") % {"role": actor.role_label},
            params={"role": actor.role, "allowed": sorted(roles)},
        )


def can_read_unit_private(actor: MaybeActor, unit: Unit | None) -> bool:
    """Drafts and internal records of a unit: its own staff and auditors (read-only), never other units."""
    if not is_authenticated(actor):
        return False
    if actor.role in READ_EVERYTHING_ROLES:
        return True
    return unit is not None and actor.unit_id == unit.pk


def require_unit_member(actor: MaybeActor, unit: Unit) -> None:
    """Writes on a unit's records: only that unit's own staff."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    if actor.unit_id != unit.pk:
        raise PermissionDenied(Code.PERM_OTHER_UNIT)
