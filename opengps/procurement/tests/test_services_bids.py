"""Bids: the database-clock deadline, eligibility with reasons, upload checks, receipts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from opengps.core import clock as one_clock
from opengps.core.errors import ServiceError
from opengps.demo.world import announce_times, bid_files, real_now, xlsx_bytes
from opengps.procurement import clock, selectors, services
from opengps.procurement.models import BidSubmission, BidVersion, Procurement
from opengps.procurement.services import BidFileInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(purchaser: Any, make_plan: Callable[..., Any]) -> Procurement:
    procurement = services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件"
    )
    issued, deadline = announce_times()
    return services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )


def test_the_database_clock_is_read_per_statement() -> None:
    first = clock.db_now()
    second = clock.db_now()
    assert first.tzinfo is not None and second >= first
    assert abs((first - real_now()).total_seconds()) < 5


def test_a_bid_committing_after_the_deadline_is_refused_by_the_database_clock(
    announced: Procurement, suppliers: list[Any]
) -> None:
    # given a supplier who obtained the documents while the deadline was ahead
    user = suppliers[0]
    services.documents_obtain(actor=user, procurement=announced)
    # and a deadline that has just passed by the database clock
    passed = clock.db_now() - timedelta(milliseconds=1)
    Procurement.objects.filter(pk=announced.pk).update(bid_deadline=passed)
    lot = announced.lots.get(number=1)
    # when the bid arrives with an application clock that still thinks it is early
    with pytest.raises(ServiceError) as error:
        services.bid_submit(
            actor=user, lot=lot, price_total="100000", files=bid_files(), now=passed - timedelta(minutes=5)
        )
    # then the commit check refuses it and nothing is stored
    assert error.value.code == "bid.deadline_passed"
    assert "第三十三条" in str(error.value.message)
    assert BidSubmission.objects.count() == 0 and BidVersion.objects.count() == 0


def test_the_application_clock_refuses_early_too(announced: Procurement, suppliers: list[Any]) -> None:
    services.documents_obtain(actor=suppliers[0], procurement=announced)
    assert announced.bid_deadline is not None
    with pytest.raises(ServiceError) as error:
        services.bid_submit(
            actor=suppliers[0],
            lot=announced.lots.get(number=1),
            price_total="100000",
            files=bid_files(),
            now=announced.bid_deadline,
        )
    assert error.value.code == "bid.deadline_passed"


def test_an_ineligible_supplier_gets_the_reasons_with_citations(
    announced: Procurement, suppliers: list[Any], registrar: Any
) -> None:
    from opengps.registry.services import credit_list

    org = suppliers[0].organization
    credit_list(
        actor=registrar,
        organization=org,
        kind="procurement_blacklist",
        reason="提供虚假材料谋取中标",
        decision_document="湘财采〔2026〕1号",
        listed_on=one_clock.today() - timedelta(days=30),  # the bid runs on the real clock
    )
    with pytest.raises(ServiceError) as error:
        services.documents_obtain(actor=suppliers[0], procurement=announced)
    assert error.value.code == "bid.supplier_ineligible"
    assert "依据" in str(error.value.message) and error.value.params["reasons"]
    assert all(r["citation"] for r in error.value.params["reasons"])


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("技术响应.pdf", b"", "bid.file_empty"),
        ("技术响应.pdf", b"MZ\x90\x00 not a pdf", "bid.file_type"),
        ("技术响应.docx", b"%PDF-1.4 looks like pdf", "bid.file_type"),
        ("技术响应.exe", b"%PDF-1.4", "bid.file_type"),
        ("报价.docx", xlsx_bytes(), "bid.file_type"),
        ("archive.zip", b"PK\x03\x04broken", "bid.file_type"),
    ],
)
def test_uploads_are_checked_by_content(
    announced: Procurement, suppliers: list[Any], name: str, content: bytes, code: str
) -> None:
    services.documents_obtain(actor=suppliers[0], procurement=announced)
    files = [*bid_files()[:2], BidFileInput("price_schedule", name, content)]
    with pytest.raises(ServiceError) as error:
        services.bid_submit(
            actor=suppliers[0], lot=announced.lots.get(number=1), price_total="1", files=files
        )
    assert error.value.code == code


def test_upload_size_cap_and_required_parts(
    announced: Procurement, suppliers: list[Any], settings: Any
) -> None:
    services.documents_obtain(actor=suppliers[0], procurement=announced)
    lot = announced.lots.get(number=1)
    settings.OPENGPS_MAX_BID_FILE_BYTES = 64
    with pytest.raises(ServiceError) as error:
        services.bid_submit(actor=suppliers[0], lot=lot, price_total="1", files=bid_files())
    assert error.value.code == "bid.file_too_large"
    settings.OPENGPS_MAX_BID_FILE_BYTES = 1024 * 1024
    with pytest.raises(ServiceError) as error:
        services.bid_submit(actor=suppliers[0], lot=lot, price_total="1", files=bid_files()[:2])
    assert error.value.code == "bid.parts_missing"


def test_bid_rules_of_order(announced: Procurement, suppliers: list[Any], purchaser: Any) -> None:
    lot = announced.lots.get(number=1)
    user = suppliers[0]
    with pytest.raises(ServiceError) as error:
        services.bid_submit(actor=user, lot=lot, price_total="1", files=bid_files())
    assert error.value.code == "bid.documents_not_obtained"
    with pytest.raises(ServiceError) as error:
        services.bid_submit(actor=purchaser, lot=lot, price_total="1", files=bid_files())
    assert error.value.code == "perm.denied"
    services.documents_obtain(actor=user, procurement=announced)
    with pytest.raises(ServiceError) as error:
        services.bid_modify(actor=user, lot=lot, price_total="1", files=bid_files())
    assert error.value.code == "bid.not_submitted"
    ack = services.bid_submit(actor=user, lot=lot, price_total="1,000.01", files=bid_files())
    with pytest.raises(ServiceError) as error:
        services.bid_submit(actor=user, lot=lot, price_total="1", files=bid_files())
    assert error.value.code == "bid.already_submitted"
    with pytest.raises(ServiceError) as error:
        services.bid_modify(actor=user, lot=lot, price_total="-5", files=bid_files())
    assert error.value.code == "procurement.amount_invalid"
    with pytest.raises(ServiceError) as error:
        services.bid_modify(actor=user, lot=lot, price_total="5", files=bid_files(), preferences=["bogus"])
    assert error.value.code == "bid.preference_invalid"
    # the receipt verifies and binds the received time and the sealed hash
    receipt, valid = selectors.receipt_check(ack.receipt.to_json())
    assert valid and receipt is not None and receipt.sealed_sha256 == ack.version.sealed_sha256
    tampered = ack.receipt.to_json().replace(ack.receipt.sealed_sha256, "0" * 64)
    assert selectors.receipt_check(tampered)[1] is False
    assert selectors.receipt_check("not json") == (None, False)


def test_opening_marks_a_price_over_budget_invalid(
    announced: Procurement, suppliers: list[Any], purchaser: Any
) -> None:
    lot = announced.lots.get(number=1)
    for user, price in zip(suppliers[:3], ["250000", "260000", "999999"], strict=True):
        services.documents_obtain(actor=user, procurement=announced)
        services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files())
    announced.refresh_from_db()
    assert announced.bid_deadline is not None
    record = services.procurement_open(
        actor=purchaser, procurement=announced, now=announced.bid_deadline + timedelta(seconds=1)
    )
    assert record.valid_bids == 2 and not record.proceeds
    invalid = record.readouts.get(valid=False)
    assert "超过采购预算" in invalid.invalid_reason


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("203.0.113.9", "a" * 64), ("203.0.113.9", "a" * 64)),
        (("2001:db8::1", "A" * 64), ("2001:db8::1", "a" * 64)),
        (("unknown", "not-a-digest"), (None, "")),
        ((None, ""), (None, "")),
        (("  ", "b" * 63), (None, "")),
    ],
)
def test_the_source_of_a_bid_is_kept_only_when_well_formed(
    given: tuple[str | None, str], expected: tuple[str | None, str]
) -> None:
    assert services.bids._clean_source(*given) == expected


def test_the_device_fingerprint_hashes_user_agent_and_device_id() -> None:
    import hashlib

    assert services.device_fingerprint("", "") == ""
    assert services.device_fingerprint("UA/1", "pc-7") == hashlib.sha256(b"UA/1\npc-7").hexdigest()
    assert services.device_fingerprint("UA/1", "pc-7") != services.device_fingerprint("UA/1", "pc-8")
