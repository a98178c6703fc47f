"""The e-mall demo's two 竞价 rounds, through the real services on the real clock: one awarded with
its order, one failed for too few quotes (the loader waits a few seconds for their close)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from opengps.core import clock
from opengps.emall import demo, services
from opengps.emall.models import BiddingRound, Listing, OrderKind, RoundStatus
from opengps.emall.tests.conftest import terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)


def test_demo_rounds_one_awarded_one_failed(
    purchaser: Any, finance: Any, operator: Any, make_bidder: Callable[..., Any], small_catalogue: Any
) -> None:
    # given four suppliers listing A0401, two of them also A0402
    bidders = [make_bidder() for _n in range(4)]
    for bidder in bidders[:2]:
        listing = services.listing_create(
            actor=bidder, item=small_catalogue.items.get(code="A0402"), terms=terms("120", unit="人·次")
        )
        services.listing_submit(actor=bidder, listing=listing)
        services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
    context = SimpleNamespace(users={"purchaser": purchaser, "finance": finance})
    # when the demo posts its rounds, quotes, waits for the close and closes them
    demo._rounds(context, list(Listing.objects.all()))
    # then the first is awarded with its 竞价 order, the second failed with the next steps
    awarded, failed = BiddingRound.objects.order_by("pk")
    assert awarded.status == RoundStatus.AWARDED and awarded.quote_count == 4
    assert awarded.order is not None and awarded.order.kind == OrderKind.BIDDING
    assert awarded.fiscal_year == clock.today().year
    assert failed.status == RoundStatus.FAILED and failed.quote_count == 2 and failed.order is None
    assert failed.outcome[0]["code"] == "emall.bidding_failed"
