"""Suppliers quoting (and improving) concurrently up to a round's close on PostgreSQL: no accepted
quote is lost, none is accepted at or after the close (database clock), and the close opens exactly
the last accepted price of each supplier. Each thread has its own database connection.

PostgreSQL only, for the reason given in test_concurrency.py (SQLite's in-memory test database
refuses a second writer instead of queueing it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.emall import services
from opengps.emall.models import BiddingRound, Quote, RoundStatus
from opengps.procurement.clock import db_now

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are decided by PostgreSQL; SQLite's in-memory test "
    "database refuses a second writer instead of queueing it",
)

SUPPLIERS = 6


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)  # the close is judged by the database clock: run on the real one


@pytest.mark.django_db(transaction=True)
def test_quotes_racing_the_close(
    purchaser: Any, make_bidder: Callable[..., Any], make_line: Callable[..., Any], small_catalogue: Any
) -> None:
    # given a round closing two seconds from now and six suppliers
    bidders = [make_bidder() for _n in range(SUPPLIERS)]
    bidding_round = services.round_post(
        actor=purchaser,
        item=small_catalogue.items.get(code="A0401"),
        title="岳麓区居家养老上门服务",
        quantity="10",
        measure_unit="户·月",
        service_region=Region.objects.get(pk="430100"),
        standard="每户每月上门8次",
        ceiling="50000",
        budget_line=make_line("500000", year=clock.today().year),
        closes_at=clock.now() + timedelta(days=2),
    )
    closes = db_now() + timedelta(seconds=2)
    BiddingRound.objects.filter(pk=bidding_round.pk).update(closes_at=closes)
    barrier = threading.Barrier(SUPPLIERS)
    accepted: dict[int, list[tuple[int, Decimal, Any]]] = {b.organization.pk: [] for b in bidders}
    refused: dict[int, list[str]] = {b.organization.pk: [] for b in bidders}

    def quote(bidder: Any) -> None:
        org = bidder.organization.pk
        price = Decimal("49000.00") - org
        try:
            barrier.wait(timeout=10)
            while True:
                try:
                    done = services.quote_submit(actor=bidder, bidding_round=bidding_round, price=price)
                except ServiceError as exc:
                    refused[org].append(exc.code)
                    return
                accepted[org].append((done.version, price, done.submitted_at))
                price -= Decimal("1.00")
        finally:
            connections.close_all()

    # when they all keep improving their quotes until they are refused
    threads = [threading.Thread(target=quote, args=(bidder,)) for bidder in bidders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then each was refused once, for the close, and only after the close
    assert all(codes == ["emall.quote_after_close"] for codes in refused.values()), refused
    # and every accepted quote is kept: the stored version is the last accepted one, before the close
    for bidder in bidders:
        org = bidder.organization.pk
        mine = accepted[org]
        assert mine, "each supplier quoted at least once before the close"
        assert [version for version, _p, _t in mine] == list(range(1, len(mine) + 1))
        assert all(at < closes for _v, _p, at in mine)
        stored = Quote.objects.get(round=bidding_round, supplier_id=org)
        assert stored.version == len(mine) and stored.submitted_at < closes
    # and the close opens exactly each supplier's last accepted price
    closed = services.round_close(actor=None, bidding_round=bidding_round)
    assert closed.status == RoundStatus.AWARDED and closed.quote_count == SUPPLIERS
    for bidder in bidders:
        org = bidder.organization.pk
        assert Quote.objects.get(round=bidding_round, supplier_id=org).price == accepted[org][-1][1]
