"""竞价 (online bidding): a purchaser posts a requirement; the entered suppliers of its item quote,
sealed, and may improve their quote until the close; the close opens the quotes and awards the
lowest compliant one (an `Order` of kind 竞价) or fails the round with the lawful next steps.

At posting the order checks run on the ceiling price: not a negative-list item (O102 §10), below the
e-mall's ceiling (seed 003), and — with the unit's and the budget line's rows locked — room on an
approved budget line and no split purchase (IR §28). An open round holds its ceiling on the line and
in the unit's year total (`orders.emall_committed`, `orders.year_total`) until it is closed.

Quotes are sealed as bids are (`opengps.procurement.sealing`): each price is AES-GCM encrypted under
the round's data key (wrapped under the platform key at posting), bound to the round, the supplier
and the version, and the key opens only at or after the close. No page, response or audit event
shows a price or the number of quotes before the close. The close is judged by the database clock
inside the quote's transaction (`opengps.procurement.clock.db_now`), after its writes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import require_role
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.inputs import check_deadline
from opengps.core.money import FEN
from opengps.emall.errors import Code
from opengps.emall.events import Event
from opengps.emall.models import (
    BiddingRound,
    EntryStatus,
    Listing,
    ListingStatus,
    Order,
    OrderKind,
    Quote,
    RoundStatus,
    SupplierEntry,
)
from opengps.emall.services._common import SHORT_TEXT, money, reasons_json, set_status, text
from opengps.emall.services.entry import (
    eligibility_blocks,
    require_eligible,
    require_rating,
    supplier_organization,
)
from opengps.emall.services.orders import (
    CATEGORY,
    item_checks,
    lock_budget,
    order_record,
    parse_quantity,
    purchaser_unit,
)
from opengps.planning.models import BudgetLine
from opengps.procurement import sealing
from opengps.procurement.clock import db_now
from opengps.procurement.errors import Code as SealCode
from opengps.rules.base import Reason, RuleError
from opengps.rules.emall import (
    bidding_outcome,
    check_bidding_window,
    check_quote_in_time,
    check_round_closable,
    quote_compliance,
    rank_quotes,
)
from opengps.rules.scoring import Candidate

LOT = "emall"
"""The `lot_id` a round's quotes are sealed under (a round has one lot)."""


