"""Request middleware: the request-body cap, the request id (a sane X-Request-ID or a new one), the
guard against text no column can store (NUL, unpaired surrogates), and the answers when the database
refuses a value (400) or cannot be reached (503)."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

from opengps.core.inputs import text_problem
from opengps.core.request_context import reset_request_id, set_request_id

logger = logging.getLogger(__name__)

_SAFE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def is_api_request(request: HttpRequest) -> bool:
    """Whether `request` is for the API (under ``/api/``): refused in its JSON error shape, not a page."""
    return request.path_info.startswith("/api/")


def api_error_response(code: str, message: str, status: int, **detail: Any) -> JsonResponse:
    """The API's error shape (`opengps.core.api_errors.ErrorOut`) answered outside a route — by a
    middleware or a handler — with the Chinese kept readable (``ensure_ascii=False``). `detail` adds
    ``field`` or ``params``."""
    return JsonResponse(
        {"error": {"code": code, "message": message, **detail}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


def max_request_bytes() -> int:
    """``OPENGPS_MAX_REQUEST_BYTES`` (default 100 MB)."""
    return int(getattr(settings, "OPENGPS_MAX_REQUEST_BYTES", 100 * 1024 * 1024))


class RequestBodyLimitMiddleware:
    """Refuse (413) a request whose declared Content-Length exceeds the platform's cap before any
    of the body is read. Per-file limits stay in the services; this is the overall backstop.
    A body without Content-Length reaches Django as empty (WSGI), so it cannot bypass the cap."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_request_bytes()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return self.too_large(request, length, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
        # Runs before the locale middleware: honour the visitor's language cookie here.
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        with translation.override(language):
            message = gettext("请求内容过大（%(size)s MB），超过平台上限 %(limit)s MB，未予接收。") % {
                "size": f"{length / (1024 * 1024):.1f}",
                "limit": limit // (1024 * 1024),
            }
            if is_api_request(request):
                response: HttpResponse = api_error_response(
                    "request.too_large", message, 413, params={"limit": limit, "size": length}
                )
            else:
                html = render_to_string(
                    "core/too_large.html", {"message": message, "language": language}, request=None
                )
                response = HttpResponse(html, status=413)
        return response


class UnstorableTextMiddleware:
    """Refuse (400) a request whose query string, JSON body or form holds text no column can store —
    a NUL or an unpaired surrogate — naming the field, before any view sees it. Defence in depth: the
    schemas' text types (`opengps.core.inputs`) refuse the same, but this also covers query and path
    parameters and hand-parsed forms. Multipart bodies are left to the forms (Django's CharField
    refuses NUL; undecodable bytes arrive as U+FFFD)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self.find(request)
        if found is None:
            return self.get_response(request)
        field, code, problem = found
        message = f"{field}：{problem}" if field else problem
        if is_api_request(request):
            return api_error_response(code, message, 400, field=field)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

    @classmethod
    def find(cls, request: HttpRequest) -> tuple[str, str, str] | None:

        pairs: list[tuple[str, Any]] = [("path", request.path_info)]
        pairs.extend((k, v) for k, values in request.GET.lists() for v in [k, *values])
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            if request.content_type == "application/json":
                with contextlib.suppress(ValueError):  # not JSON (or not UTF-8): the view's parser answers
                    pairs.extend(_walk_json("", json.loads(request.body)))
            elif request.content_type == "application/x-www-form-urlencoded":
                pairs.extend((k, v) for k, values in request.POST.lists() for v in [k, *values])
        for field, value in pairs:
            if isinstance(value, str) and (problem := text_problem(value)) is not None:
                return field, problem[0], problem[1]
        return None


def _walk_json(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, key
            yield from _walk_json(inner, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_json(f"{path}.{index}" if path else str(index), item)
    else:
        yield path, value


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
"""What a request meets while the database restarts or cannot be reached (connection refused or
cut, "the database system is starting up"), and also a deadlock or a cancelled statement: all of
them pass, so the answer is a 503 that says to try again, never a 500 with a traceback."""

RETRY_AFTER_SECONDS = 5


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with a message (JSON under /api/, else a page rendered without the request: its context
    would read the session, i.e. the database). The request's transaction rolled back; a write whose
    commit succeeded before the connection broke may still be stored, so the user is told to check."""
    message = gettext(
        "服务暂时不可用：数据库暂时无法连接或繁忙，本次请求未能完成。请稍后重试；"
        "若刚才提交了数据，请先刷新页面确认是否已保存。"
    )
    response: HttpResponse
    if is_api_request(request):
        response = api_error_response("service.unavailable", message, 503)
    else:
        language = translation.get_language() or settings.LANGUAGE_CODE
        html = render_to_string("core/unavailable.html", {"message": message, "language": language})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler (`handler500`): an unreachable database met outside a view — in a middleware
    reading the session, say, where `DatabaseRefusalMiddleware` cannot see it — is a 503 too."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


class DatabaseRefusalMiddleware:
    """Defence in depth for the screens, as `opengps.api.data_error` is for the API: a value the
    database refuses (a length or number a hand-parsed form did not bound) is the user's input,
    answered with a 400 page that says so — never a 500. The service's transaction has already
    rolled back, so nothing changed. A database that cannot be reached (restarting, connection cut)
    is answered with a 503 on screens and API alike (`database_unavailable`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        if not isinstance(exception, DataError):
            return None
        logger.warning("database refused a value on %s %s: %s", request.method, request.path, exception)
        message = gettext("输入的内容超出允许范围（文字过长或数值过大），未予保存。请返回修改后再提交。")
        if is_api_request(request):
            return api_error_response("request.out_of_range", message, 400)
        return render(request, "core/bad_input.html", {"message": message}, status=400)
