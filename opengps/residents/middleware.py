"""Logs every call to the partner API with its answer's status (`PartnerCall`): served, refused
for a missing scope, throttled (with Retry-After), or with a bad key. A middleware, not a route
wrapper, because ninja answers some calls (schema refusals, bad keys) before the route runs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from opengps.core import ratelimit
from opengps.residents import services

PARTNER_PATH = "/api/v1/residents/partner/"
"""Where the partner routes are mounted (`opengps.api`); the log watches this prefix."""
KEY_META = "opengps.partner_key_id"
"""request.META entry with the id of the key a call presented (None: none or unknown)."""

logger = logging.getLogger(__name__)


class PartnerCallLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PARTNER_PATH):
            if response.status_code == 429:
                # A key's rate counts per clock minute (`partner_call_admit`): retry when it turns.
                response["Retry-After"] = str(60 - int(time.time()) % 60)
            try:
                services.partner_call_log(
                    key_id=request.META.get(KEY_META),
                    method=request.method or "",
                    path=request.path,
                    status=response.status_code,
                    client=ratelimit.client_ip(request),
                )
            except DatabaseError:
                # The database is down (the answer is its 503): losing the log line beats a 500.
                logger.exception("partner call not logged: %s %s", request.method, request.path)
        return response
