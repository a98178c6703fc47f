"""Issue 15 #9: one ocid from planning to contract when a plan leads to one procurement, and
`relatedProcesses` both ways when it leads to more (a procurement after a failed one)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import announce_times, bid_files
from opengps.opendata import builders, selectors
from opengps.opendata.models import Record, Release
from opengps.opendata.tests.processes import process_counts, process_link_problems
from opengps.opendata.tests.test_libcove import findings, no_network
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db


def _announced(purchaser: Any, plan: Any) -> Procurement:
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    return procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )


def _failed(purchaser: Any, plan: Any, supplier: Any) -> Procurement:
    """An open tender with one bid: it fails at the opening (too few bids)."""
    procurement = _announced(purchaser, plan)
    procurement_services.documents_obtain(actor=supplier, procurement=procurement)
    lot = procurement.lots.get(number=1)
    procurement_services.bid_submit(actor=supplier, lot=lot, price_total="250000", files=bid_files())
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    return Procurement.objects.get(pk=procurement.pk)


def test_a_plan_is_one_process_unless_it_needs_a_second_procurement(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], client: Client
) -> None:
    # given three plans: one only planned, one with one procurement, one whose first tender failed
    # and was tendered again
    planned = make_plan("open_tender")
    single = _announced(purchaser, make_plan("open_tender"))
    failed = _failed(purchaser, make_plan("open_tender"), suppliers[0])
    retender = procurement_services.procurement_retender(
        actor=purchaser, procurement=failed, reason="投标不足"
    )
    issued, deadline = announce_times()
    retender = procurement_services.procurement_announce(
        actor=purchaser, procurement=retender, bid_deadline=deadline, now=issued
    )
    # then the plan with one procurement is one process (its intention and its tender share an
    # ocid), and so is the first procurement of the other plan
    assert builders.procurement_ocid(single) == builders.plan_ocid(single.plan)
    assert builders.procurement_ocid(failed) == builders.plan_ocid(failed.plan)
    second = builders.procurement_ocid(retender)
    assert second == f"{builders.ocid_prefix().rstrip('-')}-{retender.reference}"
    # and each process is counted once: 4 records for 3 plans — the plan only planned, the plan with
    # its one procurement, the plan with its failed procurement, and the re-tender
    assert Record.objects.count() == 4
    assert process_counts() == {"records": 4, "planned_only": 1}
    assert (
        json.loads(Record.objects.get(ocid=builders.plan_ocid(planned)).compiled)["tender"]["status"]
        == "planned"
    )
    # and the re-tender and the plan's process link each other, both links resolving
    assert process_link_problems() == []
    plan_record = json.loads(Record.objects.get(ocid=builders.plan_ocid(failed.plan)).compiled)
    assert plan_record["relatedProcesses"] == [
        {
            "id": f"later-{retender.reference}",
            "relationship": ["replacementProcess"],
            "title": retender.title,
            "scheme": "ocid",
            "identifier": second,
        }
    ]
    second_record = json.loads(Record.objects.get(ocid=second).compiled)
    assert [(r["identifier"], r["relationship"]) for r in second_record["relatedProcesses"]] == [
        (builders.plan_ocid(failed.plan), ["planning", "unsuccessfulProcess"])
    ]
    # and the feed holds every release once, gap-free, each release id unique
    positions = list(Release.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(positions[0], positions[0] + len(positions)))
    assert Release.objects.values("release_id").distinct().count() == len(positions)
    # and the review engine finds nothing in the packages of either process nor in the feed
    packages = [
        client.get(f"/api/v1/opendata/{kind}/{ocid}").json()
        for ocid in (builders.plan_ocid(failed.plan), second)
        for kind in ("releases", "records")
    ]
    packages.append(json.loads(selectors.feed_package(selectors.feed_page(limit=1000), uri="http://x/")))
    with no_network() as offline:
        assert [findings(package) for package in packages] == [[]] * len(packages)
    assert offline.refused == []
