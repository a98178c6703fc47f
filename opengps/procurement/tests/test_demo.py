"""The procurement demo: every stage, 8+ announced award lots, sealed bids still sealed, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from opengps.core.audit import verify_chain
from opengps.core.demo import load_demo
from opengps.core.models import AuditEvent
from opengps.evaluation.models import Award
from opengps.procurement import demo
from opengps.procurement.models import BidReadout, BidSubmission, BidVersion, Procurement, ProcurementStatus
from opengps.procurement.sealing import Receipt, platform_public_key_pem, receipt_verify

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_builds_every_stage_and_announced_awards_and_loading_twice_changes_nothing() -> None:
    # when the demo loads twice
    summary = load_demo(organizations=40)
    events = AuditEvent.objects.count()
    load_demo(organizations=40)
    # then nothing changed the second time and the chain holds
    assert AuditEvent.objects.count() == events and verify_chain()[1] is None
    assert summary.counts["procurements"] == len(demo.SPECS)
    statuses = set(Procurement.objects.values_list("status", flat=True))
    assert {
        ProcurementStatus.ANNOUNCED,
        ProcurementStatus.NOTICE,
        ProcurementStatus.OPENED,
        ProcurementStatus.EVALUATING,
        ProcurementStatus.FAILED,
        ProcurementStatus.CANCELLED,
        ProcurementStatus.AWARDED,
    } <= statuses
    # at least 8 announced award lots, across both purchaser units, several winners and methods
    awards = Award.objects.filter(winner__isnull=False, announced_at__isnull=False).select_related(
        "lot__procurement", "winner"
    )
    assert awards.count() >= 8
    assert {a.lot.procurement.purchaser.name for a in awards} == {"湖南省民政厅", "长沙市民政局"}
    assert len({a.winner.organization_id for a in awards if a.winner}) >= 6
    assert {a.lot.procurement.method for a in awards} >= {
        "open_tender",
        "invited_tender",
        "competitive_consultation",
        "competitive_negotiation",
        "single_source",
    }
    # every opened procurement's deadline is in the past, and no readout was received after it
    now = timezone.now()
    for procurement in Procurement.objects.exclude(opened_at=None):
        assert procurement.bid_deadline is not None and procurement.bid_deadline <= now
        assert procurement.opened_at is not None and procurement.opened_at >= procurement.bid_deadline
    assert all(r.received_at < r.opening.deadline for r in BidReadout.objects.select_related("opening"))
    # the procurement still open for bids holds sealed bids with valid receipts
    open_one = Procurement.objects.get(status=ProcurementStatus.ANNOUNCED)
    assert open_one.bid_deadline is not None and open_one.bid_deadline > now
    sealed = BidSubmission.objects.filter(procurement=open_one)
    assert sealed.count() == 2 and not BidReadout.objects.filter(submission__in=sealed).exists()
    for version in BidVersion.objects.filter(submission__in=sealed):
        assert receipt_verify(Receipt.from_json(version.receipt), platform_public_key_pem())
        assert "投标".encode() not in bytes(version.sealed_manifest)
