"""The public search's fast path (issue 19): the JSON it writes from plain values is exactly what its
documented schema (`ListingOut`, with its resolvers) makes of the same listings as model instances."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from opengps.emall import services
from opengps.emall.api import ListingOut
from opengps.emall.models import Listing
from opengps.emall.selectors import ListingFilters, listing_search
from opengps.emall.tests.conftest import terms

pytestmark = pytest.mark.django_db

URL = "/api/v1/emall/listings"


def through_schema(listings: list[Listing]) -> list[dict[str, Any]]:
    """The page as the schema renders it (ninja's validation, then ninja's JSON encoder)."""
    dumped = [ListingOut.from_orm(listing).model_dump() for listing in listings]
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))  # type: ignore[no-any-return]


@pytest.fixture
def listings(make_listing: Callable[..., Listing], supplier: Any, operator: Any) -> list[Listing]:
    """Several regions in unsorted order, another item and unit, empty qualifications, a price change
    (version 2 live), a change waiting for review, a suspended listing."""
    made = [
        make_listing("280.5", regions=["430200", "430104", "430102"]),
        make_listing("310", item="A0402", unit="人·次", regions=["430100"], qualifications=""),
        make_listing("300", regions=["430000"], title="社区“助餐”专项服务 & <测试>"),
        make_listing("450", regions=["430104"]),
        make_listing("260", regions=["430104"]),
    ]
    new = services.listing_version_create(
        actor=supplier, listing=made[3], terms=terms("240", regions=["430211", "430100"])
    )
    services.listing_review(actor=operator, version=new, approve=True)
    services.listing_version_create(actor=supplier, listing=made[0], terms=terms("150"))
    services.listing_suspend(actor=operator, listing=made[4], reason="价格异常待核实")
    return made


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({}, ListingFilters()),
        ({"item": "A0401"}, ListingFilters(item="A0401")),
        ({"region": "430104"}, ListingFilters(region="430104")),
        ({"item": "A0401", "region": "430100", "page": "1"}, ListingFilters(item="A0401", region="430100")),
        ({"q": "助餐"}, ListingFilters(q="助餐")),
        (
            {"price_min": "250", "price_max": "320"},
            ListingFilters(price_min=Decimal("250"), price_max=Decimal("320")),
        ),
    ],
)
def test_fast_json_equals_the_schema(
    listings: list[Listing], params: dict[str, str], filters: ListingFilters
) -> None:
    # given the listings; when the API searches
    response = Client().get(URL, params)
    # then the body is exactly the schema's rendering of the same listings, in the same order
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    expected = through_schema(list(listing_search(filters)))
    assert body == expected
    assert len(body) >= 2  # not vacuous: each query finds several listings


def test_fast_json_fields_and_values(listings: list[Listing]) -> None:
    # when everything is searched
    body = Client().get(URL).json()
    by_id = {row["id"]: row for row in body}
    # then each row has the documented fields and no others, with the live version's terms
    documented = set(ListingOut.model_json_schema()["properties"])
    assert all(set(row) == documented for row in body)
    repriced = by_id[listings[3].pk]
    assert repriced["terms"]["number"] == 2 and repriced["terms"]["unit_price"] == "240.00"
    assert repriced["terms"]["regions"] == ["430100", "430211"]  # in code order
    first = by_id[listings[0].pk]
    assert first["terms"]["unit_price"] == "280.50"  # the live price, not the change waiting
    assert first["terms"]["regions"] == ["430102", "430104", "430200"]
    assert first["status_label"] == "在售" and first["item_name"]
    assert by_id[listings[2].pk]["terms"]["title"] == "社区“助餐”专项服务 & <测试>"
    assert listings[4].pk not in by_id  # suspended: not in the search
    # and Chinese stays readable in the body (not \\u escapes)
    assert "在售".encode() in Client().get(URL).content
