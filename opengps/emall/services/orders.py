"""Direct purchase (直购) and the order's life: placed → confirmed (or declined, or lapsed when the
supplier lets the window pass) → delivered → accepted → paid → rated.

Before an order is placed: the listing is live and its supplier entered and eligible (registry);
the item is not on the negative list (O102 §10); the amount is below the e-mall's ceiling for its
category (seed 003) and within the direct-purchase limit [U]; the service area covers the place;
and — with the purchasing unit's row and the budget line's row locked, so two concurrent orders
cannot both pass — an approved budget line of the unit and year has room for it (先有预算、后购买服务;
room is planning's `budget_usage`: the line less its plans and what the e-mall holds on it, one figure)
and the unit's orders of the same item this fiscal year stay below the ceiling (IR §28).

竞价 (`bidding`) and 定点 (`calloff`) use the same pieces: `item_checks`, `lock_budget` and
`order_record` (the order and its audit event), so an order is made and checked in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.catalog.models import CatalogItem, ItemKind
from opengps.catalog.selectors import current_version
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.money import FEN
from opengps.emall.errors import Code
from opengps.emall.events import Event
from opengps.emall.models import (
    BiddingRound,
    EntryStatus,
    Listing,
    ListingStatus,
    ListingVersion,
    Order,
    OrderStatus,
    RoundStatus,
    SupplierEntry,
)
from opengps.emall.services._common import SHORT_TEXT, locked_set_status, rule_refusal, set_status, text
from opengps.emall.services.entry import require_eligible
from opengps.planning.models import BudgetLine, BudgetStatus
from opengps.planning.selectors import budget_usage
from opengps.planning.services import BUDGET_FIRST
from opengps.rules.base import RuleError
from opengps.rules.emall import (
    LIVE_ORDER_STATUSES,
    check_below_ceiling,
    check_direct_purchase,
    check_not_negative_list,
    check_rating,
    check_split_purchase,
    confirm_deadline,
    order_lapsed,
    payment_due,
)

_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)

CATEGORY = "services"
"""The e-mall's listings are services (政府购买服务): their ceiling is the services limit."""


def holding(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Orders that hold budget and count towards the split-purchase total: live ones, a placed
    order only until its confirmation deadline (after it, lapsed by its date)."""
    now = clock.now()
    return orders.filter(status__in=LIVE_ORDER_STATUSES).exclude(
        status=OrderStatus.PLACED, confirm_by__lt=now
    )


def _open_rounds(rounds: QuerySet[BiddingRound]) -> Decimal:
    """The ceilings of open 竞价 rounds: each holds its ceiling until it is closed."""
    total = rounds.filter(status=RoundStatus.OPEN).aggregate(total=Sum("ceiling"))["total"]
    return total or Decimal(0)


def _line_total(rows: QuerySet[Any], field: str) -> Subquery:
    """The sum of `field` over `rows` on the outer budget line (NULL when none)."""
    per_line = rows.filter(budget_line=OuterRef("pk")).order_by().values("budget_line")
    return Subquery(per_line.annotate(total=Sum(field)).values("total")[:1], output_field=_MONEY)


def held_on_budget_lines() -> Combinable:
    """What the e-mall holds on each budget line, as an expression over `BudgetLine` rows: its
    holding orders (`holding`) and the ceilings of its open 竞价 rounds. Registered with planning
    (`planning.hooks.register_budget_holding`, from the app's `ready()`), so the line's usage and
    room on planning's screens and API and in every budget check (`budget_room` here,
    `_budget_covers` there) are one figure."""
    orders = _line_total(holding(Order.objects.all()), "amount")
    rounds = _line_total(BiddingRound.objects.filter(status=RoundStatus.OPEN), "ceiling")
    zero = Value(Decimal("0.00"), output_field=_MONEY)
    return Coalesce(orders, zero, output_field=_MONEY) + Coalesce(rounds, zero, output_field=_MONEY)


def emall_committed(line: BudgetLine) -> Decimal:
    """What the e-mall's orders and open 竞价 rounds hold on a budget line (planning's `held`)."""
    return budget_usage(line).held


def budget_room(line: BudgetLine) -> Decimal:
    """The line's room: its amount less its plans and what the e-mall holds on it (planning's
    `budget_usage`, which counts the e-mall through `held_on_budget_lines`)."""
    return budget_usage(line).available


def year_total(unit: Unit, item_code: str, fiscal_year: int) -> Decimal:
    """The unit's e-mall orders and open 竞价 rounds of one catalogue item in one fiscal year
    (for IR §28)."""
    orders = Order.objects.filter(unit=unit, item_code=item_code, fiscal_year=fiscal_year)
    total = holding(orders).aggregate(total=Sum("amount"))["total"]
    rounds = BiddingRound.objects.filter(unit=unit, item_code=item_code, fiscal_year=fiscal_year)
    return ((total or Decimal(0)) + _open_rounds(rounds)).quantize(FEN)


def parse_quantity(value: Decimal | str | int) -> Decimal:
    if isinstance(value, float | bool):
        raise ServiceError(Code.EMALL_QUANTITY_INVALID, field="quantity")
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(Code.EMALL_QUANTITY_INVALID, field="quantity") from None
    if (
        not quantity.is_finite()
        or quantity <= 0
        or quantity != quantity.quantize(FEN)
        or quantity >= Decimal("1e10")
    ):
        raise ServiceError(Code.EMALL_QUANTITY_INVALID, field="quantity")
    return quantity.quantize(FEN)


def negative(item: CatalogItem) -> bool:
    """On the negative list in the listing's catalogue version or in the one in force now."""
    if item.kind == ItemKind.NEGATIVE:
        return True
    version = current_version()
    return version is not None and version.items.filter(code=item.code, kind=ItemKind.NEGATIVE).exists()


