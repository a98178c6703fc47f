"""Accounts: users by role, units, regions; permission checks live in services."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.accounts.models import Region, Role, User
from opengps.accounts.permissions import can_read_unit_private, require_role
from opengps.accounts.services import user_create
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_hunan_regions_are_loaded_with_14_prefectures(regions: None) -> None:
    assert Region.objects.get(pk="430000").name == "湖南省"
    assert Region.objects.filter(level="prefecture").count() == 14
    assert Region.objects.filter(level="county").count() >= 120
    assert Region.objects.get(pk="433101").full_name.startswith("湖南省湘西土家族苗族自治州")


def test_user_create_writes_an_audit_event(units: dict[str, Any]) -> None:
    user = user_create(
        actor=None, username="li", password="x-password-1", role=Role.PURCHASER, unit=units["civil"]
    )
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.new_values["role"] == "purchaser"


@pytest.mark.parametrize(
    ("role", "unit", "code"),
    [
        ("purchaser", None, "user.unit_required"),
        ("supplier", None, "user.organization_required"),
        ("nobody", None, "user.role_invalid"),
    ],
)
def test_user_create_refuses_incomplete_accounts(
    role: str, unit: Any, code: str, units: dict[str, Any]
) -> None:
    with pytest.raises(ServiceError) as err:
        user_create(actor=None, username="x", password="x-password-1", role=role, unit=unit)
    assert err.value.code == code
    assert not User.objects.filter(username="x").exists()


def test_duplicate_username_is_a_conflict(make_user: Any) -> None:
    make_user("purchaser", username="dup")
    with pytest.raises(Conflict):
        make_user("purchaser", username="dup")


def test_only_admins_create_users(make_user: Any, units: dict[str, Any]) -> None:
    purchaser = make_user("purchaser")
    with pytest.raises(PermissionDenied) as err:
        user_create(actor=purchaser, username="y", password="x-password-1", role="auditor")
    assert err.value.code == "perm.denied"


def test_auditor_reads_everything_but_never_writes(make_user: Any, units: dict[str, Any]) -> None:
    auditor = make_user("auditor", unit="audit")
    assert can_read_unit_private(auditor, units["cs_civil"])
    with pytest.raises(PermissionDenied):
        require_role(auditor, Role.REGISTRATION, Role.PURCHASER, Role.ADMIN)


def test_a_unit_never_reads_another_units_private_records(make_user: Any, units: dict[str, Any]) -> None:
    purchaser = make_user("purchaser", unit="civil")
    finance = make_user("finance", unit="finance")
    assert can_read_unit_private(purchaser, units["civil"])
    assert not can_read_unit_private(purchaser, units["cs_civil"])
    assert not can_read_unit_private(finance, units["civil"])
    assert not can_read_unit_private(None, units["civil"])
