"""Tests of opengps.rules.committee: sizes, composition checks, conflicts, expert qualification."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from opengps.rules import committee
from opengps.rules.base import RuleError
from opengps.rules.committee import (
    Affiliation,
    BidderFacts,
    ExpertFacts,
    Relative,
    check_committee,
    expert_conflicts,
    expert_qualified,
    required_committee,
)
from opengps.rules.jurisdictions import Jurisdiction
from opengps.rules.procedures import Method

D = Decimal
DAY = date(2024, 5, 1)


@pytest.mark.parametrize(
    ("method", "budget", "complex_", "size", "category"),
    [
        pytest.param(Method.open_tender, "9999999.99", False, 5, "services", id="tender-below-1000wan"),
        pytest.param(Method.open_tender, "10000000", False, 7, "services", id="tender-exactly-1000wan"),
        pytest.param(Method.invited_tender, "3000000", True, 7, "services", id="tender-complex"),
        pytest.param(Method.open_tender, "20000000", True, 5, "works", id="works-tendering-law"),
        pytest.param(
            Method.competitive_negotiation, "1999999.99", False, 3, "services", id="negotiation-below"
        ),
        pytest.param(
            Method.competitive_negotiation, "2000000", False, 5, "services", id="negotiation-at-threshold"
        ),
        pytest.param(Method.request_for_quotation, "2000000", False, 5, "goods", id="quotation-at-threshold"),
        pytest.param(Method.competitive_consultation, "50000000", True, 3, "services", id="consultation"),
    ],
)
def test_required_committee(method: Method, budget: str, complex_: bool, size: int, category: str) -> None:
    result = required_committee(method, D(budget), complex_project=complex_, on_date=DAY, category=category)
    spec = result.value
    assert spec.min_size == size
    assert spec.odd
    assert spec.min_expert_share == Fraction(2, 3)
    assert result.citation == spec.citation


def test_high_social_impact_needs_seven() -> None:
    spec = required_committee(Method.open_tender, D("1"), high_social_impact=True, on_date=DAY).value
    assert spec.min_size == 7
    assert (
        required_committee(Method.open_tender, D("1"), high_social_impact=True, on_date=DAY).note
        == "社会影响较大"
    )


@pytest.mark.parametrize("method", [Method.single_source, Method.emall])
def test_no_committee_rule(method: Method) -> None:
    with pytest.raises(RuleError) as error:
        required_committee(method, D("1"), on_date=DAY)
    assert error.value.code == "committee.not_applicable"


def test_tender_rule_not_before_o87() -> None:
    with pytest.raises(RuleError) as error:
        required_committee(Method.open_tender, D("1"), on_date=date(2017, 9, 30))
    assert error.value.code == "rules.not_in_force"


@pytest.mark.parametrize(
    ("size", "experts", "reps", "problems"),
    [
        pytest.param(5, 4, 1, set(), id="5-with-4-experts"),
        pytest.param(5, 3, 2, {"committee.too_few_experts"}, id="5-with-3-experts"),
        pytest.param(5, 4, 0, {"committee.too_small", "committee.even_size"}, id="4-members"),
        pytest.param(7, 5, 2, set(), id="7-with-5-experts"),
        pytest.param(7, 4, 3, {"committee.too_few_experts"}, id="7-with-4-experts"),
        pytest.param(3, 2, 1, set(), id="3-with-2-experts"),
        pytest.param(3, 5, 1, {"committee.even_size"}, id="6-members"),
    ],
)
def test_check_committee(size: int, experts: int, reps: int, problems: set[str]) -> None:
    kind: committee.CommitteeKind = "tender" if size >= 5 else "consultation"
    spec = committee.CommitteeSpec(kind, size, Fraction(2, 3), "cite")
    reasons = check_committee(spec, experts, reps)
    assert {r.code for r in reasons} == problems
    assert all(r.severity == "block" and r.citation == "cite" for r in reasons)


def test_check_committee_negative() -> None:
    spec = required_committee(Method.open_tender, D("1"), on_date=DAY).value
    with pytest.raises(RuleError) as error:
        check_committee(spec, -1, 1)
    assert error.value.code == "committee.negative_count"


# --- conflicts --------------------------------------------------------------------------------

BIDDER = BidderFacts("91430000AAAAAAAAAA", "某社工中心", legal_representative="P-LR")
OTHER = BidderFacts("91430000BBBBBBBBBB", principal="P-HEAD")


@pytest.mark.parametrize(
    ("expert", "codes"),
    [
        pytest.param(ExpertFacts("e"), set(), id="no-ties"),
        pytest.param(
            ExpertFacts("e", employer=BIDDER.bidder_id), {"committee.conflict_employee"}, id="works-there"
        ),
        pytest.param(
            ExpertFacts(
                "e",
                affiliations=(Affiliation(BIDDER.bidder_id, "employee", date(2015, 1, 1), date(2021, 5, 1)),),
            ),
            {"committee.conflict_employee"},
            id="left-exactly-3-years-ago",
        ),
        pytest.param(
            ExpertFacts(
                "e",
                affiliations=(
                    Affiliation(BIDDER.bidder_id, "employee", date(2015, 1, 1), date(2021, 4, 30)),
                ),
            ),
            set(),
            id="left-3-years-and-a-day-ago",
        ),
        pytest.param(
            ExpertFacts("e", affiliations=(Affiliation(BIDDER.bidder_id, "director", date(2025, 1, 1)),)),
            set(),
            id="future-office",
        ),
        pytest.param(
            ExpertFacts("e", affiliations=(Affiliation(BIDDER.bidder_id, "supervisor", date(2020, 1, 1)),)),
            {"committee.conflict_supervisor"},
            id="supervisor",
        ),
        pytest.param(
            ExpertFacts("e", affiliations=(Affiliation(OTHER.bidder_id, "controlling_shareholder"),)),
            {"committee.conflict_controlling_shareholder"},
            id="controlling-shareholder",
        ),
        pytest.param(
            ExpertFacts("e", relatives=(Relative("P-LR", "spouse"),)),
            {"committee.conflict_spouse"},
            id="spouse",
        ),
        pytest.param(
            ExpertFacts("e", relatives=(Relative("P-HEAD", "lineal"),)),
            {"committee.conflict_lineal"},
            id="lineal",
        ),
        pytest.param(
            ExpertFacts("e", relatives=(Relative("P-LR", "collateral", 3),)),
            {"committee.conflict_collateral"},
            id="cousin-3rd-generation",
        ),
        pytest.param(
            ExpertFacts("e", relatives=(Relative("P-LR", "collateral", 4),)),
            set(),
            id="collateral-4th-generation",
        ),
        pytest.param(
            ExpertFacts("e", relatives=(Relative("P-LR", "close_in_law"),)),
            {"committee.conflict_close_in_law"},
            id="in-law",
        ),
        pytest.param(ExpertFacts("e", relatives=(Relative("P-X", "spouse"),)), set(), id="unrelated-person"),
    ],
)
def test_expert_conflicts(expert: ExpertFacts, codes: set[str]) -> None:
    reasons = expert_conflicts(expert, [BIDDER, OTHER], DAY)
    assert {r.code for r in reasons} == codes
    assert all(r.severity == "block" and "第九条" in r.citation for r in reasons)


@pytest.mark.parametrize(
    "relative",
    [
        pytest.param(Relative("P-LR", "other"), id="other-relation"),
        pytest.param(Relative("P-LR", "collateral"), id="collateral-generations-unknown"),
    ],
)
def test_uncertain_relations_are_flags(relative: Relative) -> None:
    reasons = expert_conflicts(ExpertFacts("e", relatives=(relative,)), [BIDDER], DAY)
    assert [r.severity for r in reasons] == ["flag"]
    assert "第（五）项" in reasons[0].citation


def test_own_unit_only_as_purchaser_representative() -> None:
    expert = ExpertFacts("e", employer="BUYER")
    reasons = expert_conflicts(expert, [BIDDER], DAY, purchaser="BUYER")
    assert [r.code for r in reasons] == ["committee.own_unit"]
    assert "第四十七条" in reasons[0].citation
    assert expert_conflicts(expert, [BIDDER], DAY, purchaser="OTHER-BUYER") == ()


def test_lookback_on_29_february() -> None:
    tie = Affiliation(BIDDER.bidder_id, "employee", None, date(2021, 2, 28))
    assert expert_conflicts(ExpertFacts("e", affiliations=(tie,)), [BIDDER], date(2024, 2, 29))


# --- qualification ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expert", "qualified", "codes"),
    [
        pytest.param(ExpertFacts("e", birth_date=date(1970, 1, 1), title="senior"), True, set(), id="senior"),
        pytest.param(
            ExpertFacts("e", birth_date=date(1970, 1, 1), title="intermediate", field_since=date(2016, 5, 1)),
            True,
            set(),
            id="intermediate-exactly-8-years",
        ),
        pytest.param(
            ExpertFacts("e", birth_date=date(1970, 1, 1), title="intermediate", field_since=date(2016, 5, 2)),
            False,
            {"committee.expert_experience_short"},
            id="intermediate-8-years-less-a-day",
        ),
        pytest.param(
            ExpertFacts("e", birth_date=date(1970, 1, 1), title="intermediate"),
            False,
            {"committee.expert_experience_short"},
            id="intermediate-no-experience-date",
        ),
        pytest.param(
            ExpertFacts("e", birth_date=date(1970, 1, 1), title="junior"),
            False,
            {"committee.expert_title_insufficient"},
            id="junior",
        ),
        pytest.param(
            ExpertFacts("e", birth_date=date(1955, 5, 2), title="senior"), True, set(), id="aged-68-last-day"
        ),
        pytest.param(
            ExpertFacts("e", birth_date=date(1955, 5, 1), title="senior"),
            False,
            {"committee.expert_too_old"},
            id="turns-69",
        ),
        pytest.param(
            ExpertFacts("e", title="senior"), False, {"committee.expert_age_unknown"}, id="no-birth-date"
        ),
    ],
)
def test_expert_qualified(expert: ExpertFacts, qualified: bool, codes: set[str]) -> None:
    result = expert_qualified(expert, DAY)
    assert result.qualified is qualified
    assert {r.code for r in result.reasons} == codes
    assert "198号" in result.citation


def test_expert_standard_unknown_jurisdiction() -> None:
    with pytest.raises(RuleError) as error:
        expert_qualified(ExpertFacts("e"), DAY, jurisdiction=Jurisdiction("CN-ZZ", "某省", "Some"))
    assert error.value.code == "committee.no_expert_standard"


def test_rules_listing() -> None:
    names = [info.name for info in committee.RULES]
    assert names == [
        "committee.required_committee",
        "committee.expert_conflicts",
        "committee.expert_qualified",
    ]
    assert any("1000万元以上" in str(v.value) for v in committee.RULES[0].values)
    assert any("68周岁" in str(v.value) for v in committee.RULES[2].values)


def test_framework_first_stage_is_composed_as_a_tender() -> None:
    # O110 §9: the closed framework's solicitation follows the open-tender rules (O87 §47)
    small = required_committee(Method.framework_agreement, D("900000"), on_date=DAY)
    large = required_committee(Method.framework_agreement, D("10000000"), on_date=DAY)
    assert (small.value.kind, small.value.min_size, small.value.min_experts(5)) == ("framework", 5, 4)
    assert large.value.min_size == 7
    assert "第110号）第九条" in small.citation and "第四十七条" in small.citation


def test_framework_rule_not_before_o110() -> None:
    with pytest.raises(RuleError) as error:
        required_committee(Method.framework_agreement, D("1"), on_date=date(2022, 2, 28))
    assert error.value.code == "rules.not_in_force"