def _local(moment: datetime, *, seconds: bool = False) -> str:
    """A moment as Beijing time in a refusal's message (to the minute, or the second)."""
    return moment.astimezone(clock.BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _moment(value: datetime | None, *, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ServiceError(Code.EMALL_TIME_INVALID, field=field)
    return value


def _item(item: CatalogItem) -> CatalogItem:
    version = current_version()
    if version is None or item.version_id != version.pk or not item.is_purchasable:
        raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="item")
    return item


def _window(now: datetime, opens_at: datetime | None, closes_at: datetime) -> tuple[datetime, datetime]:
    """The quoting window: opens now or later, closes at least the rule's minimum after [U]."""
    opens = _moment(opens_at, field="opens_at") or now
    closes = _moment(closes_at, field="closes_at")
    assert closes is not None
    check_deadline(closes, field="closes_at")
    if opens < now.replace(microsecond=0):
        raise ServiceError(Code.EMALL_OPENS_IN_PAST, field="opens_at")
    try:
        check_bidding_window(opens, closes)
    except RuleError as exc:
        raise ServiceError(
            Code.EMALL_WINDOW_TOO_SHORT,
            field="closes_at",
            params={
                "hours": exc.params["hours"],
                "earliest": _local(datetime.fromisoformat(str(exc.params["earliest"]))),
                "citation": exc.citation,
            },
        ) from None
    return opens, closes


def round_post(
    *,
    actor: Actor,
    item: CatalogItem,
    title: str,
    quantity: Decimal | str | int,
    measure_unit: str,
    service_region: Region,
    standard: str,
    ceiling: Decimal | str | int,
    budget_line: BudgetLine,
    closes_at: datetime,
    opens_at: datetime | None = None,
    now: datetime | None = None,
) -> BiddingRound:
    """Post a 竞价 requirement (see the module's checks); quoting runs from `opens_at` (default:
    now) to `closes_at`, at least the rule's minimum window [U]. `now` is the moment of posting
    (default: the clock); only the demo passes an earlier one, as procurement's announcement does,
    to have a round whose window ends moments after it is loaded."""
    unit = purchaser_unit(actor)
    title = text(title, field="title", code=Code.EMALL_TITLE_REQUIRED, max_length=120)
    qty = parse_quantity(quantity)
    measure_unit = text(measure_unit, field="measure_unit", code=Code.EMALL_UNIT_REQUIRED, max_length=20)
    standard = text(standard, field="standard", code=Code.EMALL_STANDARD_REQUIRED)
    amount = money(ceiling, field="ceiling")
    now, today = _moment(now, field="opens_at") or clock.now(), clock.today()
    opens, closes = _window(now, opens_at, closes_at)
    item = _item(item)
    item_checks(item, amount, item_field="item", amount_field="ceiling")
    with transaction.atomic():
        # As for an order (the unit's and the line's rows locked); the round then holds its ceiling
        # until it is closed.
        line, room = lock_budget(
            unit=unit, budget_line=budget_line, item_code=item.code, amount=amount, field="ceiling"
        )
        bidding_round = BiddingRound.objects.create(
            reference=f"tmp-{now.timestamp()}-{unit.pk}",
            unit=unit,
            posted_by=actor,
            item=item,
            item_code=item.code,
            category=CATEGORY,
            title=title,
            quantity=qty,
            measure_unit=measure_unit,
            service_region=service_region,
            standard=standard,
            ceiling=amount,
            budget_line=line,
            fiscal_year=today.year,
            opens_at=opens,
            closes_at=closes,
            posted_at=now,
        )
        bidding_round.reference = f"DZJJ-{today.year}-{bidding_round.pk:06d}"
        bidding_round.wrapped_key = sealing.procurement_key_create(bidding_round.reference).to_text()
        bidding_round.save(update_fields=["reference", "wrapped_key"])
        audit.record(
            actor=actor,
            action=Event.EMALL_ROUND_POSTED,
            obj=bidding_round,
            new={
                "status": bidding_round.status,
                "reference": bidding_round.reference,
                "item": item.code,
                "quantity": qty,
                "ceiling": amount,
                "budget_line": line.code,
                "budget_room_before": room,
                "opens_at": opens,
                "closes_at": closes,
            },
        )
    return bidding_round


# ---------------------------------------------------------------------------------------------
# Quotes


def _quote_listing(organization_id: int, bidding_round: BiddingRound) -> Listing:
    """The supplier's live listing of the round's item serving its place: the order's terms."""
    codes = [r.code for r in bidding_round.service_region.lineage()]
    listing = (
        Listing.objects.filter(
            organization=organization_id,
            item__code=bidding_round.item_code,
            status=ListingStatus.LIVE,
            live_version__regions__code__in=codes,
        )
        .order_by("pk")
        .first()
    )
    if listing is None:
        raise ServiceError(
            Code.EMALL_NO_LISTING_FOR_ROUND,
            field="price",
            params={"region": bidding_round.service_region.name},
        )
    return listing


def _require_quoter(actor: Actor, bidding_round: BiddingRound) -> tuple[SupplierEntry, Listing]:
    """An entered supplier of the round's item, eligible today (registry, rating), with a listing."""
    organization = supplier_organization(actor)
    entry = SupplierEntry.objects.filter(organization=organization, status=EntryStatus.APPROVED).first()
    if entry is None:
        raise PermissionDenied(Code.EMALL_NOT_ENTERED)
    if not entry.items.filter(code=bidding_round.item_code).exists():
        raise PermissionDenied(Code.EMALL_ITEM_NOT_ENTERED, params={"item": bidding_round.item.name})
    require_eligible(organization, Code.EMALL_SUPPLIER_INELIGIBLE, field="price")
    require_rating(organization, bidding_round.item, field="price")
    return entry, _quote_listing(organization.pk, bidding_round)


def quote_aad(bidding_round: BiddingRound, uscc: str, version: int) -> bytes:
    """What a quote's seal is bound to: the round, the supplier and the quote's version."""
    return sealing.bid_aad(
        procurement_id=bidding_round.reference, lot_id=LOT, supplier_uscc=uscc, version=version
    )


def _share_lock(bidding_round: BiddingRound) -> tuple[str, datetime, datetime]:
    """Lock the round's row against the close (not against other quoters); return its status and
    close as read under the lock, and the database clock (the quote's received time). On
    PostgreSQL one statement (``FOR SHARE`` with ``clock_timestamp()``), as for bids."""
    if connection.vendor == "postgresql":
        table = BiddingRound._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT status, closes_at, clock_timestamp() FROM "{table}" WHERE id = %s FOR SHARE',  # noqa: S608
                [bidding_round.pk],
            )
            row = cursor.fetchone()
        assert row is not None  # rounds are never deleted
        return row[0], row[1], row[2]
    fresh = BiddingRound.objects.values("status", "closes_at").get(pk=bidding_round.pk)
    return fresh["status"], fresh["closes_at"], db_now()


