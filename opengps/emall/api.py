"""E-mall API (/api/v1/emall/): public listing search and detail; the supplier's entry, listings and
orders; the purchaser's direct purchase and orders; the operator's reviews; 竞价 rounds (post, quote,
close) — no price and no count of quotes in any response before the close. Each write is one
service call; refusals are the services' codes in the platform's error shape (ErrorOut)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Region
from opengps.catalog.models import CatalogItem
from opengps.core.api_errors import ERRORS, ErrorOut
from opengps.core.errors import ServiceError
from opengps.core.inputs import (
    DateTime,
    Deadline,
    Id,
    Page,
    Price,
    Quantity,
    SmallCount,
    Str20,
    Str30,
    Str60,
    Str120,
    Str200,
    Text,
    Yuan,
)
from opengps.emall import selectors, services
from opengps.emall.errors import Code
from opengps.emall.models import (
    BiddingRound,
    Listing,
    ListingStatus,
    ListingVersion,
    Order,
    PriceFlag,
    Quote,
    SupplierEntry,
)
from opengps.evaluation.models import FrameworkShortlist
from opengps.planning.models import BudgetLine

router = Router(tags=["emall"], auth=django_auth)


# ---------------------------------------------------------------------------------------------
# Schemas


class TermsOut(Schema):
    number: int
    status: str
    title: str
    standard: str
    unit: str
    unit_price: Decimal
    regions: list[str]
    response_days: int
    qualifications: str

    @staticmethod
    def resolve_regions(obj: ListingVersion) -> list[str]:
        return [r.code for r in obj.regions.all()]


class ListingOut(Schema):
    id: int
    status: str
    status_label: str
    item: str
    item_name: str
    supplier: str
    supplier_uscc: str
    terms: TermsOut | None

    @staticmethod
    def resolve_status_label(obj: Listing) -> str:
        # The enum's label, not get_status_display(), which rebuilds the choices for every row.
        return str(ListingStatus(obj.status).label)

    @staticmethod
    def resolve_item(obj: Listing) -> str:
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj: Listing) -> str:
        return obj.item.name

    @staticmethod
    def resolve_supplier(obj: Listing) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_supplier_uscc(obj: Listing) -> str:
        return obj.organization.uscc

    @staticmethod
    def resolve_terms(obj: Listing) -> ListingVersion | None:
        return obj.live_version


class EntryOut(Schema):
    id: int
    organization: str
    status: str
    status_label: str
    items: list[str]
    contact_person: str
    applied_at: datetime
    decided_at: datetime | None
    decision_note: str
    eligibility: list[dict[str, Any]]

    @staticmethod
    def resolve_organization(obj: SupplierEntry) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_status_label(obj: SupplierEntry) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_items(obj: SupplierEntry) -> list[str]:
        return [i.code for i in obj.items.all()]


class VersionReviewOut(TermsOut):
    id: int
    listing: int
    supplier: str
    flags: list[str]

    @staticmethod
    def resolve_listing(obj: ListingVersion) -> int:
        return obj.listing_id

    @staticmethod
    def resolve_supplier(obj: ListingVersion) -> str:
        return obj.listing.organization.name

    @staticmethod
    def resolve_flags(obj: ListingVersion) -> list[str]:
        return [f.message for f in obj.price_flags.all()]


class PriceFlagOut(Schema):
    id: int
    listing: int
    version: int
    message: str
    citation: str
    status: str

    @staticmethod
    def resolve_listing(obj: PriceFlag) -> int:
        return obj.version.listing_id

    @staticmethod
    def resolve_version(obj: PriceFlag) -> int:
        return obj.version.number


class OrderOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    status_label: str
    unit: str
    supplier: str
    listing: int
    version: int
    item: str
    budget_line: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    placed_at: datetime
    confirm_by: datetime
    payment_due: Any = None
    rating: int | None

    @staticmethod
    def resolve_status(obj: Order) -> str:
        return selectors.order_status(obj)

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return selectors.order_status_label(obj)

    @staticmethod
    def resolve_unit(obj: Order) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_supplier(obj: Order) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_listing(obj: Order) -> int:
        return obj.listing_id

    @staticmethod
    def resolve_version(obj: Order) -> int:
        return obj.version.number

    @staticmethod
    def resolve_item(obj: Order) -> str:
        return obj.item_code

    @staticmethod
    def resolve_budget_line(obj: Order) -> str:
        return obj.budget_line.code


class SearchIn(Schema):
    item: Str20 = ""
    region: Str20 = ""
    price_min: Price | None = None
    price_max: Price | None = None
    q: Str60 = ""
    page: Page = 1


class EntryIn(Schema):
    items: list[Str20]
    contact_person: Str60
    contact_phone: Str30
    statement: Text = ""


class TermsIn(Schema):
    title: Str120
    standard: Text
    unit: Str20
    unit_price: Price
    regions: list[Str20]
    response_days: SmallCount
    qualifications: Text = ""


class ListingIn(TermsIn):
    item: Str20


class OrderIn(Schema):
    listing: Id
    budget_line: Id
    quantity: Quantity
    service_region: Str20
    note: Text = ""


class DecisionIn(Schema):
    approve: bool
    note: Text = ""


class FlagDecisionIn(Schema):
    uphold: bool
    note: Text


class EmallNoteIn(Schema):
    note: Text = ""


class ReasonIn(Schema):
    reason: Text


class PayIn(Schema):
    reference: Str60


class RateIn(Schema):
    stars: SmallCount
    comment: Text = ""


class RequirementIn(Schema):
    min_rating: SmallCount
    note: Str200 = ""


class RequirementOut(Schema):
    item_code: str
    min_rating: int
    note: str


# ---------------------------------------------------------------------------------------------
# Inputs to objects


def _items(codes: list[str]) -> list[CatalogItem]:
    found = {item.code: item for item in selectors.searchable_items().filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="items", params={"codes": missing})
    return [found[code] for code in codes]


def _regions(codes: list[str], field: str = "regions") -> list[Region]:
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    if any(code not in found for code in codes):
        raise ServiceError(Code.EMALL_REGION_INVALID, field=field)
    return [found[code] for code in codes]


def _terms(payload: TermsIn) -> services.Terms:
    return services.listing_terms(
        title=payload.title,
        standard=payload.standard,
        unit=payload.unit,
        unit_price=payload.unit_price,
        regions=_regions(payload.regions),
        response_days=payload.response_days,
        qualifications=payload.qualifications,
    )


# ---------------------------------------------------------------------------------------------
# Public


def _search_row(row: dict[str, Any], status_labels: dict[str, str]) -> dict[str, Any]:
    """A search row (`selectors.listing_search_rows`) shaped exactly as `ListingOut` (a Decimal as
    its string, as the API's JSON encoder writes it); `status_labels` fills in as statuses come."""
    terms = None
    if row["live_version_id"] is not None:
        price = row["live_version__unit_price"]
        terms = {
            "number": row["live_version__number"],
            "status": row["live_version__status"],
            "title": row["live_version__title"],
            "standard": row["live_version__standard"],
            "unit": row["live_version__unit"],
            "unit_price": None if price is None else str(price),
            "regions": row["regions"],
            "response_days": row["live_version__response_days"],
            "qualifications": row["live_version__qualifications"],
        }
    status = row["status"]
    if status not in status_labels:  # translated once a request, for the statuses on the page
        status_labels[status] = str(ListingStatus(status).label)
    return {
        "id": row["id"],
        "status": status,
        "status_label": status_labels[status],
        "item": row["item__code"],
        "item_name": row["item__name"],
        "supplier": row["organization__name"],
        "supplier_uscc": row["organization__uscc"],
        "terms": terms,
    }


@router.get("/listings", response={200: list[ListingOut], **ERRORS}, auth=None)
def listing_search(request: HttpRequest, filters: Query[SearchIn]) -> HttpResponse:
    """Live listings by catalogue item, region and price range, cheapest first (20 a page).

    Not cached: every request runs its statement. The rows come as plain values
    (`selectors.listing_search_rows`), are shaped as `ListingOut` (which documents them) and are
    serialized once — no model instances, no per-row validation through the schema's resolvers."""
    rows = selectors.listing_search_rows(
        selectors.ListingFilters(
            filters.item, filters.region, filters.price_min, filters.price_max, filters.q
        ),
        filters.page,
    )
    status_labels: dict[str, str] = {}
    payload = [_search_row(row, status_labels) for row in rows]
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), content_type="application/json; charset=utf-8")


