"""定点 (framework call-off): where a procurement framework agreement (框架协议, O110) covers a
catalogue item, the purchaser orders from a shortlisted member at its agreement price (协议价格).

The member sells through its live e-mall listing of the item (the order keeps that listing's terms
and version, at the agreement price instead of the listing's). The agreement's own rule decides
whether the member may be chosen (`opengps.evaluation.services.framework_call_off_pick`: 直接选定
O110 §32, 顺序轮候 O110 §34; 二次竞价 O110 §33 needs the members' quotes and is refused here) and
records the call-off on the agreement in the same transaction. The e-mall's order checks apply as
for a direct purchase — negative list, category ceiling, budget room on the locked line, split
purchase — but not the direct-purchase limit: the agreement price was competed in the first stage.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.core.errors import ServiceError
from opengps.core.money import FEN
from opengps.emall.errors import Code
from opengps.emall.events import Event
from opengps.emall.models import Listing, ListingVersion, Order, OrderKind
from opengps.emall.services.entry import require_eligible
from opengps.emall.services.orders import (
    CATEGORY,
    item_checks,
    lock_budget,
    order_input,
    order_record,
    require_live,
    require_served,
)
from opengps.evaluation.models import FrameworkMember, FrameworkShortlist
from opengps.evaluation.services import framework_call_off_pick
from opengps.planning.models import BudgetLine


def framework_covers(shortlist: FrameworkShortlist, item_code: str) -> bool:
    """Whether the agreement's project (the plan it was procured under) lists the catalogue item."""
    project = shortlist.evaluation.procurement.plan.project
    return project.items.filter(code=item_code).exists()


def _covered_member(
    shortlist: FrameworkShortlist, listing: Listing
) -> tuple[Listing, ListingVersion, FrameworkMember]:
    """The live listing, its version and its owner's membership of the agreement that covers its item."""
    listing = Listing.objects.select_related("item", "organization", "live_version").get(pk=listing.pk)
    version = require_live(listing)
    if not framework_covers(shortlist, listing.item.code):
        raise ServiceError(
            Code.EMALL_FRAMEWORK_NOT_COVERING, field="listing", params={"item": listing.item.name}
        )
    member = shortlist.members.filter(organization=listing.organization_id).first()
    if member is None:
        raise ServiceError(Code.EMALL_FRAMEWORK_NOT_MEMBER, field="listing")
    return listing, version, member


def order_call_off(
    *,
    actor: Actor,
    shortlist: FrameworkShortlist,
    listing: Listing,
    budget_line: BudgetLine,
    quantity: Decimal | str | int,
    service_region: Region,
    note: str = "",
) -> Order:
    """Order from a framework member (the owner of `listing`) at its agreement price (see the module)."""
    unit, qty, note = order_input(actor, quantity, note)
    listing, version, member = _covered_member(shortlist, listing)
    amount = (qty * member.price).quantize(FEN, ROUND_HALF_UP)
    item_checks(listing.item, amount, item_field="listing", amount_field="quantity")
    require_eligible(listing.organization, Code.EMALL_SUPPLIER_INELIGIBLE, field="listing")
    require_served(version, service_region)
    with transaction.atomic():
        line, room = lock_budget(
            unit=unit, budget_line=budget_line, item_code=listing.item.code, amount=amount, field="quantity"
        )
        # The agreement's rule decides and records the call-off; a refusal rolls everything back.
        call_off = framework_call_off_pick(
            actor=actor,
            shortlist=shortlist,
            description=f"电子卖场定点采购：{version.title}"[:200],
            amount=amount,
            chosen=member,
            by_order=True,  # the order is the call-off's contract
        )
        order = order_record(
            actor=actor,
            action=Event.EMALL_ORDER_CALLED_OFF,
            facts={
                "kind": OrderKind.FRAMEWORK,
                "agreement": shortlist.evaluation.procurement.reference,
                "call_off": call_off.number,
                "rule": call_off.rule,
                "supplier": listing.organization.uscc,
                "agreement_price": member.price,
                "quantity": qty,
                "amount": amount,
                "budget_line": line.code,
                "budget_room_before": room,
            },
            reason=call_off.citation,
            unit=unit,
            placed_by=actor,
            listing=listing,
            version=version,
            supplier=listing.organization,
            item_code=listing.item.code,
            category=CATEGORY,
            kind=OrderKind.FRAMEWORK,
            budget_line=line,
            fiscal_year=line.fiscal_year,
            quantity=qty,
            unit_price=member.price,
            amount=amount,
            service_region=service_region,
            note=note,
        )
    return order
