"""定点: a framework agreement procured through planning → procurement → evaluation (the evaluation
scenario's own steps), then a purchaser orders from a shortlisted member at its agreement price in
the e-mall; the call-off is recorded on the agreement, the order being its contract; refusals change
nothing on either side.

Runs on the real clock: the first stage's bids are judged by the database clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region
from opengps.contracts import services as contract_services
from opengps.contracts.selectors import call_offs_to_contract
from opengps.core import clock
from opengps.core.errors import Conflict, ServiceError
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


def test_call_off_from_a_framework_member_at_its_agreement_price(
    purchaser: Any,
    operator: Any,
    make_plan: Callable[..., Any],
    make_line: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    # given an announced framework agreement (direct pick) with four shortlisted members
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    item = procurement.plan.project.items.get()
    second = shortlist.members.get(rank=2)
    eliminated = next(
        u for u in suppliers if not shortlist.members.filter(organization=u.organization).exists()
    )
    # and the second-ranked member and the eliminated supplier both sell the item in the e-mall
    listings = {}
    for user in (next(u for u in suppliers if u.organization_id == second.organization_id), eliminated):
        enter(user, operator, small_catalogue, codes=(item.code,))
        listing = services.listing_create(actor=user, item=item, terms=terms("300"))
        services.listing_submit(actor=user, listing=listing)
        services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
        listings[user.organization_id] = listing
    line = make_line("500000", year=clock.today().year)
    region = Region.objects.get(pk="430100")
    # when the purchaser orders one unit from the second-ranked member
    order = services.order_call_off(
        actor=purchaser,
        shortlist=shortlist,
        listing=listings[second.organization_id],
        budget_line=line,
        quantity="1",
        service_region=region,
        note="第一季度",
    )
    # then the order is a 定点 order at the agreement price, and the agreement records the call-off
    assert order.kind == OrderKind.FRAMEWORK and order.status == OrderStatus.PLACED
    assert order.unit_price == second.price and order.amount == second.price
    assert order.supplier_id == second.organization_id
    call_off = FrameworkCallOff.objects.get()
    assert call_off.member == second and call_off.amount == second.price and "第三十二条" in call_off.citation
    event = AuditEvent.objects.get(action="emall_order.called_off")
    assert event.new_values["agreement"] == procurement.reference and event.new_values["call_off"] == 1
    assert services.budget_room(line) == Decimal("500000.00") - second.price
    # and the order is the call-off's contract (O110 §11(9)): none waits to be drafted, none can be
    assert call_off.by_order and not call_offs_to_contract(purchaser).exists()
    with pytest.raises(Conflict) as drafted:
        contract_services.contract_create_from_call_off(
            actor=purchaser,
            call_off=call_off,
            starts_on=clock.today(),
            ends_on=clock.today() + timedelta(days=90),
        )
    assert drafted.value.code == "contract.call_off_by_order"
    # a supplier eliminated from the agreement cannot be called off
    with pytest.raises(ServiceError) as not_member:
        services.order_call_off(
            actor=purchaser,
            shortlist=shortlist,
            listing=listings[eliminated.organization_id],
            budget_line=line,
            quantity="1",
            service_region=region,
        )
    assert not_member.value.code == "emall.framework_not_member"
    # no budget room left for a second one: refused, and nothing recorded on the agreement either
    with pytest.raises(ServiceError) as no_room:
        services.order_call_off(
            actor=purchaser,
            shortlist=shortlist,
            listing=listings[second.organization_id],
            budget_line=line,
            quantity="1",
            service_region=region,
        )
    assert no_room.value.code == "emall.budget_insufficient"
    assert FrameworkCallOff.objects.count() == 1 and Order.objects.count() == 1
    # and over the API: the same refusal, structured, beside its field
    client = Client()
    client.force_login(purchaser)
    body = {
        "shortlist": shortlist.pk,
        "listing": listings[second.organization_id].pk,
        "budget_line": line.pk,
        "quantity": "1",
        "service_region": "430100",
    }
    refused = client.post("/api/v1/emall/call-offs", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "budget_line"
    placed = client.post(
        "/api/v1/emall/call-offs",
        {**body, "budget_line": make_line("900000", year=clock.today().year).pk},
        content_type="application/json",
    )
    # with room on another line, the unit's year total of the item would reach the limit: split
    assert placed.status_code == 400 and placed.json()["error"]["code"] == "emall.split_purchase"
    assert FrameworkCallOff.objects.count() == 1
    assert client.get(f"/api/v1/emall/orders/{order.pk}").json()["kind"] == "framework"
