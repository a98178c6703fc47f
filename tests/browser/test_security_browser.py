"""Under the strict Content-Security-Policy the pages still work in a real browser: no violation is
reported while a visitor searches the registry (htmx), signs in through the form, opens the
account menu and the password page, and reads the API docs (Swagger UI)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opengps.registry.demo_names import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xiang-jiang-2026!"


@pytest.fixture
def account(units: dict[str, Any]) -> Any:
    from opengps.accounts.services import user_create

    return user_create(actor=None, username="wu", password=PASSWORD, role="auditor", unit=units["audit"])


@pytest.fixture
def organization(registrar: Any) -> Any:
    from opengps.registry.services import organization_create

    return organization_create(
        actor=registrar,
        name="长沙市岳麓区夕阳红养老服务中心",
        uscc=make_uscc(kind_code="2", region_code="430104", serial=1),
        org_type="social_service_agency",
        region="430104",
        founded_on=date(2016, 5, 1),
    )


def test_no_csp_violation_on_the_main_paths(
    page: Any, live_server: Any, account: Any, organization: Any
) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    # the public registry search refreshes its results through htmx
    page.goto(f"{live_server.url}/registry/")
    page.locator("input[name=q]").first.fill("夕阳红")
    page.wait_for_function("() => document.querySelector('main').innerText.includes('共 1 个社会组织')")
    # sign in through the form, open the account menu, change-password page and sign-in history
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "wu")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_new_password1").is_visible()
    page.goto(f"{live_server.url}/accounts/me/logins/")
    assert "登录成功" in page.locator("main").inner_text()
    # Swagger UI renders from our own static files
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert violations == []
    page.screenshot(path="var/browser-security.png", full_page=True)
