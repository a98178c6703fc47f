"""The competition and integrity, provider and funds dashboards: each figure against an independent
calculation from the scenario's raw rows, each drill-down adding up to the figure clicked (ratios
recomputed from the records listed), their Excel exports, the red-flag links and bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from opengps.contracts.models import Contract
from opengps.rules.redflags import FlagCode
from opengps.stats.dashboards import COMPETITION_KEYS, FUND_KEYS, PROVIDER_KEYS
from opengps.stats.measures import COUNT, MEASURES
from opengps.stats.models import Fact
from opengps.stats.tests.test_measures import (  # noqa: F401
    EXPECTED,
    _next_year_calendar,
    fresh_registry_caches,
    scenario,
)

CENT = Decimal("0.01")
DASHBOARDS = {"competition": COMPETITION_KEYS, "providers": PROVIDER_KEYS, "funds": FUND_KEYS}


def _page(client: Client, view: str, **params: str) -> Any:
    response = client.get(f"/stats/{view}/", {"year": "", **params})
    assert response.status_code == 200, view
    return response


@pytest.mark.parametrize(("view", "key"), [(v, k) for v, keys in DASHBOARDS.items() for k in keys])
def test_dashboard_figure_equals_an_independent_calculation(
    view: str,
    key: str,
    scenario: Contract,  # noqa: F811
    client: Client,
    finance: Any,
) -> None:
    # given the scenario's raw rows, computed without the stats app
    expected = EXPECTED[key]()
    # when the dashboard shows the measure
    client.force_login(finance)
    shown = _page(client, view).context["figures"][key].value
    # then it is the same figure
    assert shown == expected


def _facts(client: Client, url: str) -> tuple[list[Fact], Decimal]:
    """Every record a drill-down lists (one page here) and the total it shows."""
    page = client.get(url)
    assert page.status_code == 200, url
    listed = page.context["page"]
    assert listed.count == len(listed.rows)  # the scenario fits on one page
    return listed.rows, listed.total


def _pct(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP) if whole else None


def _mean(values: list[int]) -> Decimal | None:
    return (Decimal(sum(values)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def _recomputed(key: str, facts: list[Fact], total: Decimal, others: Callable[[str], list[Fact]]) -> Any:
    """The figure, recomputed from the records its drill-down lists (a ratio also reads the records
    of its whole, through that measure's own drill-down)."""
    if key == "bidders":
        return _mean([f.bidders for f in facts])
    if key == "single_bid_share":
        return _pct(len(facts), sum(f.opened for f in others("procurements")))
    if key == "non_competitive":
        return _pct(len(facts), len(others("procurements")))
    if key == "savings":
        budget = sum((f.budget for f in facts), Decimal(0))
        return _pct(budget - sum((f.amount for f in facts), Decimal(0)), budget)
    if key in ("social_share", "industry_share"):
        return _pct(sum((f.amount for f in facts), Decimal(0)), EXPECTED["contracted"]())
    if key == "social_share_awarded":
        return _pct(sum((f.amount for f in facts), Decimal(0)), EXPECTED["awarded"]())
    if key == "days_to_award":
        return _mean([f.days_award for f in facts if f.days_award is not None])
    if key == "days_to_contract":
        return _mean([f.days_contract for f in facts if f.days_contract is not None])
    return total.quantize(CENT) if MEASURES[key].kind == "money" else total


@pytest.mark.parametrize("view", sorted(DASHBOARDS))
def test_drill_down_totals_equal_the_figures_clicked(
    view: str,
    scenario: Contract,  # noqa: F811
    client: Client,
    finance: Any,
) -> None:
    client.force_login(finance)
    response = _page(client, view)
    figures = response.context["figures"]

    def others(key: str) -> list[Fact]:
        return _facts(client, figures[key].drill)[0]

    # every figure with records behind it: the records listed give back the figure clicked
    checked = 0
    for key, figure in figures.items():
        if not figure.drill:
            continue
        facts, total = _facts(client, figure.drill)
        assert _recomputed(key, facts, total, others) == figure.value, (view, key)
        checked += 1
    assert checked >= 3
    # every table row: the first measure (an amount or a count) is the drill-down's total
    rows = 0
    for table in response.context["tables"]:
        first = table.measures[0]
        assert first.drill is not None and (first.kind == "money" or first.drill.column == COUNT)
        for row in table.rows:
            if row.drill:
                _listed, total = _facts(client, row.drill)
                assert total.quantize(CENT) == (row.values[0] or 0), (view, table.title, row.label)
                rows += 1
    assert rows >= 1, view


def test_exports_hold_the_figures_and_every_table(
    scenario: Contract,  # noqa: F811
    client: Client,
    finance: Any,
) -> None:
    from openpyxl import load_workbook

    client.force_login(finance)
    for view, keys in DASHBOARDS.items():
        response = client.get(f"/stats/export/{view}.xlsx", {"year": ""})
        assert response.status_code == 200, view
        book = load_workbook(BytesIO(response.content))
        figures = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
        assert list(figures) == [str(MEASURES[k].name) for k in keys]
        shown = _page(client, view).context
        assert len(book.worksheets) == 1 + len(shown["tables"])
        contracted = figures.get(str(MEASURES["contracted"].name))
        if contracted is not None:
            assert Decimal(str(contracted)) == EXPECTED["contracted"]()


def test_competition_links_every_red_flag_in_the_region_filtered(
    scenario: Contract,  # noqa: F811
    client: Client,
    finance: Any,
) -> None:
    client.force_login(finance)
    links = _page(client, "competition", city="430100").context["flag_links"]
    assert [parse_qs(urlparse(link["url"]).query)["code"][0] for link in links] == [c.value for c in FlagCode]
    assert all(urlparse(link["url"]).path == "/oversight/" for link in links)
    assert all(parse_qs(urlparse(link["url"]).query)["region"] == ["430100"] for link in links)
    assert "仅一家有效投标" in [link["label"] for link in links]
    # the oversight list answers the link
    assert client.get(links[0]["url"]).status_code == 200


def test_unrated_providers_drill_to_the_unrated_only(
    scenario: Contract,  # noqa: F811
    client: Client,
    finance: Any,
) -> None:
    client.force_login(finance)
    rating = _page(client, "providers").context["tables"][1]
    for row in rating.rows:
        assert parse_qs(urlparse(row.drill).query)["rating"] == [str(row.key)]


@pytest.mark.parametrize("view", sorted(DASHBOARDS))
def test_dashboards_refuse_bad_filters_and_other_roles(
    view: str, client: Client, finance: Any, purchaser: Any, regions: None
) -> None:
    assert client.get(f"/stats/{view}/").status_code == 302
    client.force_login(purchaser)
    assert client.get(f"/stats/{view}/").status_code == 403
    client.force_login(finance)
    bad = client.get(f"/stats/{view}/", {"month": "13"})
    assert bad.status_code == 400
    assert b'id="id_month-error"' in bad.content
