"""The checks of a page on a phone (390 × 844) shared by the phone browser tests: the page never
scrolls sideways (the document is no wider than the screen), its main heading is on screen, and its
visible text shows labels, never a raw code — a dotted error or event code (``emall.order_not_found``),
a snake_case value, or one of the page's stored choice values (``confirmed``, ``negative``…)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.test import Client

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path("var/screenshots")
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
TEXT = "() => document.body.innerText"
APPS = (
    "accounts|assessment|auth|capacity|catalog|contracts|core|emall|grants|opinion|page|performance"
    "|planning|procurement|registry|residents|rules|workflow"
)
CODES = (
    re.compile(rf"\b(?:{APPS})\.[a-z_]+\b"),  # an error, rule or event code
    re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),  # a snake_case stored value (social_work, resident_feedback)
)


def login(page: Any, live_server: Any, user: Any) -> None:
    """Sign `user` in on the browser: the session of a test client, as a cookie of the live server."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def raw_codes(text: str, values: Iterable[str] = ()) -> list[str]:
    """The codes shown in `text`: dotted codes, snake_case values and any of `values` as a word."""
    found = [match for pattern in CODES for match in pattern.findall(text)]
    found += [value for value in values if re.search(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", text)]
    return found


def check_on_phone(page: Any, url: str, name: str, *, heading: str, values: Iterable[str] = ()) -> str:
    """Open `url` at 390 × 844 and check it fits, shows its main heading `heading` and no raw code;
    a full-page screenshot is kept as var/screenshots/<name>-390.png. The page's visible text."""
    page.set_viewport_size(PHONE)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
    scroll_width, viewport = page.evaluate(WIDTH)
    assert viewport == PHONE["width"]
    assert scroll_width <= viewport, f"{name} is {scroll_width}px wide on a {viewport}px phone"
    title = page.locator("main h1").first
    assert title.is_visible(), f"{name}: the main heading is not visible"
    assert heading in title.inner_text()
    box = title.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport
    text: str = page.evaluate(TEXT)
    assert raw_codes(text, values) == [], f"{name} shows codes"
    return text
