"""The layout at a desk and on a phone (issue 18): the workbench, a procurement page and its notice
at 1366 px and 390 px never scroll sideways, table cells keep names readable, the phone menu opens
without script, and screenshots of each are kept under var/screenshots/ (the issue's artefacts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}

# a table cell whose text has 4 or more characters but is narrower than three of them: a name
# wrapping one character a line
NARROW_CELLS = """() => [...document.querySelectorAll('main td, main th')].filter(cell => {
  const text = cell.innerText.trim();
  const size = parseFloat(getComputedStyle(cell).fontSize);
  return text.length >= 4 && cell.getBoundingClientRect().width < 3 * size;
}).map(cell => cell.innerText.trim().slice(0, 20))"""
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture(autouse=True)
def _calendar(next_year_calendar: Any) -> None:
    """The opened procurement's deadlines may reach into a year the shipped calendar lacks."""


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _check(page: Any, url: str, name: str, width_name: str) -> None:
    width, height = WIDTHS[width_name]
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    scroll_width, viewport = page.evaluate(OVERFLOW)
    assert scroll_width <= viewport, f"{name} at {width}px is {scroll_width}px wide"
    assert page.evaluate(NARROW_CELLS) == [], f"{name} at {width}px squeezes cells"


def test_pages_fit_the_desk_and_the_phone(page: Any, live_server: Any, purchaser: Any, opened: Any) -> None:
    # given a procurement that was announced and opened, and its purchaser signed in
    _login(page, live_server, purchaser)
    pages = {
        "workbench": "/",
        "procurement-list": "/procurement/",
        "procurement": f"/procurement/{opened.pk}/",
        "notice": f"/procurement/{opened.pk}/notice/",
    }
    for width_name in WIDTHS:
        for name, path in pages.items():
            # then no page is wider than the screen, at a desk or on a phone
            _check(page, f"{live_server.url}{path}", name, width_name)


def test_the_phone_menu_opens_without_script(page: Any, live_server: Any, purchaser: Any) -> None:
    _login(page, live_server, purchaser)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/procurement/")
    sidebar = page.locator("#sidebar")
    # the sidebar is folded away on a phone; the top bar's 菜单 opens it (a checkbox and CSS)
    assert not sidebar.is_visible()
    page.locator("label[for=nav-toggle]").click()
    assert sidebar.is_visible()
    assert sidebar.locator("a[aria-current=page]").inner_text() == "采购公告"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "menu-390.png"), full_page=False)
    scroll_width, viewport = page.evaluate(OVERFLOW)
    assert scroll_width <= viewport
    # at a desk it is always shown
    page.set_viewport_size({"width": 1366, "height": 900})
    assert sidebar.is_visible()


def test_the_design_page_shows_every_component(page: Any, live_server: Any) -> None:
    for width_name in WIDTHS:
        _check(page, f"{live_server.url}/design/", "design", width_name)
    # on a phone the data table is one card per row, each cell labelled with its column
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/design/")
    cell = page.locator("table.cards td[data-label]").first
    assert page.evaluate("c => getComputedStyle(c).display", cell.element_handle()) == "grid"
    assert page.evaluate("c => getComputedStyle(c, '::before').content", cell.element_handle()) != "none"


def test_the_main_lists_fit_the_desk_and_the_phone(
    page: Any, live_server: Any, purchaser: Any, opened: Any
) -> None:
    # given the purchaser signed in, with a procurement in the lists
    _login(page, live_server, purchaser)
    lists = [
        "/registry/",
        "/catalog/",
        "/planning/",
        "/planning/intentions/",
        "/contracts/",
        "/performance/",
        "/grants/",
        "/portal/",
        "/opendata/",
        "/rules/",
        "/agenda/",
        "/reminders/",
    ]
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        for path in lists:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            # then none scrolls sideways or squeezes a name into a column of single characters
            scroll_width, viewport = page.evaluate(OVERFLOW)
            assert scroll_width <= viewport, f"{path} is {scroll_width}px wide at {width}px"
            assert page.evaluate(NARROW_CELLS) == [], (path, width)
