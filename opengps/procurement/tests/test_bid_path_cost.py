"""The sealed-bid request stays cheap: the deadline burst benchmark counts every query.

A bid over the API reads the session, the user and one context row (the lot, the procurement,
the bidder's cached eligibility, invitation, documents obtained, its bid), then writes inside one
transaction. A draft procurement's lot stays hidden behind the same 404 as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opengps.core.models import AuditEvent
from opengps.demo.world import PDF, announce_times, xlsx_bytes
from opengps.procurement import services
from opengps.procurement.models import BidSubmission, BidVersion

pytestmark = pytest.mark.django_db

MAX_BID_QUERIES = 11  # session, user, context (with the lot), then the transaction's statements


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bid(client: Client, path: str, price: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        path,
        {
            "price_total": price,
            "qualification": SimpleUploadedFile("资格.pdf", PDF),
            "technical": SimpleUploadedFile("技术.pdf", PDF),
            "price_schedule": SimpleUploadedFile("报价.xlsx", xlsx_bytes()),
        },
    )


def test_a_bid_and_its_modification_take_a_bounded_number_of_queries(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an announced tender and a supplier who obtained the documents
    procurement = services.procurement_create(actor=purchaser, plan=make_plan(), documents="招标文件")
    issued, deadline = announce_times()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    client = _client(suppliers[0])
    assert client.post(f"/api/v1/procurement/{procurement.pk}/documents").status_code == 201
    base = f"/api/v1/procurement/{procurement.pk}/lots/1/bid"
    # when she submits and then modifies her sealed bid
    with CaptureQueriesContext(connection) as submitted:
        first = _bid(client, base, "268000.00")
    with CaptureQueriesContext(connection) as modified:
        second = _bid(client, f"{base}/modify", "267000.00")
    # then both are acknowledged, stored as versions 1 and 2, each in a bounded number of queries
    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert second.json()["kind"] == "modify" and second.json()["status"] == "submitted"
    submission = BidSubmission.objects.get(procurement=procurement, organization=suppliers[0].organization)
    assert submission.current_version == 2
    assert list(BidVersion.objects.filter(submission=submission).order_by("number").values_list("kind")) == [
        ("submit",),
        ("modify",),
    ]
    assert len(submitted.captured_queries) <= MAX_BID_QUERIES, [q["sql"] for q in submitted]
    assert len(modified.captured_queries) <= MAX_BID_QUERIES, [q["sql"] for q in modified]
    lot_reads = [q["sql"] for q in submitted.captured_queries if 'FROM "procurement_lot"' in q["sql"]]
    assert lot_reads == [], lot_reads  # the lot comes with the context row
    # and a second submission (not a modification) is refused by the same context row
    again = _bid(client, base, "266000.00")
    assert again.status_code == 409 and again.json()["error"]["code"] == "bid.already_submitted"
    actions = list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(procurement.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["procurement.created", "procurement.announced"]  # bids leave no trace there


def test_a_drafts_lot_is_not_found_and_an_unknown_lot_says_so(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a draft procurement (not public) and an announced one
    draft = services.procurement_create(actor=purchaser, plan=make_plan(), documents="招标文件")
    client = _client(suppliers[0])
    # when a supplier bids on the draft's lot, then the draft is not revealed
    hidden = _bid(client, f"/api/v1/procurement/{draft.pk}/lots/1/bid", "268000.00")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "procurement.not_found"
    # when she bids on a lot that does not exist of a public procurement, then the lot is missing
    issued, deadline = announce_times()
    public = services.procurement_announce(
        actor=purchaser, procurement=draft, bid_deadline=deadline, now=issued
    )
    missing = _bid(client, f"/api/v1/procurement/{public.pk}/lots/9/bid", "268000.00")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "procurement.lot_not_found"
    assert not BidSubmission.objects.filter(procurement=public).exists()
