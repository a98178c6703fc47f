"""Generic service checks with no contract knowledge: the party check and the allowed-statuses
check every app repeats. They belong in `accounts.permissions` and `core.status`; they live here,
the lowest app that may hold them for now, until those layers take them over."""

from __future__ import annotations

from django.db.models import Model
from django.utils.functional import Promise

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core.errors import Conflict, PermissionDenied


def require_party(
    actor: Actor, role: str, owner_id: int | None, code: str, message: str | Promise | None = None
) -> None:
    """Refuse unless the actor holds `role` and belongs to the owner `owner_id`: for a supplier its
    organization, for every other role its unit; `code` (with `message`, else the code's own) is
    the app's refusal for another owner."""
    require_role(actor, role)
    own = actor.organization_id if role == Role.SUPPLIER else actor.unit_id
    if own != owner_id:
        raise PermissionDenied(code, message)


def require_status_in(obj: Model, statuses: tuple[str, ...], code: str, message: str | Promise) -> None:
    """Refuse with Conflict `code` (field ``status``) unless `obj` is in one of `statuses`;
    `message` is filled with ``status``, the current status's label."""
    current = getattr(obj, "status")  # noqa: B009 — generic over every stateful model
    if current not in statuses:
        display = getattr(obj, "get_status_display", lambda: current)()
        raise Conflict(
            code,
            str(message) % {"status": display},
            field="status",
            params={"status": current, "allowed": list(statuses)},
        )
