"""Passwords: the validators on every path that sets one, forced change of initial passwords,
demo accounts with their public password, and the audit trail (which never holds a password)."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.accounts.models import Role, User
from opengps.accounts.services import user_create, user_password_change, user_password_set
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = "Xiang-jiang-2026!"
# The acceptance table of issue 13, plus one per validator.
WEAK = [
    pytest.param("1", "password_too_short", id="one-character"),
    pytest.param("password", "password_too_common", id="common"),
    pytest.param("wangfang01", "password_too_similar", id="the-username"),
    pytest.param("12345678901", "password_entirely_numeric", id="digits"),
    pytest.param("qwertyuiop", "password_too_common", id="keyboard-row"),
]


@pytest.fixture
def admin(units: dict[str, Any]) -> User:
    user = user_create(actor=None, username="root", password=GOOD, role=Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_user_create_refuses_weak_passwords(password: str, reason: str, admin: User, units: Any) -> None:
    # when an administrator creates an account with a weak initial password
    with pytest.raises(ServiceError) as err:
        user_create(
            actor=admin, username="wangfang01", password=password, role=Role.PURCHASER, unit=units["civil"]
        )
    # then it is refused beside the password field, with the reason, and nothing is created
    assert err.value.code == "user.password_weak"
    assert err.value.field == "password"
    assert reason in err.value.params["reasons"]
    assert not User.objects.filter(username="wangfang01").exists()


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_password_change_refuses_weak_passwords(password: str, reason: str, units: Any) -> None:
    user = user_create(actor=None, username="wangfang01", password=GOOD, role=Role.AUDITOR)
    with pytest.raises(ServiceError) as err:
        user_password_change(actor=user, user=user, old_password=GOOD, new_password=password)
    assert err.value.code == "user.password_weak" and err.value.field == "new_password1"
    assert reason in err.value.params["reasons"]
    user.refresh_from_db()
    assert user.check_password(GOOD)


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_password_reset_by_an_administrator_refuses_weak_passwords(
    password: str, reason: str, admin: User
) -> None:
    user = user_create(actor=None, username="wangfang01", password=GOOD, role=Role.AUDITOR)
    with pytest.raises(ServiceError) as err:
        user_password_set(actor=admin, user=user, new_password=password)
    assert err.value.code == "user.password_weak"
    assert reason in err.value.params["reasons"]


def test_the_reasons_are_in_chinese_first() -> None:
    from opengps.accounts.services import password_check

    with pytest.raises(ServiceError) as err:
        password_check("1", user=User(username="x"))
    assert str(err.value.message) == "密码太短，至少需要 10 个字符。 这个密码太常见了。 密码只包含数字。"
    with pytest.raises(ServiceError) as common:
        password_check("password", user=User(username="x"))
    assert "这个密码太常见了" in str(common.value.message)


def test_the_display_name_counts_as_a_personal_attribute(units: Any) -> None:
    with pytest.raises(ServiceError) as err:
        user_create(
            actor=None, username="a1", password="zhaoqiangju", display_name="zhaoqiangju", role="auditor"
        )
    assert "password_too_similar" in err.value.params["reasons"]


def test_an_administrator_created_account_must_change_its_initial_password(admin: User, units: Any) -> None:
    # when an administrator creates an account
    user = user_create(actor=admin, username="li", password=GOOD, role=Role.PURCHASER, unit=units["civil"])
    # then its holder must change the initial password
    assert user.must_change_password and not user.password_is_public
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.new_values["must_change_password"] is True
    assert GOOD not in str(event.new_values)
    # when they change it
    user_password_change(actor=user, user=user, old_password=GOOD, new_password="Yuelu-shan-2026#")
    user.refresh_from_db()
    # then the flag is cleared, the time recorded, and the timeline says so without the password
    assert not user.must_change_password and user.password_changed_at is not None
    assert user.check_password("Yuelu-shan-2026#")
    changed = AuditEvent.objects.get(action="user.password_changed", object_id=str(user.pk))
    assert changed.old_values == {"must_change_password": True, "password_is_public": False}
    assert "Yuelu" not in str(changed.new_values)


def test_an_administrator_may_not_provision_a_prehashed_password(admin: User) -> None:
    with pytest.raises(ServiceError) as err:
        user_create(actor=admin, username="h", password_hash="md5$x$y", role=Role.AUDITOR)
    assert err.value.code == "user.password_required"


def test_a_reset_password_must_be_changed_again(admin: User) -> None:
    user = user_create(actor=None, username="zhou", password=GOOD, role=Role.AUDITOR)
    assert not user.must_change_password  # system provisioning (tests, benchmarks) is not forced
    user_password_set(actor=admin, user=user, new_password="Dongting-hu-2026")
    user.refresh_from_db()
    assert user.must_change_password and user.check_password("Dongting-hu-2026")
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(user.pk)).exists()


def test_only_the_holder_changes_a_password_and_only_knowing_the_old_one(admin: User) -> None:
    user = user_create(actor=None, username="zhou", password=GOOD, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        user_password_change(actor=admin, user=user, old_password=GOOD, new_password="Dongting-hu-2026")
    with pytest.raises(ServiceError) as err:
        user_password_change(actor=user, user=user, old_password="nope", new_password="Dongting-hu-2026")
    assert err.value.code == "user.password_incorrect" and err.value.field == "old_password"
    with pytest.raises(ServiceError) as same:
        user_password_change(actor=user, user=user, old_password=GOOD, new_password=GOOD)
    assert same.value.code == "user.password_unchanged"


def test_only_administrators_reset_passwords(units: Any) -> None:
    auditor = user_create(actor=None, username="wu", password=GOOD, role=Role.AUDITOR)
    other = user_create(actor=None, username="zhou", password=GOOD, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        user_password_set(actor=auditor, user=other, new_password="Dongting-hu-2026")


def test_demo_accounts_keep_their_public_password_and_are_marked() -> None:
    from opengps.accounts.demo import DEMO_PASSWORD, demo_password_hash

    # given a demo account provisioned with the published password
    user = user_create(
        actor=None,
        username="demo1",
        password_hash=demo_password_hash(),
        password_is_public=True,
        role="auditor",
    )
    # then it is marked, not forced to change, and the published password works
    assert user.password_is_public and not user.must_change_password
    assert user.check_password(DEMO_PASSWORD)
    # and changing it ends the mark
    user_password_change(actor=user, user=user, old_password=DEMO_PASSWORD, new_password="Juzizhou-2026!")
    user.refresh_from_db()
    assert not user.password_is_public