@router.get("/listings/{listing_id}", response={200: ListingOut, **ERRORS}, auth=None)
def listing_detail(request: HttpRequest, listing_id: Id) -> Listing:
    return selectors.listing_get(actor=request.user, pk=listing_id)


# ---------------------------------------------------------------------------------------------
# Supplier


@router.get("/entry", response={200: EntryOut | None, **ERRORS})
def entry_mine(request: HttpRequest) -> SupplierEntry | None:
    user = signed_in_user(request)
    services.supplier_organization(user)
    return selectors.entry_of(user)


@router.post("/entry", response={201: EntryOut, **ERRORS})
def entry_apply(request: HttpRequest, payload: EntryIn) -> Any:
    user = signed_in_user(request)
    entry = services.entry_apply(
        actor=user,
        items=_items(payload.items),
        contact_person=payload.contact_person,
        contact_phone=payload.contact_phone,
        statement=payload.statement,
    )
    return Status(201, entry)


@router.get("/my/listings", response={200: list[ListingOut], **ERRORS})
def listings_mine(request: HttpRequest) -> Any:
    return list(selectors.listings_mine(signed_in_user(request)))


@router.post("/listings", response={201: ListingOut, **ERRORS})
def listing_create(request: HttpRequest, payload: ListingIn) -> Any:
    user = signed_in_user(request)
    item = _items([payload.item])[0]
    return Status(201, services.listing_create(actor=user, item=item, terms=_terms(payload)))


