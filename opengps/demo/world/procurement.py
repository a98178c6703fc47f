"""Procurement: bid files, the announcement, bids and the opening."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any, Final

from django.utils import timezone

from opengps.accounts.models import User
from opengps.core.clock import BEIJING, local_date
from opengps.planning.models import PurchasePlan
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement
from opengps.procurement.services import BidAck, BidFileInput
from opengps.rules.deadlines.bids import earliest_bid_deadline

# ---------------------------------------------------------------------------------------------
# Procurement: bid files, announcement, bids, opening

PDF: Final = b"%PDF-1.7\n" + "投标文件 技术响应 唯一标记 TECH-SECRET-7731".encode() + b"\n%%EOF\n"
OPENED_PRICES: Final = ("268000", "275000", "290000")
"""The three bids of `procurement_opened`; the cheapest wins `award_announced`."""


def xlsx_bytes(text: str = "报价 268000.00") -> bytes:
    """A minimal workbook (a zip with the parts the upload check looks for) carrying `text`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f"<workbook>{text}</workbook>")
    return buffer.getvalue()


_bidder_numbers = itertools.count(1)


def bid_files(marker: str = "QUAL-SECRET-4410", *, same_as: str | None = None) -> list[BidFileInput]:
    """One bidder's three files, carrying the secret markers; each call's files differ in content
    (as two bidders' documents do), unless `same_as` names the copy to repeat exactly."""
    copy = str(next(_bidder_numbers)) if same_as is None else f"shared-{same_as}"
    tag = f"BIDDER-COPY-{copy}".encode()
    return [
        BidFileInput(
            "qualification", "资格证明.pdf", b"%PDF-1.4\n" + marker.encode() + b"\n" + tag + b"\n%%EOF"
        ),
        BidFileInput("technical", "技术响应.pdf", PDF.replace(b"\n%%EOF", b"\n" + tag + b"\n%%EOF")),
        BidFileInput("price_schedule", "报价表.xlsx", xlsx_bytes(f"报价 268000.00 {tag.decode()}")),
    ]


def real_now() -> datetime:
    """The real moment (bid deadlines are judged by the database clock, not a pinned one)."""
    return timezone.now()


def announce_times(days_ago: int = 40, ahead: timedelta = timedelta(hours=1)) -> tuple[datetime, datetime]:
    """(issue time far enough back that any method's period has run, a deadline `ahead` of the real clock)."""
    now = real_now()
    return now - timedelta(days=days_ago), now + ahead


def at_the_legal_minimum(method: str = "open_tender", days_ago: int = 20) -> timedelta:
    """How far ahead of the real clock to set the deadline of documents issued `days_ago` so that it
    falls on the earliest lawful day (or an hour from now, when that day has come): on any date,
    whatever weekends and holidays the period crosses."""
    now = real_now()
    earliest = earliest_bid_deadline(method, local_date(now - timedelta(days=days_ago))).value
    at_ten = datetime.combine(earliest, time(10), tzinfo=BEIJING)
    return max(timedelta(hours=1), at_ten - now)


def procurement_announced(
    *,
    purchaser: User,
    plan: PurchasePlan,
    days_ago: int = 40,
    ahead: timedelta = timedelta(hours=1),
    deposit: str | None = None,
) -> Procurement:
    """The plan's procurement, announced `days_ago` with its deadline `ahead` of the real clock."""
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times(days_ago, ahead)
    return procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, bid_deposit=deposit, now=issued
    )


def bid_place(*, supplier: User, procurement: Procurement, price: str, **details: Any) -> BidAck:
    """The supplier obtains the documents and bids `price` on lot 1 with fresh files (`details`:
    the bid's source and contact, as `bid_submit` takes them)."""
    procurement_services.documents_obtain(actor=supplier, procurement=procurement)
    lot = procurement.lots.get(number=1)
    return procurement_services.bid_submit(
        actor=supplier, lot=lot, price_total=price, files=bid_files(), **details
    )


def procurement_open_after_deadline(*, purchaser: User, procurement: Procurement) -> Procurement:
    """Open the bids a minute after the deadline."""
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    return procurement


def procurement_opened(
    *,
    purchaser: User,
    plan: PurchasePlan,
    suppliers: Sequence[User],
    prices: Sequence[str] = OPENED_PRICES,
    days_ago: int = 40,
    ahead: timedelta = timedelta(hours=1),
    deposit: str | None = "5000",
) -> Procurement:
    """An open tender announced `days_ago` (deadline `ahead` of the real clock), one bid per price
    from the first suppliers, opened."""
    procurement = procurement_announced(
        purchaser=purchaser, plan=plan, days_ago=days_ago, ahead=ahead, deposit=deposit
    )
    for supplier, price in zip(suppliers, prices, strict=False):
        bid_place(supplier=supplier, procurement=procurement, price=price)
    return procurement_open_after_deadline(purchaser=purchaser, procurement=procurement)
