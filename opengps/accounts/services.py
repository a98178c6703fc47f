"""Writes on accounts, units and regions; each in one transaction with its audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from opengps.accounts import lockout
from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.errors import Code
from opengps.accounts.events import Event
from opengps.accounts.models import (
    GOVERNMENT_ORGAN_KINDS,
    GOVERNMENT_ORGAN_USCC_PREFIX,
    Region,
    Role,
    Unit,
    User,
)
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError

REGIONS_FILE = Path(__file__).with_name("data") / "hunan_regions.json"


def regions_load(*, actor: SystemOrActor = None, path: Path = REGIONS_FILE) -> int:
    """Load the shipped GB/T 2260 divisions of Hunan (idempotent). Returns rows created."""
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: r["code"]):
            _, was_created = Region.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "level": row["level"], "parent_id": row.get("parent") or None},
            )
            created += was_created
        if created:
            audit.record(
                actor=actor,
                action=Event.REGION_LOADED,
                obj=("accounts.region", "430000"),
                new={"created": created, "source": path.name},
            )
    return created


def unit_uscc_clean(value: str, *, kind: str) -> str:
    """The 统一社会信用代码 of a unit of `kind` in canonical form ("" when none is given), or
    ServiceError ``unit.uscc_invalid`` (length, characters or check character, python-stdnum) or
    ``unit.uscc_not_organ`` (a government organ's code starts with "11", GB 32100-2015)."""
    number = stdnum_uscc.compact(value or "")
    if not number:
        return ""
    if not stdnum_uscc.is_valid(number):
        raise ServiceError(Code.UNIT_USCC_INVALID, field="uscc")
    if kind in GOVERNMENT_ORGAN_KINDS and not number.startswith(GOVERNMENT_ORGAN_USCC_PREFIX):
        raise ServiceError(Code.UNIT_USCC_NOT_ORGAN, field="uscc")
    return str(number)


def _uscc_taken(uscc: str, *, exclude_pk: int | None = None) -> Conflict | None:
    others = Unit.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first() if uscc else None
    if other is None:
        return None
    return Conflict(Code.UNIT_USCC_DUPLICATE, field="uscc", params={"name": other.name})


def unit_create(
    *,
    actor: SystemOrActor,
    name: str,
    kind: str,
    region: Region,
    parent: Unit | None = None,
    short_name: str = "",
    uscc: str = "",
) -> Unit:
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if kind not in Unit.Kind.values:
        raise ServiceError(Code.UNIT_KIND_INVALID, field="kind")
    uscc = unit_uscc_clean(uscc, kind=kind)
    with transaction.atomic():
        if Unit.objects.filter(name=name).exists():
            raise Conflict(Code.UNIT_DUPLICATE, field="name", params={"name": name})
        if (taken := _uscc_taken(uscc)) is not None:
            raise taken
        unit = Unit.objects.create(
            name=name, kind=kind, region=region, parent=parent, short_name=short_name, uscc=uscc
        )
        audit.record(
            actor=actor,
            action=Event.UNIT_CREATED,
            obj=unit,
            new={"name": name, "kind": kind, "region": region.code, "parent": parent, "uscc": uscc},
        )
    return unit


def unit_uscc_set(*, actor: SystemOrActor, unit: Unit, uscc: str, reason: str = "") -> Unit:
    """Set or correct a unit's 统一社会信用代码 (administrators; ``actor=None`` for system loads).
    Published data names the unit by it from the next release on; earlier releases keep theirs."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    uscc = unit_uscc_clean(uscc, kind=unit.kind)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.uscc == uscc:
            return unit
        if (taken := _uscc_taken(uscc, exclude_pk=unit.pk)) is not None:
            raise taken
        old = unit.uscc
        unit.uscc = uscc
        unit.save(update_fields=["uscc"])
        audit.record(
            actor=actor,
            action=Event.UNIT_USCC_SET,
            obj=unit,
            old={"uscc": old},
            new={"uscc": uscc},
            reason=reason,
        )
    return unit


def password_check(password: str, *, user: User, field: str = "password") -> None:
    """Refuse a password the platform's validators reject (AUTH_PASSWORD_VALIDATORS: too similar to
    the account's names, shorter than 10 characters, a common password, all digits), with
    ``user.password_weak`` and every reason, translated, beside `field`."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ServiceError(
            Code.USER_PASSWORD_WEAK,
            " ".join(str(message) for message in exc.messages),
            field=field,
            params={"reasons": sorted({str(error.code) for error in exc.error_list if error.code})},
        ) from None