@router.post("/listings/{listing_id}/submit", response={200: ListingOut, **ERRORS})
def listing_submit(request: HttpRequest, listing_id: Id) -> Listing:
    user = signed_in_user(request)
    listing = selectors.listing_owned(actor=user, pk=listing_id)
    return services.listing_submit(actor=user, listing=listing)


@router.post("/listings/{listing_id}/versions", response={201: TermsOut, **ERRORS})
def listing_version_create(request: HttpRequest, listing_id: Id, payload: TermsIn) -> Any:
    user = signed_in_user(request)
    listing = selectors.listing_owned(actor=user, pk=listing_id)
    return Status(201, services.listing_version_create(actor=user, listing=listing, terms=_terms(payload)))


# ---------------------------------------------------------------------------------------------
# Orders (purchaser and supplier)


@router.get("/orders", response={200: list[OrderOut], **ERRORS})
def orders(request: HttpRequest) -> Any:
    return list(selectors.orders_visible(signed_in_user(request))[:200])


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS})
def order_detail(request: HttpRequest, order_id: Id) -> Order:
    return selectors.order_get(actor=signed_in_user(request), pk=order_id)


@router.post("/orders", response={201: OrderOut, **ERRORS})
def order_place(request: HttpRequest, payload: OrderIn) -> Any:
    user = signed_in_user(request)
    listing = selectors.listing_get(actor=user, pk=payload.listing)
    line = BudgetLine.objects.filter(pk=payload.budget_line).first()
    if line is None:
        raise ServiceError(Code.EMALL_BUDGET_OTHER_UNIT, field="budget_line")
    order = services.order_place(
        actor=user,
        listing=listing,
        budget_line=line,
        quantity=payload.quantity,
        service_region=_regions([payload.service_region], "service_region")[0],
        note=payload.note,
    )
    return Status(201, order)


