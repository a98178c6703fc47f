"""竞价 scenarios through the screens with the clock pinned: post the round, the suppliers quote, the
clock moves past the deadline, the purchaser closes it — awarded with its order, or failed with the
lawful next steps. Before the close no e-mall page and no e-mall API response, for any role, shows a
quote's price or the number of quotes: every GET route of the e-mall's URLconf and every GET path of
its API (read from the OpenAPI schema, so a new one is covered without editing this test) is read by
each role before and after the quotes, and must not change for anyone but the quoter.

The clock is pinned at the real moment (the database clock judges the quotes) and then moved past the
close. On SQLite the database clock is the process clock, so moving it is all the close needs; a
PostgreSQL server's clock cannot be pinned, so there the round's close is also moved to just before
it (`test_services_bidding.expire`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from opengps.api import api
from opengps.core import clock
from opengps.emall import services
from opengps.emall import urls as emall_urls
from opengps.emall.models import BiddingRound, Listing, Order, OrderKind, RoundStatus
from opengps.emall.tests.test_services_bidding import expire
from opengps.emall.tests.test_views_bidding import round_form

pytestmark = pytest.mark.django_db

PRICES = ("27345.61", "26354.72", "28453.83")
HIDDEN = ("27345", "27,345", "26354", "26,354", "28453", "28,453", "26100", "26,100")
COUNTS = ("家报价", "有效报价")
_CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")
"""CSRF tokens (masked afresh on every page) are the only 64-character words of a page."""


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)  # the e-mall's fixed day would be behind a PostgreSQL server's clock


@pytest.fixture
def pin(pinned_day: None, clock_at: Callable[..., None]) -> Callable[..., None]:
    """The clock pinned at the real minute (ticking from there); call it again to move it."""
    clock_at(clock.now().replace(second=0, microsecond=0))
    return clock_at


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def past_the_close(pin: Callable[..., None], bidding_round: BiddingRound) -> datetime:
    """Pin the clock a minute past the round's close (see the module on PostgreSQL)."""
    if connection.vendor != "sqlite":
        expire(bidding_round)
    bidding_round.refresh_from_db()
    moment = bidding_round.closes_at + timedelta(minutes=1)
    pin(moment)
    return moment


def reads(bidding_round: BiddingRound) -> list[str]:
    """Every e-mall page and API read, with this scenario's round and listings filled in (POST-only
    action URLs answer 405 to a GET and are read too)."""
    listings = [str(pk) for pk in Listing.objects.order_by("pk").values_list("pk", flat=True)]
    ids = {"listings": listings, "rounds": [str(bidding_round.pk)], "orders": []}
    urls = []
    for pattern in emall_urls.urlpatterns:
        route = str(pattern.pattern)
        if "<int:pk>" in route:
            urls += [f"/emall/{route.replace('<int:pk>', pk)}" for pk in ids.get(route.split("/")[0], [])]
        else:
            urls.append(f"/emall/{route}")
    for path, operations in api.get_openapi_schema()["paths"].items():
        if not path.startswith("/api/v1/emall/") or "get" not in operations:
            continue
        if "{" not in path:
            urls.append(path)
        for key, values in (("{listing_id}", listings), ("{round_id}", ids["rounds"])):
            if key in path:
                urls += [path.replace(key, value) for value in values]
    return urls


def snapshot(viewers: dict[str, Client], urls: list[str]) -> dict[tuple[str, str], str]:
    seen = {}
    for role, client in viewers.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            seen[(role, url)] = _CSRF.sub("", response.content.decode())
    return seen


def assert_sealed(before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]) -> None:
    for (role, url), body in after.items():
        for shown in (*HIDDEN, *COUNTS):
            assert shown not in body, (role, url, shown)
        if url.startswith("/api/") and body.startswith(("{", "[")):
            rows = json.loads(body)
            for row in rows if isinstance(rows, list) else [rows]:
                if isinstance(row, dict) and "quote_count" in row:
                    assert row["quote_count"] is None and row["quotes"] is None, (role, url)
        if role != "quoter":
            assert body == before[(role, url)], (role, url)


@pytest.fixture
def world(
    purchaser: Any,
    operator: Any,
    make_bidder: Callable[..., Any],
    make_user: Callable[..., Any],
    make_line: Callable[..., Any],
    small_catalogue: Any,
) -> dict[str, Any]:
    bidders = [make_bidder() for _n in PRICES]
    return {
        "line": make_line("500000", year=clock.today().year),
        "item": small_catalogue.items.get(code="A0401"),
        "bidders": bidders,
        "viewers": {
            "purchaser": login(purchaser),
            "operator": login(operator),
            "auditor": login(make_user("auditor", unit="audit")),
            "onlooker": login(make_bidder()),
            "quoter": login(bidders[0]),
            "public": Client(),
        },
    }


