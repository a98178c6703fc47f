"""Listings (商品): created by an entered supplier under one of its items, reviewed by the operator
before going live; a change of terms (price…) is a new version, reviewed in turn, while buyers keep
ordering at the live one. Each submitted version's price is checked against the catalogue's
reference price and the item's other live listings; outliers are flagged for the operator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.catalog.models import CatalogItem, PriceEntry
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.emall.errors import Code
from opengps.emall.events import Event
from opengps.emall.models import (
    EntryStatus,
    FlagStatus,
    Listing,
    ListingStatus,
    ListingVersion,
    PriceFlag,
    SupplierEntry,
    VersionStatus,
)
from opengps.emall.services._common import (
    SHORT_TEXT,
    money,
    operator_reinstate,
    operator_set_status,
    require_operator,
    rule_refusal,
    set_status,
    text,
)
from opengps.emall.services.entry import require_eligible, require_rating, supplier_organization
from opengps.rules.base import RuleError
from opengps.rules.emall import check_not_negative_list, price_outliers


@dataclass(frozen=True)
class Terms:
    """A listing version's terms, parsed and checked."""

    title: str
    standard: str
    unit: str
    unit_price: Decimal
    regions: list[Region]
    response_days: int
    qualifications: str


def listing_terms(
    *,
    title: str,
    standard: str,
    unit: str,
    unit_price: Decimal | str | int,
    regions: Sequence[Region],
    response_days: int,
    qualifications: str = "",
) -> Terms:
    """The terms as the services store them, or the first refusal beside its field."""
    if isinstance(response_days, bool) or not isinstance(response_days, int) or not 0 <= response_days <= 365:
        raise ServiceError(Code.EMALL_RESPONSE_DAYS_INVALID, field="response_days")
    chosen = list(dict.fromkeys(regions))
    if not chosen:
        raise ServiceError(Code.EMALL_REGIONS_REQUIRED, field="regions")
    return Terms(
        title=text(title, field="title", code=Code.EMALL_TITLE_REQUIRED, max_length=120),
        standard=text(standard, field="standard", code=Code.EMALL_STANDARD_REQUIRED),
        unit=text(unit, field="unit", code=Code.EMALL_UNIT_REQUIRED, max_length=20),
        unit_price=money(unit_price, field="unit_price", code=Code.EMALL_PRICE_INVALID),
        regions=chosen,
        response_days=response_days,
        qualifications=text(qualifications, field="qualifications"),
    )


def _entered(actor: Actor, item: CatalogItem) -> SupplierEntry:
    organization = supplier_organization(actor)
    entry = SupplierEntry.objects.filter(organization=organization, status=EntryStatus.APPROVED).first()
    if entry is None:
        raise PermissionDenied(Code.EMALL_NOT_ENTERED)
    if not entry.items.filter(code=item.code).exists():
        raise ServiceError(Code.EMALL_ITEM_NOT_ENTERED, field="item", params={"item": item.name})
    try:
        check_not_negative_list(negative=item.is_negative, item=item.name)
    except RuleError as exc:
        raise rule_refusal(exc, Code.EMALL_NEGATIVE_LIST, field="item") from None
    if not item.is_purchasable:
        raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="item")
    require_eligible(organization, Code.EMALL_NOT_ELIGIBLE, field="item")
    require_rating(organization, item, field="item")
    return entry


def _own(actor: Actor, listing: Listing) -> None:
    organization = supplier_organization(actor)
    if listing.organization_id != organization.pk:
        raise PermissionDenied(Code.EMALL_NOT_YOUR_LISTING)


def _new_version(actor: Actor, listing: Listing, terms: Terms, number: int) -> ListingVersion:
    version = ListingVersion.objects.create(
        listing=listing,
        number=number,
        title=terms.title,
        standard=terms.standard,
        unit=terms.unit,
        unit_price=terms.unit_price,
        response_days=terms.response_days,
        qualifications=terms.qualifications,
        created_by=actor,
        created_at=clock.now(),
    )
    version.regions.set(terms.regions)
    return version


