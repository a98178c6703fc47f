"""Grant rules: applicant screening, requests and templates, funding within the limit, money, grades."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import catalog, grants_flow
from opengps.rules.base import RuleError
from opengps.rules.eligibility import CreditEntry, OrganizationFacts, OtherListEntry, RatingFact
from opengps.rules.grants import (
    Criterion,
    RankedRequest,
    RoundConditions,
    applicant_eligibility,
    call_state,
    final_settlement,
    fund_within_limit,
    objection_period_end,
    performance_grade,
    region_within,
    request_problems,
    score_problems,
    template_problems,
    timetable_problems,
    tranche_amounts,
)

D = Decimal
ON = date(2023, 6, 15)
FACTS = OrganizationFacts(
    status="normal",
    org_type="social_service_agency",
    founded_on=date(2015, 3, 1),
    is_industry_association=False,
    ratings=(RatingFact(4, date(2021, 5, 1)),),
    credit_entries=(),
    annual_reports_filed=frozenset(range(2014, 2023)),
)
STRICT = RoundConditions(
    org_types=frozenset({"social_service_agency", "social_group"}),
    min_rating=3,
    min_years_registered=2,
    regions=("430100", "430202"),
)


# ---------------------------------------------------------------------------------------------
# Screening


@pytest.mark.parametrize(
    ("facts", "region", "conditions", "codes"),
    [
        (FACTS, "430104", STRICT, {"grants.conditions_met"}),
        (FACTS, "430104", RoundConditions(), {"grants.conditions_met"}),
        (
            replace(
                FACTS, credit_entries=(CreditEntry("serious", date(2023, 1, 10), reason="fine_50000_plus"),)
            ),
            "430104",
            STRICT,
            {"eligibility.serious_list"},
        ),
        (
            replace(FACTS, credit_entries=(CreditEntry("abnormal", date(2023, 3, 1), reason="unreachable"),)),
            "430104",
            STRICT,
            {"grants.abnormal_list_excluded"},
        ),
        (
            replace(FACTS, other_lists=(OtherListEntry("judgment_defaulter", date(2022, 1, 1)),)),
            "430104",
            RoundConditions(),
            {"eligibility.judgment_defaulter"},
        ),
        (replace(FACTS, org_type="foundation"), "430104", STRICT, {"grants.org_type_not_allowed"}),
        (
            replace(FACTS, ratings=(RatingFact(2, date(2021, 5, 1)),)),
            "430104",
            STRICT,
            {"grants.rating_below_minimum"},
        ),
        (replace(FACTS, ratings=()), "430104", STRICT, {"grants.rating_below_minimum"}),
        (replace(FACTS, founded_on=date(2022, 1, 1)), "430104", STRICT, {"grants.registered_too_recently"}),
        (FACTS, "430203", STRICT, {"grants.region_not_covered"}),
        (FACTS, "433101", RoundConditions(regions=("430000",)), {"grants.conditions_met"}),
        (FACTS, "440101", RoundConditions(regions=("430000",)), {"grants.region_not_covered"}),
    ],
)
def test_screening(
    facts: OrganizationFacts, region: str, conditions: RoundConditions, codes: set[str]
) -> None:
    result = applicant_eligibility(facts, region, conditions, ON)
    found = {r.code for r in result.reasons if r.severity in {"block"} or r.code == "grants.conditions_met"}
    assert found == codes
    assert result.eligible is (codes == {"grants.conditions_met"})
    assert all(r.citation for r in result.reasons)
    assert {r.code for r in result.blocking} == (set() if result.eligible else codes)


def test_abnormal_list_is_only_a_flag_when_the_call_keeps_it() -> None:
    facts = replace(FACTS, credit_entries=(CreditEntry("abnormal", date(2023, 3, 1), reason="unreachable"),))
    result = applicant_eligibility(facts, "430104", replace(STRICT, exclude_abnormal=False), ON)
    assert result.eligible
    assert {r.code for r in result.reasons} >= {"eligibility.abnormal_list", "grants.conditions_met"}


@pytest.mark.parametrize(
    ("code", "area", "inside"),
    [
        ("430104", "430000", True),
        ("440104", "430000", False),
        ("430104", "430100", True),
        ("430202", "430100", False),
        ("430104", "430104", True),
        ("430105", "430104", False),
    ],
)
def test_region_within(code: str, area: str, inside: bool) -> None:
    assert region_within(code, area) is inside


# ---------------------------------------------------------------------------------------------
# Requests, templates, scores


@pytest.mark.parametrize(
    ("requested", "lines", "codes"),
    [
        (D("100000.00"), [D("60000"), D("40000")], set()),
        (D("150000.00"), [D("150000")], {"grants.over_cap"}),
        (D("2000000.00"), [D("2000000")], {"grants.over_cap", "grants.over_total"}),
        (D("0"), [D("1")], {"grants.amount_invalid", "grants.budget_mismatch"}),
        (D("100.005"), [D("100.005")], {"grants.amount_invalid"}),
        (D("100000.00"), [], {"grants.budget_lines_invalid"}),
        (D("100000.00"), [D("100000"), D("0")], {"grants.budget_lines_invalid"}),
        (D("100000.00"), [D("60000"), D("30000")], {"grants.budget_mismatch"}),
    ],
)
def test_request_problems(requested: Decimal, lines: list[Decimal], codes: set[str]) -> None:
    problems = request_problems(requested, lines, cap=D("120000"), total=D("1000000"))
    assert {p.code for p in problems} == codes


CRITERIA = (
    Criterion("need", "需求分析", 30),
    Criterion("design", "项目设计", 40),
    Criterion("capacity", "执行能力", 30),
)


@pytest.mark.parametrize(
    ("criteria", "codes"),
    [
        (CRITERIA, set()),
        ((), {"grants.criteria_invalid", "grants.weights_not_100"}),
        ((Criterion("a", "A", 50), Criterion("a", "B", 50)), {"grants.criteria_invalid"}),
        ((Criterion("", "A", 100),), {"grants.criteria_invalid"}),
        ((Criterion("a", "A", 110), Criterion("b", "B", -10)), {"grants.criteria_invalid"}),
        ((Criterion("a", "A", 50), Criterion("b", "B", 40)), {"grants.weights_not_100"}),
    ],
)
def test_template_problems(criteria: tuple[Criterion, ...], codes: set[str]) -> None:
    assert {p.code for p in template_problems(criteria)} == codes


@pytest.mark.parametrize(
    ("scores", "codes"),
    [
        ({"need": D(30), "design": D("35.5"), "capacity": D(0)}, set()),
        ({"need": D(30), "design": D(35)}, {"grants.scores_incomplete"}),
        ({"need": D(30), "design": D(35), "capacity": D(1), "x": D(1)}, {"grants.scores_incomplete"}),
        ({"need": D(31), "design": D(35), "capacity": D(-1)}, {"grants.score_out_of_range"}),
    ],
)
def test_score_problems(scores: dict[str, Decimal], codes: set[str]) -> None:
    assert {p.code for p in score_problems(CRITERIA, scores)} == codes


# ---------------------------------------------------------------------------------------------
# Funding within the limit


def test_greedy_by_rank_skips_what_does_not_fit_and_uses_the_rest() -> None:
    # given a ranking whose second project does not fit what is left
    ranked = [
        RankedRequest("a", D("60000"), D("92")),
        RankedRequest("b", D("50000"), D("90")),
        RankedRequest("c", D("30000"), D("85")),
        RankedRequest("d", D("10000"), D("59.99")),
        RankedRequest("e", D("10000"), D("70")),
    ]
    # when funding within 100,000
    plan = fund_within_limit(ranked, D("100000"))
    # then a and c are funded, b skipped (does not fit), d below the pass mark, e fits the rest
    assert plan.funded == (("a", D("60000")), ("c", D("30000")), ("e", D("10000")))
    assert {k: r.code for k, r in plan.unfunded} == {
        "b": "grants.does_not_fit",
        "d": "grants.below_pass_score",
    }
    assert plan.funded_sum == D("100000") and plan.remaining == 0


@pytest.mark.parametrize("seed", range(40))
def test_funded_sum_never_exceeds_the_total(seed: int) -> None:
    # property-style: random rankings and totals
    rng = random.Random(seed)
    ranked = [
        RankedRequest(f"p{i}", D(rng.randint(1, 20_000_00)) / 100, D(rng.randint(4000, 10000)) / 100)
        for i in range(rng.randint(0, 60))
    ]
    total = D(rng.randint(0, 500_000_00)) / 100
    plan = fund_within_limit(ranked, total)
    assert plan.funded_sum == sum((a for _, a in plan.funded), D(0)) <= total
    assert len(plan.funded) + len(plan.unfunded) == len(ranked)
    funded = {k for k, _ in plan.funded}
    # nothing skipped for lack of money would have fitted in what was finally left over
    for key, reason in plan.unfunded:
        if reason.code == "grants.does_not_fit":
            assert key not in funded
    order = [r.key for r in ranked if r.key in funded]
    assert [k for k, _ in plan.funded] == order


@pytest.mark.parametrize(
    ("ranked", "total", "code"),
    [
        ([RankedRequest("a", D(1), D(90))], D(-1), "grants.total_negative"),
        (
            [RankedRequest("a", D(1), D(90)), RankedRequest("a", D(2), D(80))],
            D(10),
            "grants.duplicate_application",
        ),
        ([RankedRequest("a", D(0), D(90))], D(10), "grants.amount_invalid"),
    ],
)
def test_fund_within_limit_refuses_bad_input(ranked: list[RankedRequest], total: Decimal, code: str) -> None:
    with pytest.raises(RuleError) as error:
        fund_within_limit(ranked, total)
    assert error.value.code == code


# ---------------------------------------------------------------------------------------------
# Timetable and money


@pytest.mark.parametrize(
    ("on_date", "state"),
    [
        (date(2023, 3, 31), "upcoming"),
        (date(2023, 4, 1), "open"),
        (date(2023, 4, 30), "open"),
        (date(2023, 5, 1), "closed"),
    ],
)
def test_call_state(on_date: date, state: str) -> None:
    assert call_state(date(2023, 4, 1), date(2023, 4, 30), on_date) == state


@pytest.mark.parametrize(
    ("dates", "days", "codes"),
    [
        ((date(2023, 4, 1), date(2023, 4, 30), date(2023, 5, 31), date(2023, 6, 30)), 5, set()),
        ((date(2023, 4, 1), date(2023, 4, 1), date(2023, 5, 31), date(2023, 6, 30)), 5, set()),
        (
            (date(2023, 5, 1), date(2023, 4, 30), date(2023, 5, 31), date(2023, 6, 30)),
            5,
            {"grants.timetable_order"},
        ),
        (
            (date(2023, 4, 1), date(2023, 4, 30), date(2023, 4, 30), date(2023, 6, 30)),
            0,
            {"grants.timetable_order", "grants.objection_days_invalid"},
        ),
    ],
)
def test_timetable_problems(dates: tuple[date, date, date, date], days: int, codes: set[str]) -> None:
    assert {p.code for p in timetable_problems(*dates, days)} == codes


def test_objection_period_end_moves_to_a_working_day() -> None:
    # published Monday 2023-06-12, 5 days → Saturday 06-17 → Monday 06-19
    moved = objection_period_end(date(2023, 6, 12), 5)
    assert moved.value == date(2023, 6, 19) and "顺延" in moved.note
    plain = objection_period_end(date(2023, 6, 12), 3)
    assert plain.value == date(2023, 6, 15) and plain.note == ""


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        (D("100000.00"), (50, 30, 20), (D("50000.00"), D("30000.00"), D("20000.00"))),
        (D("100000.01"), (50, 30, 20), (D("50000.01"), D("30000.00"), D("20000.00"))),
        (D("99999.99"), (33, 33, 34), (D("33000.00"), D("33000.00"), D("33999.99"))),
        (D("100.00"), (100,), (D("100.00"),)),
    ],
)
def test_tranche_amounts_add_up_exactly(
    amount: Decimal, shares: tuple[int, ...], expected: tuple[Decimal, ...]
) -> None:
    parts = tranche_amounts(amount, shares)
    assert parts == expected and sum(parts) == amount


@pytest.mark.parametrize("shares", [(), (50, 30), (50, 60, -10)])
def test_tranche_shares_must_sum_to_100(shares: tuple[int, ...]) -> None:
    with pytest.raises(RuleError) as error:
        tranche_amounts(D(100), shares)
    assert error.value.code == "grants.tranche_shares_invalid"


@pytest.mark.parametrize(
    ("paid", "final", "spent", "disallowed", "release", "to_return"),
    [
        (D(80000), D(20000), D(100000), D(0), D(20000), D(0)),
        (D(80000), D(20000), D(95000), D(0), D(15000), D(0)),
        (D(80000), D(20000), D(78000), D(0), D(0), D(2000)),
        (D(80000), D(20000), D(90000), D(12000), D(0), D(2000)),
        (D(50000), D(0), D(50000), D(0), D(0), D(0)),
    ],
)
def test_final_settlement(
    paid: Decimal, final: Decimal, spent: Decimal, disallowed: Decimal, release: Decimal, to_return: Decimal
) -> None:
    settlement = final_settlement(paid=paid, final_tranche=final, verified_spent=spent, disallowed=disallowed)
    assert (settlement.release, settlement.to_return) == (release, to_return)


@pytest.mark.parametrize(("spent", "disallowed"), [(D(-1), D(0)), (D(10), D(11))])
def test_final_settlement_refuses_bad_amounts(spent: Decimal, disallowed: Decimal) -> None:
    with pytest.raises(RuleError):
        final_settlement(paid=D(0), final_tranche=D(0), verified_spent=spent, disallowed=disallowed)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (D(100), "优"),
        (D(90), "优"),
        (D("89.99"), "良"),
        (D(80), "良"),
        (D("79.99"), "中"),
        (D(60), "中"),
        (D("59.99"), "差"),
        (D(0), "差"),
    ],
)
def test_performance_grade_bands(score: Decimal, grade: str) -> None:
    ruled = performance_grade(score, date(2024, 1, 10))
    assert ruled.value == grade and "财预〔2020〕10号" in ruled.citation


def test_performance_grade_before_the_rule_uses_the_first_bands_and_refuses_bad_scores() -> None:
    assert performance_grade(D(95), date(2019, 1, 1)).value == "优"
    for bad in (D(-1), D("100.01")):
        with pytest.raises(RuleError) as error:
            performance_grade(bad, ON)
        assert error.value.code == "grants.score_invalid"


@pytest.mark.parametrize("score", [D(100), D(90), D("89.99"), D(80), D("79.99"), D(60), D("59.99"), D(0)])
def test_performance_grade_is_the_performance_rule_with_the_grants_error_code(score: Decimal) -> None:
    from opengps.rules import performance

    # one table of bands: the grants grade is the performance grade, citation included
    assert performance_grade(score, ON) == performance.grade(score, ON)
    # a bad score keeps the performance rule's message and parameters under the grants code
    with pytest.raises(RuleError) as error:
        performance_grade(score + 101, ON)
    assert (error.value.code, error.value.params) == ("grants.score_invalid", {"score": str(score + 101)})
    assert error.value.citation == performance.GRADES_SOURCE


# ---------------------------------------------------------------------------------------------
# Transitions and catalogue


def test_every_target_is_a_known_status() -> None:
    for table in grants_flow.TABLES.values():
        for targets in table.values():
            assert targets <= set(table)


@pytest.mark.parametrize(
    ("entity", "current", "target", "allowed"),
    [
        ("grant_round", "draft", "published", True),
        ("grant_round", "notice", "reviewing", True),
        ("grant_round", "decided", "published", False),
        ("grant_application", "draft", "screened_out", True),
        ("grant_application", "screened_out", "eligible", False),
        ("grant_application", "proposed", "disqualified", True),
        ("grant_objection", "upheld", "dismissed", False),
        ("grant_agreement", "active", "stopped", True),
        ("grant_agreement", "closed", "active", False),
        ("grant_tranche", "pending", "released", True),
        ("grant_tranche", "unknown", "released", False),
    ],
)
def test_transitions(entity: str, current: str, target: str, allowed: bool) -> None:
    assert grants_flow.can_transition(entity, current, target) is allowed
    if allowed:
        grants_flow.check_transition(entity, current, target)
    else:
        with pytest.raises(RuleError) as error:
            grants_flow.check_transition(entity, current, target)
        assert error.value.code == "workflow.transition_not_allowed"


def test_grant_rules_are_in_the_catalogue() -> None:
    names = {rule.name for rule in catalog.all_rules()}
    assert {"grants.applicant_eligibility", "grants.fund_within_limit", "grants.performance_grade"} <= names
