"""Co-funding rules: requirement, the check at application, in-kind value, donations, leverage, shortfall.

Every expected figure is worked out by hand in the table, not taken from the code.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import catalog
from opengps.rules.base import RuleError
from opengps.rules.cofunding import (
    CHARITY_82,
    Channel,
    Contribution,
    Form,
    InKindKind,
    Requirement,
    SourceKind,
    Totals,
    adjusted_score,
    commitment_check,
    donation_problems,
    donor_shown,
    in_kind_value,
    leverage,
    required_amount,
    requirement_problems,
    shortfall,
    totals,
)

D = Decimal
ON = date(2024, 6, 1)
S, F = SourceKind, Form


def c(source: SourceKind, form: Form, value: str) -> Contribution:
    return Contribution(source, form, D(value))


@pytest.mark.parametrize(
    ("requirement", "codes"),
    [
        (Requirement(D(30)), set()),
        (Requirement(D(0), D("0.00")), set()),
        (Requirement(D(100), D("50000.00")), set()),
        (Requirement(D(-1)), {"cofunding.share_invalid"}),
        (Requirement(D(101)), {"cofunding.share_invalid"}),
        (Requirement(None, D(-5)), {"cofunding.min_amount_invalid"}),
        (Requirement(None, D("1.005")), {"cofunding.min_amount_invalid"}),
        (Requirement(D(120), D(-5)), {"cofunding.share_invalid", "cofunding.min_amount_invalid"}),
    ],
)
def test_requirement_problems(requirement: Requirement, codes: set[str]) -> None:
    assert {r.code for r in requirement_problems(requirement)} == codes


@pytest.mark.parametrize(
    ("requested", "requirement", "expected"),
    [
        ("100000.00", Requirement(D(30)), "30000.00"),
        ("100000.00", Requirement(D(30), D("40000.00")), "40000.00"),
        ("100000.00", Requirement(None, D("5000.00")), "5000.00"),
        ("33333.33", Requirement(D(30)), "10000.00"),  # 9999.999 → half-up to the fen
        ("100000.00", Requirement(), "0.00"),
    ],
)
def test_required_amount(requested: str, requirement: Requirement, expected: str) -> None:
    result = required_amount(D(requested), requirement)
    assert result.value == D(expected) and result.citation


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], Totals(D(0), D(0), D(0))),
        (
            [c(S.OWN, F.CASH, "1000"), c(S.ENTERPRISE, F.IN_KIND, "200"), c(S.PUBLIC, F.CASH, "500")],
            Totals(D(1000), D(200), D(500)),
        ),
        ([c(S.PUBLIC, F.IN_KIND, "300")], Totals(D(0), D(0), D(300))),
    ],
)
def test_totals(lines: list[Contribution], expected: Totals) -> None:
    result = totals(lines)
    assert result == expected and result.other == expected.cash + expected.in_kind


def test_totals_refuse_a_negative_line() -> None:
    with pytest.raises(RuleError) as error:
        totals([c(S.OWN, F.CASH, "-1")])
    assert error.value.code == "cofunding.value_negative"


@pytest.mark.parametrize(
    ("lines", "requirement", "codes"),
    [
        pytest.param([], Requirement(), set(), id="nothing required"),
        pytest.param([c(S.OWN, F.CASH, "30000")], Requirement(D(30)), set(), id="30% met by own cash"),
        pytest.param(
            [c(S.OWN, F.CASH, "20000"), c(S.INDIVIDUAL, F.IN_KIND, "10000")],
            Requirement(D(30)),
            set(),
            id="in-kind counts",
        ),
        pytest.param(
            [c(S.OWN, F.CASH, "29999.99")],
            Requirement(D(30)),
            {"cofunding.below_requirement"},
            id="one fen short",
        ),
        pytest.param(
            [c(S.OWN, F.CASH, "10000"), c(S.PUBLIC, F.CASH, "50000")],
            Requirement(D(30)),
            {"cofunding.below_requirement", "cofunding.public_not_counted"},
            id="public money never meets it",
        ),
        pytest.param(
            [c(S.OWN, F.CASH, "30000"), c(S.PUBLIC, F.CASH, "50000")],
            Requirement(D(30)),
            set(),
            id="public beside a met requirement",
        ),
        pytest.param(
            [c(S.OWN, F.CASH, "30000")],
            Requirement(None, D("35000.00")),
            {"cofunding.below_requirement"},
            id="minimum amount only",
        ),
    ],
)
def test_commitment_check(lines: list[Contribution], requirement: Requirement, codes: set[str]) -> None:
    reasons = commitment_check(D("100000.00"), lines, requirement)
    assert {r.code for r in reasons} == codes
    assert all(r.citation for r in reasons)
    blocking = [r for r in reasons if r.severity == "block"]
    assert bool(blocking) is ("cofunding.below_requirement" in codes)


def test_below_requirement_names_both_parts_of_the_rule() -> None:
    (reason,) = commitment_check(D("100000.00"), [], Requirement(D(30), D("1000.00")))
    assert "30%" in reason.message_zh and "1000.00" in reason.message_zh and "30000.00" in reason.message_zh


@pytest.mark.parametrize(
    ("kind", "kwargs", "expected"),
    [
        (InKindKind.VOLUNTEER_HOURS, {"hours": D("120.5"), "hourly_rate": D("25")}, "3012.50"),
        (InKindKind.VOLUNTEER_HOURS, {"hours": D("3"), "hourly_rate": D("33.335")}, "100.01"),
        (InKindKind.VENUE, {"documented_value": D("6000"), "document": "场地租金报价单"}, "6000.00"),
        (InKindKind.GOODS, {"documented_value": D("1234.565"), "document": "捐赠票据 0001"}, "1234.57"),
    ],
)
def test_in_kind_value(kind: InKindKind, kwargs: dict[str, object], expected: str) -> None:
    result = in_kind_value(kind, **kwargs)  # type: ignore[arg-type]
    assert result.value == D(expected) and "慈善法" in result.citation


@pytest.mark.parametrize(
    ("kind", "kwargs", "code"),
    [
        (InKindKind.VOLUNTEER_HOURS, {"hours": None, "hourly_rate": D(25)}, "cofunding.hours_invalid"),
        (InKindKind.VOLUNTEER_HOURS, {"hours": D(0), "hourly_rate": D(25)}, "cofunding.hours_invalid"),
        (InKindKind.VOLUNTEER_HOURS, {"hours": D(5), "hourly_rate": None}, "cofunding.hours_invalid"),
        (InKindKind.VOLUNTEER_HOURS, {"hours": D(5), "hourly_rate": D(0)}, "cofunding.hours_invalid"),
        (InKindKind.VENUE, {"documented_value": None, "document": "x"}, "cofunding.document_required"),
        (InKindKind.GOODS, {"documented_value": D(0), "document": "x"}, "cofunding.document_required"),
        (InKindKind.GOODS, {"documented_value": D(10), "document": " "}, "cofunding.document_required"),
    ],
)
def test_in_kind_value_refused(kind: InKindKind, kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(RuleError) as error:
        in_kind_value(kind, **kwargs)  # type: ignore[arg-type]
    assert error.value.code == code and error.value.citation


@pytest.mark.parametrize(
    ("source", "channel", "charity", "qualified", "receipt", "codes"),
    [
        (S.OWN, Channel.DIRECT, "", False, "", set()),
        (S.PUBLIC, Channel.DIRECT, "", False, "", set()),
        (S.ENTERPRISE, Channel.DIRECT, "", False, "PJ-1", set()),
        (S.ENTERPRISE, Channel.DIRECT, "", False, "", {"cofunding.receipt_required"}),
        (S.INDIVIDUAL, Channel.DIRECTED, "长沙市慈善总会", False, "PJ-2", set()),
        (S.INDIVIDUAL, Channel.DIRECT, "", False, "PJ-3", {"cofunding.individual_needs_charity"}),
        (S.INDIVIDUAL, Channel.DIRECTED, "  ", False, "PJ-3", {"cofunding.individual_needs_charity"}),
        (S.INDIVIDUAL, Channel.PUBLIC, "长沙市慈善总会", True, "PJ-4", set()),
        (
            S.INDIVIDUAL,
            Channel.PUBLIC,
            "某社区基金",
            False,
            "PJ-5",
            {"cofunding.public_fundraising_unqualified"},
        ),
        (
            S.INDIVIDUAL,
            Channel.PUBLIC,
            "",
            True,
            "",
            {
                "cofunding.individual_needs_charity",
                "cofunding.public_fundraising_unqualified",
                "cofunding.receipt_required",
            },
        ),
        (S.FOUNDATION, Channel.PUBLIC, "湖南省慈善总会", True, "PJ-6", set()),
    ],
)
def test_donation_problems(
    source: SourceKind, channel: Channel, charity: str, qualified: bool, receipt: str, codes: set[str]
) -> None:
    reasons = donation_problems(
        source, channel, charity=charity, charity_public_qualified=qualified, receipt_number=receipt
    )
    assert {r.code for r in reasons} == codes
    assert all(r.citation.startswith(("慈善法", "平台规则")) for r in reasons)


@pytest.mark.parametrize(
    ("source", "name", "charity", "shown"),
    [
        (S.INDIVIDUAL, "张三", "长沙市慈善总会", "个人捐赠者（经长沙市慈善总会）"),
        (S.INDIVIDUAL, "李四", "", "个人捐赠者"),
        (S.ENTERPRISE, " 湖南某某有限公司 ", "", "湖南某某有限公司"),
    ],
)
def test_donor_shown_masks_people(source: SourceKind, name: str, charity: str, shown: str) -> None:
    result = donor_shown(source, name, charity)
    assert result.value == shown and result.citation == CHARITY_82


@pytest.mark.parametrize(
    ("grant", "split", "public", "ratio", "cash_ratio"),
    [
        ("100000.00", Totals(D(30000), D(5000), D(0)), "100000.00", "0.35", "0.30"),
        # other public money is public: 35,000 ÷ (100,000 + 50,000) = 0.2333… → 0.23
        ("100000.00", Totals(D(30000), D(5000), D(50000)), "150000.00", "0.23", "0.20"),
        # 1 ÷ 3 = 0.333… → 0.33; 2 ÷ 3 = 0.666… → 0.67 (half-up)
        ("3.00", Totals(D(1), D(1), D(0)), "3.00", "0.67", "0.33"),
        ("0.00", Totals(D(0), D(0), D(10)), "10.00", "0.00", "0.00"),
    ],
)
def test_leverage(grant: str, split: Totals, public: str, ratio: str, cash_ratio: str) -> None:
    result = leverage(D(grant), split).value
    assert result.public == D(public)
    assert result.ratio == D(ratio) and result.cash_ratio == D(cash_ratio)
    assert (result.cash, result.in_kind) == (split.cash, split.in_kind)


def test_leverage_without_public_money_is_undefined() -> None:
    result = leverage(D(0), Totals(D(100), D(0), D(0)))
    assert result.value.ratio is None and result.value.cash_ratio is None and result.citation


def test_leverage_refuses_a_negative_grant() -> None:
    with pytest.raises(RuleError) as error:
        leverage(D(-1), Totals(D(0), D(0), D(0)))
    assert error.value.code == "cofunding.value_negative"


@pytest.mark.parametrize(
    ("committed", "received", "on_date", "missing", "deduction", "flagged"),
    [
        ("30000.00", "30000.00", ON, "0.00", "0.00", False),
        ("30000.00", "45000.00", ON, "0.00", "0.00", False),
        ("0.00", "0.00", ON, "0.00", "0.00", False),
        # 10 points × 15,000 ÷ 30,000 = 5.00
        ("30000.00", "15000.00", ON, "15000.00", "5.00", True),
        # 10 × 1 ÷ 3 = 3.333… → 3.33
        ("30000.00", "20000.00", ON, "10000.00", "3.33", True),
        ("30000.00", "0.00", ON, "30000.00", "10.00", True),
        # before the platform rule's date the first entry applies
        ("30000.00", "0.00", date(2010, 1, 1), "30000.00", "10.00", True),
    ],
)
def test_shortfall(
    committed: str, received: str, on_date: date, missing: str, deduction: str, flagged: bool
) -> None:
    result = shortfall(D(committed), D(received), on_date)
    value = result.value
    assert (value.missing, value.deduction, value.flagged) == (D(missing), D(deduction), flagged)
    assert "[U]" not in result.citation and result.citation.startswith("平台规则")
    if flagged:
        assert value.reason is not None and value.reason.severity == "flag"
        assert deduction in value.reason.message_zh


@pytest.mark.parametrize(("committed", "received"), [("-1", "0"), ("0", "-1")])
def test_shortfall_refuses_negatives(committed: str, received: str) -> None:
    with pytest.raises(RuleError) as error:
        shortfall(D(committed), D(received), ON)
    assert error.value.code == "cofunding.value_negative"


@pytest.mark.parametrize(
    ("score", "deduction", "expected"), [("85.00", "5.00", "80.00"), ("3.00", "5.00", "0.00")]
)
def test_adjusted_score(score: str, deduction: str, expected: str) -> None:
    assert adjusted_score(D(score), D(deduction)) == D(expected)


def test_cofunding_rules_are_in_the_catalogue_with_their_values() -> None:
    rules = {rule.name: rule for rule in catalog.all_rules()}
    assert {
        "grants.cofunding_requirement",
        "grants.cofunding_in_kind",
        "grants.cofunding_donations",
        "grants.cofunding_leverage",
        "grants.cofunding_shortfall",
    } <= set(rules)
    (points,) = rules["grants.cofunding_shortfall"].values
    assert "扣 10 分" in str(points.value) and points.confidence == "U"
