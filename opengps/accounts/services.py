"""Writes on accounts, units and regions; each in one transaction with its audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Role, Unit, User
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError

REGIONS_FILE = Path(__file__).with_name("data") / "hunan_regions.json"


def regions_load(*, actor: Any = None, path: Path = REGIONS_FILE) -> int:
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
                action="region.loaded",
                obj=("accounts.region", "430000"),
                new={"created": created, "source": path.name},
            )
    return created


def unit_create(
    *, actor: Any, name: str, kind: str, region: Region, parent: Unit | None = None, short_name: str = ""
) -> Unit:
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if kind not in Unit.Kind.values:
        raise ServiceError("unit.kind_invalid", _("单位类型无效"), field="kind")
    with transaction.atomic():
        if Unit.objects.filter(name=name).exists():
            raise Conflict("unit.duplicate", _("单位“%(name)s”已存在") % {"name": name}, field="name")
        unit = Unit.objects.create(name=name, kind=kind, region=region, parent=parent, short_name=short_name)
        audit.record(
            actor=actor,
            action="unit.created",
            obj=unit,
            new={"name": name, "kind": kind, "region": region.code, "parent": parent},
        )
    return unit


def user_create(
    *,
    actor: Any,
    username: str,
    password: str = "",
    password_hash: str = "",
    role: str,
    display_name: str = "",
    unit: Unit | None = None,
    organization: Any = None,
) -> User:
    """Create a user account. Officials need a unit; supplier members need an organization."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if role not in Role.values:
        raise ServiceError("user.role_invalid", _("角色无效"), field="role")
    if role == Role.SUPPLIER and organization is None:
        raise ServiceError(
            "user.organization_required", _("供应商账户必须关联社会组织"), field="organization"
        )
    if role in {Role.PURCHASER, Role.AGENCY, Role.FINANCE, Role.REGISTRATION} and unit is None:
        raise ServiceError("user.unit_required", _("该角色必须关联单位"), field="unit")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(
                "user.duplicate", _("用户名“%(username)s”已被使用") % {"username": username}, field="username"
            )
        user = User(
            username=username, role=role, display_name=display_name, unit=unit, organization=organization
        )
        if password_hash:  # provisioning many accounts with one pre-hashed password (demo data)
            identify_hasher(password_hash)
            user.password = password_hash
        else:
            user.set_password(password)
        user.save()
        audit.record(
            actor=actor,
            action="user.created",
            obj=user,
            new={"username": username, "role": role, "unit": unit, "organization": organization},
        )
    return user
