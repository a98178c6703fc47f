"""The public listing search (issue 19): the same listings in the same order as an independent filter
over every listing, for a table of queries — item, region at each level (a listing serving a city
serves its counties; one serving a county is found from its city and the province), price range,
text, their combinations — while prices change, versions wait for review and listings are
suspended; the live price kept on the listing follows its live version; the API pages by 20."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opengps.accounts.models import Region
from opengps.emall import services
from opengps.emall.models import Listing, ListingStatus
from opengps.emall.selectors import PAGE, ListingFilters, listing_search, listing_search_rows
from opengps.emall.tests.conftest import terms

pytestmark = pytest.mark.django_db


def expected(filters: ListingFilters) -> list[int]:
    """The search written out plainly, row by row in Python, from the versions (not the listing's
    kept price)."""
    parent = dict(Region.objects.values_list("code", "parent_id"))
    region_ok: set[str] = set()
    if filters.region in parent:
        region_ok = {code for code in parent if _above_or_equal(filters.region, code, parent)}
        region_ok |= {code for code in parent if _above_or_equal(code, filters.region, parent)}
    rows = []
    for listing in Listing.objects.select_related("item", "organization", "live_version"):
        version = listing.live_version
        if listing.status != ListingStatus.LIVE or version is None:
            continue
        served = {r.code for r in version.regions.all()}
        if (
            (not filters.item or listing.item.code == filters.item)
            and (not filters.region or served & region_ok)
            and (filters.price_min is None or version.unit_price >= filters.price_min)
            and (filters.price_max is None or version.unit_price <= filters.price_max)
            and (
                not filters.q
                or filters.q.casefold() in version.title.casefold()
                or filters.q.casefold() in listing.organization.name.casefold()
            )
        ):
            rows.append((version.unit_price, listing.pk))
    return [pk for _, pk in sorted(rows)]


def _above_or_equal(upper: str, code: str, parent: Mapping[str, str | None]) -> bool:
    node: str | None = code
    while node is not None:
        if node == upper:
            return True
        node = parent.get(node)
    return False


QUERIES: tuple[tuple[str, ListingFilters], ...] = (
    ("everything", ListingFilters()),
    ("an item", ListingFilters(item="A0401")),
    ("another item", ListingFilters(item="A0402")),
    ("an item nobody lists", ListingFilters(item="Z9999")),
    ("the province: every listing below it", ListingFilters(region="430000")),
    ("a city: its counties' listings and the province's", ListingFilters(region="430100")),
    ("a county: its own, its city's and the province's", ListingFilters(region="430104")),
    ("a county served only from above", ListingFilters(region="430121")),
    ("another city", ListingFilters(region="430200")),
    ("a county of another city", ListingFilters(region="430211")),
    ("an unknown region", ListingFilters(region="999999")),
    ("a price range, both ends included", ListingFilters(price_min=Decimal("280"), price_max=Decimal("330"))),
    ("a minimum price", ListingFilters(price_min=Decimal("300"))),
    ("a maximum price", ListingFilters(price_max=Decimal("280"))),
    ("an empty range", ListingFilters(price_min=Decimal("301"), price_max=Decimal("302"))),
    ("item and county", ListingFilters(item="A0401", region="430104")),
    ("item and city", ListingFilters(item="A0401", region="430100")),
    (
        "item, county and price",
        ListingFilters(item="A0401", region="430102", price_min=Decimal("250"), price_max=Decimal("460")),
    ),
    ("county and price", ListingFilters(region="430104", price_max=Decimal("300"))),
    ("a word of a title", ListingFilters(q="助餐专项")),
    ("the supplier's name", ListingFilters(q="阳光养老")),
    ("neither title nor name", ListingFilters(q="殡葬")),
    ("a word and a city", ListingFilters(q="助餐", region="430100")),
)


@pytest.fixture
def market(make_listing: Callable[..., Listing], supplier: Any, operator: Any) -> dict[str, Listing]:
    """Listings at every region level, tied prices, and each way a listing leaves or changes."""
    made = {
        "province": make_listing("300", regions=["430000"]),
        "changsha": make_listing("280", regions=["430100"]),
        "yuelu": make_listing("280", regions=["430104"]),
        "two counties": make_listing("450", regions=["430102", "430103"]),
        "zhuzhou": make_listing("200", regions=["430200"]),
        "other item": make_listing("310", item="A0402", unit="人·次", regions=["430104"]),
        "third item": make_listing("50000", item="B0201", unit="项", regions=["430000"]),
        "suspended": make_listing("260", regions=["430104"]),
        "pending": make_listing("100", live=False, regions=["430104"]),
        "repriced": make_listing("350", regions=["430100"]),
        "change waiting": make_listing("330", regions=["430104"]),
        "titled": make_listing("290", regions=["430105"], title="社区助餐专项服务"),
        "reinstated": make_listing("320", regions=["430211"]),
    }
    services.listing_suspend(actor=operator, listing=made["suspended"], reason="价格异常待核实")
    services.listing_suspend(actor=operator, listing=made["reinstated"], reason="资料待补")
    services.listing_reinstate(actor=operator, listing=made["reinstated"])
    # A price change approved: the new price and the new version's regions count, not the old ones.
    new = services.listing_version_create(
        actor=supplier, listing=made["repriced"], terms=terms("240", regions=["430200"])
    )
    services.listing_review(actor=operator, version=new, approve=True)
    # A price change waiting for review: buyers still see the live terms.
    services.listing_version_create(
        actor=supplier, listing=made["change waiting"], terms=terms("150", regions=["430000"])
    )
    return made


def test_search_equals_an_independent_filter(market: dict[str, Listing]) -> None:
    # given the market; when each query of the table runs; then the same listings in the same order
    for name, filters in QUERIES:
        found = list(listing_search(filters).values_list("pk", flat=True))
        assert found == expected(filters), name
        # and the API's path (its own SQL; the ORM's values() for a text query) finds the same
        assert [row["id"] for row in listing_search_rows(filters, 1)] == found, name
    # and the table is not vacuous: the region lineage and the changes above show in it
    ids = {name: listing.pk for name, listing in market.items()}
    county = list(listing_search(ListingFilters(region="430104")).values_list("pk", flat=True))
    assert {ids["province"], ids["changsha"], ids["yuelu"], ids["change waiting"]} <= set(county)
    assert ids["suspended"] not in county and ids["pending"] not in county
    city = list(listing_search(ListingFilters(region="430100")).values_list("pk", flat=True))
    assert ids["repriced"] not in city and {ids["two counties"], ids["titled"]} <= set(city)
    assert listing_search(ListingFilters(region="430200"))[0].pk == ids["zhuzhou"]
    assert list(listing_search(ListingFilters(item="A0401", price_max=Decimal("280")))) == [
        market[k] for k in ("zhuzhou", "repriced", "changsha", "yuelu")
    ]
    assert len(list(listing_search(ListingFilters(q="阳光养老")))) == 11
    tianyuan = listing_search(ListingFilters(region="430211")).values_list("pk", flat=True)
    assert ids["reinstated"] in set(tianyuan)


def test_live_price_follows_the_live_version(market: dict[str, Listing]) -> None:
    # then every listing with a live version carries its price, and no other listing has one
    for listing in Listing.objects.select_related("live_version"):
        version = listing.live_version
        assert listing.live_price == (None if version is None else version.unit_price), listing.pk
        assert listing.item_code == listing.item.code
    repriced = Listing.objects.get(pk=market["repriced"].pk)
    assert repriced.live_price == Decimal("240.00")
    assert Listing.objects.get(pk=market["change waiting"].pk).live_price == Decimal("330.00")
    assert Listing.objects.get(pk=market["pending"].pk).live_price is None


def test_api_pages_the_same_order(make_listing: Callable[..., Listing]) -> None:
    # given more listings than a page, several at one price
    prices = ["300", "280", "280", "310", "250", "250", "250", "400"] * 3
    for n, price in enumerate(prices):
        make_listing(price, regions=["430100" if n % 2 else "430104"])
    everything = list(listing_search(ListingFilters(region="430104")).values_list("pk", flat=True))
    # when the pages are read through the API
    client = Client()
    url = "/api/v1/emall/listings"
    pages = [client.get(url, {"region": "430104", "page": n}).json() for n in ("1", "2", "3")]
    # then page by page they are the search's order, PAGE at a time, and the last page is empty
    assert [len(page) for page in pages] == [PAGE, len(prices) - PAGE, 0]
    assert everything == expected(ListingFilters(region="430104"))
    assert [row["id"] for page in pages for row in page] == everything
    assert all(row["terms"]["regions"] in (["430100"], ["430104"]) for page in pages for row in page)
    # and a page costs one statement however many listings it holds on PostgreSQL (the regions an
    # array in each row), elsewhere two: the page, then their regions
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get(url, {"region": "430104", "item": "A0401", "price_max": "400"}).json()) == PAGE
    statements = 1 if connection.vendor == "postgresql" else 2
    assert len([q for q in queries.captured_queries if "emall_" in q["sql"]]) == statements