def item_checks(item: CatalogItem, amount: Decimal, *, item_field: str, amount_field: str) -> None:
    """What every e-mall purchase checks first: the item not on the negative list (O102 §10) and the
    amount below the e-mall's ceiling for its category (seed 003)."""
    try:
        check_not_negative_list(negative=negative(item), item=item.name)
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_NEGATIVE_LIST, field=item_field) from None
    try:
        check_below_ceiling(amount, CATEGORY, clock.today())
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_OVER_CEILING, field=amount_field) from None


def require_live(listing: Listing) -> ListingVersion:
    """The listing's live version, its supplier entered: else ``emall.listing_not_live``."""
    entered = SupplierEntry.objects.filter(organization=listing.organization_id, status=EntryStatus.APPROVED)
    version = listing.live_version
    if listing.status != ListingStatus.LIVE or version is None or not entered.exists():
        raise Conflict(Code.EMALL_LISTING_NOT_LIVE, field="listing")
    return version


def require_served(version: ListingVersion, region: Region) -> None:
    """The version serves `region` (or a region above it): else ``emall.region_not_served``."""
    codes = [r.code for r in region.lineage()]
    if not version.regions.filter(code__in=codes).exists():
        raise ServiceError(
            Code.EMALL_REGION_NOT_SERVED, field="service_region", params={"region": region.name}
        )


def _checks_before_lock(listing: Listing, amount: Decimal, region: Region) -> None:
    """What does not depend on the budget or other orders (no lock needed)."""
    item_checks(listing.item, amount, item_field="listing", amount_field="quantity")
    try:
        check_direct_purchase(amount, clock.today())
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_OVER_DIRECT_LIMIT, field="quantity") from None
    version = require_live(listing)
    require_eligible(listing.organization, Code.EMALL_SUPPLIER_INELIGIBLE, field="listing")
    require_served(version, region)


def budget_covers(line: BudgetLine, amount: Decimal, *, unit: Unit, fiscal_year: int) -> Decimal:
    """The e-mall's side of planning's budget decision, on the locked line: the unit's approved line
    of this fiscal year with room for `amount`. Returns the room before the order."""
    if line.unit_id != unit.pk:
        raise ServiceError(Code.EMALL_BUDGET_OTHER_UNIT, field="budget_line")
    if line.status != BudgetStatus.APPROVED:
        raise ServiceError(
            Code.EMALL_BUDGET_NOT_APPROVED,
            field="budget_line",
            params={"line": line.code, "citation": BUDGET_FIRST},
        )
    if line.fiscal_year != fiscal_year:
        raise ServiceError(
            Code.EMALL_BUDGET_OTHER_YEAR,
            field="budget_line",
            params={"line_year": line.fiscal_year, "year": fiscal_year},
        )
    room = budget_room(line)
    if room < amount:
        raise ServiceError(
            Code.EMALL_BUDGET_INSUFFICIENT,
            field="budget_line",
            params={"line": line.code, "available": room, "needed": amount, "citation": BUDGET_FIRST},
        )
    return room