def _refuse_late(closes_at: datetime, received: datetime) -> None:
    try:
        check_quote_in_time(closes_at, received)
    except RuleError as exc:
        raise Conflict(
            Code.EMALL_QUOTE_AFTER_CLOSE,
            field="price",
            params={
                "deadline": _local(closes_at, seconds=True),
                "received": received.isoformat(),
                "citation": exc.citation,
            },
        ) from None


def quote_submit(*, actor: Actor, bidding_round: BiddingRound, price: Decimal | str | int) -> Quote:
    """Quote on an open round, or improve (replace) the supplier's own quote, until the close.

    The price is sealed before the transaction; inside it, under a shared lock on the round, the
    quote is written and the database clock is read again after the write: at or after the close
    everything rolls back (``emall.quote_after_close``)."""
    amount = money(price, field="price", code=Code.EMALL_QUOTE_PRICE_INVALID)
    bidding_round = BiddingRound.objects.select_related("item", "service_region").get(pk=bidding_round.pk)
    entry, listing = _require_quoter(actor, bidding_round)
    organization = entry.organization
    if bidding_round.status != RoundStatus.OPEN:
        raise Conflict(Code.EMALL_ROUND_CLOSED, field="price")
    wrapped = sealing.WrappedKey.from_text(bidding_round.wrapped_key, procurement_id=bidding_round.reference)
    with transaction.atomic():
        status, closes_at, received = _share_lock(bidding_round)
        if status != RoundStatus.OPEN:
            raise Conflict(Code.EMALL_ROUND_CLOSED, field="price")
        _refuse_late(closes_at, received)
        if clock.now() < bidding_round.opens_at:  # opening early is not a deadline the law enforces
            raise Conflict(
                Code.EMALL_ROUND_NOT_OPEN_YET,
                field="price",
                params={"opens": _local(bidding_round.opens_at)},
            )
        # One supplier's quotes one at a time: its entry row is the lock.
        SupplierEntry.objects.select_for_update().get(pk=entry.pk)
        quote = Quote.objects.filter(round=bidding_round, supplier=organization).first()
        version = 1 if quote is None else quote.version + 1
        blob = sealing.seal(
            wrapped, str(amount).encode("ascii"), quote_aad(bidding_round, organization.uscc, version)
        )
        if quote is None:
            quote = Quote.objects.create(
                round=bidding_round,
                supplier=organization,
                listing=listing,
                version=version,
                sealed_price=blob.to_bytes(),
                sealed_sha256=blob.sha256(),
                submitted_by=actor,
                submitted_at=received,
            )
            action = Event.EMALL_QUOTE_SUBMITTED
        else:
            quote.listing, quote.version, quote.submitted_by, quote.submitted_at = (
                listing,
                version,
                actor,
                received,
            )
            quote.sealed_price, quote.sealed_sha256 = blob.to_bytes(), blob.sha256()
            quote.save(
                update_fields=[
                    "listing",
                    "version",
                    "sealed_price",
                    "sealed_sha256",
                    "submitted_by",
                    "submitted_at",
                ]
            )
            action = Event.EMALL_QUOTE_IMPROVED
        # Never a price or a count in the record: only whose seal, which version, when.
        audit.record(
            actor=actor,
            action=action,
            obj=quote,
            new={
                "round": bidding_round.reference,
                "supplier": organization.uscc,
                "version": version,
                "sealed_sha256": quote.sealed_sha256,
                "received_at": received,
            },
        )
        # The decisive check: the database clock after the writes, in the committing transaction.
        _refuse_late(closes_at, db_now())
    return quote