def listing_create(*, actor: Actor, item: CatalogItem, terms: Terms) -> Listing:
    """A draft listing with its first version, under an item the supplier has entered for."""
    _entered(actor, item)
    organization = supplier_organization(actor)
    with transaction.atomic():
        listing = Listing.objects.create(
            organization=organization,
            item=item,
            item_code=item.code,
            created_by=actor,
            created_at=clock.now(),
        )
        _new_version(actor, listing, terms, 1)
        audit.record(
            actor=actor,
            action=Event.EMALL_LISTING_CREATED,
            obj=listing,
            new={
                "status": listing.status,
                "item": item.code,
                "title": terms.title,
                "unit_price": terms.unit_price,
            },
        )
    return listing


def _locked(listing: Listing) -> Listing:
    return Listing.objects.select_for_update().select_related("item").get(pk=listing.pk)


def _pending_version(listing: Listing) -> ListingVersion | None:
    return listing.versions.filter(status=VersionStatus.PENDING).first()


def listing_submit(*, actor: Actor, listing: Listing) -> Listing:
    """Send a draft listing (its first version) for review; its price is checked on the way."""
    _own(actor, listing)
    with transaction.atomic():
        listing = _locked(listing)
        _entered(actor, listing.item)
        set_status(listing, ListingStatus.PENDING, actor=actor, action=Event.EMALL_LISTING_SUBMITTED)
        version = listing.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
        if version is None:
            raise Conflict(Code.EMALL_VERSION_PENDING, field="status")
        set_status(version, VersionStatus.PENDING, actor=actor, action=Event.EMALL_LISTING_SUBMITTED)
        price_check(version)
    return listing


