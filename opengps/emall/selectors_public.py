"""Reads of the e-mall's public 成交公告 pages: closed 竞价 rounds and disclosed orders, nothing else.

What is public is decided by `opengps.rules.emall_disclosure`, the same rules the open data
(`opengps.opendata.builders.emall`) applies: a round once closed (awarded or failed), whatever its
amount; a direct purchase once its supplier confirmed it, above the disclosure amount in force on the
day it was placed; the order a round awarded once its supplier confirmed it. Nothing of a round still
open is read (O87 §28 by analogy), and the `Quote` rows are never read: a closed round shows its
counts and the winning price only, never a losing price nor who else quoted. The order's free texts
(note, delivery and acceptance notes, payment voucher, rating) are never read either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.core.clock import BEIJING
from opengps.core.errors import one_or_not_found
from opengps.core.paging import PageNumbers
from opengps.emall.errors import Code
from opengps.emall.models import BiddingRound, Order, OrderKind, RoundStatus
from opengps.rules.emall_disclosure import (
    CLOSED_ROUND_OUTCOMES,
    DISCLOSED_ORDER_STATUSES,
    disclosure_periods,
)

PAGE_SIZE = 20
ROUND_LABEL = _("竞价成交公告")
FAILED_LABEL = _("竞价失败公告")
ORDER_LABEL = _("直购成交公告")
ROUND_RELATED = ("unit", "item", "service_region", "order__supplier")
ORDER_RELATED = ("unit", "supplier", "version", "listing__item", "service_region", "bidding_round")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def _above_disclosure_amount() -> Q:
    """`order_disclosed`'s amount test as a query, with the rule's own periods
    (`disclosure_periods`): above the amount in force on the day (Beijing time) the order was
    placed. An order placed before the first period is not disclosed (no amount in force then)."""
    condition = Q(pk__in=[])
    for period in disclosure_periods():
        placed = Q(placed_at__gte=_start_of(period.starts_on), amount__gt=period.above)
        if period.ends_before is not None:
            placed &= Q(placed_at__lt=_start_of(period.ends_before))
        condition |= placed
    return condition


def rounds_public() -> QuerySet[BiddingRound]:
    """竞价 rounds closed with their outcome (`round_disclosed`); none still open."""
    return BiddingRound.objects.filter(status__in=CLOSED_ROUND_OUTCOMES)


def orders_public() -> QuerySet[Order]:
    """Orders with a public notice: direct purchases `order_disclosed`, and the orders closed rounds
    awarded, once their suppliers confirmed them (published with their round, whatever the amount).
    Framework call-offs are not disclosed here (nor in the open data) yet."""
    confirmed = Q(status__in=DISCLOSED_ORDER_STATUSES)
    direct = Q(kind=OrderKind.DIRECT) & _above_disclosure_amount()
    bidding = Q(kind=OrderKind.BIDDING, bidding_round__status=RoundStatus.AWARDED)
    return Order.objects.filter(confirmed & (direct | bidding))


def round_public_get(pk: int) -> BiddingRound:
    """A closed round; NotFound for one still open (sealed until the close) or unknown."""
    return one_or_not_found(rounds_public().select_related(*ROUND_RELATED), pk, Code.EMALL_ROUND_NOT_FOUND)


def order_public_get(pk: int) -> Order:
    """A disclosed order; NotFound for one below the disclosure amount, unconfirmed or unknown."""
    return one_or_not_found(orders_public().select_related(*ORDER_RELATED), pk, Code.EMALL_ORDER_NOT_FOUND)


def round_winner_order_public(bidding_round: BiddingRound) -> bool:
    """Whether the order the round awarded has its own notice (its supplier confirmed it)."""
    order = bidding_round.order
    return order is not None and order.status in DISCLOSED_ORDER_STATUSES


@dataclass
class Notice:
    """One row of the list, shaped like the portal's notice rows (`portal/_items.html`)."""

    kind_label: Any
    title: str
    url: str
    when: datetime | None
    unit: str
    unit_id: int | None
    summary: str
    amount: Decimal | None = None

    @property
    def when_text(self) -> str:
        return timezone.localtime(self.when, BEIJING).strftime("%Y-%m-%d %H:%M") if self.when else ""


def round_notice(bidding_round: BiddingRound) -> Notice:
    awarded = bidding_round.status == RoundStatus.AWARDED
    if awarded and bidding_round.order is not None:
        summary = str(_("成交供应商：%(name)s") % {"name": bidding_round.order.supplier.name})
    else:
        summary = str(_("有效报价不足，竞价失败"))
    return Notice(
        kind_label=ROUND_LABEL if awarded else FAILED_LABEL,
        title=f"{bidding_round.title}（{bidding_round.reference}）",
        url=reverse("emall:notice_round", args=[bidding_round.pk]),
        when=bidding_round.closed_at,
        unit=bidding_round.unit.name,
        unit_id=bidding_round.unit_id,
        summary=summary,
        amount=bidding_round.awarded_price if awarded else None,
    )


def order_notice(order: Order) -> Notice:
    return Notice(
        kind_label=ORDER_LABEL,
        title=f"{order.version.title}（{order.reference}）",
        url=reverse("emall:notice_order", args=[order.pk]),
        when=order.confirmed_at,
        unit=order.unit.name,
        unit_id=order.unit_id,
        summary=str(_("供应商：%(name)s") % {"name": order.supplier.name}),
        amount=order.amount,
    )


@dataclass
class NoticePage(PageNumbers):
    items: list[Notice]
    count: int
    page: int
    page_size: int = PAGE_SIZE


def _listed_rounds() -> QuerySet[BiddingRound]:
    return rounds_public()


def _listed_orders() -> QuerySet[Order]:
    """Direct purchases only: the orders of rounds are linked from their round's notice."""
    return orders_public().filter(kind=OrderKind.DIRECT)


def _notices(offset: int, limit: int) -> list[Notice]:
    """Closed rounds and disclosed direct purchases newest first (by the close, by the supplier's
    confirmation): one union for the slice's keys, one query per kind for its rows."""
    when = {"round": F("closed_at"), "order": F("confirmed_at")}
    rounds = _listed_rounds().annotate(when=when["round"], source=Value("round", output_field=CharField()))
    orders = _listed_orders().annotate(when=when["order"], source=Value("order", output_field=CharField()))
    union = (
        rounds.order_by()  # the models' default ordering is not allowed inside a UNION
        .values_list("source", "pk", "when")
        .union(orders.order_by().values_list("source", "pk", "when"))
        .order_by("-when", "-pk")
    )
    keys = list(union[offset : offset + limit])
    round_rows = BiddingRound.objects.select_related(*ROUND_RELATED).in_bulk(
        [pk for source, pk, _when in keys if source == "round"]
    )
    order_rows = Order.objects.select_related(*ORDER_RELATED).in_bulk(
        [pk for source, pk, _when in keys if source == "order"]
    )
    return [
        round_notice(round_rows[pk]) if source == "round" else order_notice(order_rows[pk])
        for source, pk, _when in keys
    ]


def notice_page(page: int = 1) -> NoticePage:
    """One page of the list, with the count."""
    count = _listed_rounds().count() + _listed_orders().count()
    page = max(1, min(page, max(1, math.ceil(count / PAGE_SIZE))))
    return NoticePage(_notices((page - 1) * PAGE_SIZE, PAGE_SIZE), count, page)


def latest(limit: int = 5) -> list[Notice]:
    """The newest notices, for the portal's index."""
    return _notices(0, limit)
