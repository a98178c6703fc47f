"""The SHA-256 of each bid file's plaintext is computed at the opening, never before.

The readout's file entries carry it under ``sha256`` so oversight can see two bidders that
submitted the same document (identical bid documents, O87 §37(4)); before the opening only the
digests of ciphertext exist, and those differ per bid even for the same file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times, bid_files
from opengps.procurement import services
from opengps.procurement.models import BidFile, BidReadout, BidVersion, Procurement

pytestmark = pytest.mark.django_db


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def three_bids(purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]) -> dict[str, Any]:
    """Three bids: the first two upload the very same files, the third its own."""
    procurement = services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件"
    )
    issued, deadline = announce_times()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    uploads = [bid_files(same_as="twins"), bid_files(same_as="twins"), bid_files()]
    for user, price, files in zip(suppliers, ("268000", "275000", "290000"), uploads, strict=False):
        services.documents_obtain(actor=user, procurement=procurement)
        services.bid_submit(actor=user, lot=lot, price_total=price, files=files)
    procurement.refresh_from_db()
    return {"procurement": procurement, "uploads": uploads, "bidders": suppliers[:3]}


def _open(purchaser: Any, procurement: Procurement) -> None:
    assert procurement.bid_deadline is not None
    services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )


def test_before_the_opening_no_plaintext_digest_exists(three_bids: dict[str, Any]) -> None:
    # given three sealed bids, two of them carrying the same files
    plain = {_digest(f.content) for files in three_bids["uploads"] for f in files}
    # then no stored row or audit event holds a plaintext digest, and the ciphertext digests differ
    stored = {row.sealed_sha256 for row in BidFile.objects.all()}
    stored |= {row.sealed_sha256 for row in BidVersion.objects.all()}
    assert stored.isdisjoint(plain)
    assert len({row.sealed_sha256 for row in BidFile.objects.all()}) == 9
    assert not BidReadout.objects.exists()
    assert not any(d in str(e.new_values) for e in AuditEvent.objects.all() for d in plain)


def test_the_readout_carries_the_plaintext_digest_after_the_opening(
    purchaser: Any, three_bids: dict[str, Any]
) -> None:
    # when the bids are opened
    _open(purchaser, three_bids["procurement"])
    # then each file entry carries the SHA-256 of its decrypted content, in upload order
    by_org = {r.organization_id: r for r in BidReadout.objects.all()}
    for user, files in zip(three_bids["bidders"], three_bids["uploads"], strict=True):
        readout = by_org[user.organization_id]
        assert [e["sha256"] for e in readout.files] == [_digest(f.content) for f in files]
        assert [e["part"] for e in readout.files] == [f.part for f in files]
    # and two bidders uploading the same file get equal digests, the third different ones
    first, second, third = (by_org[u.organization_id] for u in three_bids["bidders"])
    assert [e["sha256"] for e in first.files] == [e["sha256"] for e in second.files]
    assert {e["sha256"] for e in first.files}.isdisjoint(e["sha256"] for e in third.files)
    # the opening itself is in the audit chain
    assert AuditEvent.objects.filter(action="procurement.opened").exists()
