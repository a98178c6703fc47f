"""The e-mall through its screens: the supplier applies and lists, the operator approves, the
purchaser searches and buys, the order runs to rating; refusals show beside their field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.emall.models import EntryStatus, Listing, ListingStatus, Order, OrderStatus, SupplierEntry

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_scenario_through_the_screens(
    supplier: Any, operator: Any, purchaser: Any, small_catalogue: Any, make_line: Callable[..., Any]
) -> None:
    line = make_line("500000")
    seller, desk, buyer = login(supplier), login(operator), login(purchaser)
    a0401 = small_catalogue.items.get(code="A0401")
    # the supplier applies; the operator approves on the review desk
    page = seller.post(
        "/emall/supplier/entry",
        {"items": [a0401.pk], "contact_person": "张伟", "contact_phone": "0731-88880000"},
    )
    assert page.status_code == 302
    entry = SupplierEntry.objects.get()
    assert "入驻申请" in desk.get("/emall/operator/").content.decode()
    assert desk.post(f"/emall/operator/entries/{entry.pk}/decide", {"approve": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    # the supplier lists a service and submits it; the operator approves it
    terms = {
        "item": a0401.pk,
        "title": "居家养老上门服务",
        "standard": "每户每月上门8次",
        "unit": "户·月",
        "unit_price": "300",
        "regions": ["430000"],
        "response_days": "3",
    }
    created = seller.post("/emall/supplier/listings/new", terms)
    listing = Listing.objects.get()
    assert created["Location"] == f"/emall/listings/{listing.pk}/"
    assert seller.post(f"/emall/listings/{listing.pk}/submit").status_code == 302
    version = listing.versions.get()
    assert desk.post(f"/emall/operator/versions/{version.pk}/review", {"approve": "1"}).status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE
    # the public finds it; the purchaser buys it
    found = Client().get("/emall/", {"item": "A0401", "region": "430100", "price_max": "500"})
    assert found.status_code == 200 and "居家养老上门服务" in found.content.decode()
    bought = buyer.post(
        f"/emall/listings/{listing.pk}/buy",
        {"budget_line": line.pk, "quantity": "12", "service_region": "430100"},
    )
    order = Order.objects.get()
    assert bought["Location"] == f"/emall/orders/{order.pk}/"
    # the order runs its course
    assert seller.post(f"/emall/orders/{order.pk}/confirm").status_code == 302
    assert seller.post(f"/emall/orders/{order.pk}/deliver", {"note": "已完成"}).status_code == 302
    assert buyer.post(f"/emall/orders/{order.pk}/accept", {"note": "合格"}).status_code == 302
    assert buyer.post(f"/emall/orders/{order.pk}/pay", {"reference": "ZF-001"}).status_code == 302
    assert buyer.post(f"/emall/orders/{order.pk}/rate", {"stars": "4", "comment": "好"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED and order.rating == 4
    page_text = buyer.get(f"/emall/orders/{order.pk}/").content.decode()
    assert "已评价" in page_text and "rated" not in page_text
    assert order.reference in buyer.get("/emall/orders/").content.decode()


def test_refusal_beside_its_field(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    line = make_line("500000")
    buyer = login(purchaser)
    page = buyer.post(
        f"/emall/listings/{listing.pk}/buy",
        {"budget_line": line.pk, "quantity": "3000", "service_region": "430100"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert 'id="buy-quantity-error"' in text
    assert "采购限额标准" in text
    assert "emall.over_ceiling" not in text
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"budget_line": "x", "quantity": "1", "service_region": "430100"},
        {"budget_line": "1", "quantity": "-1", "service_region": "430100"},
        {"budget_line": "1", "quantity": "1e99", "service_region": "430100"},
        {"budget_line": "1", "quantity": "1", "service_region": "999999"},
        {},
    ],
)
def test_bad_input_is_a_400(purchaser: Any, make_listing: Callable[..., Any], data: dict[str, str]) -> None:
    listing = make_listing("300")
    assert login(purchaser).post(f"/emall/listings/{listing.pk}/buy", data).status_code == 400


def test_pages_scoped(
    supplier: Any, purchaser: Any, make_listing: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    draft = make_listing("300", live=False)
    assert Client().get(f"/emall/listings/{draft.pk}/").status_code == 404
    assert login(supplier).get(f"/emall/listings/{draft.pk}/").status_code == 200
    assert login(purchaser).get("/emall/operator/").status_code == 403
    assert login(purchaser).get("/emall/orders/999/").status_code == 404
    assert Client().get("/emall/?price_min=abc").status_code == 400