def lock_budget(
    *, unit: Unit, budget_line: BudgetLine, item_code: str, amount: Decimal, field: str
) -> tuple[BudgetLine, Decimal]:
    """Inside the caller's transaction: one unit's purchases one at a time (the split-purchase total)
    and one line's room decided on its locked row, so two concurrent purchases never both pass.
    Checks `budget_covers` and the split purchase (IR §28, refused beside `field`); returns the
    locked line and its room before the purchase."""
    today = clock.today()
    Unit.objects.select_for_update().get(pk=unit.pk)
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    room = budget_covers(line, amount, unit=unit, fiscal_year=today.year)
    try:
        check_split_purchase(
            earlier_total=year_total(unit, item_code, today.year),
            amount=amount,
            category=CATEGORY,
            on_date=today,
        )
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_SPLIT_PURCHASE, field=field) from None
    return line, room


def order_record(
    *,
    actor: SystemOrActor,
    action: str,
    facts: Mapping[str, object],
    reason: str = "",
    **fields: Any,
) -> Order:
    """Inside the caller's transaction: create the order (`fields`, placed now, with its confirmation
    deadline) and its audit event `action` — its status, the `facts`, its confirmation deadline."""
    now = clock.now()
    order = Order.objects.create(**fields, placed_at=now, confirm_by=confirm_deadline(now).value)
    audit.record(
        actor=actor,
        action=action,
        obj=order,
        new={"status": order.status, **facts, "confirm_by": order.confirm_by},
        reason=reason,
    )
    return order


def purchaser_unit(actor: Actor) -> Unit:
    """The purchasing unit `actor` buys for: purchasers only."""
    require_role(actor, Role.PURCHASER)
    if actor.unit is None:
        raise PermissionDenied(Code.EMALL_NOT_PURCHASER)
    return actor.unit


def order_input(actor: Actor, quantity: Decimal | str | int, note: str) -> tuple[Unit, Decimal, str]:
    """What every order parses first: the purchaser's unit, the quantity and the note."""
    return purchaser_unit(actor), parse_quantity(quantity), text(note, field="note")


def order_place(
    *,
    actor: Actor,
    listing: Listing,
    budget_line: BudgetLine,
    quantity: Decimal | str | int,
    service_region: Region,
    note: str = "",
) -> Order:
    """Buy directly from a live listing at its live version's price (see the module's checks)."""
    unit, qty, note = order_input(actor, quantity, note)
    listing = Listing.objects.select_related("item", "organization", "live_version").get(pk=listing.pk)
    version = listing.live_version
    if version is None:
        raise Conflict(Code.EMALL_LISTING_NOT_LIVE, field="listing")
    amount = (qty * version.unit_price).quantize(FEN, ROUND_HALF_UP)
    _checks_before_lock(listing, amount, service_region)
    with transaction.atomic():
        line, room = lock_budget(
            unit=unit, budget_line=budget_line, item_code=listing.item.code, amount=amount, field="quantity"
        )
        order = order_record(
            actor=actor,
            action=Event.EMALL_ORDER_PLACED,
            facts={
                "listing": listing.pk,
                "version": version.number,
                "supplier": listing.organization.uscc,
                "quantity": qty,
                "unit_price": version.unit_price,
                "amount": amount,
                "budget_line": line.code,
                "budget_room_before": room,
            },
            unit=unit,
            placed_by=actor,
            listing=listing,
            version=version,
            supplier=listing.organization,
            item_code=listing.item.code,
            category=CATEGORY,
            budget_line=line,
            fiscal_year=line.fiscal_year,
            quantity=qty,
            unit_price=version.unit_price,
            amount=amount,
            service_region=service_region,
            note=note,
        )
    return order


# ---------------------------------------------------------------------------------------------
# After the order


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _require_supplier(actor: Actor, order: Order) -> None:
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id != order.supplier_id:
        raise PermissionDenied(Code.EMALL_NOT_YOUR_ORDER)


def _require_buyer(actor: Actor, order: Order) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != order.unit_id:
        raise PermissionDenied(Code.EMALL_NOT_YOUR_ORDER)