# ---------------------------------------------------------------------------------------------
# The close


def _require_closer(actor: SystemOrActor, bidding_round: BiddingRound) -> None:
    """The purchasing unit's staff, or the system's task after the close (actor None)."""
    if actor is None:
        return
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != bidding_round.unit_id:
        raise PermissionDenied(Code.EMALL_NOT_YOUR_ORDER)


def _open_quote(key: sealing.DataKey, bidding_round: BiddingRound, quote: Quote) -> Decimal:
    blob = sealing.SealedBlob.from_bytes(bytes(quote.sealed_price))
    if blob.sha256() != quote.sealed_sha256:
        raise sealing.SealError(SealCode.SEAL_OPEN_FAILED)
    plain = sealing.open_blob(key, blob, quote_aad(bidding_round, quote.supplier.uscc, quote.version))
    return Decimal(plain.decode("ascii"))


def _invalid_reason(bidding_round: BiddingRound, quote: Quote, price: Decimal) -> Reason | None:
    """Why an opened quote cannot win: above the ceiling, the supplier no longer eligible or entered,
    or its listing no longer live."""
    reason = quote_compliance(price, bidding_round.ceiling)
    if reason is not None:
        return reason
    blocks, _reasons = eligibility_blocks(quote.supplier)
    if blocks:
        return blocks[0]
    entered = SupplierEntry.objects.filter(organization=quote.supplier_id, status=EntryStatus.APPROVED)
    listing = quote.listing
    if not entered.exists() or listing.status != ListingStatus.LIVE or listing.live_version_id is None:
        return Reason(
            "emall.listing_not_live",
            "供应商入驻已暂停或报价商品已下架",
            "The supplier's entry is suspended or its listing is no longer live",
            "",
            "block",
        )
    return None


