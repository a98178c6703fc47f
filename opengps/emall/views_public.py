"""The e-mall's public 成交公告 pages (/emall/notices/): anonymous, read-only, what the disclosure rules
make public (`selectors_public`); a round still open or an order not disclosed answers 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.core.paging import page_number
from opengps.emall import selectors_public
from opengps.rules.emall_disclosure import disclosure_amount, round_disclosed


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "emall/public/not_found.html", status=404)


@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    """电子卖场成交公告 — closed 竞价 rounds and direct purchases above the disclosure amount."""
    page = selectors_public.notice_page(page_number(request))
    return render(request, "emall/public/notices.html", {"page": page})


@require_safe
def round_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One closed round: the requirement, the counts, the winner and its price, or why it failed and
    the lawful next steps."""
    try:
        bidding_round = selectors_public.round_public_get(pk)
    except NotFound:
        return _not_found(request)
    context = {
        "r": bidding_round,
        "item": selectors_public.round_notice(bidding_round),
        "order_public": selectors_public.round_winner_order_public(bidding_round),
        "citation": round_disclosed(outcome=bidding_round.status).citation,
    }
    return render(request, "emall/public/round.html", context)


@require_safe
def order_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One disclosed order: the buyer unit, the supplier, what was bought, the amount and the dates."""
    try:
        order = selectors_public.order_public_get(pk)
    except NotFound:
        return _not_found(request)
    bidding_round = getattr(order, "bidding_round", None)
    context = {
        "o": order,
        "item": selectors_public.order_notice(order),
        "round": bidding_round,
        "citation": (
            round_disclosed(outcome=bidding_round.status).citation
            if bidding_round is not None
            else disclosure_amount(clock.local_date(order.placed_at)).citation
        ),
    }
    return render(request, "emall/public/order.html", context)
