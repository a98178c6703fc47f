"""The TOTP second factor through the pages: enrolment from the account page, the code step of
the sign-in, a wrong code refused, the throttle, disabling, and an administrator's audited reset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from opengps.accounts.models import Role, User
from opengps.accounts.services import user_create
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = "Xiang-jiang-2026!"
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def at(clock_at: Callable[..., None]) -> Callable[[int], None]:
    """Pin the clock `seconds` after START (not ticking): each TOTP step is 30 s."""

    def pin(seconds: int) -> None:
        clock_at(START + timedelta(seconds=seconds), tick=False)

    pin(0)
    return pin


@pytest.fixture
def finance(units: Any) -> User:
    return user_create(actor=None, username="wang", password=GOOD, role=Role.FINANCE, unit=units["finance"])


def enrol(client: Client, user: User) -> TOTPDevice:
    client.force_login(user)
    page = client.get("/accounts/me/?totp=enrol")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/me/totp/enrol/", {"code": code_of(device)})
    assert response.status_code == 302
    client.logout()
    device.refresh_from_db()
    assert device.confirmed
    return device


def sign_in(client: Client, username: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": GOOD})


def test_finance_enrols_from_the_account_page(finance: User, at: Callable[[int], None]) -> None:
    client = Client()
    client.force_login(finance)
    # given the account page recommends the second factor to finance and shows a QR code
    page = client.get("/accounts/me/?totp=enrol").content.decode()
    assert "建议启用" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=finance, confirmed=False)
    # when a wrong code is entered, nothing is enabled
    client.post("/accounts/me/totp/enrol/", {"code": wrong(code_of(device))})
    assert not TOTPDevice.objects.filter(user=finance, confirmed=True).exists()
    # and when the right one is (django-otp's back-off: a moment later)
    at(31)
    client.post("/accounts/me/totp/enrol/", {"code": code_of(device)})
    # then it is enabled, and the audit row holds no secret
    assert TOTPDevice.objects.filter(user=finance, confirmed=True).count() == 1
    event = AuditEvent.objects.get(action="account.totp_enrolled")
    assert event.new_values == {"totp": True, "device": device.pk}
    assert device.key not in str(event.old_values) + str(event.new_values) + event.reason
    assert "已启用" in client.get("/accounts/me/").content.decode()


def test_login_asks_for_the_code_and_refuses_a_wrong_one(finance: User, at: Callable[[int], None]) -> None:
    device = enrol(Client(), finance)
    at(60)
    client = Client()
    # when the password is right
    response = sign_in(client, "wang")
    # then the code is asked for, and nobody is signed in yet
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert client.get("/accounts/me/").status_code == 302
    # a wrong code is refused on the page
    refused = client.post("/accounts/login/code/", {"code": wrong(code_of(device))})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert client.get("/accounts/me/").status_code == 302
    # the right one signs in (after django-otp's back-off of a second)
    at(62)
    done = client.post("/accounts/login/code/", {"code": code_of(device)})
    assert done.status_code == 302
    assert client.get("/accounts/me/").status_code == 200
    # and the same code cannot be replayed for another sign-in
    other = Client()
    sign_in(other, "wang")
    assert other.post("/accounts/login/code/", {"code": code_of(device)}).status_code == 200
    assert other.get("/accounts/me/").status_code == 302


def test_a_user_without_the_second_factor_signs_in_with_the_password(units: Any) -> None:
    user_create(actor=None, username="li", password=GOOD, role=Role.PURCHASER, unit=units["civil"])
    client = Client()
    assert sign_in(client, "li")["Location"] != "/accounts/login/code/"
    assert client.get("/accounts/me/").status_code == 200


def test_code_failures_are_throttled(finance: User, at: Callable[[int], None]) -> None:
    device = enrol(Client(), finance)
    client = Client()
    at(300)  # a fresh 5-minute window of the account's code attempts
    sign_in(client, "wang")
    # when five wrong codes are tried (each after django-otp's growing back-off)
    for n in range(5):
        at(300 + 2**n * 2)
        assert client.post("/accounts/login/code/", {"code": "000000"}).status_code == 200
    # then even the right code is refused with 429 until the window has passed
    at(300 + 100)
    blocked = client.post("/accounts/login/code/", {"code": code_of(device)})
    assert blocked.status_code == 429 and "次数过多" in blocked.content.decode()
    assert client.get("/accounts/me/").status_code == 302


def test_an_administrator_resets_a_lost_device_with_an_audited_reason(
    finance: User, at: Callable[[int], None]
) -> None:
    enrol(Client(), finance)
    admin = user_create(actor=None, username="root", password=GOOD, role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    # the administrator sees the state on the user's page and resets it with a reason
    assert "重置两步验证" in client.get("/accounts/users/wang/logins/").content.decode()
    response = client.post("/accounts/users/wang/totp-reset/", {"reason": "手机丢失，电话核实本人"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=finance).exists()
    event = AuditEvent.objects.get(action="account.totp_reset")
    assert event.actor == admin and event.reason == "手机丢失，电话核实本人"
    assert event.object_id == str(finance.pk)
    # and the user signs in with the password alone again
    fresh = Client()
    assert sign_in(fresh, "wang")["Location"] != "/accounts/login/code/"
    # a non-administrator may not reset anyone's
    other = Client()
    other.force_login(finance)
    assert other.post("/accounts/users/root/totp-reset/", {"reason": "x"}).status_code == 403


def test_the_user_disables_it_with_a_current_code(finance: User, at: Callable[[int], None]) -> None:
    device = enrol(Client(), finance)
    at(60)
    client = Client()
    client.force_login(finance)
    client.post("/accounts/me/totp/disable/", {"code": code_of(device)})
    assert not TOTPDevice.objects.filter(user=finance).exists()
    assert AuditEvent.objects.filter(action="account.totp_disabled", object_id=str(finance.pk)).exists()
