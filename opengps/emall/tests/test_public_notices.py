"""The e-mall's public 成交公告 pages (/emall/notices/), read anonymously: a closed 竞价 round (awarded:
the winner, its price and the counts, never a losing price nor who else quoted; failed: the reasons
and the lawful next steps), a direct purchase above the disclosure amount once confirmed, and the
order a round awarded once confirmed. A round still open and an undisclosed order answer 404, and
nothing of an open round is on any public page. Every document of the e-mall's OCDS releases points
to one of these pages and answers 200 without login.

Runs on the real clock: a round's close is judged by the database clock (see test_services_bidding).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.emall import selectors_public, services
from opengps.emall.models import Listing, Order, RoundStatus
from opengps.emall.tests.test_services_bidding import expire, post
from opengps.opendata import builders
from opengps.opendata.models import Release
from opengps.rules.emall_disclosure import order_disclosed

pytestmark = pytest.mark.django_db

NOTES = ("岳麓区特困老人张某某", "已上门服务12户", "验收合格无异议", "ZF-2026-0099")
"""The order's free texts (note, delivery and acceptance notes, payment voucher): never shown."""


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)


@pytest.fixture
def line(make_line: Callable[..., Any]) -> Any:
    return make_line("500000", year=clock.today().year)


@pytest.fixture
def buy(purchaser: Any, make_listing: Callable[..., Listing], line: Any) -> Callable[[str], Order]:
    """`buy(quantity)`: a direct order of a live listing at 1,000 元 per 户·月."""
    listing = make_listing("1000")

    def place(quantity: str) -> Order:
        return services.order_place(
            actor=purchaser,
            listing=listing,
            budget_line=line,
            quantity=quantity,
            service_region=Region.objects.get(pk="430100"),
            note=NOTES[0],
        )

    return place