def test_from_posting_to_award_nothing_shown_before_the_close(
    pin: Callable[..., None], purchaser: Any, world: dict[str, Any]
) -> None:
    buyer = world["viewers"]["purchaser"]
    # given a round posted through the screen
    assert buyer.post("/emall/rounds/new", round_form(world["item"], world["line"])).status_code == 302
    assert "竞价已发起" in buyer.get("/emall/rounds/").content.decode()  # the message is read once
    bidding_round = BiddingRound.objects.get()
    urls = reads(bidding_round)
    assert f"/emall/rounds/{bidding_round.pk}/" in urls and f"/api/v1/emall/rounds/{bidding_round.pk}" in urls
    before = snapshot(world["viewers"], urls)
    # when the suppliers quote through the screen, one improving its quote
    for bidder, price in zip(world["bidders"], PRICES, strict=True):
        quoted = login(bidder).post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": price})
        assert quoted.status_code == 302
    improved = world["viewers"]["quoter"].post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": "26100"})
    assert improved.status_code == 302
    # then until the close no page or response shows a price or a count, to any role
    assert_sealed(before, snapshot(world["viewers"], urls))
    assert buyer.post(f"/emall/rounds/{bidding_round.pk}/close").status_code == 409
    # when the clock passes the deadline and the purchaser closes the round
    moment = past_the_close(pin, bidding_round)
    buyer = login(purchaser)  # two days later: signed in again (the idle session has ended)
    closed = buyer.post(f"/emall/rounds/{bidding_round.pk}/close")
    assert closed.status_code == 302 and closed["Location"] == f"/emall/rounds/{bidding_round.pk}/"
    # then the lowest quote (the improved one) wins, and its order is placed at the pinned moment
    bidding_round.refresh_from_db()
    order = Order.objects.get()
    assert bidding_round.status == RoundStatus.AWARDED and bidding_round.order == order
    assert order.kind == OrderKind.BIDDING and order.amount == Decimal("26100.00")
    assert order.supplier_id == world["bidders"][0].organization_id and order.placed_at >= moment
    assert order.placed_by == purchaser and order.budget_line == world["line"]
    # the quotes are shown now, with their number
    page = buyer.get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    assert "共 3 家报价" in page and "26,100.00" in page and order.reference in page
    # and the round's ceiling no longer holds the line: only the order does
    assert services.budget_room(world["line"]) == Decimal("500000.00") - order.amount


def test_a_failed_round_through_the_screens(
    pin: Callable[..., None], purchaser: Any, world: dict[str, Any]
) -> None:
    buyer = world["viewers"]["purchaser"]
    # given a round posted through the screen and quoted by two suppliers (fewer than the minimum)
    assert buyer.post("/emall/rounds/new", round_form(world["item"], world["line"])).status_code == 302
    assert "竞价已发起" in buyer.get("/emall/rounds/").content.decode()  # the message is read once
    bidding_round = BiddingRound.objects.get()
    assert services.budget_room(world["line"]) == Decimal("470000.00")  # the ceiling is held
    urls = reads(bidding_round)
    before = snapshot(world["viewers"], urls)
    for bidder, price in zip(world["bidders"][:2], PRICES, strict=False):
        assert (
            login(bidder).post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": price}).status_code == 302
        )
    assert_sealed(before, snapshot(world["viewers"], urls))
    # when the clock passes the deadline and the purchaser closes it
    past_the_close(pin, bidding_round)
    buyer = login(purchaser)  # two days later: signed in again (the idle session has ended)
    late = login(world["bidders"][2]).post(f"/emall/rounds/{bidding_round.pk}/quote", {"price": "20000"})
    assert late.status_code == 409 and 'id="quote-price-error"' in late.content.decode()
    closed = buyer.post(f"/emall/rounds/{bidding_round.pk}/close")
    assert closed.status_code == 302 and closed["Location"] == f"/emall/rounds/{bidding_round.pk}/"
    # then it failed: no order, the ceiling released, the next steps and the opened quotes shown
    bidding_round.refresh_from_db()
    assert bidding_round.status == RoundStatus.FAILED and bidding_round.quote_count == 2
    assert not Order.objects.exists()
    assert services.budget_room(world["line"]) == Decimal("500000.00")
    page = buyer.get(f"/emall/rounds/{bidding_round.pk}/").content.decode()
    assert "重新发起竞价" in page and "从在售商品中直购" in page and "27,345.61" in page
    # closing again is refused
    assert buyer.post(f"/emall/rounds/{bidding_round.pk}/close").status_code == 409