def _draw_seed(bidding_round: BiddingRound, quotes: list[Quote]) -> str:
    """The seed of a tie's random draw: fixed by the sealed quotes, known to nobody before the close."""
    joined = "\n".join([bidding_round.reference, *sorted(q.sealed_sha256 for q in quotes)])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def round_close(*, actor: SystemOrActor, bidding_round: BiddingRound) -> BiddingRound:
    """Open a round's quotes at or after its close (database clock) and award it or fail it.

    The lowest compliant quote wins (ties by `opengps.rules.emall.rank_quotes`); fewer valid quotes
    than the minimum fail the round (`bidding_outcome`, with the lawful next steps). The award
    places an `Order` of kind 竞价 at the winning price on the round's budget line, where the round's
    ceiling was held, so the budget is not checked again."""
    _require_closer(actor, bidding_round)
    with transaction.atomic():
        locked = (
            BiddingRound.objects.select_for_update(of=("self",))
            .select_related("item", "service_region")
            .get(pk=bidding_round.pk)
        )
        if locked.status != RoundStatus.OPEN:
            raise Conflict(Code.EMALL_ROUND_CLOSED, field="status")
        now = db_now()
        try:
            check_round_closable(locked.closes_at, now)
        except RuleError:
            raise Conflict(
                Code.EMALL_ROUND_NOT_CLOSED,
                field="status",
                params={"deadline": _local(locked.closes_at)},
            ) from None
        wrapped = sealing.WrappedKey.from_text(locked.wrapped_key, procurement_id=locked.reference)
        key = sealing.unwrap_for_opening(wrapped, deadline=locked.closes_at, now=now)
        quotes = list(locked.quotes.select_related("supplier", "listing").order_by("pk"))
        candidates: list[Candidate] = []
        opened: list[dict[str, object]] = []
        for quote in quotes:
            quote.price = _open_quote(key, locked, quote)
            reason = _invalid_reason(locked, quote, quote.price)
            quote.valid = reason is None
            quote.invalid_reason = reason.message_zh[:300] if reason else ""
            if reason is None:
                candidates.append(
                    Candidate(
                        str(quote.pk),
                        quote.price,
                        industry_association=quote.supplier.is_industry_association,
                    )
                )
            opened.append(
                {
                    "supplier": quote.supplier.uscc,
                    "price": quote.price,
                    "valid": quote.valid,
                    "version": quote.version,
                }
            )
        Quote.objects.bulk_update(quotes, ["price", "valid", "invalid_reason"])
        outcome = bidding_outcome(len(candidates), locked.ceiling, clock.today())
        values: dict[str, object] = {
            "closed_at": now,
            "closed_by": actor,
            "quote_count": len(quotes),
            "valid_quote_count": len(candidates),
            "outcome": reasons_json(outcome.reasons),
        }
        extra: dict[str, object] = {"quotes": opened, "minimum": outcome.minimum}
        if not outcome.awardable:
            set_status(
                locked,
                RoundStatus.FAILED,
                actor=actor,
                action=Event.EMALL_ROUND_FAILED,
                values=values,
                extra=extra,
            )
            return locked
        ranking = rank_quotes(candidates, seed=_draw_seed(locked, quotes))
        winner = next(q for q in quotes if str(q.pk) == ranking.order[0])
        order = _award_order(actor, locked, winner)
        extra["ranking"] = [
            {"quote": entry.candidate.bidder, "position": entry.position, "decided_by": entry.decided_by}
            for entry in ranking.ranked
        ]
        extra["draws"] = [
            {"seed": d.seed, "tied": list(d.tied), "order": list(d.order)} for d in ranking.draws
        ]
        extra["citation"] = ranking.citation
        set_status(
            locked,
            RoundStatus.AWARDED,
            actor=actor,
            action=Event.EMALL_ROUND_AWARDED,
            values={**values, "order": order, "awarded_price": winner.price},
            extra={**extra, "order": order.reference},
        )
    return locked


def _award_order(actor: SystemOrActor, bidding_round: BiddingRound, winner: Quote) -> Order:
    assert winner.price is not None
    listing = winner.listing
    version = listing.live_version
    assert version is not None  # checked by _invalid_reason
    return order_record(
        actor=actor,
        action=Event.EMALL_ORDER_AWARDED,
        facts={
            "kind": OrderKind.BIDDING,
            "round": bidding_round.reference,
            "supplier": winner.supplier.uscc,
            "amount": winner.price,
            "budget_line": bidding_round.budget_line.code,
        },
        unit=bidding_round.unit,
        placed_by=bidding_round.posted_by,
        listing=listing,
        version=version,
        supplier=winner.supplier,
        item_code=bidding_round.item_code,
        category=bidding_round.category,
        kind=OrderKind.BIDDING,
        budget_line=bidding_round.budget_line,
        fiscal_year=bidding_round.fiscal_year,
        quantity=bidding_round.quantity,
        unit_price=(winner.price / bidding_round.quantity).quantize(FEN, ROUND_HALF_UP),
        amount=winner.price,
        service_region=bidding_round.service_region,
        note=text(f"{bidding_round.reference} {bidding_round.title}", field="note", max_length=SHORT_TEXT),
    )


def rounds_close_due() -> int:
    """Close every open round past its close (the scheduled task; actor: the system). Returns how
    many were closed."""
    due = BiddingRound.objects.filter(status=RoundStatus.OPEN, closes_at__lte=db_now()).order_by("pk")
    closed = 0
    for bidding_round in due:
        try:
            round_close(actor=None, bidding_round=bidding_round)
        except Conflict:
            continue  # closed by its purchaser meanwhile, or the database clock is not there yet
        closed += 1
    return closed
