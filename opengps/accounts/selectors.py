"""Reads on accounts: a user's login history (from django-axes' logs) for themself and for admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessFailureLog, AccessLog
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Viewer
from opengps.accounts.errors import Code
from opengps.accounts.models import Role, User
from opengps.accounts.permissions import is_authenticated
from opengps.core.errors import NotFound, PermissionDenied

HISTORY_LIMIT = 100


@dataclass(frozen=True)
class LoginEntry:
    at: datetime
    address: str
    succeeded: bool
    locked_out: bool
    user_agent: str
    logged_out_at: datetime | None


def user_for_history(*, actor: Viewer, username: str) -> User:
    """The account whose login history `actor` may read: their own, or any for an administrator."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    if actor.get_username() != username and actor.role != Role.ADMIN:
        raise PermissionDenied(Code.PERM_DENIED, _("只能查看自己的登录记录"))
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(Code.USER_NOT_FOUND)
    return user


def login_history(*, actor: Viewer, user: User, limit: int = HISTORY_LIMIT) -> list[LoginEntry]:
    """The latest sign-ins and failed attempts of `user`, newest first (at most `limit`)."""
    user_for_history(actor=actor, username=user.username)
    successes = AccessLog.objects.filter(username=user.username).order_by("-attempt_time")[:limit]
    failures = AccessFailureLog.objects.filter(username=user.username).order_by("-attempt_time")[:limit]
    entries = [
        LoginEntry(row.attempt_time, row.ip_address or "", True, False, row.user_agent, row.logout_time)
        for row in successes
    ] + [
        LoginEntry(row.attempt_time, row.ip_address or "", False, row.locked_out, row.user_agent, None)
        for row in failures
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
