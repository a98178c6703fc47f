"""竞价 through the screens and the API: post, quote and improve, close, award; before the close no
page and no response shows a price or the number of quotes, to any role — asserted on the HTML and
the JSON, and by comparing each page before and after other suppliers quote (it must not change).

Runs on the real clock: the close is judged by the database clock (see test_services_bidding)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.core import clock
from opengps.emall.models import BiddingRound, Order, OrderKind, Quote, RoundStatus
from opengps.emall.tests.test_services_bidding import expire

pytestmark = pytest.mark.django_db

PRICES = ("23456.78", "24567.89", "25678.91")
SHOWN = ("23456", "23,456", "24567", "24,567", "25678", "25,678")
COUNT_WORDS = ("家报价", "有效报价", "quote_count")
_CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")
"""CSRF tokens (masked afresh on every page) are the only 64-character words of a page."""


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local(moment: Any) -> str:
    return str(moment.astimezone(clock.BEIJING).strftime("%Y-%m-%dT%H:%M"))


def round_form(item: Any, line: Any, **extra: Any) -> dict[str, Any]:
    return {
        "item": item.pk,
        "title": "岳麓区特困老人居家养老上门服务",
        "quantity": "10",
        "measure_unit": "户·月",
        "service_region": "430100",
        "standard": "每户每月上门8次",
        "ceiling": "30000",
        "budget_line": line.pk,
        "closes_at": local(clock.now() + timedelta(hours=49)),
        **extra,
    }


def test_round_through_the_screens(
    purchaser: Any,
    operator: Any,
    make_bidder: Callable[..., Any],
    make_line: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    line = make_line("500000", year=clock.today().year)
    item = small_catalogue.items.get(code="A0401")
    bidders = [make_bidder() for _n in range(3)]
    buyer = login(purchaser)
    # a refusal is shown beside its field: the window too short
    short = buyer.post(
        "/emall/rounds/new", round_form(item, line, closes_at=local(clock.now() + timedelta(hours=2)))
    )
    assert short.status_code == 400
    assert (
        'id="round-closes_at-error"' in short.content.decode()
        and "竞价时间不得少于" in short.content.decode()
    )
    # the purchaser posts the round
    posted = buyer.post("/emall/rounds/new", round_form(item, line))
    bidding_round = BiddingRound.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/emall/rounds/{bidding_round.pk}/"
    # each supplier sees it among the rounds it may quote on, and quotes
    for bidder, price in zip(bidders, PRICES, strict=True):
        seller = login(bidder)
        assert bidding_round.reference in seller.get("/emall/rounds/").content.decode()
        done = seller.post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": price})
        assert done.status_code == 302
    # improving replaces the quote; a bad price is refused beside the field
    first = login(bidders[0])
    assert first.post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": "22000"}).status_code == 302
    bad = first.post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": "abc"})
    assert bad.status_code == 400 and 'id="quote-price-error"' in bad.content.decode()
    assert Quote.objects.get(supplier=bidders[0].organization).version == 2
    page = first.get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    assert "第 2 次" in page and "22000" not in page and "22,000" not in page
    # no close button before the close; a forced POST is refused with the rule
    assert "开启报价并确定成交" not in buyer.get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    early = buyer.post(f"/emall/rounds/{bidding_round.pk}/close")
    assert early.status_code == 409 and "报价保持密封" in early.content.decode()
    # after the close the purchaser opens the quotes: awarded, with its order
    expire(bidding_round)
    assert "开启报价并确定成交" in buyer.get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    assert buyer.post(f"/emall/rounds/{bidding_round.pk}/close").status_code == 302
    bidding_round.refresh_from_db()
    assert bidding_round.status == RoundStatus.AWARDED
    order = Order.objects.get()
    assert order.kind == OrderKind.BIDDING and order.amount == Decimal("22000.00")
    result = login(operator).get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    assert "共 3 家报价" in result and "22,000.00" in result and order.reference in result
    assert "竞价" in buyer.get(f"/emall/orders/{order.pk}/").content.decode()


def test_nothing_priced_or_counted_before_the_close(
    purchaser: Any,
    operator: Any,
    make_bidder: Callable[..., Any],
    make_user: Callable[..., Any],
    make_line: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    # given a posted round, a supplier about to quote and one that will not
    line = make_line("500000", year=clock.today().year)
    item = small_catalogue.items.get(code="A0401")
    assert login(purchaser).post("/emall/rounds/new", round_form(item, line)).status_code == 302
    bidding_round = BiddingRound.objects.get()
    quoters = [make_bidder() for _n in PRICES]
    onlooker = make_bidder()
    auditor = make_user("auditor", unit="audit")
    viewers = {
        "purchaser": login(purchaser),
        "operator": login(operator),
        "auditor": login(auditor),
        "onlooker": login(onlooker),
        "quoter": login(quoters[0]),
        "public": Client(),
    }
    pages = [
        "/emall/",
        "/emall/rounds/",
        f"/emall/rounds/{bidding_round.pk}/",
        "/emall/orders/",
        "/emall/supplier/",
        "/emall/operator/",
    ]
    api = ["/api/v1/emall/rounds", "/api/v1/emall/rounds/open", f"/api/v1/emall/rounds/{bidding_round.pk}"]

    def snapshot() -> dict[tuple[str, str], str]:
        seen = {}
        for role, client in viewers.items():
            for url in pages + api:
                response = client.get(url)
                seen[(role, url)] = _CSRF.sub("", response.content.decode())
        return seen

    before = snapshot()
    # when three suppliers quote (the first also improves)
    for quoter, price in zip(quoters, PRICES, strict=True):
        assert (
            login(quoter).post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": price}).status_code == 302
        )
    assert (
        login(quoters[0]).post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": "23000"}).status_code
        == 302
    )
    after = snapshot()
    # then no page or response shows a price or a count, to any role
    for (role, url), body in after.items():
        for shown in (*SHOWN, "23000", "23,000"):
            assert shown not in body, (role, url, shown)
        for word in COUNT_WORDS[:2]:
            assert word not in body, (role, url, word)
        if url.startswith("/api/") and body.startswith(("{", "[")):
            rows = json.loads(body)
            for row in rows if isinstance(rows, list) else [rows]:
                if role == "public":
                    assert row == {"detail": "Unauthorized"}
                    continue
                assert "quote_count" in row, (role, url, row)
                assert row["quote_count"] is None and row["quotes"] is None and row["awarded_price"] is None
    # and nobody but the quoter sees any difference at all: the number of quotes does not leak
    for key, body in after.items():
        if key[0] != "quoter":
            assert body == before[key], key
    # the quoter sees only that its own quote is in
    mine = login(quoters[0]).get(f"/api/v1/emall/rounds/{bidding_round.pk}").json()["my_quote"]
    assert mine["version"] == 2 and set(mine) == {"version", "submitted_at", "sealed_sha256"}
    # the public sees no round at all
    assert Client().get(f"/emall/rounds/{bidding_round.pk}/").status_code == 302
    assert Client().get("/api/v1/emall/rounds").status_code == 401


def test_round_through_the_api(
    purchaser: Any,
    make_bidder: Callable[..., Any],
    make_line: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    line = make_line("500000", year=clock.today().year)
    buyer = login(purchaser)
    body = {
        "item": "A0401",
        "title": "岳麓区助餐服务",
        "quantity": "4",
        "measure_unit": "户·月",
        "service_region": "430100",
        "standard": "每户每月上门8次",
        "ceiling": "60000",
        "budget_line": line.pk,
        "closes_at": (clock.now() + timedelta(hours=30)).isoformat(),
    }
    # refusals are structured: a window too short, a ceiling over the limit, a naive time
    short = buyer.post(
        "/api/v1/emall/rounds",
        {**body, "closes_at": (clock.now() + timedelta(hours=1)).isoformat()},
        content_type="application/json",
    )
    assert short.status_code == 400 and short.json()["error"]["code"] == "emall.bidding_window_too_short"
    assert short.json()["error"]["field"] == "closes_at"
    over = buyer.post("/api/v1/emall/rounds", {**body, "ceiling": "800000"}, content_type="application/json")
    assert over.json()["error"]["code"] in {"emall.over_ceiling", "emall.budget_insufficient"}
    created = buyer.post("/api/v1/emall/rounds", body, content_type="application/json")
    assert created.status_code == 201
    round_id = created.json()["id"]
    assert created.json()["quote_count"] is None and created.json()["status_label"] == "竞价中"
    # two suppliers quote: too few
    for price in ("50000", "51000"):
        seller = login(make_bidder())
        quoted = seller.post(
            f"/api/v1/emall/rounds/{round_id}/quote", {"price": price}, content_type="application/json"
        )
        assert quoted.status_code == 201 and set(quoted.json()) == {
            "version",
            "submitted_at",
            "sealed_sha256",
        }
    # quoting after the close is refused (database clock)
    expire(BiddingRound.objects.get(pk=round_id))
    late = login(make_bidder()).post(
        f"/api/v1/emall/rounds/{round_id}/quote", {"price": "1000"}, content_type="application/json"
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "emall.quote_after_close"
    # the close fails the round with the lawful next steps; the quotes are shown now
    closed = buyer.post(f"/api/v1/emall/rounds/{round_id}/close")
    assert closed.status_code == 200
    data = closed.json()
    assert data["status"] == "failed" and data["quote_count"] == 2 and data["order"] is None
    assert [r["code"] for r in data["outcome"]][:2] == ["emall.bidding_failed", "emall.bidding_repost"]
    assert sorted(Decimal(str(q["price"])) for q in data["quotes"]) == [Decimal("50000"), Decimal("51000")]
    page = buyer.get(f"/emall/rounds/{round_id}/").content.decode()
    assert "重新发起竞价" in page and "从在售商品中直购" in page
    assert Quote.objects.filter(round_id=round_id).count() == 2
