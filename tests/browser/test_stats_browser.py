"""The statistics dashboards in Chromium (issue 22): every dashboard draws its charts beside its
tables at 1366 px and 390 px without scrolling sideways (screenshots under var/screenshots/), the
map of Hunan draws every city and, for a city, every county of the shipped boundary files, and
each chart's button saves it as a PNG file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from opengps.stats import selectors
from opengps.stats.tests.test_measures import (  # noqa: F401
    _next_year_calendar,
    fresh_registry_caches,
    scenario,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# every chart whose data has something to draw is drawn (charts.js leaves an empty one out)
DRAWN = """() => typeof echarts !== 'undefined'
  && [...document.querySelectorAll('[data-chart]')].every(el => {
  const source = document.getElementById(el.dataset.source);
  const data = source ? JSON.parse(source.textContent) : null;
  const empty = !data || (data.labels ? !data.labels.length : !data.length);
  return empty || el.querySelector('canvas');
})"""
MAP_FEATURES = """() => {
  const el = document.querySelector('[data-chart=map]');
  const map = el && echarts.getMap('opengps-' + el.dataset.geo);
  return map ? map.geoJSON.features.map(f => f.properties.name) : [];
}"""
PAGES = {
    "overview": "/stats/?year=",
    "region": "/stats/region/?year=&measure=contracted",
    "region-changsha": "/stats/region/?year=&city=430100&measure=contracted",
    "category": "/stats/category/?year=",
    "competition": "/stats/competition/?year=",
    "providers": "/stats/providers/?year=",
    "funds": "/stats/funds/?year=",
    "public": "/stats/public/?year=",
}


def _login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _open(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    page.wait_for_function(DRAWN)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def test_dashboards_draw_their_charts_at_the_desk_and_on_the_phone(
    page: Any,
    live_server: Any,
    finance: Any,
    scenario: Any,  # noqa: F811
) -> None:
    # given the scenario's summaries and the finance department signed in
    _login(page, live_server, finance)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        for width, height in WIDTHS.values():
            # when the dashboard is opened at that width
            page.set_viewport_size({"width": width, "height": height})
            _open(page, f"{live_server.url}{url}")
            page.screenshot(path=str(SCREENSHOTS / f"stats-{name}-{width}.png"), full_page=True)
            # then every chart with data is drawn, beside a table, and nothing scrolls sideways
            charts = page.locator("[data-chart] canvas").count()
            assert charts >= 1, (name, width)
            assert page.locator("main table").count() >= 1, name
            scroll_width, viewport = page.evaluate(OVERFLOW)
            assert scroll_width <= viewport, f"{name} at {width}px is {scroll_width}px wide"


def test_the_map_draws_every_city_and_every_county_of_hunan(
    page: Any,
    live_server: Any,
    finance: Any,
    scenario: Any,  # noqa: F811
) -> None:
    _login(page, live_server, finance)
    page.set_viewport_size({"width": 1366, "height": 900})
    # the province: its 14 cities and prefectures
    _open(page, f"{live_server.url}{PAGES['region']}")
    cities = page.evaluate(MAP_FEATURES)
    assert len(cities) == 14
    # each city: every county of its shipped file, 122 in all
    counties = 0
    for code in selectors.feature_regions(None).values():
        _open(page, f"{live_server.url}/stats/region/?year=&city={code}&measure=contracted")
        drawn = page.evaluate(MAP_FEATURES)
        assert drawn == selectors.geo_feature_names(selectors.geo_path(code)), code
        counties += len(drawn)
    assert counties == 122


def test_each_chart_saves_as_a_png(
    page: Any,
    live_server: Any,
    finance: Any,
    scenario: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    _login(page, live_server, finance)
    page.set_viewport_size({"width": 1366, "height": 900})
    for url in (PAGES["competition"], PAGES["region"]):
        _open(page, f"{live_server.url}{url}")
        buttons = page.locator("button[data-png]:visible")
        assert buttons.count() >= 1, url
        # when the first chart's button is pressed
        with page.expect_download() as info:
            buttons.first.click()
        download = info.value
        # then a PNG named after the chart is saved
        assert download.suggested_filename.endswith(".png")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert saved.stat().st_size > 1000
