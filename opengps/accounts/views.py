"""Login (throttled by django-axes), logout, the lockout page, password change, the signed-in
user's page and login histories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from opengps.accounts import lockout, otp, selectors, services
from opengps.accounts.actors import signed_in_user
from opengps.accounts.forms import PasswordChangeForm
from opengps.accounts.models import User
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.views import error_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["public_password_accounts"] = User.objects.filter(password_is_public=True).exists()
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if otp.is_enrolled(user):
            # the password was right; sign in only after the authenticator's code (second step)
            self.request.session[OTP_PENDING] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "next": self.get_success_url(),
                "at": clock.now().timestamp(),
            }
            return redirect("accounts:login-code")
        response = super().form_valid(form)
        _public_password_notice(self.request, user)
        return response


OTP_PENDING = "opengps.otp_pending"
OTP_PENDING_SECONDS = 300
"""How long the code step waits after the password before the sign-in starts over."""


def _public_password_notice(request: HttpRequest, user: User) -> None:
    if user.password_is_public:
        messages.warning(
            request,
            gettext(
                "您登录的是演示账户：它的密码是公开的（见 README 和 make demo 的输出），"
                "任何人都能登录。请勿录入真实数据。"
            ),
        )


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in for an account with TOTP: the 6-digit code (throttled)."""
    pending = request.session.get(OTP_PENDING)
    if not pending or clock.now().timestamp() - float(pending.get("at", 0)) > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING, None)
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(OTP_PENDING, None)
        return redirect("accounts:login")
    error: ServiceError | None = None
    if request.method == "POST":
        try:
            device = otp.code_check(user=user, code=request.POST.get("code", "")[:20])
        except ServiceError as exc:
            error = exc
        else:
            del request.session[OTP_PENDING]
            auth_login(request, user, backend=pending["backend"] or None)
            otp_login(request, device)
            _public_password_notice(request, user)
            target = pending.get("next") or settings.LOGIN_REDIRECT_URL
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = settings.LOGIN_REDIRECT_URL
            return HttpResponseRedirect(target)
    status = 429 if error is not None and error.code == "otp.throttled" else 200
    return render(request, "accounts/login_code.html", {"error": error, "subject": user}, status=status)


def locked_out(
    request: HttpRequest, response: HttpResponseBase | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): 429 with when to try again."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"username": username, "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change form (old password, new twice, the validators' reasons beside the
    field); the change itself is the audited `user_password_change` service."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:me")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = _safe_next(self.request, "")
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = self.request.user
        assert isinstance(user, User)
        try:
            services.user_password_change(
                actor=user,
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text())
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, gettext("密码已修改。"))
        return HttpResponseRedirect(_safe_next(self.request, str(self.success_url)))


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The account page; with the second factor's state, and its enrolment QR code when not enrolled."""
    user = request.user
    assert isinstance(user, User)
    enrolled = otp.is_enrolled(user)
    context: dict[str, Any] = {
        "totp_enrolled": enrolled,
        "totp_recommended": user.role in otp.RECOMMENDED_ROLES,
    }
    if not enrolled and request.GET.get("totp") == "enrol":
        context["totp_qr"] = otp.qr_svg(otp.pending_device(user))
    return render(request, "accounts/me.html", context)


def _with_totp_code(
    request: HttpRequest, act: Callable[..., object], *, done: str, retry_url: str
) -> HttpResponse:
    """The signed-in user's own second-factor change, confirmed by the posted code: on refusal the
    message and back to `retry_url`, else `done` and back to the account page."""
    try:
        act(actor=signed_in_user(request), code=request.POST.get("code", "")[:20])
    except ServiceError as exc:
        messages.error(request, exc.text())
        return redirect(retry_url)
    messages.success(request, done)
    return redirect("accounts:me")


@login_required
@require_POST
def totp_enrol(request: HttpRequest) -> HttpResponse:
    return _with_totp_code(
        request,
        otp.totp_enrol,
        done=gettext("已启用两步验证：以后登录时需输入验证器中的 6 位验证码。"),
        retry_url=reverse("accounts:me") + "?totp=enrol",
    )


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    return _with_totp_code(
        request, otp.totp_disable, done=gettext("已停用两步验证。"), retry_url=reverse("accounts:me")
    )


@login_required
@require_POST
def user_totp_reset(request: HttpRequest, username: str) -> HttpResponse:
    """An administrator resets a user's authenticator (audited, with a reason)."""
    return _on_user(
        request,
        username,
        otp.totp_reset,
        done=gettext("已重置“%(username)s”的两步验证。"),
        unchanged=gettext("该账户未启用两步验证，无需重置。"),
    )


def _on_user(
    request: HttpRequest, username: str, act: Callable[..., object], *, done: str, unchanged: str
) -> HttpResponse:
    """An administrator's action on one user with the posted reason (the service audits it): `act`
    answers whether it changed anything (`done`, or `unchanged`); back to the user's login history."""
    try:
        subject = selectors.user_for_history(actor=request.user, username=username)
        reason = request.POST.get("reason", "")[:200]
        changed = act(actor=signed_in_user(request), user=subject, reason=reason)
    except ServiceError as exc:
        return error_page(request, exc, not_found_raises=False)
    if changed:
        messages.success(request, done % {"username": subject.username})
    else:
        messages.info(request, unchanged)
    return redirect(reverse("accounts:user-logins", args=[subject.username]))


@login_required
def my_logins(request: HttpRequest) -> HttpResponse:
    return user_logins(request, request.user.get_username())


@login_required
def user_logins(request: HttpRequest, username: str) -> HttpResponse:
    """A user's login history: their own, or anyone's for an administrator (who can also unlock)."""
    try:
        subject = selectors.user_for_history(actor=request.user, username=username)
        entries = selectors.login_history(actor=request.user, user=subject)
    except ServiceError as exc:
        return error_page(request, exc, not_found_raises=False)
    return render(
        request,
        "accounts/logins.html",
        {
            "subject": subject,
            "entries": entries,
            "lock": lockout.lock_state(subject.username),
            "own": subject.pk == request.user.pk,
            "totp_enrolled": otp.is_enrolled(subject),
        },
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, username: str) -> HttpResponse:
    """An administrator lifts a user's login lockout (audited, with a reason)."""
    return _on_user(
        request,
        username,
        services.user_login_unlock,
        done=gettext("已解除“%(username)s”的登录锁定。"),
        unchanged=gettext("该账户当前没有登录失败记录，无需解锁。"),
    )
