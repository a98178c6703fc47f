"""Reads of procurements, shaped per screen, with the disclosure gate of RULES.md §12.

Before the bid deadline no function here returns bids, bidders, the documents register or any
count of them to anyone but a supplier asking about its own bid. `sealed_gate` is the one check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import MaybeActor, Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.core import clock, transparency
from opengps.core.errors import NotFound, PermissionDenied
from opengps.procurement import sealing
from opengps.procurement.envelope import part_aad
from opengps.procurement.errors import Code
from opengps.procurement.models import (
    BidFile,
    BidReadout,
    BidSubmission,
    BidVersion,
    Clarification,
    DocumentObtained,
    Enquiry,
    Invitation,
    Lot,
    Notification,
    Objection,
    OpeningRecord,
    Procurement,
    ProcurementStatus,
)
from opengps.procurement.policies import is_official

SUPERVISORS = (Role.FINANCE, Role.AUDITOR, Role.ADMIN)
"""Roles that oversee procurements (never sealed content before the deadline): auditors and
administrators every one, finance those of its region and below (`opengps.accounts.scopes`)."""
FINANCE_ONLY = frozenset({Role.FINANCE})
PUBLIC_STATUSES = [s for s in ProcurementStatus.values if s != ProcurementStatus.DRAFT]


def _q_visible(actor: MaybeActor) -> Q:
    public = Q(status__in=PUBLIC_STATUSES)
    if not is_authenticated(actor):
        return public
    if scopes.reads_everything(actor):
        return Q()
    if actor.role in SUPERVISORS:
        return public | scopes.units_q(actor, "purchaser")
    if actor.role == Role.PURCHASER:
        return public | Q(purchaser_id=actor.unit_id)
    if actor.role == Role.AGENCY:
        return public | Q(agency_id=actor.unit_id)
    return public


def supervises(actor: Viewer, procurement: Procurement) -> bool:
    """Auditors and administrators, or the finance department whose region holds the purchaser."""
    return scopes.supervises(actor, procurement.purchaser, roles=FINANCE_ONLY)


def procurements_visible(*, actor: MaybeActor) -> QuerySet[Procurement]:
    """Procurements the actor may list: public ones, plus own drafts; supervisors see all."""
    return (
        Procurement.objects.filter(_q_visible(actor))
        .select_related("purchaser", "agency", "single_source_supplier")
        .order_by("-created_at")
    )


def procurements_open_for_bids(*, now: datetime | None = None) -> QuerySet[Procurement]:
    """Announced procurements whose deadline is still ahead (the suppliers' list)."""
    moment = now or clock.now()
    return (
        Procurement.objects.filter(
            status__in=[ProcurementStatus.ANNOUNCED, ProcurementStatus.NOTICE], bid_deadline__gt=moment
        )
        .select_related("purchaser", "agency")
        .order_by("bid_deadline")
    )


def procurement_get(*, actor: Viewer, pk: int) -> Procurement:
    procurement = procurements_visible(actor=actor).filter(pk=pk).first()
    if procurement is None:
        raise NotFound(Code.PROCUREMENT_NOT_FOUND)
    return procurement


def procurement_for(*, actor: Viewer, pk: int) -> Procurement:
    """A procurement the actor may see (`procurement_get`); the screens' actions of suppliers."""
    return procurement_get(actor=actor, pk=pk)


def procurement_run_by(*, actor: Viewer, pk: int) -> Procurement:
    """A procurement the actor runs: its purchaser's or its agency's staff; anyone else NotFound."""
    procurement = procurements_visible(actor=actor).filter(pk=pk).first()
    if procurement is None or not is_official(actor, procurement):
        raise NotFound(Code.PROCUREMENT_NOT_FOUND)
    return procurement


def procurement_supervised(*, actor: Viewer, pk: int) -> Procurement:
    """A procurement the actor's finance department oversees (its region and below); else NotFound."""
    procurement = procurements_visible(actor=actor).filter(pk=pk).first()
    if procurement is None or not (has_role(actor, Role.FINANCE) and supervises(actor, procurement)):
        raise NotFound(Code.PROCUREMENT_NOT_FOUND)
    return procurement


def lots_of(procurement: Procurement) -> list[Lot]:
    return list(Lot.objects.filter(procurement=procurement).order_by("number"))


def lot_get(*, actor: Viewer, procurement: Procurement, number: int) -> Lot:
    lot = Lot.objects.filter(procurement=procurement, number=number).first()
    if lot is None:
        raise NotFound(Code.PROCUREMENT_LOT_NOT_FOUND)
    return lot


def is_sealed(procurement: Procurement, now: datetime | None = None) -> bool:
    """True until the bid deadline has passed (and always before an announcement)."""
    if procurement.bid_deadline is None:
        return True
    return (now or clock.now()) < procurement.bid_deadline


def sealed_gate(*, actor: Viewer, procurement: Procurement, now: datetime | None = None) -> None:
    """Who or how many obtained documents or bid: officials and supervisors, only after the deadline."""
    if is_sealed(procurement, now):
        raise PermissionDenied(Code.PROCUREMENT_SEALED_UNTIL_DEADLINE)
    if not (is_official(actor, procurement) or supervises(actor, procurement)):
        raise PermissionDenied(Code.PERM_DENIED)


@dataclass(frozen=True)
class RegisterRow:
    organization: str
    uscc: str
    obtained_at: datetime
    obtained_by: str


def documents_register(
    *, actor: Viewer, procurement: Procurement, now: datetime | None = None
) -> list[RegisterRow]:
    """Who obtained the documents, after the deadline only (O87 §28)."""
    sealed_gate(actor=actor, procurement=procurement, now=now)
    return [
        RegisterRow(r.organization.name, r.organization.uscc, r.obtained_at, str(r.obtained_by))
        for r in DocumentObtained.objects.filter(procurement=procurement)
        .select_related("organization", "obtained_by")
        .order_by("obtained_at")
    ]


def has_obtained(*, actor: Viewer, procurement: Procurement) -> bool:
    """Whether the actor's own organization obtained the documents (only ever about itself)."""
    if not has_role(actor, Role.SUPPLIER) or actor.organization_id is None:
        return False
    return DocumentObtained.objects.filter(
        procurement=procurement, organization_id=actor.organization_id
    ).exists()


def may_read_documents(*, actor: Viewer, procurement: Procurement) -> bool:
    return (
        is_official(actor, procurement)
        or supervises(actor, procurement)
        or has_obtained(actor=actor, procurement=procurement)
    )


@dataclass(frozen=True)
class OwnBid:
    """A supplier's own bid on one lot: state and receipts, never the content (sealed even for it)."""

    lot: Lot
    submission: BidSubmission | None
    versions: list[BidVersion]


def own_bids(*, actor: Viewer, procurement: Procurement) -> list[OwnBid]:
    """The actor's organization's bids on each lot of `procurement`."""
    if not has_role(actor, Role.SUPPLIER) or actor.organization_id is None:
        return []
    lots = lots_of(procurement)
    subs = {
        s.lot_id: s
        for s in BidSubmission.objects.filter(procurement=procurement, organization_id=actor.organization_id)
    }
    versions: dict[Any, list[BidVersion]] = {}
    for version in (
        BidVersion.objects.filter(submission__in=list(subs.values()))
        .defer("sealed_manifest")
        .order_by("number")
    ):
        versions.setdefault(version.submission_id, []).append(version)
    return [
        OwnBid(lot, subs.get(lot.pk), versions.get(subs[lot.pk].pk, []) if lot.pk in subs else [])
        for lot in lots
    ]


def own_version(*, actor: Viewer, version_id: Any) -> BidVersion:
    """One of the actor's organization's bid versions (for its receipt)."""
    version = (
        BidVersion.objects.filter(pk=version_id)
        .select_related("submission__procurement", "submission__lot")
        .defer("sealed_manifest")
        .first()
    )
    if (
        version is None
        or not has_role(actor, Role.SUPPLIER)
        or version.submission.organization_id != actor.organization_id
    ):
        raise NotFound(Code.BID_NOT_FOUND)
    return version


def clarifications_of(procurement: Procurement) -> QuerySet[Clarification]:
    return Clarification.objects.filter(procurement=procurement).order_by("published_at")


def invitations_of(*, actor: Viewer, procurement: Procurement) -> list[Invitation]:
    """Invited suppliers: for the officials who drew them and supervisors; a supplier sees only itself."""
    qs = Invitation.objects.filter(procurement=procurement).select_related("organization").order_by("order")
    if is_official(actor, procurement) or supervises(actor, procurement):
        return list(qs)
    if has_role(actor, Role.SUPPLIER) and actor.organization_id is not None:
        return list(qs.filter(organization_id=actor.organization_id))
    return []


@dataclass(frozen=True)
class EnquiryRow:
    enquiry: Enquiry
    asker: str
    """The asking organization, or "" while undisclosed."""


def enquiries_for(
    *, actor: Viewer, procurement: Procurement, now: datetime | None = None
) -> list[EnquiryRow]:
    """Officials see every question (the asker only after the deadline); a supplier its own."""
    qs = (
        Enquiry.objects.filter(procurement=procurement).select_related("organization").order_by("received_at")
    )
    if is_official(actor, procurement) or supervises(actor, procurement):
        disclosed = not is_sealed(procurement, now)
        return [EnquiryRow(e, e.organization.name if disclosed else "") for e in qs]
    if has_role(actor, Role.SUPPLIER) and actor.organization_id is not None:
        return [EnquiryRow(e, e.organization.name) for e in qs.filter(organization_id=actor.organization_id)]
    return []


def enquiry_get(*, actor: Viewer, procurement: Procurement, enquiry_id: Any) -> Enquiry:
    enquiry = (
        Enquiry.objects.filter(pk=enquiry_id, procurement=procurement).select_related("procurement").first()
    )
    if enquiry is None or not is_official(actor, procurement):
        raise NotFound(Code.PROCUREMENT_ENQUIRY_NOT_FOUND)
    return enquiry


def objections_of(*, actor: Viewer, procurement: Procurement) -> list[Objection]:
    qs = Objection.objects.filter(procurement=procurement).order_by("received_on")
    if is_official(actor, procurement) or supervises(actor, procurement):
        return list(qs)
    if is_authenticated(actor):
        return list(qs.filter(raised_by=actor))
    return []


def objection_get(*, actor: Viewer, procurement: Procurement, pk: int) -> Objection:
    objection = Objection.objects.filter(pk=pk, procurement=procurement).select_related("procurement").first()
    if objection is None or not is_official(actor, procurement):
        raise NotFound(Code.PROCUREMENT_OBJECTION_NOT_FOUND)
    return objection


def opening_of(*, actor: Viewer, procurement: Procurement) -> tuple[OpeningRecord, list[BidReadout]] | None:
    """The opening minutes and readouts: officials, supervisors and the bidders themselves."""
    record = OpeningRecord.objects.filter(procurement=procurement).first()
    if record is None:
        return None
    readouts = list(
        BidReadout.objects.filter(opening=record)
        .select_related("organization", "lot")
        .order_by("lot__number", "received_at")
    )
    allowed = is_official(actor, procurement) or supervises(actor, procurement)
    if not allowed and has_role(actor, Role.SUPPLIER):
        allowed = any(r.organization_id == actor.organization_id for r in readouts)
    if not allowed:
        return None
    return record, readouts


def bid_file_content(*, actor: Viewer, readout: BidReadout, position: int) -> tuple[dict[str, Any], bytes]:
    """Decrypt one file of a read-out bid (evaluation, after the opening only)."""
    procurement = readout.opening.procurement
    if not (is_official(actor, procurement) or supervises(actor, procurement)):
        raise PermissionDenied(Code.PERM_DENIED, _("无权查看投标文件"))
    entry = next((f for f in readout.files if f["position"] == position), None)
    file = BidFile.objects.filter(
        version__submission=readout.submission, version__number=readout.version, position=position
    ).first()
    if entry is None or file is None:
        raise NotFound(Code.BID_FILE_NOT_FOUND)
    assert procurement.bid_deadline is not None
    wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
    key = sealing.unwrap_for_opening(wrapped, deadline=procurement.bid_deadline, now=clock.now())
    base = sealing.bid_aad(
        procurement_id=procurement.reference,
        lot_id=str(readout.lot.number),
        supplier_uscc=readout.organization.uscc,
        version=readout.version,
    )
    content = sealing.open_blob(
        key, sealing.SealedBlob.from_bytes(bytes(file.sealed)), part_aad(base, f"file/{position}")
    )
    return entry, content


def bid_receipt_digests() -> Iterator[str]:
    """The receipt digest of every stored bid version, oldest first: the transparency log's
    leaf source (`opengps.core.transparency.register_leaf_source`). A receipt that no longer
    parses yields the digest of its text, which no leaf matches, so it is reported."""
    versions = BidVersion.objects.order_by("received_at", "pk").values_list("receipt", flat=True)
    for text in versions.iterator(chunk_size=2000):
        try:
            yield sealing.Receipt.from_json(text).digest()
        except sealing.SealError:
            yield hashlib.sha256(text.encode("utf-8")).hexdigest()


def receipt_leaves(versions: Sequence[BidVersion]) -> dict[Any, transparency.LeafStatus]:
    """Each of the bidder's versions' leaf in the transparency log (index once checkpointed)."""
    digests = {version.pk: sealing.Receipt.from_json(version.receipt).digest() for version in versions}
    status = transparency.leaf_status(list(digests.values()))
    return {pk: status[digest] for pk, digest in digests.items()}


def receipt_check(text: str) -> tuple[sealing.Receipt | None, bool]:
    """Parse a receipt JSON and verify its signature against the platform key."""
    try:
        receipt = sealing.Receipt.from_json(text)
    except sealing.SealError:
        return None, False
    return receipt, sealing.receipt_verify(receipt, sealing.platform_public_key())


def notifications_for(*, actor: Viewer, limit: int = 50) -> list[Notification]:
    if not is_authenticated(actor):
        return []
    return list(
        Notification.objects.filter(recipient=actor)
        .select_related("procurement")
        .order_by("-created_at")[:limit]
    )