class EmallCallOffIn(Schema):
    shortlist: Id
    listing: Id
    budget_line: Id
    quantity: Quantity
    service_region: Str20
    note: Text = ""


@router.post("/call-offs", response={201: OrderOut, **ERRORS})
def order_call_off(request: HttpRequest, payload: EmallCallOffIn) -> Any:
    """定点: order from a framework agreement's member at its agreement price."""
    user = signed_in_user(request)
    shortlist = FrameworkShortlist.objects.filter(pk=payload.shortlist, announced_at__isnull=False).first()
    if shortlist is None:
        raise ServiceError(Code.EMALL_FRAMEWORK_NOT_MEMBER, field="shortlist")
    listing = selectors.listing_get(actor=user, pk=payload.listing)
    line = BudgetLine.objects.filter(pk=payload.budget_line).first()
    if line is None:
        raise ServiceError(Code.EMALL_BUDGET_OTHER_UNIT, field="budget_line")
    order = services.order_call_off(
        actor=user,
        shortlist=shortlist,
        listing=listing,
        budget_line=line,
        quantity=payload.quantity,
        service_region=_regions([payload.service_region], "service_region")[0],
        note=payload.note,
    )
    return Status(201, order)


def _order(request: HttpRequest, order_id: int) -> tuple[Any, Order]:
    user = signed_in_user(request)
    return user, selectors.order_get(actor=user, pk=order_id)


@router.post("/orders/{order_id}/confirm", response={200: OrderOut, **ERRORS})
def order_confirm(request: HttpRequest, order_id: Id) -> Order:
    user, order = _order(request, order_id)
    return services.order_confirm(actor=user, order=order)


@router.post("/orders/{order_id}/decline", response={200: OrderOut, **ERRORS})
def order_decline(request: HttpRequest, order_id: Id, payload: ReasonIn) -> Order:
    user, order = _order(request, order_id)
    return services.order_decline(actor=user, order=order, reason=payload.reason)


@router.post("/orders/{order_id}/deliver", response={200: OrderOut, **ERRORS})
def order_deliver(request: HttpRequest, order_id: Id, payload: EmallNoteIn) -> Order:
    user, order = _order(request, order_id)
    return services.order_deliver(actor=user, order=order, note=payload.note)


@router.post("/orders/{order_id}/accept", response={200: OrderOut, **ERRORS})
def order_accept(request: HttpRequest, order_id: Id, payload: EmallNoteIn) -> Order:
    user, order = _order(request, order_id)
    return services.order_accept(actor=user, order=order, note=payload.note)


@router.post("/orders/{order_id}/pay", response={200: OrderOut, **ERRORS})
def order_pay(request: HttpRequest, order_id: Id, payload: PayIn) -> Order:
    user, order = _order(request, order_id)
    return services.order_pay(actor=user, order=order, reference=payload.reference)


@router.post("/orders/{order_id}/rate", response={200: OrderOut, **ERRORS})
def order_rate(request: HttpRequest, order_id: Id, payload: RateIn) -> Order:
    user, order = _order(request, order_id)
    return services.order_rate(actor=user, order=order, stars=payload.stars, comment=payload.comment)


# ---------------------------------------------------------------------------------------------
# Operator


@router.get("/review/entries", response={200: list[EntryOut], **ERRORS})
def entries_for_review(request: HttpRequest) -> Any:
    return list(selectors.entries_for_review(signed_in_user(request))[:200])


@router.post("/review/entries/{entry_id}", response={200: EntryOut, **ERRORS})
def entry_decide(request: HttpRequest, entry_id: Id, payload: DecisionIn) -> SupplierEntry:
    user = signed_in_user(request)
    entry = selectors.entry_get(actor=user, pk=entry_id)
    return services.entry_decide(actor=user, entry=entry, approve=payload.approve, note=payload.note)


