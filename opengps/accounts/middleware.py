"""Session rules for signed-in users: a sign-in lasts at most SESSION_COOKIE_AGE, officials are
signed out after OPENGPS_OFFICIAL_IDLE_SECONDS without a request, and an account with an initial
(or reset) password can do nothing but change it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from opengps.core import clock
from opengps.core.middleware import api_error_response, is_api_request

SIGNED_IN_AT = "opengps.signed_in_at"
LAST_SEEN = "opengps.last_seen"
TOUCH_EVERY_SECONDS = 60
"""Last activity is written at most once a minute, so most requests cause no session write."""


def session_start(request: HttpRequest) -> None:
    """Stamp a fresh sign-in (connected to `user_logged_in`)."""
    moment = clock.now().timestamp()
    request.session[SIGNED_IN_AT] = moment
    request.session[LAST_SEEN] = moment


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self.check(request)
            if expired:
                logout(request)
                messages.warning(request, expired)
                if _is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': '/'})}"
                    return response
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> str:
        """Why the session has ended ("" while it is valid); records the activity otherwise."""
        now = clock.now().timestamp()
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in_at is None or last_seen is None:  # signed in before these rules were deployed
            session[SIGNED_IN_AT] = session[LAST_SEEN] = now
            return ""
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return gettext("登录已超过 %(hours)s 小时，请重新登录。") % {
                "hours": f"{settings.SESSION_COOKIE_AGE / 3600:g}"
            }
        idle = int(getattr(settings, "OPENGPS_OFFICIAL_IDLE_SECONDS", 1800))
        if getattr(request.user, "is_official", False) and now - last_seen > idle:
            return gettext("您已 %(minutes)s 分钟未操作，为保护账户安全已自动退出，请重新登录。") % {
                "minutes": f"{idle / 60:g}"
            }
        if now - last_seen >= TOUCH_EVERY_SECONDS:
            session[LAST_SEEN] = now
        return ""


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:password-change"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        "/i18n/",
        settings.STATIC_URL,
        "/healthz",
    )


class PasswordChangeRequiredMiddleware:
    """Until an initial or reset password is replaced, every page leads to the change form and the
    API answers 403 ``auth.password_change_required``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path_info.startswith(_exempt_paths())
        ):
            message = gettext("请先修改管理员为您设置的初始密码，然后才能继续使用平台。")
            if is_api_request(request):
                return api_error_response("auth.password_change_required", message, 403)
            target = reverse("accounts:password-change")
            if request.method == "GET" and not _is_htmx(request):
                target += "?" + urlencode({"next": request.get_full_path()})
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
