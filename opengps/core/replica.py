"""The read replica (DATABASE_REPLICA_URL): which reads it serves. Public, read-only requests read
from it; writes, atomic blocks, a client that has just written and a replica that is down or late
use the primary.

`ReplicaMiddleware` marks a request as a public read (GET/HEAD under `REPLICA_PATHS`, not pinned)
for the length of the request in a context variable; `ReplicaRouter` sends that request's reads to
the replica while no atomic block is open and the replica is healthy (asked at most every
`HEALTH_SECONDS` per process). Read-your-writes: after any other request (POST, PUT, PATCH,
DELETE…) or a request that wrote, the client gets a signed cookie that pins it to the primary for
`pin_seconds()` — never less than OPENGPS_REPLICA_MAX_LAG, the lag a replica may have and still
serve. A public read whose replica query fails is run again on the primary (it is a safe request).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from opengps.core import health

logger = logging.getLogger(__name__)

DEFAULT = "default"
REPLICA = "replica"

REPLICA_PATHS: tuple[str, ...] = (
    "/portal/",
    "/opendata/",
    "/registry/",  # the public register: search, export, an organization's page
    "/api/v1/portal/",
    "/api/v1/opendata/",
    "/api/v1/registry/organizations",  # public search, profiles, eligibility (writes are POST/PATCH)
)
"""Public read-only pages and API reads (a statistics page joins here when it exists)."""

PRIMARY_PATHS: tuple[str, ...] = (
    "/registry/manage/",  # the registration authority's work, fresh after each change
    "/opendata/exports/",  # an export job's progress, written by the worker
)
"""Under a replica path, but read from the primary."""

PRIMARY_APPS = frozenset({"sessions", "axes", "django_otp", "otp_totp", "django_tasks_database"})
"""Always read from the primary: sign-in state, lockouts, second factors and the task queue must not
lag behind a write (a stale session read then saved would undo the newer one)."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
READ_METHODS = frozenset({"GET", "HEAD"})

PIN_COOKIE = "opengps_primary"
PIN_SALT = "opengps.core.replica.pin"
HEALTH_SECONDS = 5.0
"""How long one process trusts one answer about the replica's health."""


@dataclass
class ReadState:
    """One request's routing: may it read from the replica, did it, has it written."""

    replica: bool
    used: bool = False
    wrote: bool = False
    retried: bool = False


_state: ContextVar[ReadState | None] = ContextVar("opengps_replica_reads", default=None)


@contextmanager
def replica_reads(*, allowed: bool = True) -> Iterator[ReadState]:
    """Within the block, reads may go to the replica (what the middleware does for a public read)."""
    state = ReadState(replica=allowed)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def is_public_read(method: str, path: str) -> bool:
    """A GET or HEAD of a public read-only page or API read."""
    return method in READ_METHODS and path.startswith(REPLICA_PATHS) and not path.startswith(PRIMARY_PATHS)


# ---------------------------------------------------------------------------------------------
# Read-your-writes: the pin cookie


def pin_seconds() -> float:
    """How long a client that wrote reads from the primary (at least the replica's tolerated lag)."""
    return max(float(settings.OPENGPS_REPLICA_PIN_SECONDS), float(settings.OPENGPS_REPLICA_MAX_LAG))


def is_pinned(request: HttpRequest) -> bool:
    """The client wrote within `pin_seconds()` (a valid, unexpired pin cookie)."""
    value = request.get_signed_cookie(
        PIN_COOKIE, default="", salt=PIN_SALT, max_age=timedelta(seconds=pin_seconds())
    )
    return bool(value)


def pin(response: HttpResponse) -> None:
    """Pin the client to the primary from now for `pin_seconds()` (the signature dates it)."""
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_SALT,
        max_age=math.ceil(pin_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# ---------------------------------------------------------------------------------------------
# Health: up and not later than OPENGPS_REPLICA_MAX_LAG, asked at most every HEALTH_SECONDS

_health: tuple[float, bool] | None = None


def health_set(ok: bool) -> None:
    """Record the replica's health now (also when a query on it has just failed)."""
    global _health
    _health = (time.monotonic(), ok)


def health_reset() -> None:
    """Forget the last answer: the next read asks the replica again."""
    global _health
    _health = None


def replica_healthy() -> bool:
    """The replica answers and lags at most OPENGPS_REPLICA_MAX_LAG (cached HEALTH_SECONDS)."""
    known = _health
    if known is not None and time.monotonic() - known[0] < HEALTH_SECONDS:
        return known[1]
    try:
        lag = health.replica_lag()
    except Exception as exc:  # any failure to ask (down, refused in a test) means: the primary
        logger.warning("replica: not answering (%s: %s); reading from the primary", type(exc).__name__, exc)
        _close_replica()
        ok = False
    else:
        ok = lag is not None and lag <= settings.OPENGPS_REPLICA_MAX_LAG
        if not ok and lag is not None:
            logger.warning("replica: %.1f s behind; reading from the primary", lag)
    health_set(ok)
    return ok


def _close_replica() -> None:
    """Drop a broken replica connection, so the next health check connects afresh."""
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


# ---------------------------------------------------------------------------------------------
# The router and the middleware


class ReplicaRouter:
    """DATABASE_ROUTERS entry (set only when the replica is configured)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _state.get()
        if (
            state is None
            or not state.replica
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT].in_atomic_block  # reads inside a transaction see its writes
            or not replica_healthy()
        ):
            return DEFAULT
        state.used = True
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _state.get()
        if state is not None and model._meta.app_label not in PRIMARY_APPS:
            state.replica = False  # the rest of this request reads what it wrote
            state.wrote = True
        return DEFAULT

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT


class ReplicaMiddleware:
    """Routes a public read to the replica and pins a client that wrote (only with a replica).

    It sits inside `DatabaseRefusalMiddleware`, so its `process_exception` sees a failed replica
    query first (and retries on the primary) before that one answers a 503; the middleware outside
    it (sessions, sign-in) reads from the primary anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        method = request.method or ""
        state = ReadState(replica=is_public_read(method, request.path_info) and not is_pinned(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if method not in SAFE_METHODS or state.wrote:
            pin(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A public read whose replica query failed runs once more, on the primary."""
        state = _state.get()
        if (
            state is None
            or not state.used
            or state.retried
            or not isinstance(exception, OperationalError | InterfaceError)
        ):
            return None
        logger.warning("replica: a query failed (%s); reading %s from the primary", exception, request.path)
        health_set(False)
        _close_replica()
        state.replica, state.retried = False, True
        return self.get_response(request)
