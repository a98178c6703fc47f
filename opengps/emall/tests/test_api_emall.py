"""The e-mall API: public search and detail, the purchaser's order and the structured refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_search_and_detail(make_listing: Callable[..., Any]) -> None:
    cheap = make_listing("280")
    make_listing("310", item="A0402", unit="人·次")
    draft = make_listing("300", live=False)
    found = Client().get("/api/v1/emall/listings", {"item": "A0401", "region": "430104", "price_max": "300"})
    assert found.status_code == 200
    assert [row["id"] for row in found.json()] == [cheap.pk]
    assert found.json()[0]["terms"]["unit_price"] in ("280.00", 280.0, "280")
    assert Client().get(f"/api/v1/emall/listings/{cheap.pk}").json()["status_label"] == "在售"
    missing = Client().get(f"/api/v1/emall/listings/{draft.pk}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "emall.listing_not_found"
    assert Client().get("/api/v1/emall/listings", {"price_min": "-1"}).status_code == 422


def test_order_and_refusal(
    purchaser: Any, supplier: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    line = make_line("5000")
    buyer = login(purchaser)
    placed = buyer.post(
        "/api/v1/emall/orders",
        {"listing": listing.pk, "budget_line": line.pk, "quantity": "10", "service_region": "430100"},
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.content
    assert placed.json()["status"] == "placed"
    refused = buyer.post(
        "/api/v1/emall/orders",
        {"listing": listing.pk, "budget_line": line.pk, "quantity": "10", "service_region": "430100"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "emall.budget_insufficient" and error["field"] == "budget_line"
    assert "第二十一条" in error["params"]["citation"]
    confirmed = login(supplier).post(f"/api/v1/emall/orders/{placed.json()['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert Client().get("/api/v1/emall/orders").status_code in (401, 403)
