"""The top bar's count of a user's open reminders (one COUNT query, signed-in pages only)."""

from __future__ import annotations

from typing import Any

from django import template

from opengps.accounts.models import User
from opengps.workbench import selectors

register = template.Library()


@register.simple_tag
def reminder_count(user: Any) -> int:
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return selectors.reminders_open_count(actor=user)
