"""Residents' pages on a phone (issue 23): at 390 × 844, axe-core (pinned in assets.lock.json,
fetched at build time by scripts/assets.py into var/assets/testing/) finds no serious or critical
accessibility violation on any resident page — the finder with its results, a service with its
rating and complaint forms (also when a form is refused beside its field), the receipt with the
tracking number and the tracking page — in Chinese and in English, and with the large-text and
high-contrast reading settings on. The settings stay on the phone across pages; a viewed service
page opens offline through the service worker. And the resident's path end to end: find a service
by county and need, rate it with a one-time code, file a complaint and see its status change when
the purchasing unit answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path("var/assets/testing/axe/axe.min.js")
PHONE = {"width": 390, "height": 844}
LANGUAGES = ("zh-hans", "en")
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


@pytest.fixture(autouse=True)
def _calendar(next_year_calendar: Any) -> None:
    """Answer deadlines count from today and may reach into a year the shipped calendar lacks."""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `python3 scripts/assets.py` (make assets) first")
    return AXE.read_text(encoding="utf-8")


def _violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Inject axe-core into the page (through the DevTools protocol, so the page's CSP, which
    allows no inline script, does not apply) and run every rule; the serious and critical ones."""
    page.evaluate(axe_source)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


def _open(page: Any, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, url
    page.wait_for_load_state("load")


def _resident_pages(page: Any, base: str, contract: Any) -> list[tuple[str, Any]]:
    """Visit each resident page in turn; yields (name, None) after each is loaded."""
    service = f"{base}/residents/services/contract/{contract.pk}/"
    steps: list[tuple[str, Any]] = [
        ("finder", lambda: _open(page, f"{base}/residents/")),
        ("finder results", lambda: _open(page, f"{base}/residents/?county=430104&need=elderly")),
        ("finder refused", lambda: _open(page, f"{base}/residents/?county=&need=", 400)),
        ("service", lambda: _open(page, service)),
    ]

    def rate_refused() -> None:
        _open(page, service)
        page.locator("form[action$='/rate'] button[type=submit]").click()
        page.wait_for_load_state("load")

    def rated() -> None:
        _open(page, service)
        page.locator("form[action$='/rate'] input[name=stars][value='4']").check()
        page.locator("form[action$='/rate'] button[type=submit]").click()
        page.wait_for_url("**/residents/done/")

    def filed() -> None:
        _open(page, service)
        page.locator("form[action$='/file'] input[name=kind][value=complaint]").check()
        page.locator("form[action$='/file'] textarea[name=text]").fill("上门服务总是迟到")
        page.locator("form[action$='/file'] button[type=submit]").click()
        page.wait_for_url("**/residents/done/")

    def tracked() -> None:
        page.locator("a.button[href*='tracking=']").click()
        page.wait_for_load_state("load")

    steps += [
        ("rate refused", rate_refused),
        ("rated (receipt)", rated),
        ("complaint filed (receipt)", filed),
        ("tracking", tracked),
        ("tracking unknown", lambda: _open(page, f"{base}/residents/track/?tracking=NOPE", 404)),
        ("not found", lambda: _open(page, f"{base}/residents/services/contract/999999/", 404)),
    ]
    return steps


VIEWS_ON = """() => { localStorage.setItem('opengps.residents.view.large', 'on');
  localStorage.setItem('opengps.residents.view.contrast', 'on'); }"""
OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
UNREGISTER = "() => navigator.serviceWorker.getRegistrations().then(rs => rs.forEach(r => r.unregister()))"
FORGET_WORKERS = """() => Promise.all([
  navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister()))),
  caches.keys().then(names => Promise.all(names.map(name => caches.delete(name)))),
])"""


@pytest.mark.parametrize(
    ("language", "reading_settings"), [("zh-hans", False), ("en", False), ("zh-hans", True)]
)
def test_no_serious_accessibility_violation_on_any_resident_page(
    page: Any, live_server: Any, contract: Any, axe_source: str, language: str, reading_settings: bool
) -> None:
    # given a phone, the language chosen (and the large-text, high-contrast view), a live service
    page.set_viewport_size(PHONE)
    if reading_settings:
        page.add_init_script(f"({VIEWS_ON})()")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for name, visit in _resident_pages(page, live_server.url, contract):
            # when each resident page is checked by axe-core
            visit()
            assert page.evaluate("document.documentElement.lang").startswith(language[:2]), name
            assert page.evaluate(OVERFLOW), f"{name} scrolls sideways"
            classes = page.evaluate("document.documentElement.className")
            assert ("residents-contrast" in classes) == reading_settings, name
            violations = _violations(page, axe_source)
            if violations:
                found[name] = violations
    finally:
        page.evaluate("() => localStorage.clear()")  # the browser profile outlives the test
    # then none has a serious or critical violation
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_reading_settings_stay_on_the_phone(page: Any, live_server: Any, contract: Any) -> None:
    # given a service page on a phone, no setting chosen yet
    page.set_viewport_size(PHONE)
    _open(page, f"{live_server.url}/residents/services/contract/{contract.pk}/")
    page.evaluate("() => localStorage.clear()")
    page.reload()
    large = page.locator(".residents-view button[data-view=large]")
    contrast = page.locator(".residents-view button[data-view=contrast]")
    assert large.is_visible() and large.get_attribute("aria-pressed") == "false"
    root_size = "() => getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(root_size) == "16px"
    # when the resident turns on large text and high contrast
    large.click()
    contrast.click()
    # then the page grows and darkens at once, and so does the next page, with nothing sent
    assert page.evaluate(root_size) == "20px"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.residents')).backgroundColor") == (
        "rgb(0, 0, 0)"
    )
    _open(page, f"{live_server.url}/residents/track/")
    assert page.evaluate(root_size) == "20px"
    assert page.locator(".residents-view button[data-view=large]").get_attribute("aria-pressed") == "true"
    assert page.evaluate(OVERFLOW)
    assert all("view" not in c["name"] for c in page.context.cookies())
    # and turning it off again is remembered too
    page.locator(".residents-view button[data-view=large]").click()
    _open(page, f"{live_server.url}/residents/")
    assert page.evaluate(root_size) == "16px"
    page.evaluate("() => localStorage.clear()")