def user_create(
    *,
    actor: SystemOrActor,
    username: str,
    password: str = "",
    password_hash: str = "",
    role: str,
    display_name: str = "",
    unit: Unit | None = None,
    organization: Any = None,
    must_change_password: bool | None = None,
    password_is_public: bool = False,
) -> User:
    """Create a user account. Officials need a unit; supplier members need an organization.

    `password` must pass the platform's password validators. An account an administrator creates
    starts with an initial password its holder must change at the first login (unless
    `must_change_password` says otherwise). `password_hash` (one pre-hashed password for many
    accounts: demo data, benchmarks) is for system provisioning only, never for an administrator;
    `password_is_public` marks the demo accounts whose password is published.
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if role not in Role.values:
        raise ServiceError(Code.USER_ROLE_INVALID, field="role")
    if role == Role.SUPPLIER and organization is None:
        raise ServiceError(Code.USER_ORGANIZATION_REQUIRED, field="organization")
    if role in {Role.PURCHASER, Role.AGENCY, Role.FINANCE, Role.REGISTRATION} and unit is None:
        raise ServiceError(Code.USER_UNIT_REQUIRED, field="unit")
    if password_hash and actor is not None:
        raise ServiceError(Code.USER_PASSWORD_REQUIRED, field="password")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        unit=unit,
        organization=organization,
        must_change_password=(actor is not None) if must_change_password is None else must_change_password,
        password_is_public=password_is_public,
    )
    if password_hash:  # provisioning many accounts with one pre-hashed password (demo data)
        identify_hasher(password_hash)
        user.password = password_hash
    else:
        password_check(password, user=user)
        user.set_password(password)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(Code.USER_DUPLICATE, field="username", params={"username": username})
        user.save()
        audit.record(
            actor=actor,
            action=Event.USER_CREATED,
            obj=user,
            new={
                "username": username,
                "role": role,
                "unit": unit,
                "organization": organization,
                "must_change_password": user.must_change_password,
                "password_is_public": password_is_public,
            },
        )
    return user


def user_password_change(*, actor: Actor, user: User, old_password: str, new_password: str) -> User:
    """The signed-in user changes their own password (also how an initial password is replaced).

    The audit event says that the password changed, never what it is.
    """
    if not is_authenticated(actor) or actor.pk != user.pk:
        raise PermissionDenied(Code.PERM_DENIED, _("只能修改自己的密码"))
    if not user.check_password(old_password):
        raise ServiceError(Code.USER_PASSWORD_INCORRECT, field="old_password")
    if new_password == old_password:
        raise ServiceError(Code.USER_PASSWORD_UNCHANGED, field="new_password1")
    password_check(new_password, user=user, field="new_password1")
    return _password_store(
        actor=actor, user=user, password=new_password, must_change=False, action=Event.USER_PASSWORD_CHANGED
    )


def user_password_set(*, actor: Actor, user: User, new_password: str) -> User:
    """An administrator sets a new password for someone (a reset): validated like any other, and
    the holder must change it at the next login, since the administrator knows it."""
    require_role(actor, Role.ADMIN)
    password_check(new_password, user=user, field="password1")
    return _password_store(
        actor=actor, user=user, password=new_password, must_change=True, action=Event.USER_PASSWORD_RESET
    )


def _password_store(*, actor: Actor, user: User, password: str, must_change: bool, action: str) -> User:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = {
            "must_change_password": locked.must_change_password,
            "password_is_public": locked.password_is_public,
        }
        locked.set_password(password)
        locked.must_change_password = must_change
        locked.password_is_public = False
        locked.password_changed_at = clock.now()
        locked.save(
            update_fields=["password", "must_change_password", "password_is_public", "password_changed_at"]
        )
        audit.record(
            actor=actor,
            action=action,
            obj=locked,
            old=old,
            new={"must_change_password": must_change, "password_is_public": False},
        )
    user.password, user.must_change_password = locked.password, locked.must_change_password
    user.password_is_public, user.password_changed_at = False, locked.password_changed_at
    return user


def user_login_unlock(*, actor: Actor, user: User, reason: str = "") -> int:
    """An administrator lifts a login lockout of `user` (every address). Returns the failed
    attempts cleared; nothing is written when there were none."""
    require_role(actor, Role.ADMIN)
    state = lockout.lock_state(user.username)
    with transaction.atomic():
        cleared = int(axes_reset(username=user.username))
        if cleared:
            audit.record(
                actor=actor,
                action=Event.USER_LOGIN_UNLOCKED,
                obj=user,
                old={"failures": state.failures, "locked": state.locked},
                new={"failures": 0, "locked": False},
                reason=reason,
            )
    return cleared
