"""Sealed bids: submit, modify, withdraw before the deadline, each acknowledged by a signed receipt.

The bid path is the platform's hottest write (bursts at the deadline): it reads what it needs in
one query, seals outside the transaction, and holds only a shared lock on the procurement row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import transparency
from opengps.core.clock import BEIJING
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.procurement import sealing, selectors
from opengps.procurement.clock import db_now
from opengps.procurement.envelope import Sealed, seal
from opengps.procurement.errors import Code
from opengps.procurement.models import (
    BidFile,
    BidPart,
    BidStatus,
    BidSubmission,
    BidVersion,
    DocumentObtained,
    Invitation,
    Lot,
    Procurement,
    ProcurementStatus,
)
from opengps.procurement.policies import (
    O87_33,
    aware_now,
    local_date,
    procedure_of,
    require_eligible,
    require_status,
    supplier_may_take_part,
    yuan,
)
from opengps.procurement.uploads import CheckedFile, check_file
from opengps.registry import derived
from opengps.registry.models import Organization

REQUIRED_PARTS = (BidPart.QUALIFICATION, BidPart.TECHNICAL, BidPart.PRICE_SCHEDULE)

PREFERENCES: Mapping[str, Any] = {
    "small_micro": _("小微企业"),
    "prison_enterprise": _("监狱企业"),
    "disability_welfare": _("残疾人福利性单位"),
    "consortium_small_micro": _("联合体或分包中小微企业占比达标"),
    "social_organization": _("社会组织"),
}
"""Preferences a supplier may declare (C46); the evaluation decides whether they apply."""


@dataclass(frozen=True)
class BidFileInput:
    """One uploaded file of a bid: which part, its name and bytes."""

    part: str
    name: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class BidAck:
    """What a supplier gets back for a submission, modification or withdrawal."""

    submission: BidSubmission
    version: BidVersion
    receipt: sealing.Receipt


# --- the bid's content, checked and cleaned --------------------------------------------------------


def _check_files(files: Sequence[BidFileInput]) -> list[tuple[str, CheckedFile]]:
    checked: list[tuple[str, CheckedFile]] = []
    for item in files:
        if item.part not in BidPart.values:
            raise ServiceError(Code.BID_PART_INVALID, field="files")
        checked.append((item.part, check_file(item.name, item.content)))
    missing = [BidPart(p).label for p in REQUIRED_PARTS if p not in {part for part, _f in checked}]
    if missing:
        raise ServiceError(
            Code.BID_PARTS_MISSING,
            _("缺少：%(parts)s") % {"parts": "、".join(str(m) for m in missing)},
            field="files",
            params={"missing": [str(p) for p in REQUIRED_PARTS if p not in {part for part, _f in checked}]},
        )
    return checked


def device_fingerprint(user_agent: str, device_id: str = "") -> str:
    """The device fingerprint of a bid act: hex SHA-256 of the user agent and the client's device id.

    Empty when the client sent neither. Only the digest is kept, never the raw strings.
    """
    user_agent, device_id = (user_agent or "").strip(), (device_id or "").strip()
    if not user_agent and not device_id:
        return ""
    return hashlib.sha256(f"{user_agent}\n{device_id}".encode()).hexdigest()


def _clean_source(source_ip: str | None, source_device: str) -> tuple[str | None, str]:
    """A well-formed address (else None: an unknown source is recorded as unknown) and digest."""
    address: str | None = (source_ip or "").strip() or None
    if address is not None:
        try:
            validate_ipv46_address(address)
        except ValidationError:
            address = None
    device = (source_device or "").strip().lower()
    if len(device) != 64 or any(c not in "0123456789abcdef" for c in device):
        device = ""
    return address, device


def _clean_contact(name: str, phone: str) -> dict[str, str]:
    name, phone = (name or "").strip(), (phone or "").strip()
    if len(name) > 60:
        raise ServiceError(Code.BID_CONTACT_INVALID, field="contact_name")
    if len(phone) > 30 or any(c not in "0123456789+-() " for c in phone):
        raise ServiceError(Code.BID_CONTACT_INVALID, _("联系电话格式无效"), field="contact_phone")
    return {"name": name, "phone": phone}


def _clean_preferences(preferences: Iterable[str]) -> list[str]:
    chosen = sorted({p for p in preferences if p})
    unknown = [p for p in chosen if p not in PREFERENCES]
    if unknown:
        raise ServiceError(Code.BID_PREFERENCE_INVALID, field="preferences", params={"unknown": unknown})
    return chosen


@dataclass(frozen=True)
class _Content:
    """What a submission or modification carries; a withdrawal carries nothing."""

    price_total: Decimal | str | None = None
    files: Sequence[BidFileInput] = ()
    preferences: Iterable[str] = ()
    contact_name: str = ""
    contact_phone: str = ""


# --- reading and locking the procurement -----------------------------------------------------------


def _share_lock(procurement: Procurement) -> datetime:
    """Lock the procurement row against the opening (and deadline changes) but not other bidders.

    Refreshes `procurement.status` and `bid_deadline` from the locked row and returns the
    database clock. On PostgreSQL it is one statement (``FOR SHARE`` with ``clock_timestamp()``):
    each query is a round trip, and at the deadline burst every round trip counts. The clock it
    returns is the bid's ``received_at``; the decisive check still reads the clock again after
    the writes.
    """
    if connection.vendor == "postgresql":
        table = Procurement._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT status, bid_deadline, clock_timestamp() FROM "{table}" WHERE id = %s FOR SHARE',  # noqa: S608
                [procurement.pk],
            )
            row = cursor.fetchone()
        if row is None:  # pragma: no cover — procurements are never deleted
            raise NotFound(Code.PROCUREMENT_NOT_FOUND)
        procurement.status, procurement.bid_deadline = row[0], row[1]
        clock: datetime = row[2]
        return clock
    fresh = Procurement.objects.values("status", "bid_deadline").get(pk=procurement.pk)
    procurement.status, procurement.bid_deadline = fresh["status"], fresh["bid_deadline"]
    return db_now()


def _refuse_late(deadline: datetime, clock: datetime, *, source: str = "application") -> None:
    if clock >= deadline:
        raise Conflict(
            Code.BID_DEADLINE_PASSED,
            _("投标截止时间（%(deadline)s）已过，投标文件不予接收（依据：%(citation)s）")
            % {"deadline": deadline.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"), "citation": O87_33},
            params={"deadline": deadline.isoformat(), "received": clock.isoformat(), "clock": source},
        )


@dataclass(frozen=True)
class _Bidder:
    """What the bid path reads about the bidding organization and its bid on the lot."""

    org_id: int
    uscc: str
    eligible: bool
    derived_until: date | None
    invited: bool
    obtained_documents: bool
    existing: BidSubmission | None


_CONTEXT_SQL = (  # table names from the models' metadata, values as parameters
    "SELECT p.id, p.reference, p.method, p.status, p.bid_deadline, p.wrapped_key, "
    "p.single_source_supplier_id, l.id AS lot_pk, o.uscc AS bidder_uscc, o.eligible AS bidder_eligible, "
    "o.derived_until AS bidder_derived_until, "
    '(SELECT COUNT(*) FROM "{invitation}" i WHERE i.procurement_id = p.id AND i.organization_id = o.id)'
    " AS bidder_invited, "
    '(SELECT COUNT(*) FROM "{obtained}" d WHERE d.procurement_id = p.id AND d.organization_id = o.id)'
    " AS bidder_obtained, "
    "s.id AS bid_id, s.status AS bid_status, s.current_version AS bid_version "
    'FROM "{procurement}" p JOIN "{lot}" l ON l.procurement_id = p.id AND l.number = %s '
    'JOIN "{organization}" o ON o.id = %s '
    'LEFT JOIN "{submission}" s ON s.lot_id = l.id AND s.organization_id = o.id '
    "WHERE p.id = %s"
)
_OPEN_STATUSES = frozenset(ProcurementStatus.values) - {ProcurementStatus.DRAFT}


def lot_ref(*, procurement_id: int, number: int) -> Lot:
    """The lot `number` of a procurement, not read yet: the bid services read it in their one
    context query (the API passes this instead of reading the lot first — a round trip fewer in
    the deadline burst). A lot that does not exist, or a draft, is refused by the selectors, with
    the error they give (which of the two is missing; a draft never revealed)."""
    return Lot(procurement_id=procurement_id, number=number)


def _bid_context(actor: Actor, lot: Lot) -> tuple[Procurement, Lot, _Bidder]:
    """The supplier check, then in one query the lot, the procurement columns the bid path reads,
    the bidder's cached registry status, invitation, documents obtained and its bid on the lot.

    One round trip instead of seven (lot, organization, procurement, eligibility cache, documents
    obtained, invitation, submission), and no ORM query compilation: at the deadline burst every
    round trip and every compiled query counts. Plain SQL that PostgreSQL and SQLite both run;
    the procurement's and the lot's other columns (their documents' text among them) stay deferred.
    `lot` may be a `lot_ref` (not read yet).
    """
    require_role(actor, Role.SUPPLIER)
    org_id: int | None = actor.organization_id
    if org_id is None:  # the database constraint makes this unreachable for real users
        raise PermissionDenied(Code.BID_NO_ORGANIZATION)
    sql = _CONTEXT_SQL.format(
        procurement=Procurement._meta.db_table,
        lot=Lot._meta.db_table,
        organization=Organization._meta.db_table,
        invitation=Invitation._meta.db_table,
        obtained=DocumentObtained._meta.db_table,
        submission=BidSubmission._meta.db_table,
    )
    found = list(Procurement.objects.raw(sql, [lot.number, org_id, lot.procurement_id]))
    if not found or found[0].status not in _OPEN_STATUSES:
        # No such lot, or a draft: the selectors say which is missing and never reveal a draft.
        visible = selectors.procurement_get(actor=actor, pk=lot.procurement_id)
        selectors.lot_get(actor=actor, procurement=visible, number=lot.number)
        if not found:  # pragma: no cover — the selectors refuse what the query did not find
            raise NotFound(Code.PROCUREMENT_LOT_NOT_FOUND)
    procurement = found[0]
    facts = procurement.__dict__
    if lot.pk is None:
        lot = Lot.from_db(
            procurement._state.db,
            ["id", "procurement_id", "number"],
            [facts["lot_pk"], procurement.pk, lot.number],
        )
    existing = None
    if facts["bid_id"] is not None:
        bid_id = facts["bid_id"]
        existing = BidSubmission.from_db(
            procurement._state.db,
            ["id", "procurement_id", "lot_id", "organization_id", "status", "current_version"],
            [
                bid_id if isinstance(bid_id, uuid.UUID) else uuid.UUID(str(bid_id)),
                procurement.pk,
                facts["lot_pk"],
                org_id,
                facts["bid_status"],
                int(facts["bid_version"]),
            ],
        )
    derived_until = facts["bidder_derived_until"]
    if isinstance(derived_until, str):  # SQLite hands back the text when no converter applies
        derived_until = date.fromisoformat(derived_until)
    bidder = _Bidder(
        org_id=org_id,
        uscc=facts["bidder_uscc"],
        eligible=bool(facts["bidder_eligible"]),
        derived_until=derived_until,
        invited=bool(facts["bidder_invited"]),
        obtained_documents=bool(facts["bidder_obtained"]),
        existing=existing,
    )
    return procurement, lot, bidder


# --- the write -------------------------------------------------------------------------------------


def _check_bidder(procurement: Procurement, bidder: _Bidder, kind: str, moment: datetime) -> None:
    """The application's pre-checks: open, before the deadline, admitted, eligible, documents
    obtained, and a bid to modify or withdraw (or none yet to submit)."""
    procedure = procedure_of(procurement)
    require_status(procurement, ProcurementStatus.ANNOUNCED)
    assert procurement.bid_deadline is not None
    _refuse_late(procurement.bid_deadline, moment)
    supplier_may_take_part(bidder.org_id, procurement, procedure, invited=bidder.invited)
    on_date = local_date(moment)
    if not derived.says_eligible(bidder.eligible, bidder.derived_until, on_date):
        require_eligible(Organization.objects.get(pk=bidder.org_id), on_date)
    if not bidder.obtained_documents:
        raise Conflict(Code.BID_DOCUMENTS_NOT_OBTAINED, field="lot")
    existing = bidder.existing
    if kind == BidVersion.Kind.SUBMIT and existing is not None and existing.status == BidStatus.SUBMITTED:
        raise Conflict(Code.BID_ALREADY_SUBMITTED, field="lot")
    if kind != BidVersion.Kind.SUBMIT and (existing is None or existing.status != BidStatus.SUBMITTED):
        raise Conflict(Code.BID_NOT_SUBMITTED, field="lot")


def _seal_version(
    procurement: Procurement, lot: Lot, bidder: _Bidder, kind: str, number: int, content: _Content
) -> Sealed:
    """Seal version `number`: a withdrawal's bare manifest, or the cleaned price, files and declarations."""
    base_aad = sealing.bid_aad(
        procurement_id=procurement.reference,
        lot_id=str(lot.number),
        supplier_uscc=bidder.uscc,
        version=number,
    )
    wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
    if kind == BidVersion.Kind.WITHDRAW:
        return seal(wrapped, base_aad, {"withdrawn": True, "version": number}, [])
    price = yuan(content.price_total if content.price_total is not None else "", field="price_total")
    checked = _check_files(content.files)
    manifest = {
        "price_total": str(price),
        "preferences": _clean_preferences(content.preferences),
        "contact": _clean_contact(content.contact_name, content.contact_phone),
        "version": number,
    }
    return seal(wrapped, base_aad, manifest, checked)


def _submission_advance(
    procurement: Procurement, lot: Lot, bidder: _Bidder, number: int, status: str
) -> BidSubmission:
    """The envelope row at version `number`: created, or moved on from `number - 1` (else a
    concurrent change by a colleague raises IntegrityError)."""
    existing = bidder.existing
    if existing is None:
        return BidSubmission.objects.create(
            procurement=procurement,
            lot=lot,
            organization_id=bidder.org_id,
            status=status,
            current_version=1,
        )
    changed = BidSubmission.objects.filter(pk=existing.pk, current_version=number - 1).update(
        current_version=number, status=status
    )
    if changed != 1:
        raise IntegrityError("concurrent change")
    existing.current_version, existing.status = number, status
    return existing


def _store(
    *,
    actor: Actor,
    procurement: Procurement,
    lot: Lot,
    bidder: _Bidder,
    kind: str,
    number: int,
    sealed: Sealed,
    source: tuple[str | None, str],
) -> BidAck:
    """In one transaction under the shared lock: the receipt, the rows, the log leaf, and the
    decisive deadline check on the database clock."""
    manifest_bytes = sealed.manifest.to_bytes()
    digest = sealed.manifest.sha256()
    with transaction.atomic():
        received_at = _share_lock(procurement)
        require_status(procurement, ProcurementStatus.ANNOUNCED)
        deadline = procurement.bid_deadline
        assert deadline is not None
        _refuse_late(deadline, received_at, source="database")
        receipt = sealing.receipt_issue(
            procurement_id=procurement.reference,
            lot_id=str(lot.number),
            supplier_uscc=bidder.uscc,
            received_at=received_at,
            sealed_sha256=digest,
        )
        status = BidStatus.WITHDRAWN if kind == BidVersion.Kind.WITHDRAW else BidStatus.SUBMITTED
        submission = _submission_advance(procurement, lot, bidder, number, status)
        version = BidVersion.objects.create(
            submission=submission,
            number=number,
            kind=kind,
            sealed_manifest=manifest_bytes,
            sealed_sha256=digest,
            received_at=received_at,
            receipt=receipt.to_json(),
            submitted_by=actor,
            source_ip=source[0],
            source_device=source[1],
        )
        BidFile.objects.bulk_create(
            [
                BidFile(version=version, position=i, sealed=blob.to_bytes(), sealed_sha256=file_digest)
                for i, (blob, file_digest) in enumerate(sealed.files, start=1)
            ]
        )
        # The receipt's leaf in the platform-wide transparency log: the last write, because
        # the log head stays locked from here to commit (see opengps.core.transparency).
        written_at = transparency.leaf_append(receipt_digest=receipt.digest())
        # The decisive check: the database's clock after every write (on PostgreSQL read by the
        # leaf's own statement, after the leaf is written: one round trip fewer), inside the
        # transaction that commits them. At or after the deadline everything rolls back.
        _refuse_late(deadline, written_at or db_now(), source="database")
    return BidAck(submission=submission, version=version, receipt=receipt)


def _bid_write(
    *,
    actor: Actor,
    lot: Lot,
    kind: str,
    content: _Content,
    now: datetime | None,
    source_ip: str | None = None,
    source_device: str = "",
) -> BidAck:
    procurement, lot, bidder = _bid_context(actor, lot)
    source = _clean_source(source_ip, source_device)
    moment = aware_now(now)
    _check_bidder(procurement, bidder, kind, moment)
    number = 1 if bidder.existing is None else bidder.existing.current_version + 1
    sealed = _seal_version(procurement, lot, bidder, kind, number, content)
    try:
        ack = _store(
            actor=actor,
            procurement=procurement,
            lot=lot,
            bidder=bidder,
            kind=kind,
            number=number,
            sealed=sealed,
            source=source,
        )
    except IntegrityError:
        raise Conflict(Code.BID_CONCURRENT_CHANGE, field="lot") from None
    ack.submission.lot = lot  # the receipt names the lot: spare the caller a query for it
    ack.version.submission = ack.submission
    return ack


def bid_submit(
    *,
    actor: Actor,
    lot: Lot,
    price_total: Decimal | str,
    files: Sequence[BidFileInput],
    preferences: Iterable[str] = (),
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> BidAck:
    """Seal and submit a bid for `lot` (first time, or again after a withdrawal) before the deadline.

    Needs a supplier member whose organization is eligible today and has obtained the documents;
    files are size- and type-checked; qualification, technical response and price schedule are
    required. Returns the signed receipt. `now` only moves the application pre-check (tests);
    the database clock decides. `contact_name`/`contact_phone` (the bid's contact person) are
    sealed with the price; `source_ip` and `source_device` (`device_fingerprint`) come from the
    request and are kept outside the seal, shown nowhere before the opening, and copied to the
    readout at the opening as evidence for collusion checks.
    """
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.SUBMIT,
        content=_Content(price_total, files, preferences, contact_name, contact_phone),
        now=now,
        source_ip=source_ip,
        source_device=source_device,
    )


def bid_modify(
    *,
    actor: Actor,
    lot: Lot,
    price_total: Decimal | str,
    files: Sequence[BidFileInput],
    preferences: Iterable[str] = (),
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> BidAck:
    """Replace a submitted bid with a new sealed version (O87 §34); the latest version counts."""
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.MODIFY,
        content=_Content(price_total, files, preferences, contact_name, contact_phone),
        now=now,
        source_ip=source_ip,
        source_device=source_device,
    )


def bid_withdraw(
    *,
    actor: Actor,
    lot: Lot,
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
) -> BidAck:
    """Withdraw a submitted bid before the deadline (O87 §34); a receipt acknowledges it."""
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.WITHDRAW,
        content=_Content(),
        now=now,
        source_ip=source_ip,
        source_device=source_device,
    )
