"""A user's own procurement notifications."""

from __future__ import annotations

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import is_authenticated
from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.procurement.errors import Code
from opengps.procurement.models import Notification


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read."""
    if not is_authenticated(actor) or notification.recipient_id != actor.pk:
        raise NotFound(Code.PROCUREMENT_NOTIFICATION_NOT_FOUND)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
