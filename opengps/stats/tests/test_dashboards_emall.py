"""E-mall spend on the funds dashboard: orders built through the e-mall services (its fixtures, on
its pinned day); only orders the supplier confirmed count, paid ones also as paid; each figure and
table row against the raw orders and its drill-down."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region
from opengps.emall import services as emall
from opengps.emall.models import Order
from opengps.emall.tests.conftest import entered, make_listing, operator, org, pinned_day, supplier  # noqa: F401
from opengps.stats import services
from opengps.stats.tests.test_measures import EXPECTED

pytestmark = pytest.mark.django_db


def _order(purchaser: Any, listing: Any, line: Any, quantity: str) -> Order:
    return emall.order_place(
        actor=purchaser,
        listing=listing,
        budget_line=line,
        quantity=quantity,
        service_region=Region.objects.get(pk="430100"),
        note="岳麓区特困老人",
    )


def test_emall_spend_counts_confirmed_orders_and_drills_to_them(
    purchaser: Any,
    supplier: Any,  # noqa: F811
    make_listing: Callable[..., Any],  # noqa: F811
    make_line: Callable[..., Any],
    client: Client,
    finance: Any,
) -> None:
    # given a paid order, a confirmed one, one declined and one still waiting for the supplier
    listing, line = make_listing("300"), make_line("500000")
    paid = _order(purchaser, listing, line, "12")
    emall.order_confirm(actor=supplier, order=paid)
    emall.order_deliver(actor=supplier, order=paid, note="已完成上门服务")
    emall.order_accept(actor=purchaser, order=paid, note="验收合格")
    emall.order_pay(actor=purchaser, order=paid, reference="HN-ZF-2026-0001")
    confirmed = _order(purchaser, listing, line, "5")
    emall.order_confirm(actor=supplier, order=confirmed)
    declined = _order(purchaser, listing, line, "3")
    emall.order_decline(actor=supplier, order=declined, reason="人手不足")
    _order(purchaser, listing, line, "2")
    services.summaries_refresh(actor=None)
    # when the finance department opens the funds dashboard
    client.force_login(finance)
    response = client.get("/stats/funds/", {"year": ""})
    assert response.status_code == 200
    figures = response.context["figures"]
    # then e-mall spend is the confirmed orders, paid the paid one, as the raw orders say
    assert figures["emall_spend"].value == EXPECTED["emall_spend"]() == Decimal("5100.00")
    assert figures["emall_paid"].value == EXPECTED["emall_paid"]() == Decimal("3600.00")
    # and each drill-down lists the orders adding up to the figure clicked
    for key in ("emall_spend", "emall_paid"):
        page = client.get(figures[key].drill).context["page"]
        assert page.total == figures[key].value
    spend = client.get(figures["emall_spend"].drill).context["page"]
    assert sorted(f.record_id for f in spend.rows) == sorted([paid.pk, confirmed.pk])
    # as does the monthly table's row
    monthly = response.context["tables"][2]
    assert [row.values[0] for row in monthly.rows] == [Decimal("5100.00")]
    assert client.get(monthly.rows[0].drill).context["page"].total == Decimal("5100.00")
