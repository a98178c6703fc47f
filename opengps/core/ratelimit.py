"""Rate limits for anonymous public posts (surveys, objections): fixed windows kept in the database.

`allow(key, limit=, window_seconds=)` counts one hit for `key` in the current window and says
whether it is within the limit. The count lives in `RateLimitWindow`, so every worker process
sees the same figure; the increment is a single UPDATE (or an INSERT that loses a race and
retries as an UPDATE), so concurrent posts are never under-counted.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from opengps.core.models import RateLimitWindow

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/m' → (20, 60). Units: s, m, h, d."""
    count, _, unit = rate.partition("/")
    if not count.strip().isdigit() or unit.strip() not in _UNITS or int(count) < 1:
        raise ValueError(f"invalid rate {rate!r}; expected like '20/m'")
    return int(count), _UNITS[unit.strip()]


def public_post_rate() -> tuple[int, int]:
    """The platform-wide rate for anonymous posts (OPENGPS_PUBLIC_POST_RATE, default 20/m)."""
    return parse_rate(getattr(settings, "OPENGPS_PUBLIC_POST_RATE", "20/m"))


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or the proxy-appended X-Forwarded-For entry when
    OPENGPS_BEHIND_PROXY is set (only then is that header trustworthy)."""
    if getattr(settings, "OPENGPS_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[-1].strip())
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def allow(
    key: str, *, limit: int | None = None, window_seconds: int | None = None, now: float | None = None
) -> bool:
    """Count one hit for `key`; True while the window's hits stay within `limit`."""
    if limit is None or window_seconds is None:
        limit, window_seconds = public_post_rate()
    moment = time.time() if now is None else now
    start = int(moment // window_seconds * window_seconds)
    key = key[:200]
    with transaction.atomic():
        updated = RateLimitWindow.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, window_start=start, hits=1)
            except IntegrityError:
                RateLimitWindow.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
            # A new window began: forget this key's older windows so the table stays small.
            RateLimitWindow.objects.filter(key=key, window_start__lt=start).delete()
        hits = (
            RateLimitWindow.objects.filter(key=key, window_start=start).values_list("hits", flat=True).first()
        )
    return (hits or 0) <= limit


def allow_request(request: HttpRequest, scope: str, **kwargs: Any) -> bool:
    """`allow` keyed by scope and client address."""
    return allow(f"{scope}:{client_ip(request)}", **kwargs)