def test_a_viewed_service_opens_offline(page: Any, live_server: Any, contract: Any) -> None:
    # given a resident reading in Chinese who opened a service page once the service worker was
    # running — in a browser with no worker or cache left by the other tests (the session's profile
    # keeps them, and the worker caches the offline page in the language it was installed in)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(f"{live_server.url}/")  # outside the worker's scope
    page.evaluate(FORGET_WORKERS)
    page.set_viewport_size(PHONE)
    service = f"{live_server.url}/residents/services/contract/{contract.pk}/"
    _open(page, service)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    _open(page, service)  # now through the worker, which keeps a copy
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('residents-pages').then(c => c.keys()).then(k => k.length === 1)"
    )
    try:
        # when the phone goes offline
        page.context.set_offline(True)
        # then the viewed service still opens, and a page never viewed shows the offline page
        page.goto(service)
        assert page.locator("h1").inner_text() == contract.title
        page.goto(f"{live_server.url}/residents/track/")
        assert page.locator("h1").inner_text() == "现在没有网络"
    finally:
        page.context.set_offline(False)
        page.evaluate(UNREGISTER)
        page.evaluate("() => caches.keys().then(ns => Promise.all(ns.map(n => caches.delete(n))))")


def _as(page: Any, live_server: Any, user: Any | None) -> None:
    """Sign `user` in on the browser (None: sign out), through a session made by the test client."""
    page.context.clear_cookies()
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_a_resident_finds_rates_complains_and_sees_the_answer(
    page: Any, live_server: Any, contract: Any, evaluation: Any, purchaser: Any
) -> None:
    from opengps.performance import services as performance

    # given a one-time code the provider handed out, and a resident's phone
    (code,) = performance.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=1)
    page.set_viewport_size(PHONE)
    _as(page, live_server, None)
    # when the resident finds the service by county and need
    _open(page, f"{live_server.url}/residents/")
    page.select_option("select[name=county]", "430104")
    page.locator("input[name=need][value=elderly]").check()
    page.locator("main form button[type=submit]").click()
    page.locator(f"a[href$='/residents/services/contract/{contract.pk}/']").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == contract.title
    # and rates it with the code
    page.locator("form[action$='/rate'] input[name=stars][value='5']").check()
    page.locator("form[action$='/rate'] input[name=code]").fill(code.lower())
    page.locator("form[action$='/rate'] button[type=submit]").click()
    page.wait_for_url("**/residents/done/")
    assert "已凭评价码核实" in page.locator("main").inner_text()
    # and files a complaint, keeping its tracking number
    _open(page, f"{live_server.url}/residents/services/contract/{contract.pk}/")
    page.locator("form[action$='/file'] input[name=kind][value=complaint]").check()
    page.locator("form[action$='/file'] textarea[name=text]").fill("上门服务总是迟到")
    page.locator("form[action$='/file'] button[type=submit]").click()
    page.wait_for_url("**/residents/done/")
    tracking = page.locator(".tracking").inner_text().strip()
    _open(page, f"{live_server.url}/residents/track/?tracking={tracking}")
    assert "待答复" in page.locator(".badge").inner_text()
    # then the purchasing unit answers it from its inbox
    _as(page, live_server, purchaser)
    _open(page, f"{live_server.url}/residents/inbox/")
    page.locator("main form textarea[name=answer]").fill("已约谈服务机构，下周起准时上门")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/residents/inbox/")
    # and the resident sees the status change and the answer
    _as(page, live_server, None)
    _open(page, f"{live_server.url}/residents/track/?tracking={tracking}")
    assert page.locator(".badge").inner_text() == "已答复"
    assert "已约谈服务机构，下周起准时上门" in page.locator("main").inner_text()
    assert evaluation.responses.get().answer == 5