@router.get("/review/versions", response={200: list[VersionReviewOut], **ERRORS})
def versions_pending(request: HttpRequest) -> Any:
    return list(selectors.versions_pending(signed_in_user(request))[:200])


@router.post("/review/versions/{version_id}", response={200: TermsOut, **ERRORS})
def listing_review(request: HttpRequest, version_id: Id, payload: DecisionIn) -> ListingVersion:
    user = signed_in_user(request)
    version = selectors.version_pending_get(actor=user, pk=version_id)
    return services.listing_review(actor=user, version=version, approve=payload.approve, note=payload.note)


@router.get("/review/flags", response={200: list[PriceFlagOut], **ERRORS})
def flags_open(request: HttpRequest) -> Any:
    return list(selectors.flags_open(signed_in_user(request))[:200])


@router.post("/review/flags/{flag_id}", response={200: PriceFlagOut, **ERRORS})
def flag_decide(request: HttpRequest, flag_id: Id, payload: FlagDecisionIn) -> PriceFlag:
    user = signed_in_user(request)
    flag = selectors.flag_get(actor=user, pk=flag_id)
    return services.flag_decide(actor=user, flag=flag, uphold=payload.uphold, note=payload.note)


@router.post("/listings/{listing_id}/suspend", response={200: ListingOut, **ERRORS})
def listing_suspend(request: HttpRequest, listing_id: Id, payload: ReasonIn) -> Listing:
    user = signed_in_user(request)
    listing = selectors.listing_get(actor=user, pk=listing_id)
    return services.listing_suspend(actor=user, listing=listing, reason=payload.reason)


@router.post("/listings/{listing_id}/reinstate", response={200: ListingOut, **ERRORS})
def listing_reinstate(request: HttpRequest, listing_id: Id, payload: EmallNoteIn) -> Listing:
    user = signed_in_user(request)
    listing = selectors.listing_get(actor=user, pk=listing_id)
    return services.listing_reinstate(actor=user, listing=listing, note=payload.note)


@router.put("/requirements/{item_code}", response={200: RequirementOut, **ERRORS})
def requirement_set(request: HttpRequest, item_code: Str20, payload: RequirementIn) -> Any:
    user = signed_in_user(request)
    return services.item_requirement_set(
        actor=user, item_code=item_code, min_rating=payload.min_rating, note=payload.note
    )


# ---------------------------------------------------------------------------------------------
# 竞价 rounds


class BiddingRoundIn(Schema):
    item: Str20
    title: Str120
    quantity: Quantity
    measure_unit: Str20
    service_region: Str20
    standard: Text
    ceiling: Yuan
    budget_line: Id
    opens_at: DateTime | None = None
    closes_at: Deadline


class QuoteIn(Schema):
    price: Yuan


class MyQuoteOut(Schema):
    """The supplier's own quote while the round is open: that it is in, never its price."""

    version: int
    submitted_at: datetime
    sealed_sha256: str


class OpenedQuoteOut(Schema):
    supplier: str
    supplier_uscc: str
    price: Decimal | None
    valid: bool | None
    invalid_reason: str


class BiddingRoundOut(Schema):
    """A round; `quote_count`, `valid_quote_count` and `quotes` are null until the close."""

    id: int
    reference: str
    status: str
    status_label: str
    unit: str
    item: str
    item_name: str
    title: str
    quantity: Decimal
    measure_unit: str
    service_region: str
    standard: str
    ceiling: Decimal
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    quote_count: int | None
    valid_quote_count: int | None
    awarded_price: Decimal | None
    order: str | None
    outcome: list[dict[str, Any]]
    quotes: list[OpenedQuoteOut] | None
    my_quote: MyQuoteOut | None


