"""Performance rules: grades, templates, scoring guides, composite, the credit loop, experts' conduct."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from opengps.rules import calendar, catalog
from opengps.rules.base import RuleError
from opengps.rules.performance import (
    GRADE_BANDS,
    CreditPolicy,
    GuideBand,
    HistoryFact,
    IndicatorSpec,
    combine_sources,
    composite,
    conduct_problems,
    credit_consequences,
    expert_conduct_deadline,
    grade,
    grade_bands_text,
    indicator_score,
    is_failure,
    leaf_weights,
    round_score,
    satisfaction_score,
    validate_source_weights,
    validate_template,
)

D = Decimal
ON = date(2025, 6, 30)

TEMPLATE = (
    IndicatorSpec("output", "产出", D(60)),
    IndicatorSpec("quantity", "数量", D(50), "output"),
    IndicatorSpec("quality", "质量", D(50), "output"),
    IndicatorSpec(
        "quality.a", "达标率", D(40), "quality", guide=(GuideBand(D(95), D(100)), GuideBand(D(80), D(70)))
    ),
    IndicatorSpec("quality.b", "投诉", D(60), "quality"),
    IndicatorSpec("benefit", "效益", D(30)),
    IndicatorSpec("satisfaction", "满意度", D(10), survey=True),
)
WEIGHTS = {"self": D(10), "purchaser": D(50), "third_party": D(40)}


# ---------------------------------------------------------------------------------------------
# Grades


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (D("100"), "优"),
        (D("90"), "优"),
        (D("89.99"), "良"),
        (D("80"), "良"),
        (D("79.99"), "中"),
        (D("60"), "中"),
        (D("59.99"), "差"),
        (D("0"), "差"),
    ],
)
def test_grade_bands(score: Decimal, expected: str) -> None:
    ruled = grade(score, ON)
    assert ruled.value == expected
    assert "财预〔2020〕10号" in ruled.citation


@pytest.mark.parametrize("score", [D("-0.01"), D("100.01")])
def test_grade_refuses_scores_outside_0_100(score: Decimal) -> None:
    with pytest.raises(RuleError) as err:
        grade(score, ON)
    assert err.value.code == "performance.score_invalid"


def test_grade_before_the_bands_uses_the_first_bands() -> None:
    assert grade(D(75), date(2010, 1, 1)).value == "中"


# ---------------------------------------------------------------------------------------------
# Templates


def test_a_valid_template_lists_its_leaves_in_order() -> None:
    assert validate_template(TEMPLATE) == ("quantity", "quality.a", "quality.b", "benefit", "satisfaction")


def _spec(code: str, weight: str, parent: str | None = None, **kw: object) -> IndicatorSpec:
    return IndicatorSpec(code, code, D(weight), parent, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("specs", "code", "params"),
    [
        ((), "performance.template_empty", {}),
        ((_spec("a", "100"), _spec("a", "100")), "performance.duplicate_code", {"code": "a"}),
        ((_spec("a", "100"), _spec("b", "100", "x")), "performance.unknown_parent", {"code": "b"}),
        ((_spec("a", "100"), _spec("b", "0", "a")), "performance.weight_invalid", {"code": "b"}),
        (
            (_spec("a", "100"), _spec("b", "100", "a"), _spec("c", "100", "b"), _spec("d", "100", "c")),
            "performance.too_deep",
            {"code": "d"},
        ),
        (
            (_spec("a", "60"), _spec("b", "30")),
            "performance.weights_not_100",
            {"group": "", "total": "90"},
        ),
        (
            (_spec("a", "100"), _spec("b", "60", "a"), _spec("c", "50", "a")),
            "performance.weights_not_100",
            {"group": "a", "total": "110"},
        ),
        (
            (_spec("a", "100", guide=(GuideBand(D(1), D(101)),)),),
            "performance.guide_points_invalid",
            {"code": "a"},
        ),
        (
            (_spec("a", "100", guide=(GuideBand(D(1), D(50)), GuideBand(D(1), D(40)))),),
            "performance.guide_order_invalid",
            {"code": "a"},
        ),
        ((_spec("a", "100", survey=True),), "performance.no_scored_leaf", {}),
    ],
    ids=[
        "empty",
        "duplicate",
        "unknown-parent",
        "zero-weight",
        "four-levels",
        "top-level-90",
        "children-110",
        "guide-points",
        "guide-order",
        "only-survey",
    ],
)
def test_template_refusals_have_clear_codes(
    specs: tuple[IndicatorSpec, ...], code: str, params: dict[str, object]
) -> None:
    with pytest.raises(RuleError) as err:
        validate_template(specs)
    assert err.value.code == code
    assert err.value.params == params
    assert err.value.message_zh and err.value.message_en


def test_weights_refusal_names_the_total_in_chinese() -> None:
    with pytest.raises(RuleError) as err:
        validate_template((_spec("a", "60"), _spec("b", "30")))
    assert "权重合计为 90" in err.value.message_zh and "应为 100" in err.value.message_zh


def test_a_parent_cycle_is_refused_as_too_deep() -> None:
    with pytest.raises(RuleError) as err:
        validate_template((_spec("a", "100", "b"), _spec("b", "100", "a")))
    assert err.value.code == "performance.too_deep"


def test_leaf_weights_multiply_along_the_path() -> None:
    assert leaf_weights(TEMPLATE) == {
        "quantity": D(30),
        "quality.a": D(12),
        "quality.b": D(18),
        "benefit": D(30),
        "satisfaction": D(10),
    }
    assert sum(leaf_weights(TEMPLATE).values()) == D(100)


@pytest.mark.parametrize(
    ("measured", "points", "note"),
    [(D(99), D(100), ""), (D(95), D(100), ""), (D(80), D(70), ""), (D("79.9"), D(0), "below every band")],
)
def test_indicator_score_from_a_guide(measured: Decimal, points: Decimal, note: str) -> None:
    guide = (GuideBand(D(95), D(100)), GuideBand(D(80), D(70)))
    ruled = indicator_score(guide, measured)
    assert (ruled.value, ruled.note) == (points, note)


# ---------------------------------------------------------------------------------------------
# Sources and composite


@pytest.mark.parametrize(
    "weights",
    [
        WEIGHTS,
        {"purchaser": D(100)},
        {"self": D(0), "purchaser": D(60), "third_party": D(40)},
    ],
)
def test_source_weights_summing_to_100_are_accepted(weights: dict[str, Decimal]) -> None:
    # given the parties of the composite evaluation other than the recipients (heard through
    # satisfaction), each weighted >= 0 and together 100 (seed 003; RULES §10)
    # when they are checked (a refusal raises RuleError)
    validate_source_weights(weights)
    # then they make a weighted mean: parties who agree give that very score
    assert combine_sources(dict.fromkeys(weights, D("77.5")), weights) == D("77.5")


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ({"self": D(50), "purchaser": D(40)}, "performance.weights_not_100"),
        ({"recipients": D(100)}, "performance.source_unknown"),
        ({"boss": D(100)}, "performance.source_unknown"),
        ({"self": D(-10), "purchaser": D(110)}, "performance.weight_invalid"),
    ],
)
def test_source_weights_refused(weights: dict[str, Decimal], code: str) -> None:
    with pytest.raises(RuleError) as err:
        validate_source_weights(weights)
    assert err.value.code == code


def test_combine_sources_rescales_missing_parties() -> None:
    assert combine_sources({"purchaser": D(80), "third_party": D(90)}, WEIGHTS) == D(80) * D(50) / D(90) + D(
        90
    ) * D(40) / D(90)
    assert combine_sources({"self": D(100), "purchaser": D(80), "third_party": D(90)}, WEIGHTS) == D(86)


def test_combine_sources_needs_a_weighted_party() -> None:
    with pytest.raises(RuleError) as err:
        combine_sources({"self": D(90)}, {"self": D(0), "purchaser": D(100)})
    assert err.value.code == "performance.no_scores"


def test_satisfaction_is_the_mean_of_answer_points() -> None:
    assert satisfaction_score([5, 4, 3, 1], ON).value == D(240) / 4
    with pytest.raises(RuleError) as err:
        satisfaction_score([], ON)
    assert err.value.code == "performance.no_responses"
    with pytest.raises(RuleError) as err:
        satisfaction_score([5, 6], ON)
    assert err.value.code == "performance.answer_invalid"


def _scores(q: str, a: str, b: str, benefit: str) -> dict[str, Decimal]:
    return {"quantity": D(q), "quality.a": D(a), "quality.b": D(b), "benefit": D(benefit)}


def test_composite_equals_an_independent_calculation() -> None:
    parties = {
        "self": _scores("100", "100", "95", "90"),
        "purchaser": _scores("90", "70", "85.5", "80"),
        "third_party": _scores("85", "70", "80", "77.25"),
    }
    result = composite(TEMPLATE, parties, WEIGHTS, D("83.333"), ON)
    # by hand: each leaf 10/50/40 over the parties, then 30/12/18/30/10 shares
    quantity = (D(100) * 10 + D(90) * 50 + D(85) * 40) / 100
    qa = (D(100) * 10 + D(70) * 50 + D(70) * 40) / 100
    qb = (D(95) * 10 + D("85.5") * 50 + D(80) * 40) / 100
    benefit = (D(90) * 10 + D(80) * 50 + D("77.25") * 40) / 100
    raw = (quantity * 30 + qa * 12 + qb * 18 + benefit * 30 + D("83.333") * 10) / 100
    assert result.score == raw.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert result.grade == grade(result.score, ON).value
    assert result.leaves["satisfaction"] == D("83.333")
    assert "《对省十四届人大二次会议第0258号建议的答复》（2024年）" in result.citation
    assert "种子文件" not in result.citation and "RULES" not in result.citation


def test_composite_rounds_half_up_once() -> None:
    specs = (_spec("a", "100"),)
    assert composite(specs, {"purchaser": {"a": D("89.995")}}, WEIGHTS, None, ON).score == D("90.00")
    assert composite(specs, {"purchaser": {"a": D("89.995")}}, WEIGHTS, None, ON).grade == "优"
    assert round_score(D("0.005")) == D("0.01")


@pytest.mark.parametrize(
    ("parties", "satisfaction", "code"),
    [
        ({"purchaser": _scores("90", "90", "90", "90")}, None, "performance.no_responses"),
        ({"purchaser": _scores("90", "90", "90", "90")}, D(101), "performance.score_invalid"),
        ({"purchaser": {"quantity": D(90)}}, D(90), "performance.score_missing"),
        ({"purchaser": _scores("90", "90", "190", "90")}, D(90), "performance.score_invalid"),
        ({}, D(90), "performance.no_scores"),
    ],
    ids=["no-survey", "survey-out-of-range", "missing-leaf", "leaf-out-of-range", "no-party"],
)
def test_composite_refusals(
    parties: dict[str, dict[str, Decimal]], satisfaction: Decimal | None, code: str
) -> None:
    with pytest.raises(RuleError) as err:
        composite(TEMPLATE, parties, WEIGHTS, satisfaction, ON)
    assert err.value.code == code


def test_composite_refuses_bad_source_weights() -> None:
    with pytest.raises(RuleError) as err:
        composite(TEMPLATE, {}, {"purchaser": D(90)}, D(90), ON)
    assert err.value.code == "performance.weights_not_100"


# ---------------------------------------------------------------------------------------------
# Credit loop


POLICY = CreditPolicy(frozenset({"差"}), 2, 3)


@pytest.mark.parametrize(
    ("fact", "failure"),
    [
        (HistoryFact(ON, "grade", "差"), True),
        (HistoryFact(ON, "grade", "中"), False),
        (HistoryFact(ON, "acceptance_failed"), True),
        (HistoryFact(ON, "terminated"), True),
    ],
)
def test_what_counts_as_a_failure(fact: HistoryFact, failure: bool) -> None:
    assert is_failure(fact, POLICY) is failure


@pytest.mark.parametrize(
    ("history", "flag", "recommend", "failures"),
    [
        ([HistoryFact(ON, "grade", "良")], False, False, 0),
        ([HistoryFact(ON, "grade", "差")], True, False, 1),
        ([HistoryFact(date(2024, 1, 5), "acceptance_failed"), HistoryFact(ON, "grade", "差")], True, True, 2),
        # the older failure lies outside the three-year window
        ([HistoryFact(date(2022, 6, 30), "terminated"), HistoryFact(ON, "grade", "差")], True, False, 1),
        # two failures, but the newest entry is a pass: nothing new to decide
        (
            [
                HistoryFact(date(2024, 1, 5), "terminated"),
                HistoryFact(date(2024, 3, 5), "grade", "差"),
                HistoryFact(ON, "grade", "优"),
            ],
            False,
            False,
            2,
        ),
    ],
    ids=["pass", "first-failure", "second-failure", "outside-window", "latest-pass"],
)
def test_credit_consequences(history: list[HistoryFact], flag: bool, recommend: bool, failures: int) -> None:
    decision = credit_consequences(history[-1], history, ON)
    assert (decision.flag, decision.recommend_listing, decision.failures) == (flag, recommend, failures)
    codes = [r.code for r in decision.reasons]
    assert ("performance.flagged" in codes) is flag
    assert ("performance.recommend_listing" in codes) is recommend
    assert all("财综〔2014〕96号" in r.citation for r in decision.reasons)


def test_credit_policy_is_configurable_and_handles_29_february() -> None:
    strict = CreditPolicy(frozenset({"差", "中"}), 1, 1)
    leap = date(2024, 2, 29)
    decision = credit_consequences(
        HistoryFact(leap, "grade", "中"), [HistoryFact(leap, "grade", "中")], leap, strict
    )
    assert decision.flag and decision.recommend_listing


# ---------------------------------------------------------------------------------------------
# Experts' conduct


def test_expert_conduct_deadline_is_five_working_days() -> None:
    ended = date(2025, 9, 26)  # a Friday before the National Day holiday
    ruled = expert_conduct_deadline(ended)
    assert ruled.value == calendar.add_working_days(ended, 5)
    assert calendar.working_days_between(ended, ruled.value) == 5
    assert "第六十二条" in ruled.citation
    assert expert_conduct_deadline(ended, date(2025, 9, 27)).value == ruled.value


@pytest.mark.parametrize(
    ("rating", "note", "codes"),
    [
        ("good", "", []),
        ("fair", "", []),
        ("poor", "  ", ["expert_conduct.note_required"]),
        ("poor", "评审中发表倾向性意见", []),
        ("bad", "x", ["expert_conduct.rating_invalid"]),
    ],
)
def test_conduct_problems(rating: str, note: str, codes: list[str]) -> None:
    assert [r.code for r in conduct_problems(rating, note)] == codes


def test_rules_listed_in_the_catalog() -> None:
    names = {r.name for r in catalog.all_rules()}
    assert {
        "performance.grade",
        "performance.validate_template",
        "performance.composite",
        "performance.credit_consequences",
        "performance.expert_conduct_deadline",
    } <= names
    assert catalog.evaluate("performance.grade", ["88.5", "2025-01-01"]).value == "良"


def test_grade_bands_text_lists_each_grade_with_its_lower_bound() -> None:
    assert grade_bands_text(GRADE_BANDS[0].value) == "优 ≥90；良 ≥80；中 ≥60；差 ≥0"
