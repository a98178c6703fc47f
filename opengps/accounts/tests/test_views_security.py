"""Sign-in security through the pages: lockout (one process; the two-process acceptance test is
test_lockout_processes), unlock, password change and forced change, idle expiry, login history,
the demo notice, and the admin's account pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, override_settings

from opengps.accounts.models import Role, User
from opengps.accounts.services import user_create
from opengps.core import clock
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = "Xiang-jiang-2026!"
NEW = "Yuelu-shan-2026#"


def login(client: Client, username: str, password: str, address: str = "127.0.0.1", **extra: Any) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


@pytest.fixture
def admin(units: Any) -> User:
    user = user_create(actor=None, username="root", password=GOOD, role=Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def auditor(units: Any) -> User:
    return user_create(actor=None, username="wu", password=GOOD, role=Role.AUDITOR, unit=units["audit"])


# -- lockout -----------------------------------------------------------------------------------


def test_ten_wrong_passwords_from_ten_addresses_lock_the_account(auditor: User) -> None:
    client = Client()
    # when nine wrong passwords come from nine addresses
    for n in range(9):
        assert login(client, "wu", "wrong", address=f"10.0.0.{n}").status_code == 200
    # then the tenth, from yet another address, locks the account (per-account count)
    locked = login(client, "wu", "wrong", address="10.0.0.99")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录已被暂时锁定" in text and "15 分钟" in text
    # and the right password is refused from a fresh address
    right = login(Client(), "wu", GOOD, address="10.9.9.9")
    assert right.status_code == 429
    assert "_auth_user_id" not in right.client.session


def test_the_lockout_page_is_in_english_for_english_visitors(auditor: User) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(10):
        response = login(client, "wu", "wrong")
    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()


def test_a_success_before_the_limit_clears_the_count(auditor: User) -> None:
    client = Client()
    for _ in range(9):
        login(client, "wu", "wrong")
    assert login(client, "wu", GOOD).status_code == 302
    assert not AccessAttempt.objects.filter(username="wu").exists()


@override_settings(OPENGPS_BEHIND_PROXY=True)
def test_behind_a_proxy_the_proxy_appended_address_is_counted(auditor: User) -> None:
    login(Client(), "wu", "wrong", address="172.16.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert AccessAttempt.objects.get(username="wu").ip_address == "203.0.113.7"


def test_an_administrator_unlocks_an_account(admin: User, auditor: User) -> None:
    for _ in range(10):
        login(Client(), "wu", "wrong")
    assert login(Client(), "wu", GOOD).status_code == 429
    # given the administrator sees the lock on the user's login history page
    staff = Client()
    staff.force_login(admin)
    page = staff.get("/accounts/users/wu/logins/").content.decode()
    assert "已锁定" in page and "解除登录锁定" in page
    # when they unlock it with a reason
    response = staff.post("/accounts/users/wu/unlock/", {"reason": "本人电话确认"}, follow=True)
    assert "已解除" in response.content.decode()
    # then the right password works again, and the unlock is on the audit chain
    assert login(Client(), "wu", GOOD).status_code == 302
    event = AuditEvent.objects.get(action="user.login_unlocked", object_id=str(auditor.pk))
    assert event.actor_id == admin.pk and event.reason == "本人电话确认"
    assert event.old_values["locked"] is True


def test_only_administrators_unlock(auditor: User, make_user: Any) -> None:
    for _ in range(10):
        login(Client(), "wu", "wrong")
    other = Client()
    other.force_login(make_user("finance", unit="finance"))
    assert other.post("/accounts/users/wu/unlock/").status_code == 403
    assert AccessAttempt.objects.filter(username="wu").exists()


def test_the_admin_site_unlock_action(admin: User, auditor: User) -> None:
    for _ in range(10):
        login(Client(), "wu", "wrong")
    staff = Client()
    staff.force_login(admin)
    listing = staff.get("/admin/accounts/user/").content.decode()
    assert "已锁定" in listing
    assert "登录记录与解锁" in staff.get(f"/admin/accounts/user/{auditor.pk}/change/").content.decode()
    response = staff.post(
        "/admin/accounts/user/", {"action": "unlock_logins", "_selected_action": [auditor.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="wu").exists()


# -- login history -----------------------------------------------------------------------------


def test_login_history_shows_successes_and_failures_with_addresses(auditor: User, admin: User) -> None:
    login(Client(), "wu", "wrong", address="198.51.100.4")
    client = Client()
    assert login(client, "wu", GOOD, address="198.51.100.5").status_code == 302
    page = client.get("/accounts/me/logins/").content.decode()
    assert "198.51.100.4" in page and "198.51.100.5" in page
    assert "登录成功" in page and "密码错误" in page
    # an administrator reads anyone's; nobody else reads another's
    staff = Client()
    staff.force_login(admin)
    assert "198.51.100.4" in staff.get("/accounts/users/wu/logins/").content.decode()
    assert client.get("/accounts/users/root/logins/").status_code == 403


def test_the_account_menu_links_the_security_pages(auditor: User) -> None:
    client = Client()
    client.force_login(auditor)
    page = client.get("/accounts/me/").content.decode()
    assert "/accounts/me/password/" in page and "/accounts/me/logins/" in page


# -- password change ---------------------------------------------------------------------------


def test_password_change_page_refuses_a_weak_password_beside_the_field(auditor: User) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.post(
        "/accounts/me/password/",
        {"old_password": GOOD, "new_password1": "12345678901", "new_password2": "12345678901"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    auditor.refresh_from_db()
    assert auditor.check_password(GOOD)


def test_password_change_keeps_the_user_signed_in(auditor: User) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.post(
        "/accounts/me/password/", {"old_password": GOOD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200
    assert AuditEvent.objects.filter(action="user.password_changed", object_id=str(auditor.pk)).exists()


def test_an_initial_password_must_be_changed_before_anything_else(admin: User, units: Any) -> None:
    user_create(actor=admin, username="li", password=GOOD, role=Role.PURCHASER, unit=units["civil"])
    client = Client()
    assert login(client, "li", GOOD).status_code == 302
    # every page leads to the change form, the API refuses
    page = client.get("/planning/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/me/password/?next=")
    api = client.get("/api/v1/planning/budget-lines")
    assert api.status_code == 403 and api.json()["error"]["code"] == "auth.password_change_required"
    assert client.get("/accounts/me/password/").status_code == 200
    # after the change the platform opens, back where they were going
    done = client.post(
        "/accounts/me/password/",
        {"old_password": GOOD, "new_password1": NEW, "new_password2": NEW, "next": "/planning/"},
    )
    assert done["Location"] == "/planning/"
    assert client.get("/planning/").status_code == 200


# -- session expiry ----------------------------------------------------------------------------


def test_officials_are_signed_out_after_30_idle_minutes(auditor: User) -> None:
    client = Client()
    login(client, "wu", GOOD)
    with time_machine.travel(clock.now() + timedelta(minutes=29), tick=False):
        assert client.get("/accounts/me/").status_code == 200
    with time_machine.travel(clock.now() + timedelta(minutes=29 + 31), tick=False):
        response = client.get("/accounts/me/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "30 分钟未操作" in response.content.decode()


def test_others_keep_their_session_while_idle_but_not_past_8_hours(make_user: Any) -> None:
    expert = make_user("expert", unit=None)
    client = Client()
    login(client, expert.username, "test-password-123")
    with time_machine.travel(clock.now() + timedelta(minutes=90), tick=False):
        assert client.get("/accounts/me/").status_code == 200
    with time_machine.travel(clock.now() + timedelta(hours=8, minutes=1), tick=False):
        assert client.get("/accounts/me/").status_code == 302


def test_an_htmx_request_after_expiry_redirects_the_whole_page(auditor: User) -> None:
    client = Client()
    login(client, "wu", GOOD)
    with time_machine.travel(clock.now() + timedelta(minutes=45), tick=False):
        response = client.get("/accounts/me/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")


# -- demo accounts -----------------------------------------------------------------------------


def test_demo_accounts_are_announced_on_the_login_page_and_after_login(units: Any) -> None:
    from opengps.accounts.demo import DEMO_PASSWORD, demo_password_hash

    client = Client()
    assert "demo-notice" not in client.get("/accounts/login/").content.decode()
    user_create(
        actor=None,
        username="finance",
        password_hash=demo_password_hash(),
        password_is_public=True,
        role=Role.FINANCE,
        unit=units["finance"],
    )
    assert "演示账户" in client.get("/accounts/login/").content.decode()
    response = login(client, "finance", DEMO_PASSWORD)
    assert response.status_code == 302
    page = client.get("/accounts/me/").content.decode()
    assert "密码是公开的" in page and "演示账户" in page


# -- the admin site ----------------------------------------------------------------------------


def test_the_admin_site_creates_accounts_through_the_service(admin: User, units: Any) -> None:
    staff = Client()
    staff.force_login(admin)
    form = {
        "username": "zhang",
        "display_name": "张三",
        "role": "purchaser",
        "unit": units["civil"].pk,
        "organization": "",
        "phone": "",
    }
    weak = staff.post("/admin/accounts/user/add/", {**form, "password1": "password", "password2": "password"})
    assert weak.status_code == 200 and not User.objects.filter(username="zhang").exists()
    assert "password1" in weak.context["adminform"].form.errors
    staff.post("/admin/accounts/user/add/", {**form, "password1": GOOD, "password2": GOOD})
    created = User.objects.get(username="zhang")
    assert created.must_change_password and created.check_password(GOOD)
    assert AuditEvent.objects.get(action="user.created", object_id=str(created.pk)).actor_id == admin.pk


def test_the_admin_site_sets_passwords_through_the_service(admin: User, auditor: User) -> None:
    staff = Client()
    staff.force_login(admin)
    url = f"/admin/accounts/user/{auditor.pk}/set-password/"
    weak = staff.post(url, {"password1": "12345678901", "password2": "12345678901"})
    assert weak.status_code == 200
    auditor.refresh_from_db()
    assert auditor.check_password(GOOD)
    staff.post(url, {"password1": NEW, "password2": NEW})
    auditor.refresh_from_db()
    assert auditor.check_password(NEW) and auditor.must_change_password
