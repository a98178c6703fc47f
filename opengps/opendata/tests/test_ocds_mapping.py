"""Table tests of the OCDS vocabulary mapping (RULES.md §2) and the merge-rules data file."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from opengps.opendata import ocds
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import PROCEDURES, SupplierSource


@pytest.mark.parametrize(
    ("method", "source", "expected", "details"),
    [
        (Method.open_tender, None, "open", "公开招标"),
        (Method.invited_tender, None, "selective", "邀请招标"),
        (Method.competitive_negotiation, None, "limited", "竞争性谈判"),
        (Method.competitive_consultation, None, "limited", "竞争性磋商"),
        (Method.request_for_quotation, None, "limited", "询价"),
        # issue 15 #6: found through a public announcement, then only the qualified are invited
        (Method.competitive_negotiation, SupplierSource.public, "selective", "竞争性谈判"),
        (Method.competitive_consultation, SupplierSource.public, "selective", "竞争性磋商"),
        (Method.request_for_quotation, SupplierSource.public, "selective", "询价"),
        (Method.competitive_consultation, SupplierSource.invited, "limited", "竞争性磋商"),
        (Method.competitive_negotiation, SupplierSource.invited, "limited", "竞争性谈判"),
        (Method.single_source, SupplierSource.named, "direct", "单一来源"),
        (Method.framework_agreement, SupplierSource.public, "open", "框架协议"),
        (Method.emall, None, "limited", "电子卖场"),
    ],
)
def test_procurement_method(
    method: Method, source: SupplierSource | None, expected: str, details: str
) -> None:
    assert ocds.procurement_method(method, source) == expected
    assert ocds.procurement_method_details(method) == details


def test_every_platform_procedure_maps_to_an_ocds_method() -> None:
    methods = {m: ocds.procurement_method(m, p.supplier_source) for m, p in PROCEDURES.items()}
    assert set(methods.values()) <= {"open", "selective", "limited", "direct"}
    assert methods[Method.invited_tender] == "selective" and methods[Method.single_source] == "direct"
    # nothing but an open tender or a framework agreement's public first stage is "open"
    opened = {m for m, code in methods.items() if code == "open"}
    assert opened == {Method.open_tender, Method.framework_agreement}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (Decimal("300000.00"), 300000),
        (Decimal("12345.67"), 12345.67),
        (Decimal("999999999999.99"), 999999999999.99),
    ],
)
def test_amounts_print_exactly(value: Decimal | None, expected: float | int | None) -> None:
    number = ocds.amount(value)
    assert number == expected
    if value is not None:
        assert Decimal(repr(number)) == value  # the JSON text is the stored decimal


@pytest.mark.parametrize(
    ("status", "tender"),
    [
        ("announced", "active"),
        ("awarded", "complete"),
        ("failed", "unsuccessful"),
        ("cancelled", "cancelled"),
        ("draft", "planned"),
        ("unknown", "active"),
    ],
)
def test_tender_status(status: str, tender: str) -> None:
    assert ocds.tender_status(status) == tender


def test_ocid_has_one_hyphen_between_prefix_and_id() -> None:
    assert ocds.ocid("ocds-abc123-", "HNZC-2026-000001") == "ocds-abc123-HNZC-2026-000001"
    assert ocds.ocid("ocds-abc123", "HNZC-2026-000001") == "ocds-abc123-HNZC-2026-000001"


def test_merge_rules_file_is_up_to_date_and_loads(capsys: pytest.CaptureFixture[str]) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "gen_ocds_merge_rules.py"
    spec = importlib.util.spec_from_file_location("gen_ocds_merge_rules", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, capsys.readouterr().out
    rules = ocds.load_merge_rules()
    assert rules[("parties", "roles")] == "wholeListMerge"
    assert rules[("tag",)] == "omitWhenMerged"
