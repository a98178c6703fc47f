"""Reads of the e-mall, shaped for a screen or an endpoint and scoped to who asks.

Listings that are live or suspended are public (so anyone can compare prices); drafts and
pending terms only to their supplier and the operator. Orders to the purchasing unit, the
supplier, the operator and auditors. Lapsed placed orders show as lapsed by their date. 竞价 rounds
to their unit, the suppliers of their item and the operator — with no price or quote count before
the close (`round_view`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Exists, F, Model, OuterRef, Prefetch, Q, QuerySet

from opengps.accounts.actors import MaybeActor, Viewer
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version
from opengps.core import clock
from opengps.core.errors import NotFound, one_or_not_found
from opengps.emall.errors import Code
from opengps.emall.models import (
    BiddingRound,
    EntryStatus,
    FlagStatus,
    Listing,
    ListingStatus,
    ListingVersion,
    Order,
    OrderStatus,
    PriceFlag,
    Quote,
    RoundStatus,
    SupplierEntry,
    VersionStatus,
)
from opengps.emall.services import is_operator
from opengps.planning.models import BudgetLine, BudgetStatus
from opengps.registry.selectors import region_codes_within
from opengps.rules.emall import order_lapsed

PUBLIC_STATUSES = (ListingStatus.LIVE, ListingStatus.SUSPENDED)
PAGE = 20
"""Listings on a page of the public search (as the registry's search): a page is a short index walk
and little to serialize."""
_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class ListingFilters:
    """The public search: catalogue item code, region (served there or in a division of it) and price."""

    item: str = ""
    region: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    q: str = ""


def _with_terms(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.select_related("organization", "item", "live_version").prefetch_related(
        Prefetch("live_version__regions", queryset=Region.objects.order_by("code"))
    )


_SEARCH_COLUMNS = (
    *("status", "item_code", "live_price", "organization__name", "organization__uscc"),
    *("item__code", "item__name", "live_version__number", "live_version__status", "live_version__title"),
    *("live_version__standard", "live_version__unit", "live_version__unit_price"),
    *("live_version__response_days", "live_version__qualifications"),
)
"""What a page of results shows on the index page (the API reads `listing_search_rows`): a registry
row is wide, and every column fetched is a column converted in Python."""


def _search_page(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return (
        listings.select_related("organization", "item", "live_version")
        .only(*_SEARCH_COLUMNS)
        .prefetch_related(
            Prefetch("live_version__regions", queryset=Region.objects.only("code", "name").order_by("code"))
        )
    )


def _served_in(code: str) -> Q:
    """Version–region links that serve `code`: the region, its divisions and the regions above it
    (a listing serving the province serves each of its counties). The divisions come from the
    registry's division table; the regions above, as subqueries of the search's one query."""
    region = Region.objects.filter(pk=code)
    return (
        Q(region_id__in=region_codes_within(code))
        | Q(region_id__in=region.values("parent_id"))
        | Q(region_id__in=region.values("parent__parent_id"))
    )


def listing_search(filters: ListingFilters) -> QuerySet[Listing]:
    """Live listings matching the filters, cheapest first (one query plus the regions' prefetch)."""
    return _search_page(_search_filtered(filters))


def _search_filtered(filters: ListingFilters) -> QuerySet[Listing]:
    """The search's rows, cheapest first, unshaped.

    Filters and order are on the listing's own columns — the live price is kept on it — so a page
    is a short walk of a partial index of live listings (by item and price, or by price); the
    region is an `EXISTS` on the live version's regions, not a join that would need `DISTINCT`."""
    listings = Listing.objects.filter(status=ListingStatus.LIVE)
    if filters.item:
        listings = listings.filter(item_code=filters.item)
    if filters.region:
        served = ListingVersion.regions.through.objects.filter(
            _served_in(filters.region), listingversion_id=OuterRef("live_version_id")
        )
        listings = listings.filter(Exists(served))
    if filters.price_min is not None:
        listings = listings.filter(live_price__gte=filters.price_min)
    if filters.price_max is not None:
        listings = listings.filter(live_price__lte=filters.price_max)
    if filters.q:
        listings = listings.filter(
            Q(live_version__title__icontains=filters.q) | Q(organization__name__icontains=filters.q)
        )
    return listings.order_by("live_price", "pk")


SEARCH_ROW_COLUMNS = (
    *("id", "status", "item__code", "item__name", "organization__name", "organization__uscc"),
    *("live_version_id", "live_version__number", "live_version__status", "live_version__title"),
    *("live_version__standard", "live_version__unit", "live_version__unit_price"),
    *("live_version__response_days", "live_version__qualifications"),
)
"""The columns of a search row as plain values (the API's fast path, `listing_search_rows`)."""

_ROWS_SQL = """
SELECT p.id, p.status, i.code, i.name, o.name, o.uscc, p.live_version_id, v.number, v.status, v.title,
       v.standard, v.unit, v.unit_price, v.response_days, v.qualifications{regions}
FROM (
    SELECT l.id, l.status, l.item_id, l.organization_id, l.live_version_id, l.live_price
    FROM emall_listing l
    WHERE {where}
    ORDER BY l.live_price, l.id
    LIMIT %s OFFSET %s
) p
JOIN catalog_catalogitem i ON i.id = p.item_id
JOIN registry_organization o ON o.id = p.organization_id
LEFT JOIN emall_listingversion v ON v.id = p.live_version_id
ORDER BY p.live_price, p.id"""
"""The page is chosen from the listing alone (a walk of one of its partial indexes), then joined: the
planner has one table to plan for the walk and the page's rows to join (planning the four-table
join with the walk in it took longer than running it)."""
_ROW_REGIONS_SQL = """,
       ARRAY(SELECT r.region_id FROM emall_listingversion_regions r
             WHERE r.listingversion_id = p.live_version_id ORDER BY r.region_id)"""
"""PostgreSQL: a row's region codes in the row, so a page is one statement."""
_SERVED_SQL = """EXISTS (
    SELECT 1 FROM emall_listingversion_regions r
    WHERE r.listingversion_id = l.live_version_id AND r.region_id IN ({codes}))"""
"""One probe of the (version, region) unique index per listing walked."""
_REGIONS_SQL = """
SELECT listingversion_id, region_id FROM emall_listingversion_regions
WHERE listingversion_id IN ({versions}) ORDER BY region_id"""
_CENT = Decimal("0.01")


def listing_search_rows(filters: ListingFilters, page: int) -> list[dict[str, Any]]:
    """One page of `listing_search` as plain dicts — `SEARCH_ROW_COLUMNS` plus ``regions``, the live
    version's region codes in code order — in one statement on PostgreSQL (two elsewhere, and for a
    text query: the page, then its versions' regions).

    The public API's path: the same filters and order as `listing_search`, written as SQL whose text
    depends only on which filters are set. Building and compiling the ORM's query took more processor
    time per request than running it, and the rows need no model instances. A text query (`q`, not
    what purchasers' searches mostly are) takes the ORM's `values()`: its case-insensitive LIKE is
    spelled differently on each database."""
    start = (page - 1) * PAGE
    database = router.db_for_read(Listing)
    if filters.q:
        rows = list(
            _search_filtered(filters).using(database).values(*SEARCH_ROW_COLUMNS)[start : start + PAGE]
        )
        return _with_regions(rows, database)
    in_row = connections[database].vendor == "postgresql"
    where, params = _search_where(filters)
    sql = _ROWS_SQL.format(regions=_ROW_REGIONS_SQL if in_row else "", where=" AND ".join(where))
    columns = (*SEARCH_ROW_COLUMNS, "regions") if in_row else SEARCH_ROW_COLUMNS
    with connections[database].cursor() as cursor:
        cursor.execute(sql, [*params, PAGE, start])
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if in_row:
        return rows
    for row in rows:
        price = row["live_version__unit_price"]
        if price is not None and not isinstance(price, Decimal):  # SQLite keeps decimals as numbers
            row["live_version__unit_price"] = Decimal(str(price)).quantize(_CENT)
    return _with_regions(rows, database)


def _with_regions(rows: list[dict[str, Any]], database: str) -> list[dict[str, Any]]:
    """`rows` with ``regions``: their live versions' region codes in code order (one statement)."""
    versions = [row["live_version_id"] for row in rows if row["live_version_id"] is not None]
    served: dict[int, list[str]] = {version: [] for version in versions}
    if versions:
        with connections[database].cursor() as cursor:
            cursor.execute(_REGIONS_SQL.format(versions=", ".join(["%s"] * len(versions))), versions)
            for version, region in cursor.fetchall():
                served[version].append(region)
    for row in rows:
        row["regions"] = served.get(row["live_version_id"], [])
    return rows


_REGION_PARENTS: dict[str, Any] = {"at": -1e9, "parents": {}}


def _regions_serving(code: str, max_age: float = 300.0) -> list[str]:
    """Codes whose listings serve `code`: it and its divisions (`region_codes_within`) and the regions
    above it, from the division table kept per process for `max_age` seconds (as the registry keeps
    it); an unknown code reloads it (one query), so a region loaded since is found."""
    within = region_codes_within(code)
    if not within:
        return []
    now = time.monotonic()
    parents: dict[str, str | None] = _REGION_PARENTS["parents"]
    if now - _REGION_PARENTS["at"] > max_age or code not in parents:
        parents = dict(Region.objects.values_list("code", "parent_id"))
        _REGION_PARENTS["parents"], _REGION_PARENTS["at"] = parents, now
    above: list[str] = []
    node = parents.get(code)
    while node is not None and node not in above:
        above.append(node)
        node = parents.get(node)
    return [*within, *above]


def _search_where(filters: ListingFilters) -> tuple[list[str], list[Any]]:
    """`_search_filtered`'s conditions (but `q`) as SQL over ``l`` (the listing) and their parameters."""
    where: list[str] = ["l.status = %s"]
    params: list[Any] = [str(ListingStatus.LIVE)]
    if filters.item:
        where.append("l.item_code = %s")
        params.append(filters.item)
    if filters.region:
        # As `_served_in`, as one list of codes: the region, its divisions and the regions above it.
        codes = _regions_serving(filters.region)
        if not codes:  # an unknown region: nothing serves it
            where.append("1 = 0")
        else:
            where.append(_SERVED_SQL.format(codes=", ".join(["%s"] * len(codes))))
            params += codes
    if filters.price_min is not None:
        where.append("l.live_price >= %s")
        params.append(filters.price_min)
    if filters.price_max is not None:
        where.append("l.live_price <= %s")
        params.append(filters.price_max)
    return where, params


def listing_get(*, actor: Viewer, pk: int) -> Listing:
    """A public listing, or any listing its supplier or the operator may see; else 404."""
    listing = _with_terms(Listing.objects.filter(pk=pk)).first()
    if listing is None:
        raise NotFound(Code.EMALL_LISTING_NOT_FOUND)
    if listing.status in PUBLIC_STATUSES or is_operator(actor) or _owns(actor, listing):
        return listing
    raise NotFound(Code.EMALL_LISTING_NOT_FOUND)


def _owns(actor: MaybeActor, listing: Listing) -> bool:
    return has_role(actor, Role.SUPPLIER) and actor.organization_id == listing.organization_id


def listing_owned(*, actor: Viewer, pk: int) -> Listing:
    """One of the signed-in supplier's listings; else 404."""
    listing = _with_terms(Listing.objects.filter(pk=pk)).first()
    if listing is None or not _owns(actor, listing):
        raise NotFound(Code.EMALL_LISTING_NOT_FOUND)
    return listing


def listing_versions(listing: Listing) -> QuerySet[ListingVersion]:
    return listing.versions.prefetch_related("regions", "price_flags").order_by("-number")


def searchable_items() -> QuerySet[CatalogItem]:
    """The current catalogue's purchasable items, for the search's item filter."""
    version = current_version()
    if version is None:
        return CatalogItem.objects.none()
    return version.items.filter(level=3, kind="item", retired=False).order_by("code")


def entry_of(actor: Viewer) -> SupplierEntry | None:
    if not has_role(actor, Role.SUPPLIER) or actor.organization_id is None:
        return None
    return (
        SupplierEntry.objects.prefetch_related("items").filter(organization_id=actor.organization_id).first()
    )


def listings_mine(actor: Viewer) -> QuerySet[Listing]:
    if not has_role(actor, Role.SUPPLIER) or actor.organization_id is None:
        return Listing.objects.none()
    return _with_terms(Listing.objects.filter(organization_id=actor.organization_id)).order_by("-created_at")


def _operator_only(actor: Viewer, rows: QuerySet[_M]) -> QuerySet[_M]:
    """`rows` for the operator (the review queues), nothing for anyone else."""
    return rows if is_operator(actor) else rows.none()


def entries_for_review(actor: Viewer) -> QuerySet[SupplierEntry]:
    return _operator_only(
        actor,
        SupplierEntry.objects.select_related("organization")
        .prefetch_related("items")
        .order_by("status", "-applied_at"),
    )


def entry_get(*, actor: Viewer, pk: int) -> SupplierEntry:
    return one_or_not_found(entries_for_review(actor), pk, Code.EMALL_ENTRY_NOT_FOUND)


def versions_pending(actor: Viewer) -> QuerySet[ListingVersion]:
    return _operator_only(
        actor,
        ListingVersion.objects.filter(status=VersionStatus.PENDING)
        .select_related("listing__organization", "listing__item", "listing__live_version")
        .prefetch_related("price_flags", "regions")
        .order_by("created_at"),
    )


def version_pending_get(*, actor: Viewer, pk: int) -> ListingVersion:
    return one_or_not_found(versions_pending(actor), pk, Code.EMALL_LISTING_NOT_FOUND)


def flags_open(actor: Viewer) -> QuerySet[PriceFlag]:
    return _operator_only(
        actor,
        PriceFlag.objects.filter(status=FlagStatus.OPEN)
        .select_related("version__listing__organization", "version__listing__item")
        .order_by("-created_at"),
    )


def flag_get(*, actor: Viewer, pk: int) -> PriceFlag:
    return one_or_not_found(flags_open(actor), pk, Code.EMALL_FLAG_NOT_FOUND)


def orders_visible(actor: Viewer) -> QuerySet[Order]:
    """The purchasing unit's, the supplier's, or (operator, auditor, admin) all orders."""
    orders = Order.objects.select_related("unit", "supplier", "version", "budget_line", "listing__item")
    if not is_authenticated(actor):
        return orders.none()
    if is_operator(actor) or actor.role in (Role.AUDITOR, Role.ADMIN):
        return orders.order_by("-placed_at")
    if actor.role == Role.SUPPLIER:
        return orders.filter(supplier_id=actor.organization_id).order_by("-placed_at")
    if actor.role == Role.PURCHASER and actor.unit_id:
        return orders.filter(unit_id=actor.unit_id).order_by("-placed_at")
    return orders.none()


def order_get(*, actor: Viewer, pk: int) -> Order:
    return one_or_not_found(orders_visible(actor), pk, Code.EMALL_ORDER_NOT_FOUND)


def order_status(order: Order) -> str:
    """The status as the dates decide it (a placed order past its deadline is lapsed)."""
    if order_lapsed(order.status, order.confirm_by, clock.now()):
        return OrderStatus.LAPSED
    return order.status


def order_status_label(order: Order) -> str:
    return str(OrderStatus(order_status(order)).label)


def budget_lines_for_order(actor: Viewer) -> QuerySet[BudgetLine]:
    """The purchaser's unit's approved lines of this fiscal year."""
    if not has_role(actor, Role.PURCHASER) or actor.unit_id is None:
        return BudgetLine.objects.none()
    return BudgetLine.objects.filter(
        unit_id=actor.unit_id, status=BudgetStatus.APPROVED, fiscal_year=clock.today().year
    ).order_by("code")


# ---------------------------------------------------------------------------------------------
# 竞价 rounds: prices and the number of quotes exist for a screen only once the round is closed


def rounds_visible(actor: Viewer) -> QuerySet[BiddingRound]:
    """The purchasing unit's rounds; for a supplier the open rounds of its entered items and the
    rounds it quoted on; the operator, auditors and administrators all (read-only)."""
    rounds = BiddingRound.objects.select_related("unit", "item", "service_region", "budget_line", "order")
    if not is_authenticated(actor):
        return rounds.none()
    if is_operator(actor) or actor.role in (Role.AUDITOR, Role.ADMIN):
        return rounds.order_by("-posted_at")
    if actor.role == Role.PURCHASER and actor.unit_id:
        return rounds.filter(unit_id=actor.unit_id).order_by("-posted_at")
    if actor.role == Role.SUPPLIER and actor.organization_id:
        entry = SupplierEntry.objects.filter(
            organization_id=actor.organization_id, status=EntryStatus.APPROVED
        )
        codes = CatalogItem.objects.filter(pk__in=entry.values("items")).values("code")
        return (
            rounds.filter(
                Q(status=RoundStatus.OPEN, item_code__in=codes) | Q(quotes__supplier_id=actor.organization_id)
            )
            .distinct()
            .order_by("-posted_at")
        )
    return rounds.none()


def rounds_open_for_supplier(actor: Viewer) -> QuerySet[BiddingRound]:
    """Open rounds a supplier may quote on now (its entered items, before the close)."""
    if not has_role(actor, Role.SUPPLIER):
        return BiddingRound.objects.none()
    return rounds_visible(actor).filter(status=RoundStatus.OPEN, closes_at__gt=clock.now())


def round_get(*, actor: Viewer, pk: int) -> BiddingRound:
    return one_or_not_found(rounds_visible(actor), pk, Code.EMALL_ROUND_NOT_FOUND)


@dataclass(frozen=True)
class RoundView:
    """What a round's page shows: before the close no price and no count — the quotes only after it;
    a supplier sees whether its own quote is in (version and time, never a price)."""

    round: BiddingRound
    closed: bool
    quotes: list[Quote]
    """Empty while the round is open."""
    mine: Quote | None
    may_quote: bool
    may_close: bool
    due: bool
    """The close has passed (by the application clock): the purchaser may open the quotes."""


def round_view(actor: Viewer, bidding_round: BiddingRound) -> RoundView:
    closed = bidding_round.status != RoundStatus.OPEN
    quotes = (
        list(bidding_round.quotes.select_related("supplier").order_by(F("price").asc(nulls_last=True), "pk"))
        if closed
        else []
    )
    mine: Quote | None = None
    organization_id = actor.organization_id if has_role(actor, Role.SUPPLIER) else None
    supplier = organization_id is not None
    if supplier:
        mine = Quote.objects.filter(round=bidding_round, supplier_id=organization_id).first()
    now = clock.now()
    return RoundView(
        round=bidding_round,
        closed=closed,
        quotes=quotes,
        mine=mine,
        may_quote=supplier and not closed and bidding_round.opens_at <= now < bidding_round.closes_at,
        may_close=has_role(actor, Role.PURCHASER) and actor.unit_id == bidding_round.unit_id and not closed,
        due=now >= bidding_round.closes_at,
    )


def round_items(actor: Viewer) -> QuerySet[CatalogItem]:
    """Items a purchaser may post a round for: the current catalogue's purchasable items."""
    if not has_role(actor, Role.PURCHASER):
        return CatalogItem.objects.none()
    return searchable_items()