def page(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def public_pages() -> str:
    """Every public page that lists e-mall notices."""
    return page("/emall/notices/")[1] + page("/portal/")[1]


def assert_documents_served(ocid: str) -> int:
    """Every document of every release of `ocid` is an HTML page on the public address that answers
    200 anonymously; returns how many documents were checked."""
    base = builders.public_base_url()
    checked = 0
    for payload in Release.objects.filter(ocid=ocid).values_list("payload", flat=True):
        release = json.loads(payload)
        sections = [release["tender"], *release.get("awards", []), *release.get("contracts", [])]
        sections += [c["implementation"] for c in release.get("contracts", []) if "implementation" in c]
        for section in sections:
            for document in section.get("documents", []):
                assert document["format"] == "text/html" and document["url"].startswith(base), document
                assert Client().get(document["url"].removeprefix(base)).status_code == 200, document
                checked += 1
    return checked


def test_a_round_is_sealed_until_the_close_then_its_result_is_public(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, small_catalogue: Any
) -> None:
    # given a round quoted by three suppliers (23,456.78, 22,000.50 and 25,678.91 元), still open
    bidding_round = post(purchaser, small_catalogue.items.get(code="A0401"), line, title="竞价公告测试需求")
    bidders = [make_bidder() for _n in range(3)]
    for bidder, price in zip(bidders, ("23456.78", "22000.50", "25678.91"), strict=True):
        services.quote_submit(actor=bidder, bidding_round=bidding_round, price=price)
    # then its notice is 404 and no public page shows anything of it
    status, body = page(f"/emall/notices/rounds/{bidding_round.pk}/")
    assert status == 404 and "22,000.50" not in body
    listed = public_pages()
    assert bidding_round.reference not in listed and "竞价公告测试需求" not in listed
    assert not [p for p in ("23,456", "22,000", "25,678", "23456", "22000", "25678") if p in listed]
    # when it closes
    expire(bidding_round)
    closed = services.round_close(actor=purchaser, bidding_round=bidding_round)
    assert closed.status == RoundStatus.AWARDED
    # then its 成交公告 names the winner at its price with the counts, and nothing of the losers
    status, body = page(f"/emall/notices/rounds/{closed.pk}/")
    assert status == 200
    winner, losers = bidders[1].organization, [bidders[0].organization, bidders[2].organization]
    assert winner.name in body and "22,000.50" in body and "共 3 家报价，其中有效报价 3 家" in body
    assert "23,456" not in body and "25,678" not in body
    assert not [org.name for org in losers if org.name in body]
    # and it is listed, on the e-mall's list and on the portal's index
    assert closed.reference in page("/emall/notices/")[1]
    assert f"/emall/notices/rounds/{closed.pk}/" in page("/portal/")[1]
    # the order the round placed has no notice until its supplier confirms it
    order = closed.order
    assert order is not None
    assert page(f"/emall/notices/orders/{order.pk}/")[0] == 404
    services.order_confirm(actor=bidders[1], order=order)
    status, body = page(f"/emall/notices/orders/{order.pk}/")
    assert status == 200 and closed.reference in body and "22,000.50" in body
    # and every document of the round's releases is served anonymously
    assert assert_documents_served(builders.round_ocid(closed)) >= 4


def test_a_failed_round_shows_why_and_the_lawful_next_steps(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, small_catalogue: Any
) -> None:
    # given a round with two quotes only (fewer than the minimum of three), closed
    bidding_round = post(purchaser, small_catalogue.items.get(code="A0401"), line)
    for bidder, price in zip([make_bidder(), make_bidder()], ("21000", "21500"), strict=True):
        services.quote_submit(actor=bidder, bidding_round=bidding_round, price=price)
    expire(bidding_round)
    closed = services.round_close(actor=purchaser, bidding_round=bidding_round)
    assert closed.status == RoundStatus.FAILED
    # then its notice gives the count, the reasons and the next steps, and no price
    status, body = page(f"/emall/notices/rounds/{closed.pk}/")
    assert status == 200
    assert "竞价失败公告" in body and "共 2 家报价" in body and "重新发起竞价" in body
    assert "21,000" not in body and "21,500" not in body
    # and the outcome document of its release points to it
    assert assert_documents_served(builders.round_ocid(closed)) == 1


def test_a_direct_purchase_is_public_above_the_disclosure_amount_once_confirmed(
    purchaser: Any, supplier: Any, buy: Callable[[str], Order]
) -> None:
    # given a 36,000 元 order, one of exactly 10,000 元 (not above the amount) and one of 10,010 元
    large, at_amount, above = buy("36"), buy("10"), buy("10.01")
    # then none is public before its supplier confirms it
    assert page(f"/emall/notices/orders/{large.pk}/")[0] == 404
    # when all three are confirmed and the large one runs its course
    for order in (large, at_amount, above):
        services.order_confirm(actor=supplier, order=order)
    services.order_deliver(actor=supplier, order=large, note=NOTES[1])
    services.order_accept(actor=purchaser, order=large, note=NOTES[2])
    services.order_pay(actor=purchaser, order=large, reference=NOTES[3])
    # then the one at the amount stays 404 and the others are public
    assert page(f"/emall/notices/orders/{at_amount.pk}/")[0] == 404
    assert page(f"/emall/notices/orders/{above.pk}/")[0] == 200
    status, body = page(f"/emall/notices/orders/{large.pk}/")
    assert status == 200
    large.refresh_from_db()
    assert large.reference in body and purchaser.unit.name in body and supplier.organization.name in body
    assert "36,000.00" in body and "直购成交公告" in body
    assert [label in body for label in ("下单时间", "交付时间", "验收时间", "付款时间")] == [True] * 4
    # and no free text of the order
    assert [note for note in NOTES if note in body] == []
    listed = page("/emall/notices/")[1]
    assert large.reference in listed and above.reference in listed and at_amount.reference not in listed
    # and every document of its releases (tender, award, contract, delivery, acceptance) is served
    assert assert_documents_served(builders.order_ocid(large)) >= 5


def test_the_public_orders_are_the_ones_the_rule_discloses(
    supplier: Any, buy: Callable[[str], Order]
) -> None:
    # given orders around the amount, confirmed, declined and left placed
    orders = [buy(q) for q in ("5", "10", "10.01", "12", "40")]
    services.order_confirm(actor=supplier, order=orders[0])
    services.order_confirm(actor=supplier, order=orders[1])
    services.order_confirm(actor=supplier, order=orders[2])
    services.order_decline(actor=supplier, order=orders[3], reason="人手不足")
    # then the query behind the pages picks exactly those `order_disclosed` publishes
    expected = {
        o.pk
        for o in Order.objects.all()
        if order_disclosed(amount=o.amount, status=o.status, placed_on=clock.local_date(o.placed_at)).value
    }
    assert set(selectors_public.orders_public().values_list("pk", flat=True)) == expected == {orders[2].pk}
    assert Order.objects.get(pk=orders[2].pk).amount == Decimal("10010.00")
    assert [page(f"/emall/notices/orders/{o.pk}/")[0] for o in orders] == [404, 404, 200, 404, 404]


def test_unknown_notices_and_the_empty_list(client: Client) -> None:
    assert client.get("/emall/notices/rounds/999999/").status_code == 404
    assert client.get("/emall/notices/orders/999999/").status_code == 404
    listed = client.get("/emall/notices/", {"page": "abc"})
    assert listed.status_code == 200 and "共 0 条" in listed.content.decode()
    assert client.post("/emall/notices/").status_code == 405
