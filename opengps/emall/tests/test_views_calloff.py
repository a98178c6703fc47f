"""定点 through the screens: the purchaser finds its unit's framework agreement on the 框架协议定点采购
page, opens a shortlisted member's listing, sees the agreement price, and places the call-off; the
refusals show beside their fields with nothing recorded on either side; only the agreements of the
purchaser's own unit are offered, and only on its members' listings.

Runs on the real clock: the agreement's first-stage bids are judged by the database clock."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.core import clock
from opengps.core.models import AuditEvent
from opengps.emall import services
from opengps.emall.models import Order, OrderKind, OrderStatus
from opengps.emall.tests.conftest import enter, terms
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import FrameworkCallOff, FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None], fresh_registry_caches: None, next_year_calendar: None) -> None:
    clock_at(None)  # with a holiday calendar for whatever year the real clock is in (planning's periods)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_call_off_through_the_screens(
    purchaser: Any,
    operator: Any,
    make_plan: Callable[..., Any],
    make_line: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    # given an announced framework agreement (direct pick) of the purchaser's unit
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    item = procurement.plan.project.items.get()
    second = shortlist.members.get(rank=2)
    seller = next(u for u in suppliers if u.organization_id == second.organization_id)
    outsider = next(
        u for u in suppliers if not shortlist.members.filter(organization=u.organization).exists()
    )
    # and the second-ranked member and a supplier eliminated from it both sell the item in the e-mall
    listings = {}
    for user in (seller, outsider):
        enter(user, operator, small_catalogue, codes=(item.code,))
        listing = services.listing_create(actor=user, item=item, terms=terms("300"))
        services.listing_submit(actor=user, listing=listing)
        services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
        listings[user.pk] = listing
    mine, theirs = listings[seller.pk], listings[outsider.pk]
    small = make_line("100", year=clock.today().year)
    line = make_line("500000", year=clock.today().year)
    buyer = login(purchaser)
    price = f"{second.price:,.2f}"

    # when the purchaser opens the 框架协议定点采购 page from the e-mall's menu
    home = buyer.get("/emall/").content.decode()
    assert 'href="/emall/call-offs/"' in home and "框架协议定点采购" in home
    page = buyer.get("/emall/call-offs/").content.decode()
    # then it lists the agreement, its members at their agreement prices and the member's listing
    assert procurement.reference in page and second.organization.name in page and price in page
    assert f'href="/emall/listings/{mine.pk}/#calloff"' in page
    assert f'href="/emall/listings/{theirs.pk}/#calloff"' not in page

    # the member's listing offers the agreement at its agreement price; the outsider's does not
    shown = buyer.get(f"/emall/listings/{mine.pk}/").content.decode()
    assert 'id="calloff"' in shown and f"协议价格 {price} 元" in shown and procurement.reference in shown
    assert 'id="calloff"' not in buyer.get(f"/emall/listings/{theirs.pk}/").content.decode()

    form = {
        "shortlist": shortlist.pk,
        "quantity": "1",
        "budget_line": line.pk,
        "service_region": "430100",
        "note": "第一季度",
    }
    url = f"/emall/listings/{mine.pk}/call-off"
    # refusals beside their fields: a bad quantity (form), no budget room (service), another agreement
    bad = buyer.post(url, {**form, "quantity": "abc"})
    assert bad.status_code == 400 and 'id="calloff-quantity-error"' in bad.content.decode()
    poor = buyer.post(url, {**form, "budget_line": small.pk})
    assert poor.status_code == 400
    assert 'id="calloff-budget_line-error"' in poor.content.decode() and "预算" in poor.content.decode()
    outside = buyer.post(f"/emall/listings/{theirs.pk}/call-off", form)
    assert outside.status_code == 400 and 'id="calloff-shortlist-error"' in outside.content.decode()
    assert not Order.objects.exists() and not FrameworkCallOff.objects.exists()

    # the call-off is placed: a 定点 order at the agreement price, recorded on the agreement
    placed = buyer.post(url, form)
    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/emall/orders/{order.pk}/"
    assert order.kind == OrderKind.FRAMEWORK and order.status == OrderStatus.PLACED
    assert order.unit_price == second.price and order.amount == second.price
    assert order.supplier_id == seller.organization_id and order.note == "第一季度"
    call_off = FrameworkCallOff.objects.get()
    assert call_off.member == second and call_off.amount == second.price
    assert AuditEvent.objects.get(action="emall_order.called_off").new_values["call_off"] == call_off.number
    assert services.budget_room(line) == Decimal("500000.00") - second.price
    # the supplier sees the order to confirm, like any other
    assert order.reference in login(seller).get("/emall/orders/").content.decode()


def test_only_the_units_own_agreements_are_offered(
    purchaser: Any,
    operator: Any,
    make_plan: Callable[..., Any],
    make_line: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    # given an announced agreement of the provincial department and its first member's listing
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    item = procurement.plan.project.items.get()
    first = shortlist.members.get(rank=1)
    seller = next(u for u in suppliers if u.organization_id == first.organization_id)
    enter(seller, operator, small_catalogue, codes=(item.code,))
    listing = services.listing_create(actor=seller, item=item, terms=terms("300"))
    services.listing_submit(actor=seller, listing=listing)
    services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
    buyer = login(purchaser)
    # before the shortlist is announced the agreement cannot be used: not offered
    assert procurement.reference not in buyer.get("/emall/call-offs/").content.decode()
    assert 'id="calloff"' not in buyer.get(f"/emall/listings/{listing.pk}/").content.decode()
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    assert 'id="calloff"' in buyer.get(f"/emall/listings/{listing.pk}/").content.decode()
    # a purchaser of another unit is offered nothing, and a forced POST is refused beside the field
    other = login(make_user("purchaser", unit="cs_civil"))
    assert procurement.reference not in other.get("/emall/call-offs/").content.decode()
    assert 'id="calloff"' not in other.get(f"/emall/listings/{listing.pk}/").content.decode()
    forced = other.post(
        f"/emall/listings/{listing.pk}/call-off",
        {"shortlist": shortlist.pk, "quantity": "1", "budget_line": "1", "service_region": "430100"},
    )
    assert forced.status_code == 400 and 'id="calloff-shortlist-error"' in forced.content.decode()
    # the supplier and the public have no call-off page; GET on the action is not allowed
    assert login(seller).get("/emall/call-offs/").status_code == 403
    assert Client().get("/emall/call-offs/").status_code == 302
    assert buyer.get(f"/emall/listings/{listing.pk}/call-off").status_code == 405
    assert not Order.objects.exists() and not FrameworkCallOff.objects.exists()
