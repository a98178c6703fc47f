"""A user's own procurement notifications."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.permissions import is_authenticated
from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.procurement.models import Notification


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read."""
    if not is_authenticated(actor) or notification.recipient_id != actor.pk:
        raise NotFound("procurement.notification_not_found", _("未找到该通知"))
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