def order_lapse(*, actor: SystemOrActor = None, order: Order) -> bool:
    """Record that a placed order passed its confirmation deadline; False when it has not."""
    with transaction.atomic():
        order = _locked(order)
        if not order_lapsed(order.status, order.confirm_by, clock.now()):
            return False
        set_status(
            order,
            OrderStatus.LAPSED,
            actor=actor,
            action=Event.EMALL_ORDER_LAPSED,
            extra={"confirm_by": order.confirm_by},
        )
    return True


def orders_lapse_due() -> int:
    """Record every placed order past its deadline as lapsed (the dates already decide it; this
    only brings the stored status up to date). Returns how many changed."""
    due = Order.objects.filter(status=OrderStatus.PLACED, confirm_by__lt=clock.now())
    return sum(order_lapse(order=order) for order in due)


def _refuse_if_lapsed(order: Order) -> None:
    if order_lapse(order=order):
        raise Conflict(
            Code.EMALL_ORDER_LAPSED,
            field="status",
            params={"deadline": clock.local_date(order.confirm_by).isoformat()},
        )


def order_confirm(*, actor: Actor, order: Order) -> Order:
    """The supplier accepts the order within the window."""
    _require_supplier(actor, order)
    _refuse_if_lapsed(order)
    return locked_set_status(
        order,
        OrderStatus.CONFIRMED,
        actor=actor,
        action=Event.EMALL_ORDER_CONFIRMED,
        values={"confirmed_at": clock.now()},
    )


def order_decline(*, actor: Actor, order: Order, reason: str) -> Order:
    """The supplier declines the order (with a reason) within the window; it holds no budget then."""
    _require_supplier(actor, order)
    reason = text(reason, field="reason", code=Code.EMALL_NOTE_REQUIRED)
    _refuse_if_lapsed(order)
    return locked_set_status(
        order,
        OrderStatus.DECLINED,
        actor=actor,
        action=Event.EMALL_ORDER_DECLINED,
        reason=reason,
        values={"decline_reason": reason},
    )


def order_deliver(*, actor: Actor, order: Order, note: str) -> Order:
    """The supplier reports the service delivered."""
    _require_supplier(actor, order)
    note = text(note, field="note", code=Code.EMALL_NOTE_REQUIRED)
    return locked_set_status(
        order,
        OrderStatus.DELIVERED,
        actor=actor,
        action=Event.EMALL_ORDER_DELIVERED,
        values={"delivered_at": clock.now(), "delivery_note": note},
    )


def order_accept(*, actor: Actor, order: Order, note: str) -> Order:
    """The purchaser accepts the delivery (履约验收); the payment term starts [U]."""
    _require_buyer(actor, order)
    note = text(note, field="note", code=Code.EMALL_NOTE_REQUIRED)
    due = payment_due(clock.today())
    return locked_set_status(
        order,
        OrderStatus.ACCEPTED,
        actor=actor,
        action=Event.EMALL_ORDER_ACCEPTED,
        values={"accepted_at": clock.now(), "acceptance_note": note, "payment_due": due.value},
        extra={"payment_due": due.value, "citation": due.citation},
    )


def order_pay(*, actor: Actor, order: Order, reference: str) -> Order:
    """The purchaser records the payment with its voucher number."""
    _require_buyer(actor, order)
    reference = text(reference, field="reference", code=Code.EMALL_PAYMENT_REFERENCE_REQUIRED, max_length=60)
    return locked_set_status(
        order,
        OrderStatus.PAID,
        actor=actor,
        action=Event.EMALL_ORDER_PAID,
        values={"paid_at": clock.now(), "payment_reference": reference},
        extra=lambda locked: {
            "amount": locked.amount,
            "late": locked.payment_due is not None and clock.today() > locked.payment_due,
        },
    )


def order_rate(*, actor: Actor, order: Order, stars: int, comment: str = "") -> Order:
    """The purchaser rates the paid order, 1 to 5 stars."""
    _require_buyer(actor, order)
    if isinstance(stars, bool) or not isinstance(stars, int):
        raise ServiceError(Code.EMALL_RATING_INVALID, field="stars")
    try:
        check_rating(stars)
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_RATING_INVALID, field="stars") from None
    comment = text(comment, field="comment", max_length=SHORT_TEXT * 5)
    return locked_set_status(
        order,
        OrderStatus.RATED,
        actor=actor,
        action=Event.EMALL_ORDER_RATED,
        values={"rating": stars, "rating_comment": comment, "rated_at": clock.now()},
        extra={"rating": stars},
    )
