"""The rules catalogue: every module's RULES collected; `evaluate` parses text by type hints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import catalog, deadlines, deposits
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method


def test_every_module_contributes_rules_with_citations() -> None:
    rules = catalog.all_rules()
    prefixes = {rule.name.split(".")[0] for rule in rules}
    assert {
        "calendar",
        "deadlines",
        "methods",
        "scoring",
        "committee",
        "deposits",
        "contracts",
        "eligibility",
    } <= prefixes
    names = [rule.name for rule in rules]
    assert len(names) == len(set(names)), "rule names must be unique"
    for rule in rules:
        assert rule.title_zh and rule.title_en
        for value in rule.values:
            assert value.citation, rule.name


def test_find_rule_and_unknown_rule() -> None:
    first = catalog.all_rules()[0]
    assert catalog.find_rule(first.name) is first
    with pytest.raises(RuleError) as err:
        catalog.find_rule("no.such_rule")
    assert err.value.code == "rules.unknown_rule"


@pytest.mark.parametrize(
    ("function", "texts", "expected"),
    [
        (
            "deadlines.earliest_bid_deadline",
            ["open_tender", "2025-09-25"],
            deadlines.earliest_bid_deadline(Method.open_tender, date(2025, 9, 25)),
        ),
        ("deposits.bid_deposit_cap", ["1000000"], deposits.bid_deposit_cap(Decimal("1000000"))),
        ("calendar.add_working_days", ["2025-09-30", "1"], None),
    ],
    ids=["date-and-method", "decimal", "int-plain-value"],
)
def test_evaluate_matches_the_function_itself(function: str, texts: list[str], expected: object) -> None:
    result = catalog.evaluate(function, texts)
    if expected is None:
        assert result.value == date(2025, 10, 9) and result.citation == ""
    else:
        assert (result.value, result.citation) == (expected.value, expected.citation)  # type: ignore[attr-defined]


def test_evaluate_reads_booleans_and_optional_hints() -> None:
    result = catalog.evaluate(
        "contracts.check_contract_term", ["2026-01-01", "2027-12-31", "multi_year_conditions=yes"]
    )
    assert result.arguments["multi_year_conditions"] is True
    assert catalog._convert("是", bool, "flag") is True
    assert catalog._convert("no", bool, "flag") is False
    assert catalog._convert("2026-01-01", date | None, "on") == date(2026, 1, 1)
    assert catalog._convert("text", str, "name") == "text"


@pytest.mark.parametrize(
    ("function", "texts", "code"),
    [
        ("nosuchmodule.f", [], "rules.unknown_function"),
        ("deadlines", [], "rules.unknown_function"),
        ("deadlines._apply", [], "rules.unknown_function"),
        ("deadlines.no_such_function", [], "rules.unknown_function"),
        ("deposits.bid_deposit_cap", ["1", "2", "3"], "rules.too_many_arguments"),
        ("deposits.bid_deposit_cap", ["lots"], "rules.bad_argument"),
        ("deposits.bid_deposit_cap", ["1", "colour=red"], "rules.bad_argument"),
        ("deadlines.earliest_bid_deadline", ["auction", "2025-09-25"], "method.unknown"),
        ("deadlines.earliest_bid_deadline", ["open_tender", "soon"], "rules.bad_argument"),
    ],
)
def test_evaluate_refuses_bad_requests_with_codes(function: str, texts: list[str], code: str) -> None:
    with pytest.raises(RuleError) as err:
        catalog.evaluate(function, texts)
    assert err.value.code == code


def test_convert_falls_through_every_option_to_a_clear_error() -> None:
    # an int-only hint given a non-number: no option accepts it, so the error names the parameter
    with pytest.raises(RuleError) as err:
        catalog._convert("many", int, "n")
    assert err.value.params == {"parameter": "n", "value": "many"}


def test_ruled_reads_as_value_with_citation() -> None:
    ruled = deposits.bid_deposit_cap(Decimal("100"))
    assert str(ruled) == f"2.00 ({ruled.citation})"


@pytest.mark.parametrize("hint", [int | None, list], ids=["optional-int", "unsupported-type"])
def test_convert_refuses_text_no_option_accepts(hint: object) -> None:
    with pytest.raises(RuleError) as err:
        catalog._convert("many", hint, "n")
    assert err.value.code == "rules.bad_argument"
