"""The opening (开标): unwrap the key, disclose the sealed acts, read out every bid, minute the result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.procurement import sealing
from opengps.procurement.envelope import open_version
from opengps.procurement.events import BID_ACT, Event
from opengps.procurement.models import (
    BidReadout,
    BidStatus,
    BidSubmission,
    BidVersion,
    DocumentObtained,
    Lot,
    Notification,
    OpeningRecord,
    Procurement,
    ProcurementStatus,
)
from opengps.procurement.policies import (
    O87_33,
    O87_63,
    aware_now,
    lock,
    mark_failed,
    require_official,
    require_status,
    set_status,
)
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import NextStep, opening_outcome

READOUT_FILE_KEYS = ("position", "part", "name", "type", "size", "sha256")


def _negotiates_with_two(procurement: Procurement) -> bool:
    """A negotiation approved after an open tender that had exactly two valid bids (O74 §27 ¶2)."""
    previous = procurement.previous
    return (
        procurement.method == Method.competitive_negotiation
        and previous is not None
        and NextStep.negotiate_with_two.value in (previous.next_steps or [])
    )


def _disclose_register(actor: Actor, procurement: Procurement) -> list[DocumentObtained]:
    """Write the documents register, kept from the audit chain until now, to it."""
    register = list(
        DocumentObtained.objects.filter(procurement=procurement)
        .select_related("organization", "obtained_by")
        .order_by("obtained_at")
    )
    audit.record(
        actor=actor,
        action=Event.PROCUREMENT_DOCUMENTS_REGISTER_DISCLOSED,
        obj=procurement,
        new={
            "count": len(register),
            "obtained": [(r.organization.uscc, r.organization.name, r.obtained_at) for r in register],
        },
    )
    return register


def _disclose_versions(
    procurement: Procurement,
    lots: dict[int, Lot],
    submissions: Sequence[BidSubmission],
    versions: Sequence[BidVersion],
) -> None:
    """Write every bid act, sealed until now, to the audit chain in the order it was received."""
    for version in versions:
        submission = next(s for s in submissions if s.pk == version.submission_id)
        audit.record(
            actor=version.submitted_by,
            action=BID_ACT[version.kind],
            obj=submission,
            new={
                "procurement": procurement.reference,
                "lot": lots[submission.lot_id].number,
                "supplier": submission.organization.uscc,
                "version": version.number,
                "received_at": version.received_at,
                "sealed_sha256": version.sealed_sha256,
            },
            reason="投标截止前密封，开标时记入审计链（RULES §12）",
        )


def _readout(
    key: sealing.DataKey,
    procurement: Procurement,
    record: OpeningRecord,
    lot: Lot,
    submission: BidSubmission,
    version: BidVersion,
) -> BidReadout:
    """The bid's current version opened and read out: valid, or the reason it is not."""
    deadline = record.deadline
    valid, problem = True, ""
    price = Decimal("0.00")
    preferences: list[str] = []
    files: list[dict[str, Any]] = []
    contact: dict[str, str] = {}
    try:
        manifest = open_version(key, procurement, lot, submission.organization, version)
        price = Decimal(manifest["price_total"])
        preferences = list(manifest.get("preferences", []))
        contact = dict(manifest.get("contact") or {})
        files = [{k: e[k] for k in READOUT_FILE_KEYS} for e in manifest.get("files", [])]
    except sealing.SealError as exc:
        valid, problem = False, exc.text()
    if version.received_at >= deadline:  # cannot happen: the commit check refuses it
        valid, problem = False, f"截止时间后递交（{O87_33}）"
    elif valid and price > lot.budget:
        valid, problem = False, f"报价超过采购预算（{O87_63}）"
    return BidReadout(
        opening=record,
        submission=submission,
        lot=lot,
        organization=submission.organization,
        version=version.number,
        received_at=version.received_at,
        price_total=price,
        preferences=preferences,
        files=files,
        valid=valid,
        invalid_reason=problem,
        source_ip=version.source_ip,
        source_device=version.source_device,
        contact_name=str(contact.get("name", ""))[:60],
        contact_phone=str(contact.get("phone", ""))[:30],
    )


def _lot_result(procurement: Procurement, lot: Lot, lot_rows: list[BidReadout]) -> dict[str, Any]:
    """One lot in the minutes: bids received and valid, the minimum, whether it proceeds, why."""
    outcome = opening_outcome(
        procurement.method,
        sum(1 for r in lot_rows if r.valid),
        purchase_of_services=procurement.purchase_of_services,
        two_after_failed_tender=_negotiates_with_two(procurement),
    )
    return {
        "lot": lot.number,
        "title": lot.title,
        "received": len(lot_rows),
        "valid": outcome.valid_bids,
        "required": outcome.required,
        "proceeds": outcome.proceeds,
        "citation": outcome.citation,
        "next_steps": [s.value for s in outcome.next_steps],
        "bids": [
            {
                "supplier": r.organization.name,
                "uscc": r.organization.uscc,
                "price_total": str(r.price_total),
                "preferences": r.preferences,
                "valid": r.valid,
                "invalid_reason": r.invalid_reason,
            }
            for r in sorted(lot_rows, key=lambda r: r.received_at)
        ],
    }


