"""设计规范 (/design/): every component on one page; a bad query is a 400 beside its field."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

COMPONENTS = {
    "card": 'class="card"',
    "stat": 'class="stat"',
    "badges": 'class="badge ok"',
    "table": '<table class="cards">',
    "table cells": 'data-label="采购人"',
    "tabs": '<nav class="tabs"',
    "buttons": 'class="button secondary"',
    "field error": 'id="id_amount-error"',
    "empty state": 'class="empty"',
    "pagination": 'class="pagination"',
    "confirm": '<details class="confirm">',
    "breadcrumbs": 'class="breadcrumbs"',
}


def test_the_page_shows_every_component(client: Client) -> None:
    response = client.get("/design/")
    assert response.status_code == 200
    html = response.content.decode()
    missing = [name for name, marker in COMPONENTS.items() if marker not in html]
    assert missing == []
    # the sample form keeps the input and names the limit beside the field
    assert 'value="1350000"' in html and "超过本包预算 1,200,000.00 元" in html
    # money in the table is grouped and right-aligned; the phone view labels each cell
    assert re.search(r'<td data-label="预算（元）" class="num">6,018,000.00</td>', html)


@pytest.mark.parametrize(("tab", "marker"), [("tokens", "--color-official-red"), ("numbers", "601.8 万元")])
def test_tabs_are_links_served_by_the_page(client: Client, tab: str, marker: str) -> None:
    html = client.get("/design/", {"tab": tab}).content.decode()
    assert marker in html
    assert f'href="/design/?tab={tab}" class="is-active" aria-current="page"' in html


@pytest.mark.parametrize("query", [{"tab": "nope"}, {"page": "0"}, {"page": "x"}, {"page": "999"}])
def test_a_bad_query_is_refused_beside_its_field(client: Client, query: dict[str, str]) -> None:
    response = client.get("/design/", query)
    assert response.status_code == 400
    html = response.content.decode()
    field = next(iter(query))
    assert f'id="id_{field}-error"' in html
    assert 'class="card"' in html  # the page is still shown, on its first tab


def test_the_sample_confirmation_changes_nothing(client: Client) -> None:
    response = client.post("/design/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/design/")
    assert "本页不执行任何操作" in response.content.decode()


def test_english_amounts(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/design/", {"tab": "numbers"}).content.decode()
    assert "6.018 million yuan" in html and "6,018,000.00" in html
