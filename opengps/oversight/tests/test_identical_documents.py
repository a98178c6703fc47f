"""Identical bid documents: two bidders that submitted the same file are flagged after the opening.

The plaintext digests exist only from the opening on (procurement_open puts them on the readouts);
the flag compares them across bidders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times, bid_files
from opengps.oversight import services
from opengps.oversight.models import Flag
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement
from opengps.rules.redflags import FlagCode

pytestmark = pytest.mark.django_db


def _opened_with(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], uploads: list[Any]
) -> Procurement:
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    for user, price, files in zip(suppliers, ("268000", "275000", "290000"), uploads, strict=False):
        procurement_services.documents_obtain(actor=user, procurement=procurement)
        procurement_services.bid_submit(actor=user, lot=lot, price_total=price, files=files)
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    return procurement


def test_two_bidders_with_the_same_file_raise_the_identical_documents_flag(
    purchaser: Any, finance_user: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given three bids, the first two carrying the very same files
    uploads = [bid_files(same_as="copy"), bid_files(same_as="copy"), bid_files()]
    procurement = _opened_with(purchaser, make_plan, suppliers, uploads)
    # when finance computes the flags
    services.redflags_compute(actor=finance_user)
    # then the identical-documents flag names the two bidders, not the third
    flag = Flag.objects.get(procurement=procurement, code=FlagCode.identical_documents)
    names = {s["value"]: s["bidders"] for s in flag.evidence["shared"]}
    assert names and all(len(bidders) == 2 for bidders in names.values())
    copied = {suppliers[0].organization.name, suppliers[1].organization.name}
    assert all(set(bidders) == copied for bidders in names.values())
    assert suppliers[2].organization.name not in str(flag.evidence["shared"])
    assert "第三十七条" in flag.citation
    # and the run is in the audit chain after the opening
    timeline = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert timeline.index("procurement.opened") < timeline.index("oversight.flags_computed")


def test_different_files_raise_no_identical_documents_flag(
    purchaser: Any, finance_user: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given three bids, each with its own files
    procurement = _opened_with(purchaser, make_plan, suppliers, [bid_files(), bid_files(), bid_files()])
    # when
    services.redflags_compute(actor=finance_user)
    # then
    assert not Flag.objects.filter(procurement=procurement, code=FlagCode.identical_documents).exists()
    assert set(Flag.objects.filter(procurement=procurement).values_list("code", flat=True)) == set()