def _opened(quote: Quote) -> dict[str, Any]:
    return {
        "supplier": quote.supplier.name,
        "supplier_uscc": quote.supplier.uscc,
        "price": quote.price,
        "valid": quote.valid,
        "invalid_reason": quote.invalid_reason,
    }


def _round_out(actor: Any, bidding_round: BiddingRound) -> dict[str, Any]:
    view = selectors.round_view(actor, bidding_round)
    order = bidding_round.order
    return {
        "id": bidding_round.pk,
        "reference": bidding_round.reference,
        "status": bidding_round.status,
        "status_label": str(bidding_round.get_status_display()),
        "unit": bidding_round.unit.name,
        "item": bidding_round.item_code,
        "item_name": bidding_round.item.name,
        "title": bidding_round.title,
        "quantity": bidding_round.quantity,
        "measure_unit": bidding_round.measure_unit,
        "service_region": bidding_round.service_region_id,
        "standard": bidding_round.standard,
        "ceiling": bidding_round.ceiling,
        "opens_at": bidding_round.opens_at,
        "closes_at": bidding_round.closes_at,
        "closed_at": bidding_round.closed_at if view.closed else None,
        "quote_count": bidding_round.quote_count if view.closed else None,
        "valid_quote_count": bidding_round.valid_quote_count if view.closed else None,
        "awarded_price": bidding_round.awarded_price if view.closed else None,
        "order": order.reference if order is not None else None,
        "outcome": bidding_round.outcome if view.closed else [],
        "quotes": [_opened(q) for q in view.quotes] if view.closed else None,
        "my_quote": view.mine,
    }


@router.get("/rounds", response={200: list[BiddingRoundOut], **ERRORS})
def rounds(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    return [_round_out(user, r) for r in selectors.rounds_visible(user)[:200]]


@router.get("/rounds/open", response={200: list[BiddingRoundOut], **ERRORS})
def rounds_open(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    return [_round_out(user, r) for r in selectors.rounds_open_for_supplier(user)[:200]]


@router.get("/rounds/{round_id}", response={200: BiddingRoundOut, **ERRORS})
def round_detail(request: HttpRequest, round_id: Id) -> Any:
    user = signed_in_user(request)
    return _round_out(user, selectors.round_get(actor=user, pk=round_id))


@router.post("/rounds", response={201: BiddingRoundOut, **ERRORS})
def round_post(request: HttpRequest, payload: BiddingRoundIn) -> Any:
    user = signed_in_user(request)
    item = selectors.round_items(user).filter(code=payload.item).first()
    if item is None:
        raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="item")
    line = selectors.budget_lines_for_order(user).filter(pk=payload.budget_line).first()
    if line is None:
        raise ServiceError(Code.EMALL_BUDGET_OTHER_UNIT, field="budget_line")
    created = services.round_post(
        actor=user,
        item=item,
        title=payload.title,
        quantity=payload.quantity,
        measure_unit=payload.measure_unit,
        service_region=_regions([payload.service_region], "service_region")[0],
        standard=payload.standard,
        ceiling=payload.ceiling,
        budget_line=line,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    return Status(201, _round_out(user, created))


@router.post("/rounds/{round_id}/quote", response={201: MyQuoteOut, **ERRORS})
def quote_submit(request: HttpRequest, round_id: Id, payload: QuoteIn) -> Any:
    user = signed_in_user(request)
    bidding_round = selectors.round_get(actor=user, pk=round_id)
    return Status(201, services.quote_submit(actor=user, bidding_round=bidding_round, price=payload.price))


@router.post("/rounds/{round_id}/close", response={200: BiddingRoundOut, **ERRORS})
def round_close(request: HttpRequest, round_id: Id) -> Any:
    user = signed_in_user(request)
    bidding_round = selectors.round_get(actor=user, pk=round_id)
    return _round_out(user, services.round_close(actor=user, bidding_round=bidding_round))


__all__ = ["ErrorOut", "router"]
