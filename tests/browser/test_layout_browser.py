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
    page.evaluate("() => document.fonts.ready.then(() => true)")  # the web fonts' slices, so no box is shot
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


# --- the e-mall, the statistics and the residents' pages on a phone -----------------------------


@pytest.fixture
def emall_order(
    clock_at: Any,
    fresh_registry_caches: None,
    make_user: Any,
    make_org: Any,
    purchaser: Any,
    small_catalogue: Any,
    make_line: Any,
) -> Any:
    """A live listing of an entered supplier and the purchaser's order from it, built through the
    e-mall's services on the world's day (the e-mall tests' own world)."""
    from opengps.accounts.models import Region
    from opengps.demo.world import TODAY
    from opengps.emall import services

    clock_at(TODAY)
    operator = make_user("emall_operator", unit="finance")
    supplier = make_user("supplier", unit=None, organization=make_org())
    entry = services.entry_apply(
        actor=supplier,
        items=list(small_catalogue.items.filter(code__in=("A0401", "A0402"))),
        contact_person="张伟",
        contact_phone="0731-88880000",
        statement="养老服务",
    )
    services.entry_decide(actor=operator, entry=entry, approve=True)
    terms = services.listing_terms(
        title="居家养老上门服务（助餐助洁、助浴、陪同就医）",
        standard="每户每月上门8次，含助餐、助洁，服务记录可追溯",
        unit="户·月",
        unit_price="1280",
        regions=[Region.objects.get(pk="430000")],
        response_days=3,
        qualifications="持证养老护理员",
    )
    listing = services.listing_create(
        actor=supplier, item=small_catalogue.items.get(code="A0401"), terms=terms
    )
    services.listing_submit(actor=supplier, listing=listing)
    services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
    return services.order_place(
        actor=purchaser,
        listing=listing,
        budget_line=make_line("500000"),
        quantity="12",
        service_region=Region.objects.get(pk="430104"),
    )


def test_the_emall_and_the_statistics_fit_the_phone(
    page: Any, live_server: Any, purchaser: Any, finance: Any, emall_order: Any
) -> None:
    from opengps.stats.services import summaries_refresh

    summaries_refresh(actor=None)
    # given the purchaser who bought from the e-mall, then the finance department reading the figures
    pages = {
        purchaser: {
            "emall": "/emall/",
            "emall-listing": f"/emall/listings/{emall_order.listing_id}/",
            "emall-orders": "/emall/orders/",
            "emall-order": f"/emall/orders/{emall_order.pk}/",
        },
        finance: {"stats": "/stats/", "stats-region": "/stats/region/", "stats-category": "/stats/category/"},
    }
    for user, named in pages.items():
        page.context.clear_cookies()
        _login(page, live_server, user)
        for width_name in WIDTHS:
            for name, path in named.items():
                # then none scrolls sideways on a phone or squeezes a name, and each is kept as a screenshot
                _check(page, f"{live_server.url}{path}", name, width_name)


def test_the_residents_pages_fit_the_phone(
    page: Any, live_server: Any, purchaser: Any, contract: Any
) -> None:
    from opengps.accounts.demo import DemoContext
    from opengps.residents import demo
    from opengps.residents.models import Feedback

    # given the world's published contract with residents' ratings and complaints on it
    demo.load(DemoContext(organizations=0))
    tracking = Feedback.objects.order_by("pk").values_list("tracking", flat=True).first()
    assert tracking is not None
    pages = {
        "residents-finder": "/residents/?county=430104&need=elderly",
        "residents-service": f"/residents/services/contract/{contract.pk}/",
        "residents-track": f"/residents/track/?tracking={tracking}",
    }
    for width_name in WIDTHS:
        for name, path in pages.items():
            # then a resident on a phone reads them without scrolling sideways
            _check(page, f"{live_server.url}{path}", name, width_name)
    # and the purchaser's inbox of their complaints fits too
    _login(page, live_server, purchaser)
    for width_name in WIDTHS:
        _check(page, f"{live_server.url}/residents/inbox/", "residents-inbox", width_name)
