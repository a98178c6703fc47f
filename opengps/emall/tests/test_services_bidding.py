"""竞价 through the services: posting → sealed quotes (improved by replacing) → close → award → the
order's life; a failed round; quotes after the close refused by the database clock; who may quote.

The close is judged by the database clock, which a test cannot pin: these tests run on the real
clock (the module's `pinned_day` replaces the e-mall's pinned day) and move a round's close to
just past the database clock to open it, as the procurement tests move a bid deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.emall import services
from opengps.emall.models import BiddingRound, Order, OrderKind, OrderStatus, Quote, RoundStatus
from opengps.procurement import sealing
from opengps.procurement.clock import db_now
from opengps.registry.services import credit_list

pytestmark = pytest.mark.django_db

CS = "430100"


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None) -> None:
    clock_at(None)


@pytest.fixture
def line(make_line: Callable[..., Any]) -> Any:
    return make_line("500000", year=clock.today().year)


@pytest.fixture
def catalogue_item(small_catalogue: Any) -> Any:
    return small_catalogue.items.get(code="A0401")


def post(
    purchaser: Any, item: Any, line: Any, *, ceiling: str = "30000", hours: int = 48, **extra: Any
) -> Any:
    return services.round_post(
        actor=purchaser,
        item=item,
        title=extra.pop("title", "岳麓区特困老人居家养老上门服务"),
        quantity=extra.pop("quantity", "10"),
        measure_unit="户·月",
        service_region=Region.objects.get(pk=CS),
        standard="每户每月上门8次，含助餐、助洁",
        ceiling=ceiling,
        budget_line=line,
        closes_at=clock.now() + timedelta(hours=hours),
        **extra,
    )


def expire(bidding_round: Any) -> None:
    """Move the close to just past the database clock (the window itself was checked at posting)."""
    closes = db_now() - timedelta(milliseconds=1)
    BiddingRound.objects.filter(pk=bidding_round.pk).update(
        opens_at=closes - timedelta(days=2), closes_at=closes
    )


def actions(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_round_from_posting_to_award_and_the_order_to_rating(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    # given a posted round with a ceiling of 30,000 held on the budget line
    bidders = [make_bidder() for _n in range(4)]
    bidding_round = post(purchaser, catalogue_item, line)
    assert bidding_round.reference.startswith(f"DZJJ-{clock.today().year}-")
    assert services.budget_room(line) == Decimal("470000.00")
    # when four suppliers quote (one above the ceiling) and one improves its quote
    for bidder, price in zip(bidders, ["28000", "26000", "27000", "31000"], strict=True):
        services.quote_submit(actor=bidder, bidding_round=bidding_round, price=price)
    improved = services.quote_submit(actor=bidders[0], bidding_round=bidding_round, price="25000.50")
    # then the improvement replaced the quote, and nothing but seals is stored before the close
    assert improved.version == 2 and Quote.objects.filter(round=bidding_round).count() == 4
    assert set(Quote.objects.values_list("price", flat=True)) == {None}
    assert b"25000" not in bytes(improved.sealed_price)
    with pytest.raises(Conflict) as early:
        services.round_close(actor=purchaser, bidding_round=bidding_round)
    assert early.value.code == "emall.round_not_closed"
    # when the close has passed and the purchaser opens the quotes
    expire(bidding_round)
    closed = services.round_close(actor=purchaser, bidding_round=bidding_round)
    # then the lowest compliant quote won and an order of kind 竞价 was placed at its price
    assert closed.status == RoundStatus.AWARDED
    assert (closed.quote_count, closed.valid_quote_count) == (4, 3)
    assert closed.awarded_price == Decimal("25000.50")
    order = closed.order
    assert order is not None and order.kind == OrderKind.BIDDING
    assert order.supplier == bidders[0].organization and order.amount == Decimal("25000.50")
    assert order.unit_price == Decimal("2500.05") and order.status == OrderStatus.PLACED
    over = Quote.objects.get(round=bidding_round, supplier=bidders[3].organization)
    assert over.valid is False and "最高限价" in over.invalid_reason
    # the round's ceiling is released, the order's amount held instead
    assert services.budget_room(line) == Decimal("474999.50")
    # and the order continues the existing flow
    services.order_confirm(actor=bidders[0], order=order)
    services.order_deliver(actor=bidders[0], order=order, note="已完成")
    services.order_accept(actor=purchaser, order=order, note="合格")
    services.order_pay(actor=purchaser, order=order, reference="HN-ZF-1")
    services.order_rate(actor=purchaser, order=order, stars=4)
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED
    # and the timelines: posted → awarded; each quote's events carry no price
    assert actions(bidding_round) == ["emall_round.posted", "emall_round.awarded"]
    assert actions(order)[:2] == ["emall_order.awarded", "emall_order.confirmed"]
    assert actions(improved) == ["emall_quote.submitted", "emall_quote.improved"]
    for event in AuditEvent.objects.filter(action__startswith="emall_quote."):
        assert "price" not in event.new_values and "25000" not in str(event.new_values)
    awarded = AuditEvent.objects.get(action="emall_round.awarded", object_id=str(bidding_round.pk))
    assert awarded.new_values["status"] == "awarded"


def test_a_round_with_too_few_quotes_fails_with_the_next_steps(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    # given two quotes where three are needed
    bidding_round = post(purchaser, catalogue_item, line, ceiling="60000")
    for price in ("50000", "52000"):
        services.quote_submit(actor=make_bidder(), bidding_round=bidding_round, price=price)
    expire(bidding_round)
    # when the scheduled task closes it
    assert services.rounds_close_due() == 1
    # then it failed, no order, the budget released, and the lawful next steps are recorded
    bidding_round.refresh_from_db()
    assert bidding_round.status == RoundStatus.FAILED and bidding_round.order is None
    assert [r["code"] for r in bidding_round.outcome] == [
        "emall.bidding_failed",
        "emall.bidding_repost",
        "emall.bidding_direct",
    ]
    assert Order.objects.count() == 0
    assert services.budget_room(line) == Decimal("500000.00")
    failed = AuditEvent.objects.get(action="emall_round.failed")
    assert failed.actor is None
    with pytest.raises(Conflict) as again:
        services.round_close(actor=purchaser, bidding_round=bidding_round)
    assert again.value.code == "emall.round_closed"


def test_a_quote_after_the_close_is_refused_by_the_database_clock(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    bidder = make_bidder()
    bidding_round = post(purchaser, catalogue_item, line)
    first = services.quote_submit(actor=bidder, bidding_round=bidding_round, price="29000")
    expire(bidding_round)
    # the application clock still believes the round is open; the database clock decides
    with pytest.raises(Conflict) as late:
        services.quote_submit(actor=bidder, bidding_round=bidding_round, price="20000")
    assert late.value.code == "emall.quote_after_close"
    assert "第三十三条" in late.value.text()
    first.refresh_from_db()
    assert first.version == 1 and first.sealed_sha256 == Quote.objects.get().sealed_sha256
    assert actions(first) == ["emall_quote.submitted"]


def test_seals_open_only_at_the_close(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    bidding_round = post(purchaser, catalogue_item, line)
    wrapped = sealing.WrappedKey.from_text(bidding_round.wrapped_key, procurement_id=bidding_round.reference)
    with pytest.raises(sealing.SealError) as caught:
        sealing.unwrap_for_opening(wrapped, deadline=bidding_round.closes_at, now=db_now())
    assert caught.value.code == "seal.before_deadline"


def test_ties_are_broken_by_the_rules_engine(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    # given three equal quotes, one of them from an industry association
    bidding_round = post(purchaser, catalogue_item, line)
    bidders = [make_bidder(), make_bidder(is_industry_association=True), make_bidder()]
    for bidder in bidders:
        services.quote_submit(actor=bidder, bidding_round=bidding_round, price="20000")
    expire(bidding_round)
    closed = services.round_close(actor=purchaser, bidding_round=bidding_round)
    # then the association comes first (seed 003), the others' order is a recorded draw
    assert closed.order is not None and closed.order.supplier == bidders[1].organization
    awarded = AuditEvent.objects.get(action="emall_round.awarded")
    decided = [entry["decided_by"] for entry in awarded.new_values["ranking"]]
    assert decided == ["industry_association", "draw", "draw"]
    assert awarded.new_values["draws"][0]["seed"]


def test_who_may_quote(
    purchaser: Any,
    make_bidder: Callable[..., Any],
    make_user: Callable[..., Any],
    make_org: Callable[..., Any],
    registrar: Any,
    line: Any,
    catalogue_item: Any,
) -> None:
    bidding_round = post(purchaser, catalogue_item, line)
    # a purchaser cannot quote
    with pytest.raises(PermissionDenied):
        services.quote_submit(actor=purchaser, bidding_round=bidding_round, price="1000")
    # an organization that has not entered the e-mall cannot
    outsider = make_user("supplier", unit=None, organization=make_org())
    with pytest.raises(PermissionDenied) as not_entered:
        services.quote_submit(actor=outsider, bidding_round=bidding_round, price="1000")
    assert not_entered.value.code == "emall.not_entered"
    # a blacklisted entered supplier cannot
    listed = make_bidder()
    credit_list(
        actor=registrar,
        organization=listed.organization,
        kind="serious",
        reason="以虚假材料骗取登记",
        decision_document="湘民罚〔2026〕9号",
        listed_on=clock.today() - timedelta(days=1),
    )
    with pytest.raises(ServiceError) as blacklisted:
        services.quote_submit(actor=listed, bidding_round=bidding_round, price="1000")
    assert blacklisted.value.code == "emall.supplier_ineligible"
    # bad prices are refused at the edge
    bidder = make_bidder()
    for bad in ("0", "-5", "1.001", "abc"):
        with pytest.raises(ServiceError) as caught:
            services.quote_submit(actor=bidder, bidding_round=bidding_round, price=bad)
        assert caught.value.code == "emall.quote_price_invalid"
    assert Quote.objects.count() == 0
    # another unit's purchaser cannot close it
    other = make_user("purchaser", unit="cs_civil")
    expire(bidding_round)
    with pytest.raises(PermissionDenied):
        services.round_close(actor=other, bidding_round=bidding_round)


def test_a_supplier_not_entered_for_the_item_cannot_quote(
    purchaser: Any, make_bidder: Callable[..., Any], line: Any, small_catalogue: Any
) -> None:
    bidding_round = post(purchaser, small_catalogue.items.get(code="A0901"), line)
    with pytest.raises(PermissionDenied) as caught:
        services.quote_submit(actor=make_bidder(), bidding_round=bidding_round, price="1000")
    assert caught.value.code == "emall.item_not_entered"


def test_posting_checks(
    purchaser: Any, make_line: Callable[..., Any], line: Any, catalogue_item: Any
) -> None:
    # the window shorter than the rule's minimum
    with pytest.raises(ServiceError) as short:
        post(purchaser, catalogue_item, line, hours=23)
    assert short.value.code == "emall.bidding_window_too_short" and short.value.field == "closes_at"
    # at the services ceiling (80万)
    with pytest.raises(ServiceError) as ceiling:
        post(purchaser, catalogue_item, make_line("900000", year=clock.today().year), ceiling="800000")
    assert ceiling.value.code == "emall.over_ceiling"
    # more than the line's room
    with pytest.raises(ServiceError) as room:
        post(purchaser, catalogue_item, make_line("1000", year=clock.today().year))
    assert room.value.code == "emall.budget_insufficient"
    # an open round counts in the year's total of the item: a second one reaching the limit is split
    big = make_line("900000", year=clock.today().year)
    post(purchaser, catalogue_item, big, ceiling="500000")
    with pytest.raises(ServiceError) as split:
        post(purchaser, catalogue_item, big, ceiling="300000")
    assert split.value.code == "emall.split_purchase"
    assert "第二十八条" in split.value.params["citation"]
    # only purchasers post
    assert BiddingRound.objects.count() == 1


def test_posting_refuses_a_negative_list_item(purchaser: Any, line: Any, small_catalogue: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        post(purchaser, small_catalogue.items.get(code="N05"), line)
    assert caught.value.code in {"emall.negative_list", "emall.item_not_purchasable"}