def listing_version_create(*, actor: Actor, listing: Listing, terms: Terms) -> ListingVersion:
    """New terms for a listing that has been submitted (a price change is a new version): pending
    review at once. A live listing stays buyable at its live version meanwhile; a rejected one
    goes back to review with it."""
    _own(actor, listing)
    with transaction.atomic():
        listing = _locked(listing)
        _entered(actor, listing.item)
        if listing.status == ListingStatus.DRAFT or _pending_version(listing) is not None:
            raise Conflict(Code.EMALL_VERSION_PENDING, field="status")
        number = (listing.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = _new_version(actor, listing, terms, number)
        if listing.status == ListingStatus.REJECTED:
            set_status(listing, ListingStatus.PENDING, actor=actor, action=Event.EMALL_LISTING_SUBMITTED)
        set_status(
            version,
            VersionStatus.PENDING,
            actor=actor,
            action=Event.EMALL_VERSION_CREATED,
            extra={"number": number, "unit_price": terms.unit_price, "listing": listing.pk},
        )
        price_check(version)
    return version


def listing_review(*, actor: Actor, version: ListingVersion, approve: bool, note: str = "") -> ListingVersion:
    """The operator approves or rejects (with a reason) a pending version. The first approved
    version puts the listing live; a later one replaces the live terms (the old version is kept,
    superseded, for the orders made at it)."""
    require_operator(actor)
    note = text(note, field="note", code=None if approve else Code.EMALL_NOTE_REQUIRED)
    with transaction.atomic():
        listing = _locked(version.listing)
        version = ListingVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.PENDING:
            raise Conflict(Code.EMALL_VERSION_NOT_PENDING, field="status")
        reviewed = {"reviewed_by": actor, "reviewed_at": clock.now(), "review_note": note}
        first = listing.status == ListingStatus.PENDING
        if not approve:
            set_status(
                version,
                VersionStatus.REJECTED,
                actor=actor,
                action=Event.EMALL_VERSION_REJECTED,
                reason=note,
                values=reviewed,
            )
            if first:
                set_status(
                    listing,
                    ListingStatus.REJECTED,
                    actor=actor,
                    action=Event.EMALL_LISTING_REJECTED,
                    reason=note,
                )
            return version
        old = listing.live_version
        if old is not None:
            set_status(
                old,
                VersionStatus.SUPERSEDED,
                actor=actor,
                action=Event.EMALL_VERSION_APPROVED,
                extra={"by": version.number},
            )
        set_status(
            version,
            VersionStatus.APPROVED,
            actor=actor,
            action=Event.EMALL_VERSION_APPROVED,
            reason=note,
            values=reviewed,
            extra={"unit_price": version.unit_price},
        )
        if first:
            set_status(
                listing,
                ListingStatus.LIVE,
                actor=actor,
                action=Event.EMALL_LISTING_APPROVED,
                values={"live_version": version, "live_price": version.unit_price},
            )
        else:
            listing.live_version, listing.live_price = version, version.unit_price
            listing.save(update_fields=["live_version", "live_price"])
    return version


def listing_suspend(*, actor: Actor, listing: Listing, reason: str) -> Listing:
    """Take a live listing off sale (it stays public, marked 已下架)."""
    return operator_set_status(
        listing,
        ListingStatus.SUSPENDED,
        actor=actor,
        action=Event.EMALL_LISTING_SUSPENDED,
        reason=reason,
        lock=_locked,
    )


def listing_reinstate(*, actor: Actor, listing: Listing, note: str = "") -> Listing:
    """Put a suspended listing back on sale."""
    return operator_reinstate(
        listing,
        ListingStatus.LIVE,
        actor=actor,
        action=Event.EMALL_LISTING_REINSTATED,
        note=note,
        lock=_locked,
    )


# ---------------------------------------------------------------------------------------------
# Price monitoring


def reference_price(item: CatalogItem, unit: str, year: int) -> Decimal | None:
    """The catalogue's reference price of the item per `unit` in force in `year` (latest year ≤ it)."""
    entry = (
        PriceEntry.objects.filter(
            item__code=item.code,
            item__version=item.version_id,
            unit_of_measure=unit,
            effective_year__lte=year,
        )
        .order_by("-effective_year")
        .first()
    )
    return None if entry is None else entry.price


def peer_prices(version: ListingVersion) -> list[Decimal]:
    """Unit prices of the same item's other live listings in the same unit."""
    listing = version.listing
    return list(
        Listing.objects.filter(
            item__code=listing.item.code, status=ListingStatus.LIVE, live_version__unit=version.unit
        )
        .exclude(pk=listing.pk)
        .values_list("live_version__unit_price", flat=True)
    )


def price_check(version: ListingVersion) -> list[PriceFlag]:
    """Flag the version's price when the rules find it an outlier (audited as the system's act)."""
    today = clock.today()
    reasons = price_outliers(
        version.unit_price,
        reference=reference_price(version.listing.item, version.unit, today.year),
        peers=peer_prices(version),
        on_date=today,
    )
    flags = [
        PriceFlag.objects.create(
            version=version,
            code=r.code,
            message=r.message_zh[:300],
            citation=r.citation[:200],
            created_at=clock.now(),
        )
        for r in reasons
    ]
    for flag in flags:
        audit.record(
            actor=None,
            action=Event.EMALL_PRICE_FLAGGED,
            obj=flag,
            new={
                "status": flag.status,
                "code": flag.code,
                "version": version.pk,
                "unit_price": version.unit_price,
            },
        )
    return flags


def flag_decide(*, actor: Actor, flag: PriceFlag, uphold: bool, note: str) -> PriceFlag:
    """The operator dismisses a flag (price justified) or upholds it, which suspends a live listing."""
    require_operator(actor)
    note = text(note, field="note", code=Code.EMALL_NOTE_REQUIRED, max_length=SHORT_TEXT * 10)
    with transaction.atomic():
        flag = PriceFlag.objects.select_for_update().select_related("version__listing").get(pk=flag.pk)
        set_status(
            flag,
            FlagStatus.UPHELD if uphold else FlagStatus.DISMISSED,
            actor=actor,
            action=Event.EMALL_PRICE_FLAG_UPHELD if uphold else Event.EMALL_PRICE_FLAG_DISMISSED,
            reason=note,
            values={"decided_by": actor, "decided_at": clock.now(), "note": note},
        )
        listing = _locked(flag.version.listing)
        if uphold and listing.status == ListingStatus.LIVE:
            set_status(
                listing,
                ListingStatus.SUSPENDED,
                actor=actor,
                action=Event.EMALL_LISTING_SUSPENDED,
                reason=note,
            )
    return flag
