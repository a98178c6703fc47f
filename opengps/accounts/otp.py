"""The TOTP second factor (django-otp): enrolment, the code step of a sign-in, disabling, and an
administrator's reset — each audited, the secret never written to a log or an audit row.

Optional for every user; recommended (shown on the account page) for finance, the registration
authority and administrators. Once a user has a confirmed device, every sign-in asks for its
6-digit code after the password (`opengps.accounts.views.LoginView`). Wrong codes are throttled
twice: django-otp's per-device back-off, and a fixed window per account (`core.ratelimit`,
kept in the database so every worker sees the same count).
"""

from __future__ import annotations

from typing import Any

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from opengps.accounts.actors import Actor
from opengps.accounts.errors import Code
from opengps.accounts.events import Event
from opengps.accounts.models import Role, User
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, ratelimit
from opengps.core.errors import PermissionDenied, ServiceError

RECOMMENDED_ROLES = frozenset({Role.FINANCE, Role.REGISTRATION, Role.ADMIN})
"""Roles whose account page asks them to enrol (their sign-in then always needs the code)."""
DEVICE_NAME = "TOTP"
CODE_LIMIT = (5, 300)
"""At most 5 code attempts per account in 5 minutes (then 429 until the window ends)."""


def confirmed_device(user: Any) -> TOTPDevice | None:
    if getattr(user, "pk", None) is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def is_enrolled(user: Any) -> bool:
    return confirmed_device(user) is not None


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled (unconfirmed), created on first use; its secret stays until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code (the page only: never logged)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def _clean_code(code: str) -> str:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        raise ServiceError(Code.OTP_CODE_INVALID, field="code")
    return code


def throttle(username: str) -> None:
    """Count one code attempt for the account; refuse once over `CODE_LIMIT`."""
    limit, window = CODE_LIMIT
    if not ratelimit.allow(f"otp:{username}", limit=limit, window_seconds=window):
        raise ServiceError(Code.OTP_THROTTLED, params={"minutes": window // 60})


def code_check(*, user: User, code: str) -> TOTPDevice:
    """The code step of a sign-in: the user's confirmed device accepts `code`, else a refusal."""
    throttle(user.get_username())
    code = _clean_code(code)
    device = confirmed_device(user)
    if device is None or not device.verify_token(code):
        raise ServiceError(Code.OTP_CODE_WRONG, field="code")
    return device


def totp_enrol(*, actor: Actor, code: str) -> TOTPDevice:
    """Confirm the pending device with a first code from the authenticator app."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    if is_enrolled(actor):
        raise ServiceError(Code.OTP_ALREADY_ENROLLED)
    throttle(actor.get_username())
    code = _clean_code(code)
    with transaction.atomic():
        device = pending_device(actor)
        if not device.verify_token(code):
            raise ServiceError(Code.OTP_CODE_WRONG, field="code")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=actor,
            action=Event.ACCOUNT_TOTP_ENROLLED,
            obj=actor,
            old={"totp": False},
            new={"totp": True, "device": device.pk},
        )
    return device


def totp_disable(*, actor: Actor, code: str) -> None:
    """The user turns the second factor off, proving it with a current code."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    device = code_check(user=actor, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        audit.record(
            actor=actor,
            action=Event.ACCOUNT_TOTP_DISABLED,
            obj=actor,
            old={"totp": True, "device": device.pk},
            new={"totp": False},
        )


def totp_reset(*, actor: Actor, user: User, reason: str) -> bool:
    """An administrator removes a user's devices (lost phone); the user signs in with the password
    alone and may enrol again. Returns False when there was nothing to reset."""
    require_role(actor, Role.ADMIN)
    reason = reason.strip()
    if not reason:
        raise ServiceError(Code.OTP_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        devices = list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed"))
        if not devices:
            return False
        TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            actor=actor,
            action=Event.ACCOUNT_TOTP_RESET,
            obj=user,
            old={"totp": any(confirmed for _pk, confirmed in devices), "devices": [pk for pk, _c in devices]},
            new={"totp": False},
            reason=reason,
        )
    return True
