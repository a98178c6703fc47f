"""The e-mall demo's 定点 call-off, through the real services on the real clock: a framework agreement
procured on the item its suppliers list (five bids, a committee of five, the shortlist announced),
then one order called off from a shortlisted member at its agreement price; its pages render."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from opengps.core import clock
from opengps.emall import demo_calloff
from opengps.emall.models import Order, OrderKind, OrderStatus
from opengps.evaluation.models import FrameworkCallOff, FrameworkShortlist
from opengps.performance.models import ExpertConduct
from opengps.procurement.models import BidReadout, ProcurementStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None, next_year_calendar: None) -> None:
    clock_at(None)  # with a holiday calendar for whatever year the real clock is in (planning's periods)


def test_demo_framework_agreement_and_its_call_off(
    purchaser: Any,
    head: Any,
    finance: Any,
    operator: Any,
    make_bidder: Callable[..., Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    # given five entered suppliers selling A0401 (the first 养老服务 item) and an expert database
    sellers = [make_bidder(str(280 + 10 * n)) for n in range(5)]
    for _n in range(8):
        make_expert(user=make_user("expert", unit=None))
    context = SimpleNamespace(users={"purchaser": purchaser, "head": head, "finance": finance})
    year = clock.today().year
    order_line, plan_line = make_line("600000", year=year), make_line("1000000", year=year)
    # when the demo procures its framework agreement and calls one order off it
    order = demo_calloff.load(context, operator, sellers, plan_line=plan_line, order_line=order_line)
    # then the agreement is announced on A0401: of five bids, the one above the highest unit price
    # is not responsive and a fifth of the rest (rounded up) is eliminated, three are shortlisted
    shortlist = FrameworkShortlist.objects.get()
    procurement = shortlist.evaluation.procurement
    assert procurement.status == ProcurementStatus.AWARDED and shortlist.announced_at is not None
    assert procurement.method == "framework_agreement"
    assert list(procurement.plan.project.items.values_list("code", flat=True)) == ["A0401"]
    assert BidReadout.objects.filter(opening__procurement=procurement).count() == 5
    assert shortlist.members.count() == 3
    # and the purchaser rated its committee's conduct (IR §62), as the performance demo rates a tender's
    committee = shortlist.evaluation.members.all()
    assert ExpertConduct.objects.filter(member__in=committee).count() == committee.count() == 5
    # and the call-off is a placed 定点 order at the first-ranked member's agreement price
    assert order is not None and Order.objects.get(kind=OrderKind.FRAMEWORK) == order
    member = shortlist.members.get(rank=1)
    assert order.status == OrderStatus.PLACED and order.supplier_id == member.organization_id
    assert order.unit_price == member.price and order.quantity == 4 and order.amount == 4 * member.price
    assert order.budget_line == order_line and order.fiscal_year == year
    call_off = FrameworkCallOff.objects.get()
    assert call_off.member == member and call_off.amount == order.amount and call_off.by_order
    # and the order's page and the call-off list render for the purchaser, the order for its supplier
    client = Client()
    client.force_login(purchaser)
    page = client.get(f"/emall/orders/{order.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.reference in html and "定点" in html
    listing = client.get("/emall/call-offs/")
    assert listing.status_code == 200 and procurement.reference in listing.content.decode()
    seller = next(s for s in sellers if s.organization_id == member.organization_id)
    client.force_login(seller)
    assert client.get(f"/emall/orders/{order.pk}/").status_code == 200
