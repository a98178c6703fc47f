"""Tests of opengps.rules.scoring: deductions, price scores, combining, ranking, flags."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import scoring
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method
from opengps.rules.scoring import (
    Candidate,
    Preferences,
    ScoringPolicy,
    abnormally_low_price,
    combine_member_scores,
    deviating_members,
    evaluated_price,
    price_scores,
    price_weight_range,
    rank,
    replay_draw,
)

D = Decimal
BEFORE = date(2022, 6, 30)
AFTER = date(2022, 7, 1)
SMALL = Preferences(small_micro=True)


# --- evaluated price ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "rate", "expected"),
    [
        pytest.param(BEFORE, "0.06", "94000.00", id="2022-06-30-6pct"),
        pytest.param(BEFORE, "0.10", "90000.00", id="2022-06-30-10pct"),
        pytest.param(AFTER, "0.10", "90000.00", id="2022-07-01-10pct"),
        pytest.param(AFTER, "0.20", "80000.00", id="2022-07-01-20pct"),
        pytest.param(date(2021, 1, 1), "0.08", "92000.00", id="c46-first-day"),
        pytest.param(date(2015, 1, 1), "0.06", "94000.00", id="c181"),
    ],
)
def test_small_micro_deduction(on: date, rate: str, expected: str) -> None:
    result = evaluated_price(D("100000"), SMALL, on, small_micro_rate=D(rate))
    assert result.value == D(expected)
    assert "第九条" in result.citation or "181" in result.citation
    if on >= AFTER:
        assert "2022〕19号" in result.citation


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        pytest.param(BEFORE, "0.12", id="2022-06-30-12pct-too-high"),
        pytest.param(BEFORE, "0.05", id="2022-06-30-5pct-too-low"),
        pytest.param(AFTER, "0.06", id="2022-07-01-6pct-too-low"),
        pytest.param(AFTER, "0.21", id="2022-07-01-21pct-too-high"),
    ],
)
def test_small_micro_rate_out_of_range(on: date, rate: str) -> None:
    with pytest.raises(RuleError) as error:
        evaluated_price(D("100000"), SMALL, on, small_micro_rate=D(rate))
    assert error.value.code == "scoring.deduction_rate_out_of_range"
    assert error.value.citation
    assert "outside" in error.value.message("en")


def test_rate_missing() -> None:
    with pytest.raises(RuleError) as error:
        evaluated_price(D("100000"), SMALL, AFTER)
    assert error.value.code == "scoring.deduction_rate_missing"
    with pytest.raises(RuleError) as error:
        evaluated_price(D("100000"), Preferences(consortium_small_micro_share=D("0.5")), AFTER)
    assert error.value.code == "scoring.deduction_rate_missing"


@pytest.mark.parametrize(
    ("on", "share", "rate", "expected"),
    [
        pytest.param(BEFORE, "0.30", "0.02", "98000.00", id="before-share-exactly-30pct"),
        pytest.param(BEFORE, "0.50", "0.03", "97000.00", id="before-3pct"),
        pytest.param(AFTER, "0.30", "0.04", "96000.00", id="after-4pct"),
        pytest.param(AFTER, "0.30", "0.06", "94000.00", id="after-6pct"),
        pytest.param(AFTER, "0.2999", "0.06", "100000.00", id="share-below-30pct"),
    ],
)
def test_consortium_deduction(on: date, share: str, rate: str, expected: str) -> None:
    prefs = Preferences(consortium_small_micro_share=D(share))
    assert evaluated_price(D("100000"), prefs, on, consortium_rate=D(rate)).value == D(expected)


def test_consortium_rate_range_changes() -> None:
    prefs = Preferences(consortium_small_micro_share=D("0.4"))
    with pytest.raises(RuleError):
        evaluated_price(D("100000"), prefs, BEFORE, consortium_rate=D("0.04"))
    with pytest.raises(RuleError):
        evaluated_price(D("100000"), prefs, AFTER, consortium_rate=D("0.03"))


def test_consortium_control_relation_no_deduction() -> None:
    prefs = Preferences(consortium_small_micro_share=D("0.5"), consortium_control_relation=True)
    assert evaluated_price(D("100000"), prefs, AFTER, consortium_rate=D("0.05")).value == D("100000.00")


@pytest.mark.parametrize(
    ("prefs", "citation_part"),
    [
        pytest.param(Preferences(prison_enterprise=True), "2014〕68号", id="prison"),
        pytest.param(Preferences(disability_welfare_unit=True), "2017〕141号", id="disability"),
    ],
)
def test_treated_as_small_micro(prefs: Preferences, citation_part: str) -> None:
    result = evaluated_price(D("100000"), prefs, AFTER, small_micro_rate=D("0.15"))
    assert result.value == D("85000.00")
    assert citation_part in result.citation


def test_no_double_benefit() -> None:
    # given a small enterprise that also leads a consortium with small members
    prefs = Preferences(small_micro=True, disability_welfare_unit=True, consortium_small_micro_share=D("0.5"))
    result = evaluated_price(D("100000"), prefs, AFTER, small_micro_rate=D("0.10"), consortium_rate=D("0.06"))
    # then only the small/micro deduction applies, once
    assert result.value == D("90000.00")
    assert "不重复" in result.note


def test_social_organization_default_and_configured() -> None:
    prefs = Preferences(small_micro=True, social_organization=True)
    default = evaluated_price(D("100000"), prefs, AFTER, small_micro_rate=D("0.10"))
    assert default.value == D("100000.00")
    assert "[U]" in default.note
    policy = ScoringPolicy(sme_deduction_for_social_organizations=True)
    configured = evaluated_price(D("100000"), prefs, AFTER, small_micro_rate=D("0.10"), policy=policy)
    assert configured.value == D("90000.00")
    assert "[U]" in configured.note


def test_reserved_project_and_no_preference() -> None:
    assert evaluated_price(D("100000"), SMALL, AFTER, reserved_for_sme=True).value == D("100000.00")
    plain = evaluated_price(D("99999.995"), Preferences(), AFTER)
    assert plain.value == D("100000.00")  # ROUND_HALF_UP to the cent
    assert plain.note == "无价格扣除"


@pytest.mark.parametrize(
    ("on", "rate", "expected"),
    [
        pytest.param(BEFORE, "0.05", "95000.00", id="works-before"),
        pytest.param(AFTER, "0.03", "97000.00", id="works-after-unchanged"),
    ],
)
def test_works_deduction(on: date, rate: str, expected: str) -> None:
    assert evaluated_price(D("100000"), SMALL, on, category="works", small_micro_rate=D(rate)).value == D(
        expected
    )


def test_price_must_be_positive_and_in_force() -> None:
    with pytest.raises(RuleError) as error:
        evaluated_price(D("0"), SMALL, AFTER)
    assert error.value.code == "scoring.price_not_positive"
    with pytest.raises(RuleError) as error:
        evaluated_price(D("1"), SMALL, date(2011, 12, 31))
    assert error.value.code == "rules.not_in_force"


# --- price scores -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "weight", "scores"),
    [
        pytest.param("O87", "0.3", {"a": "30.00", "b": "20.00", "c": "27.27"}, id="o87-30pct"),
        pytest.param("C214", "0.1", {"a": "10.00", "b": "6.67", "c": "9.09"}, id="c214-10pct"),
        pytest.param("O87", "1", {"a": "100.00", "b": "66.67", "c": "90.91"}, id="o87-100pct"),
    ],
)
def test_price_scores(formula: scoring.Formula, weight: str, scores: dict[str, str]) -> None:
    prices = {"a": D("90000"), "b": D("135000"), "c": D("99000")}
    result = price_scores(prices, D(weight), formula)
    assert {k: v.value for k, v in result.items()} == {k: D(v) for k, v in scores.items()}
    assert all(v.citation for v in result.values())


def test_price_scores_half_up() -> None:
    # 100/160×100×0.1 = 6.25 exactly; 100/240×100×0.1 = 4.1666… → 4.17
    result = price_scores({"a": D("100"), "b": D("160"), "c": D("240")}, D("0.1"), "O87")
    assert result["b"].value == D("6.25") and result["c"].value == D("4.17")
    # 90/800×100×0.1 = 1.125 → 1.13 (half up; banker's rounding would give 1.12)
    assert price_scores({"a": D("90"), "b": D("800")}, D("0.1"))["b"].value == D("1.13")


@pytest.mark.parametrize(
    ("formula", "category", "weight", "ok"),
    [
        pytest.param("O87", "services", "0.10", True, id="o87-services-10pct"),
        pytest.param("O87", "services", "0.09", False, id="o87-services-9pct"),
        pytest.param("O87", "goods", "0.29", False, id="o87-goods-29pct"),
        pytest.param("O87", "goods", "0.30", True, id="o87-goods-30pct"),
        pytest.param("C214", "services", "0.30", True, id="c214-services-30pct"),
        pytest.param("C214", "services", "0.31", False, id="c214-services-31pct"),
        pytest.param("C214", "goods", "0.60", True, id="c214-goods-60pct"),
        pytest.param("C214", "goods", "0.61", False, id="c214-goods-61pct"),
        pytest.param("O87", "services", "0", False, id="zero"),
        pytest.param("O87", "services", "1.01", False, id="above-one"),
    ],
)
def test_weight_ranges(formula: scoring.Formula, category: str, weight: str, ok: bool) -> None:
    prices = {"a": D("100")}
    if ok:
        assert price_scores(prices, D(weight), formula, category=category)["a"].value > 0
    else:
        with pytest.raises(RuleError) as error:
            price_scores(prices, D(weight), formula, category=category)
        assert error.value.code == "scoring.weight_out_of_range"
        assert error.value.params["formula"] == formula


def test_c214_weight_with_finance_approval() -> None:
    assert price_scores({"a": D("1")}, D("0.5"), "C214", weight_approved_by_finance=True)["a"].value == D(
        "50.00"
    )
    with pytest.raises(RuleError):
        price_scores({"a": D("1")}, D("0.05"), "O87", weight_approved_by_finance=True)


def test_price_scores_edge_cases() -> None:
    assert price_scores({}, D("0.3")) == {}
    with pytest.raises(RuleError) as error:
        price_scores({"a": D("0")}, D("0.3"))
    assert error.value.code == "scoring.price_not_positive"
    with pytest.raises(RuleError) as error:
        price_scores({"a": D("1")}, D("0.3"), "O87", category="works")
    assert error.value.code == "scoring.formula_not_applicable"
    assert price_weight_range("C214", "services", date(2020, 1, 1)).value == (D("0.10"), D("0.30"))


# --- combining members -------------------------------------------------------------------------


def test_combine_mean_and_weights() -> None:
    members = {
        "m1": {"tech": D("80"), "service": D("70")},
        "m2": {"tech": D("90"), "service": D("60")},
        "m3": {"tech": D("85"), "service": D("65")},
    }
    assert combine_member_scores(members).value == D("150.00")
    weighted = combine_member_scores(members, factor_weights={"tech": D("0.6"), "service": D("0.4")})
    assert weighted.value == D("77.00")
    assert "[U]" in weighted.note
    median = combine_member_scores(
        {"m1": {"t": D("10")}, "m2": {"t": D("11")}, "m3": {"t": D("40")}},
        policy=ScoringPolicy(combine="median"),
    )
    assert median.value == D("11.00")
    assert combine_member_scores({"m1": {"t": D("1")}, "m2": {"t": D("2")}, "m3": {"t": D("2")}}).value == D(
        "1.67"
    )


@pytest.mark.parametrize(
    ("members", "weights", "code"),
    [
        pytest.param({}, None, "scoring.no_members", id="empty"),
        pytest.param({"m1": {"a": D(1)}, "m2": {"b": D(1)}}, None, "scoring.factor_mismatch", id="mismatch"),
        pytest.param({"m1": {"a": D(1)}}, {"a": D("0.9")}, "scoring.factor_weights_invalid", id="sum"),
        pytest.param({"m1": {"a": D(1)}}, {"b": D("1")}, "scoring.factor_weights_invalid", id="keys"),
    ],
)
def test_combine_errors(
    members: dict[str, dict[str, Decimal]], weights: dict[str, Decimal] | None, code: str
) -> None:
    with pytest.raises(RuleError) as error:
        combine_member_scores(members, factor_weights=weights)
    assert error.value.code == code


# --- ranking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "order", "decided"),
    [
        pytest.param(
            [
                Candidate("a", D("100"), D("80")),
                Candidate("b", D("90"), D("85")),
                Candidate("c", D("80"), D("70")),
            ],
            ("b", "a", "c"),
            ("score", "score", "score"),
            id="by-score",
        ),
        pytest.param(
            [Candidate("a", D("100"), D("85")), Candidate("b", D("90"), D("85"))],
            ("b", "a"),
            ("price", "price"),
            id="tie-on-score-lower-price-first",
        ),
        pytest.param(
            [
                Candidate("a", D("90"), D("85"), documents_tiebreak=2),
                Candidate("b", D("90"), D("85"), documents_tiebreak=1),
            ],
            ("b", "a"),
            ("documents", "documents"),
            id="tie-on-score-and-price-documents",
        ),
        pytest.param(
            [
                Candidate("a", D("90"), D("85")),
                Candidate("b", D("90"), D("85"), industry_association=True),
            ],
            ("b", "a"),
            ("industry_association", "industry_association"),
            id="tie-industry-association",
        ),
        pytest.param(
            [
                Candidate("a", D("90"), D("85"), documents_tiebreak=1),
                Candidate("b", D("90"), D("85"), industry_association=True),
            ],
            ("b", "a"),
            ("industry_association", "industry_association"),
            id="documents-silent-for-one-skipped",
        ),
    ],
)
def test_rank_by_score(candidates: list[Candidate], order: tuple[str, ...], decided: tuple[str, ...]) -> None:
    ranking = rank(candidates)
    assert ranking.order == order
    assert tuple(r.decided_by for r in ranking.ranked) == decided
    assert [r.position for r in ranking.ranked] == list(range(1, len(order) + 1))
    assert ranking.basis == "score" and "第五十七条" in ranking.citation
    assert ranking.draws == ()


def test_rank_draw_is_recorded_and_replayable() -> None:
    tied = [Candidate(x, D("90"), D("85")) for x in ("c", "a", "b")]
    first = rank(tied, seed="2024-05-01/项目001")
    assert len(first.draws) == 1
    draw = first.draws[0]
    assert draw.tied == ("a", "b", "c")
    assert draw.order == first.order
    assert replay_draw(draw) == draw.order
    assert {r.decided_by for r in first.ranked} == {"draw"}
    # the same seed gives the same order whatever the input order
    assert rank(list(reversed(tied)), seed="2024-05-01/项目001").order == first.order
    with pytest.raises(RuleError) as error:
        rank(tied)
    assert error.value.code == "scoring.draw_seed_required"
    assert error.value.params["tied"] == ["a", "b", "c"]


def test_industry_association_priority_can_be_switched_off() -> None:
    candidates = [
        Candidate("a", D("90"), D("85")),
        Candidate("b", D("90"), D("85"), industry_association=True),
    ]
    ranking = rank(candidates, seed="s", policy=ScoringPolicy(industry_association_priority=False))
    assert ranking.draws and "湘财综〔2022〕28号" not in ranking.citation


@pytest.mark.parametrize(
    ("method", "lowest_price", "citation"),
    [
        pytest.param(Method.competitive_negotiation, False, "第三十五条", id="negotiation"),
        pytest.param(Method.request_for_quotation, False, "第四十八条", id="quotation"),
        pytest.param(Method.open_tender, True, "第五十六条", id="lowest-evaluated-price"),
        pytest.param(Method.framework_agreement, False, "第五十六条", id="framework"),
    ],
)
def test_rank_by_price(method: Method, lowest_price: bool, citation: str) -> None:
    candidates = (
        [
            Candidate("a", D("100"), D("99")),
            Candidate("b", D("90"), D("10")),
            Candidate("c", D("95")),
        ]
        if method is not Method.open_tender
        else [
            Candidate("a", D("100")),
            Candidate("b", D("90")),
            Candidate("c", D("95")),
        ]
    )
    ranking = rank(candidates, method=method, lowest_price=lowest_price)
    assert ranking.basis == "price"
    assert ranking.order == ("b", "c", "a")
    assert citation in ranking.citation
    assert ranking.reasons == ()


def test_rank_price_ties_and_too_few() -> None:
    ranking = rank(
        [Candidate("a", D("90")), Candidate("b", D("90"), industry_association=True)],
        method=Method.competitive_negotiation,
    )
    assert ranking.order == ("b", "a")
    assert ranking.reasons[0].code == "scoring.fewer_than_three_candidates"


def test_rank_consultation_technical_tiebreak() -> None:
    candidates = [
        Candidate("a", D("90"), D("85"), technical_score=D("40")),
        Candidate("b", D("90"), D("85"), technical_score=D("45")),
    ]
    ranking = rank(candidates, method=Method.competitive_consultation)
    assert ranking.order == ("b", "a")
    assert ranking.ranked[0].decided_by == "technical"
    assert "第二十四条" in ranking.citation


@pytest.mark.parametrize(
    ("candidates", "method", "code"),
    [
        pytest.param(
            [Candidate("a", D("1"))], Method.open_tender, "scoring.total_score_missing", id="no-score"
        ),
        pytest.param(
            [Candidate("a", D("1"), D("1")), Candidate("a", D("2"), D("1"))],
            Method.open_tender,
            "scoring.duplicate_bidder",
            id="duplicate",
        ),
        pytest.param(
            [Candidate("a", D("1"))], Method.single_source, "scoring.rank_not_applicable", id="single"
        ),
        pytest.param([Candidate("a", D("1"))], Method.emall, "scoring.rank_not_applicable", id="emall"),
    ],
)
def test_rank_errors(candidates: list[Candidate], method: Method, code: str) -> None:
    with pytest.raises(RuleError) as error:
        rank(candidates, method=method)
    assert error.value.code == code


def test_rank_empty() -> None:
    assert rank([]).ranked == ()


# --- flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "others", "flagged"),
    [
        pytest.param("80", ["100", "100"], False, id="exactly-80pct-of-mean"),
        pytest.param("79.99", ["100", "100"], True, id="below-80pct"),
        pytest.param("50", [], False, id="no-others"),
    ],
)
def test_abnormally_low_price(price: str, others: list[str], flagged: bool) -> None:
    reason = abnormally_low_price(D(price), [D(o) for o in others])
    assert (reason is not None) is flagged
    if reason is not None:
        assert reason.severity == "flag" and "第六十条" in reason.citation and "[U]" in reason.message_zh


def test_abnormally_low_price_configurable() -> None:
    assert (
        abnormally_low_price(D("60"), [D("100")], policy=ScoringPolicy(abnormal_low_ratio=D("0.5"))) is None
    )


def test_deviating_members() -> None:
    scores = {
        "m1": {"a": D("80"), "b": D("70")},
        "m2": {"a": D("82"), "b": D("72")},
        "m3": {"a": D("30"), "b": D("95")},
        "m4": {"a": D("81")},
    }
    flagged = deviating_members(scores)
    assert [(f.member, f.bidder) for f in flagged] == [("m3", "a"), ("m3", "b")]
    assert flagged[0].reason.message_en.count("low") == 1
    assert "high" in flagged[1].reason.message_en
    assert flagged[0].others_mean == D("81.00")
    # two members only: nothing to compare against
    assert deviating_members({"m1": {"a": D("10")}, "m2": {"a": D("90")}}) == ()
    assert deviating_members(scores, policy=ScoringPolicy(deviation_ratio=D("1"))) == ()


def test_rules_listing() -> None:
    names = [info.name for info in scoring.RULES]
    assert "scoring.evaluated_price" in names and "scoring.rank" in names
    deduction = scoring.RULES[0]
    after = [v for v in deduction.values if v.effective_from == AFTER]
    assert any("10%–20%" in str(v.value) and "4%–6%" in str(v.value) for v in after)
    assert any(v.confidence == "U" for v in deduction.values)
