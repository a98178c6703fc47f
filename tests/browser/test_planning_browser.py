"""A unit fills in the plan form: the method decisions refresh as the amount and circumstances change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None]) -> None:
    """Planning's fixed today (the world's `make_line` and `make_project` file 2026 budgets)."""
    clock_at(TODAY)


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_the_method_preview_follows_the_amount_and_the_facts(
    page: Any,
    live_server: Any,
    purchaser: Any,
    make_line: Callable[..., Any],
    make_project: Callable[..., Any],
) -> None:
    # given an approved project of 250万 and a line covering it
    make_line("3000000")
    project = make_project("2500000")
    _login(page, live_server, purchaser)
    page.goto(f"{live_server.url}/planning/projects/{project.pk}/")
    preview = page.locator("#method-preview")
    assert "须财政部门批准" in preview.inner_text()
    # when the amount is lowered below the open-tender threshold
    page.fill("#plan-amount", "800000")
    page.locator("#plan-amount").dispatch_event("change")
    # (an arrow function: a bare expression would be eval'd, which the page's CSP refuses)
    page.wait_for_function(
        "() => !document.querySelector('#method-preview').innerText.includes('须财政部门批准')"
    )
    # then the preview is refreshed in place, without leaving the page
    assert page.url.endswith(f"/planning/projects/{project.pk}/")
    assert "竞争性磋商" in page.locator("#method-preview").inner_text()
    # when a circumstance is ticked and the method chosen, the chosen row is marked
    page.select_option("#plan-method", "competitive_consultation")
    page.wait_for_function("() => document.querySelector('#method-preview').innerText.includes('已选')")
    page.screenshot(path="var/browser-plan-preview.png", full_page=True)
