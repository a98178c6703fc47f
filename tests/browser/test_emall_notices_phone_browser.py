"""The e-mall's public 成交公告 on a phone: at 390 × 844 the list of notices and a direct purchase's
notice (a long service title, the whole order process) never scroll sideways, show their main
heading, and show labels — never a stored status, kind or code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.emall import services
from opengps.emall.models import Listing, OrderKind, OrderStatus
from opengps.emall.tests.conftest import (  # noqa: F401
    entered,
    make_listing,
    operator,
    org,
    pinned_day,
    supplier,
)
from tests.browser.phone import check_on_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "长沙市岳麓区特困及失能半失能老年人居家养老上门服务（助餐、助洁、助浴、助医、精神慰藉）"
STORED = [*OrderStatus.values, *OrderKind.values]


def test_the_notice_list_and_an_order_notice_fit_a_phone(
    page: Any,
    live_server: Any,
    purchaser: Any,
    supplier: Any,  # noqa: F811
    make_listing: Callable[..., Listing],  # noqa: F811
    make_line: Callable[..., Any],
) -> None:
    # given two direct purchases above the disclosure amount, confirmed, one of them paid
    line = make_line("500000", year=clock.today().year)
    listing = make_listing("1000", title=TITLE)
    orders = [
        services.order_place(
            actor=purchaser,
            listing=listing,
            budget_line=line,
            quantity=quantity,
            service_region=Region.objects.get(pk="430104"),
            note="",
        )
        for quantity in ("36", "12")
    ]
    for order in orders:
        services.order_confirm(actor=supplier, order=order)
    paid = orders[0]
    services.order_deliver(actor=supplier, order=paid, note="已上门服务")
    services.order_accept(actor=purchaser, order=paid, note="验收合格")
    services.order_pay(actor=purchaser, order=paid, reference="ZF-0001")
    paid.refresh_from_db()

    # then the list fits the phone, names both and shows no code
    listed = check_on_phone(
        page, f"{live_server.url}/emall/notices/", "emall-notices", heading="电子卖场成交公告", values=STORED
    )
    assert paid.reference in listed and orders[1].reference in listed
    # and so does the paid order's notice, with its amount and the order's process
    shown = check_on_phone(
        page,
        f"{live_server.url}/emall/notices/orders/{paid.pk}/",
        "emall-order-notice",
        heading=paid.reference,
        values=STORED,
    )
    assert "36,000.00" in shown and "付款时间" in shown and paid.reference in shown
