"""Framework agreements: the first-stage shortlist (O110 §25, §27, §50) and call-off picks (§32-34)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from opengps.rules import catalog
from opengps.rules.base import RuleError
from opengps.rules.framework import (
    RULES,
    AgreementMember,
    FirstStageBid,
    FirstStageMethod,
    SecondStage,
    call_off_pick,
    first_stage_method,
    shortlist,
)

DAY = date(2026, 5, 1)
PRICE = FirstStageMethod.price_first
QUALITY = FirstStageMethod.quality_first


def bids(*prices: str) -> list[FirstStageBid]:
    return [FirstStageBid(f"S{n}", D(p)) for n, p in enumerate(prices, start=1)]


@pytest.mark.parametrize(
    ("prices", "rate", "cap", "members", "eliminated"),
    [
        # 2 responsive: 20% of 2 = 0.4 → at least one eliminated
        (("100", "90"), None, None, ("S2",), ("S1",)),
        # 5: exactly 20% = 1 (不低于 includes the number)
        (("100", "90", "80", "70", "60"), None, None, ("S5", "S4", "S3", "S2"), ("S1",)),
        # 6: 1.2 → 2 (rounded up)
        (("10", "20", "30", "40", "50", "60"), None, None, ("S1", "S2", "S3", "S4"), ("S5", "S6")),
        # the documents' higher rate: 50% of 4 = 2
        (("10", "20", "30", "40"), Fraction(1, 2), None, ("S1", "S2"), ("S3", "S4")),
        # a cap shortlists fewer than the rate would
        (("10", "20", "30", "40", "50", "60"), None, 2, ("S1", "S2"), ("S3", "S4", "S5", "S6")),
        # a cap above what the rate leaves changes nothing
        (("10", "20", "30"), None, 9, ("S1", "S2"), ("S3",)),
        # equal prices keep the evaluation's order (stable)
        (("10", "20", "20"), None, None, ("S1", "S2"), ("S3",)),
    ],
)
def test_price_first_shortlist(
    prices: tuple[str, ...],
    rate: Fraction | None,
    cap: int | None,
    members: tuple[str, ...],
    eliminated: tuple[str, ...],
) -> None:
    result = shortlist(
        bids(*prices), submitted=len(prices), on_date=DAY, elimination_rate=rate, max_members=cap
    )
    assert (result.value.members, result.value.eliminated) == (members, eliminated)
    assert result.value.cut_value == max(
        D(p) for p, ref in zip(prices, [b.ref for b in bids(*prices)], strict=True) if ref in members
    )
    assert "第二十七条" in result.citation and "第五十条" in result.citation
    assert f"淘汰 {len(eliminated)} 家" in result.note


def test_quality_first_ranks_by_score_and_reports_the_lowest_score() -> None:
    scored = [
        FirstStageBid("A", D("100"), D("80")),
        FirstStageBid("B", D("90"), D("95")),
        FirstStageBid("C", D("80"), D("70")),
        FirstStageBid("D", D("70"), D("88")),
        FirstStageBid("E", D("60"), D("60")),
    ]
    result = shortlist(scored, submitted=5, on_date=DAY, method=QUALITY)
    assert result.value.members == ("B", "D", "A", "C") and result.value.eliminated == ("E",)
    assert result.value.cut_value == D("70")
    # testing and laboratory instruments: at least 40% → 2 of 5
    strict = shortlist(scored, submitted=5, on_date=DAY, method=QUALITY, quality_instruments=True)
    assert strict.value.members == ("B", "D", "A") and strict.value.rate == Fraction(2, 5)
    # the 40% minimum applies only to quality-first
    assert shortlist(scored, submitted=5, on_date=DAY, quality_instruments=True).value.rate == Fraction(1, 5)


@pytest.mark.parametrize(
    ("given", "submitted", "kwargs", "code"),
    [
        (bids("10"), 3, {}, "framework.too_few_responsive"),
        (bids("10", "20"), 1, {}, "framework.too_few_responsive"),
        (bids("10", "20", "30"), 3, {"elimination_rate": Fraction(1, 10)}, "framework.rate_invalid"),
        (bids("10", "20", "30"), 3, {"elimination_rate": Fraction(1)}, "framework.rate_invalid"),
        (
            [FirstStageBid("A", D("1"), D("1")), FirstStageBid("B", D("1"))],
            2,
            {"method": QUALITY, "quality_instruments": True, "elimination_rate": Fraction(1, 5)},
            "framework.rate_invalid",
        ),
        (bids("10", "20", "30"), 3, {"max_members": 0}, "framework.cap_invalid"),
        (
            [FirstStageBid("A", D("1"), D("1")), FirstStageBid("B", D("1"))],
            2,
            {"method": QUALITY},
            "framework.score_missing",
        ),
    ],
)
def test_shortlist_refusals(
    given: list[FirstStageBid], submitted: int, kwargs: dict[str, object], code: str
) -> None:
    with pytest.raises(RuleError) as error:
        shortlist(given, submitted=submitted, on_date=DAY, **kwargs)  # type: ignore[arg-type]
    assert error.value.code == code and "第110号" in error.value.citation


def test_not_before_o110() -> None:
    with pytest.raises(RuleError) as error:
        shortlist(bids("1", "2"), submitted=2, on_date=date(2022, 2, 28))
    assert error.value.code == "rules.not_in_force"


def test_first_stage_method_allowed() -> None:
    assert first_stage_method().value == (PRICE,)
    assert first_stage_method(government_priced=True).value == (PRICE, QUALITY)
    assert first_stage_method(quality_instruments=True).value == (PRICE, QUALITY)
    assert "第二十五条" in first_stage_method().citation


MEMBERS = [
    AgreementMember("A", D("100"), 1),
    AgreementMember("B", D("90"), 2),
    AgreementMember("C", D("90"), 3),
]


@pytest.mark.parametrize(
    ("stage", "history", "chosen", "quotes", "expected", "article"),
    [
        (SecondStage.direct, (), None, None, "B", "第三十二条"),  # lowest agreement price, tie by rank
        (SecondStage.direct, (), "C", None, "C", "第三十二条"),
        (SecondStage.rotation, (), None, None, "A", "第三十四条"),
        (SecondStage.rotation, ("A",), None, None, "B", "第三十四条"),
        (SecondStage.rotation, ("A", "B"), "C", None, "C", "第三十四条"),
        (SecondStage.rotation, ("A", "B", "C"), None, None, "A", "第三十四条"),  # a new round
        (SecondStage.rotation, ("A", "B", "C", "A"), None, None, "B", "第三十四条"),
        (SecondStage.rebid, (), None, {"A": D("80"), "C": D("85")}, "A", "第三十三条"),
    ],
)
def test_call_off_pick(
    stage: SecondStage,
    history: tuple[str, ...],
    chosen: str | None,
    quotes: dict[str, D] | None,
    expected: str,
    article: str,
) -> None:
    result = call_off_pick(stage, MEMBERS, history=history, chosen=chosen, quotes=quotes)
    assert result.value == expected and article in result.citation and result.note


def test_rotation_round_number() -> None:
    assert call_off_pick(SecondStage.rotation, MEMBERS, history=("A", "B", "C")).note == "第 2 轮轮候"


@pytest.mark.parametrize(
    ("stage", "members", "kwargs", "code"),
    [
        (SecondStage.direct, [], {}, "framework.no_members"),
        (SecondStage.direct, MEMBERS, {"chosen": "Z"}, "framework.not_a_member"),
        (SecondStage.rotation, MEMBERS, {"history": ("A",), "chosen": "C"}, "framework.rotation_order"),
        (SecondStage.rebid, MEMBERS, {}, "framework.quotes_missing"),
        (SecondStage.rebid, MEMBERS, {"quotes": {"Z": D("1")}}, "framework.not_a_member"),
        (SecondStage.rebid, MEMBERS, {"quotes": {"A": D("101")}}, "framework.quote_over_agreement_price"),
    ],
)
def test_call_off_refusals(
    stage: SecondStage, members: list[AgreementMember], kwargs: dict[str, object], code: str
) -> None:
    with pytest.raises(RuleError) as error:
        call_off_pick(stage, members, **kwargs)  # type: ignore[arg-type]
    assert error.value.code == code


def test_registered_in_the_catalog() -> None:
    assert "framework" in catalog.MODULES
    names = {rule.name for rule in catalog.all_rules()}
    assert {rule.name for rule in RULES} <= names
    shown = [str(v.value) for rule in RULES for v in rule.values]
    assert any("20%" in text for text in shown) and any("40%" in text for text in shown)
