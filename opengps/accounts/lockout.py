"""Login throttling with django-axes: the client address it counts by, and an account's lock state."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, OuterRef, Subquery, Sum
from django.http import HttpRequest

from opengps.core import clock
from opengps.core.ratelimit import client_ip


def client_address(request: HttpRequest) -> str | None:
    """The address axes counts failures by: the same one the public-post rate limit uses
    (REMOTE_ADDR, or the proxy-appended X-Forwarded-For entry with OPENGPS_BEHIND_PROXY)."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def _recent(attempts: Any) -> Any:
    cool_off = get_cool_off()
    return attempts if cool_off is None else attempts.filter(attempt_time__gte=clock.now() - cool_off)


def recent_failures_subquery() -> Subquery:
    """Failures counted against each outer row's ``username`` within the cool-off window."""
    return Subquery(
        _recent(AccessAttempt.objects.filter(username=OuterRef("username")))
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")[:1]
    )


@dataclass(frozen=True)
class LockState:
    failures: int
    limit: int
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def lock_state(username: str) -> LockState:
    """Failures counted against `username` within the cool-off window, and whether it is locked.

    The per-account count is the sum over every address, so it is never below the per-address one.
    """
    limit = failure_limit()
    cool_off = get_cool_off()
    totals = _recent(AccessAttempt.objects.filter(username=username)).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures = totals["failures"] or 0
    locked_until = None
    if failures >= limit:
        last: datetime = totals["last"]
        locked_until = last + cool_off if cool_off is not None else datetime.max.replace(tzinfo=last.tzinfo)
    return LockState(failures=failures, limit=limit, locked_until=locked_until)