def _minute(
    procurement: Procurement,
    record: OpeningRecord,
    readouts: list[BidReadout],
    lot_results: list[dict[str, Any]],
    documents_obtained: int,
) -> None:
    """Complete the opening record: the counts, the articles and the minutes."""
    record.bids_received = len(readouts)
    record.valid_bids = sum(1 for r in readouts if r.valid)
    record.required_bids = max(int(str(result["required"])) for result in lot_results)
    record.proceeds = any(result["proceeds"] for result in lot_results)
    record.citation = "；".join(dict.fromkeys(str(result["citation"]) for result in lot_results))[:400]
    record.minutes = {
        "reference": procurement.reference,
        "deadline": record.deadline.isoformat(),
        "opened_at": record.opened_at.isoformat(),
        "place": procurement.opening_place,
        "documents_obtained": documents_obtained,
        "lots": lot_results,
    }
    record.save(
        update_fields=["bids_received", "valid_bids", "required_bids", "proceeds", "citation", "minutes"]
    )


def _fail_for_too_few(
    actor: Actor, procurement: Procurement, record: OpeningRecord, lot_results: list[dict[str, Any]]
) -> None:
    """No lot has enough valid bids: the procurement fails with the lawful next steps."""
    # O74 §27 ¶2: an open tender with exactly two valid bids may also negotiate with them.
    steps = [NextStep.retender.value, NextStep.change_method.value]
    steps += [
        step
        for step in dict.fromkeys(s for result in lot_results for s in result["next_steps"])
        if step not in steps
    ]
    reason = str(
        _("有效投标不足 %(required)d 家（依据：%(citation)s）")
        % {"required": record.required_bids, "citation": record.citation}
    )
    mark_failed(actor, procurement, reason=reason, cause="too_few_bids", next_steps=steps)


def _notify_bidders(procurement: Procurement, record: OpeningRecord, versions: Sequence[BidVersion]) -> None:
    """Tell everyone who acted on a bid that the bids were opened, and the result."""
    recipients = {v.submitted_by_id for v in versions}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                procurement=procurement,
                kind="opened",
                title=str(
                    _("已开标：%(ref)s %(title)s")
                    % {"ref": procurement.reference, "title": procurement.title}
                ),
                body=str(
                    _("有效投标 %(valid)d 家；%(result)s")
                    % {
                        "valid": record.valid_bids,
                        "result": _("进入评审")
                        if record.proceeds
                        else _("采购失败，采购人将依法重新组织采购"),
                    }
                ),
            )
            for user_id in sorted(recipients)
        ]
    )


def procurement_open(*, actor: Actor, procurement: Procurement, now: datetime | None = None) -> OpeningRecord:
    """Open the bids at or after the deadline (开标): unwrap the key, decrypt, read out, minute.

    Each lot needs the method's minimum of valid bids (`procurement_flow.opening_outcome`); if no
    lot has enough, the procurement fails with the lawful next steps (re-tender, or change the
    method with approval). The acts kept sealed until now (documents obtained, bid versions) are
    written to the audit chain here, then the opening; bidders are notified.
    """
    require_official(actor, procurement)
    moment = aware_now(now)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.ANNOUNCED)
        deadline = procurement.bid_deadline
        assert deadline is not None
        wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
        key = sealing.unwrap_for_opening(wrapped, deadline=deadline, now=moment)
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_KEY_UNWRAPPED,
            obj=procurement,
            new={"deadline": deadline, "at": moment, "kek_id": wrapped.kek_id},
            reason=O87_33,
        )
        register = _disclose_register(actor, procurement)
        lots = {lot.pk: lot for lot in Lot.objects.filter(procurement=procurement)}
        submissions = list(
            BidSubmission.objects.filter(procurement=procurement)
            .select_related("organization")
            .order_by("lot_id")
        )
        versions = list(
            BidVersion.objects.filter(submission__procurement=procurement)
            .select_related("submitted_by")
            .prefetch_related("files")
            .order_by("received_at", "number")
        )
        _disclose_versions(procurement, lots, submissions, versions)
        record = OpeningRecord.objects.create(
            procurement=procurement,
            opened_at=moment,
            opened_by=actor,
            deadline=deadline,
            place=procurement.opening_place,
            bids_received=0,
            valid_bids=0,
            required_bids=0,
            proceeds=False,
            citation="",
        )
        by_version = {(v.submission_id, v.number): v for v in versions}
        readouts = [
            _readout(key, procurement, record, lots[s.lot_id], s, by_version[(s.pk, s.current_version)])
            for s in submissions
            if s.status == BidStatus.SUBMITTED
        ]
        BidReadout.objects.bulk_create(readouts)
        lot_results = [
            _lot_result(procurement, lot, [r for r in readouts if r.lot_id == lot.pk])
            for lot in sorted(lots.values(), key=lambda item: item.number)
        ]
        _minute(procurement, record, readouts, lot_results, len(register))
        procurement.opened_at = moment
        set_status(
            actor,
            procurement,
            ProcurementStatus.OPENED,
            Event.PROCUREMENT_OPENED,
            extra={
                "bids": record.bids_received,
                "valid": record.valid_bids,
                "lots": [(r["lot"], r["valid"]) for r in lot_results],
            },
            update=["opened_at"],
        )
        if not record.proceeds:
            _fail_for_too_few(actor, procurement, record, lot_results)
        _notify_bidders(procurement, record, versions)
    return record
