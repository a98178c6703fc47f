"""Issue 14: works tendering, forward postponement, complaint rules since 2003, unknown formulas, and
the procedural periods (prequalification, should-have-known, complaint clock, 2-supplier
negotiation, intention phase-in, framework periods, major illegal records).

Every expected value is worked out from the article and the State Council holiday notices
(2025: 清明 04-04..04-06, 劳动节 05-01..05-05, 国庆中秋 10-01..10-08 with 10-11 a make-up working
Saturday), not from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import catalog, deadlines, eligibility
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import ClockStop, ClockStopReason
from opengps.rules.eligibility import OrganizationFacts, PenaltyFact, PenaltyKind, supplier_eligibility
from opengps.rules.methods import PurchaseFacts, allowed_methods, decision_for
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import (
    NextStep,
    check_prequalification_deadline,
    negotiation_minimum,
    opening_outcome,
    postponed_deadline,
)
from opengps.rules.scoring import price_weight_range

D = date.fromisoformat
WAN = Decimal(10000)


# --- 1. works at or above the tendering threshold must be tendered ---------------------------


@pytest.mark.parametrize(
    ("amount_wan", "facts", "method", "allowed", "code"),
    [
        pytest.param(
            500,
            PurchaseFacts(complex_or_unspecifiable=True),
            Method.competitive_negotiation,
            False,
            "methods.works_must_be_tendered",
            id="GPL§4 TL§3 必须招标规定§5 works 500万 complex → no 竞争性谈判",
        ),
        pytest.param(
            500,
            PurchaseFacts(complex_or_unspecifiable=True),
            Method.competitive_consultation,
            False,
            "methods.works_must_be_tendered",
            id="C214§3(5) works 500万 complex → no 竞争性磋商",
        ),
        pytest.param(
            400,
            PurchaseFacts(urgent=True, two_responsive_after_open_tender=True),
            Method.competitive_negotiation,
            False,
            "methods.works_must_be_tendered",
            id="必须招标规定§5 works exactly 400万 (以上 includes) urgent → no 谈判",
        ),
        pytest.param(
            500,
            PurchaseFacts(only_one_supplier=True),
            Method.single_source,
            False,
            "methods.works_must_be_tendered",
            id="O74§3(4) works 500万 → no 单一来源",
        ),
        pytest.param(
            300,
            PurchaseFacts(complex_or_unspecifiable=True),
            Method.competitive_negotiation,
            True,
            "methods.complex_or_unspecifiable",
            id="O74§3(4) works 300万 need not be tendered → 谈判 allowed",
        ),
        pytest.param(
            300,
            PurchaseFacts(),
            Method.competitive_consultation,
            True,
            "methods.works_not_tendered",
            id="C214§3(5) works 300万 need not be tendered → 磋商 allowed",
        ),
    ],
)
def test_works_tendering(
    amount_wan: int, facts: PurchaseFacts, method: Method, allowed: bool, code: str
) -> None:
    decisions = allowed_methods(Decimal(amount_wan) * WAN, "works", facts, D("2025-06-01"))
    decision = decision_for(decisions, method)
    assert decision.allowed is allowed
    assert decision.reasons[0].code == code
    if not allowed:
        assert "招标投标法 第三条" in decision.reasons[0].citation
        assert "政府采购法 第四条" in decision.reasons[0].citation
        assert decision_for(decisions, Method.open_tender).required


def test_services_complex_above_threshold_still_negotiate_with_approval() -> None:
    decision = decision_for(
        allowed_methods(
            Decimal(300) * WAN, "services", PurchaseFacts(complex_or_unspecifiable=True), D("2025-06-01")
        ),
        Method.competitive_negotiation,
    )
    assert decision.allowed and decision.approval_needed  # GPL §30(二), IR §23


# --- 2. postponement counted forward ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "published", "deadline", "expected", "citation"),
    [
        pytest.param(
            "open_tender",
            "2025-10-09",
            "2025-10-20",
            "2025-10-24",
            "财政部令第87号 第二十七条",
            id="O87§27 15 days from 10-09 = Fri 10-24",
        ),
        pytest.param(
            "open_tender",
            "2025-03-07",
            "2025-03-20",
            "2025-03-24",
            "民法典 第二百零一条、第二百零三条",
            id="O87§27 民法典§203 03-07+15 = Sat 03-22 → Mon 03-24",
        ),
        pytest.param(
            "open_tender",
            "2025-09-16",
            "2025-09-30",
            "2025-10-09",
            "财政部令第87号 第二十七条",
            id="O87§27 民法典§203 09-16+15 = 10-01 holiday → 10-09",
        ),
        pytest.param(
            "open_tender",
            "2025-03-05",
            "2025-03-20",
            None,
            "",
            id="O87§27 exactly 15 days before → not postponed",
        ),
        pytest.param(
            "competitive_consultation",
            "2025-03-06",
            "2025-03-10",
            "2025-03-11",
            "财库〔2014〕214号 第十条",
            id="C214§10 5 days from Thu 03-06 = Tue 03-11",
        ),
        pytest.param(
            "competitive_negotiation",
            "2025-03-06",
            "2025-03-10",
            "2025-03-11",
            "财政部令第74号 第二十九条",
            id="O74§29 3 working days after Thu 03-06 = Tue 03-11",
        ),
        pytest.param(
            "framework_agreement",
            "2025-04-18",
            "2025-04-28",
            "2025-05-06",
            "财政部令第110号 第九条",
            id="O110§49 04-18+15 = 05-03 May Day → 05-06",
        ),
    ],
)
def test_postponed_deadline_counts_forward(
    method: str, published: str, deadline: str, expected: str | None, citation: str
) -> None:
    ruled = postponed_deadline(method, D(published), D(deadline))
    if expected is None:
        assert ruled is None
        return
    assert ruled is not None
    assert ruled.value == D(expected)
    assert citation in ruled.citation


# --- 3. complaint rules since 2003 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "start", "on_date", "expected", "citation"),
    [
        pytest.param(
            deadlines.complaint_decision_deadline,
            "2016-03-01",
            "2016-03-01",
            # 30 working days after Tue 2016-03-01 (清明 2016-04-04 off): Wed 2016-04-13
            "2016-04-13",
            "政府采购法 第五十六条；民法通则 第一百五十四条",
            id="GPL§56 complaint decided in 30 working days (2016)",
        ),
        pytest.param(
            deadlines.suspension_end_latest,
            "2010-03-01",
            "2010-03-01",
            # 2010-03-01 + 30 = Wed 2010-03-31
            "2010-03-31",
            "政府采购法 第五十七条；民法通则 第一百五十四条",
            id="GPL§57 suspension at most 30 days (2010)",
        ),
        pytest.param(
            deadlines.complaint_decision_deadline,
            "2025-03-03",
            "2025-03-03",
            "2025-04-15",
            "政府采购法 第五十六条；财政部令第94号 第二十六条",
            id="GPL§56 O94§26 complaint decided in 30 working days (2025)",
        ),
        pytest.param(
            deadlines.suspension_end_latest,
            "2025-03-03",
            "2025-03-03",
            "2025-04-02",
            "政府采购法 第五十七条；财政部令第94号 第二十八条",
            id="GPL§57 O94§28 suspension at most 30 days (2025)",
        ),
    ],
)
def test_complaint_rules_before_o94(
    function: Callable[..., Ruled[date]], start: str, on_date: str, expected: str, citation: str
) -> None:
    ruled = function(D(start), on_date=D(on_date))
    assert ruled.value == D(expected)
    assert ruled.citation.startswith(citation)


# --- 4. unknown formula ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    [pytest.param("o87", id="O87§55 lower-case o87 is unknown"), pytest.param("X1", id="O87§55 X1")],
)
def test_unknown_formula_lists_the_known_ones(formula: str) -> None:
    with pytest.raises(RuleError) as caught:
        price_weight_range(formula)  # type: ignore[arg-type]
    assert caught.value.code == "scoring.formula_unknown"
    assert "未知的价格分公式" in caught.value.message_zh
    assert "C214" in caught.value.message_zh and "O87" in caught.value.message_zh
    assert caught.value.params["known"] == ["C214", "O87"]


# --- prequalification --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("announced", "expected"),
    [
        pytest.param("2025-03-03", "2025-03-10", id="IR§21 5 working days after Mon 03-03 = Mon 03-10"),
        # 09-30 (1), 10-09 (2), 10-10 (3), Sat 10-11 make-up (4), 10-13 (5)
        pytest.param("2025-09-29", "2025-10-13", id="IR§21 O87§16 across National Day → 10-13"),
    ],
)
def test_prequalification_period(announced: str, expected: str) -> None:
    ruled = deadlines.earliest_prequalification_deadline(D(announced))
    assert ruled.value == D(expected)
    assert "政府采购法实施条例 第二十一条" in ruled.citation
    assert check_prequalification_deadline(D(announced), D(expected)).value == D(expected)


def test_prequalification_too_short_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        check_prequalification_deadline(D("2025-03-03"), D("2025-03-07"))
    assert caught.value.code == "procurement.prequalification_too_short"
    assert caught.value.params["earliest"] == "2025-03-10"


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        pytest.param("2025-03-20", "2025-03-17", id="O87§27¶3 3 days before Thu 03-20 = Mon 03-17"),
        pytest.param("2025-03-11", "2025-03-07", id="O87§27¶3 03-11−3 = Sat 03-08 → Fri 03-07"),
    ],
)
def test_prequalification_clarification_latest(deadline: str, expected: str) -> None:
    ruled = deadlines.latest_prequalification_clarification_date(D(deadline))
    assert ruled.value == D(expected)
    assert "财政部令第87号 第二十七条第三款" in ruled.citation


@pytest.mark.parametrize(
    ("published", "deadline", "expected"),
    [
        pytest.param("2025-03-18", "2025-03-20", "2025-03-21", id="O87§27¶3 late → 03-18+3 = Fri 03-21"),
        pytest.param("2025-03-13", "2025-03-14", "2025-03-17", id="O87§27¶3 03-13+3 = Sun 03-16 → Mon 03-17"),
        pytest.param("2025-03-17", "2025-03-20", None, id="O87§27¶3 exactly 3 days before → in time"),
    ],
)
def test_prequalification_postponed(published: str, deadline: str, expected: str | None) -> None:
    ruled = deadlines.postponed_prequalification_deadline(D(published), D(deadline))
    assert (ruled.value if ruled else None) == (D(expected) if expected else None)


def test_prequalification_clarification_before_o87_is_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.latest_prequalification_clarification_date(D("2016-03-20"))
    assert caught.value.code == "rules.not_in_force"


# --- should have known (IR §53) and the award announcement (O87 §69) ---------------------------


@pytest.mark.parametrize(
    ("ground", "kwargs", "known", "challenge_due", "citation"),
    [
        pytest.param(
            "documents",
            {"documents_received_on": D("2025-03-03"), "documents_notice_ends_on": D("2025-03-10")},
            "2025-03-10",
            "2025-03-19",
            "第五十三条第（一）项",
            id="IR§53(1) O94§11 documents: end of the announcement period",
        ),
        pytest.param(
            "documents",
            {"documents_received_on": D("2025-03-03")},
            "2025-03-03",
            "2025-03-12",
            "第五十三条第（一）项",
            id="IR§53(1) documents: the day received",
        ),
        pytest.param(
            "process",
            {"step_ended_on": D("2025-03-05")},
            "2025-03-05",
            "2025-03-14",
            "第五十三条第（二）项",
            id="IR§53(2) process: end of the step",
        ),
        pytest.param(
            "result",
            {"result_announced_on": D("2025-03-05")},
            "2025-03-06",
            "2025-03-17",
            "财政部令第87号 第六十九条",
            id="IR§53(3) O87§69 result: announcement runs 1 working day",
        ),
        pytest.param(
            # announced 09-30; 1 working day → 10-09; 7 working days incl. Sat 10-11 → 10-17
            "result",
            {"result_announced_on": D("2025-09-30")},
            "2025-10-09",
            "2025-10-17",
            "第五十三条第（三）项",
            id="IR§53(3) O87§69 GPL§52 result over National Day",
        ),
    ],
)
def test_should_have_known(
    ground: str, kwargs: dict[str, date], known: str, challenge_due: str, citation: str
) -> None:
    ruled = deadlines.should_have_known(ground, **kwargs)
    assert ruled.value == D(known)
    assert citation in ruled.citation
    assert deadlines.challenge_deadline(ruled.value).value == D(challenge_due)


@pytest.mark.parametrize(
    ("ground", "code"),
    [
        pytest.param("documents", "challenge.known_date_missing", id="IR§53(1) no date"),
        pytest.param("process", "challenge.known_date_missing", id="IR§53(2) no date"),
        pytest.param("result", "challenge.known_date_missing", id="IR§53(3) no date"),
        pytest.param("weather", "challenge.unknown_ground", id="IR§53 unknown ground"),
    ],
)
def test_should_have_known_refusals(ground: str, code: str) -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.should_have_known(ground)
    assert caught.value.code == code


def test_award_publicity_end() -> None:
    ruled = deadlines.award_publicity_end(D("2025-03-05"))
    assert ruled.value == D("2025-03-06") and "财政部令第87号 第六十九条" in ruled.citation


# --- complaint clock (O94 §27) -----------------------------------------------------------------

EXPERT = ClockStopReason.expert_review


@pytest.mark.parametrize(
    ("stops", "as_of", "expected", "excluded"),
    [
        pytest.param((), None, "2025-04-15", None, id="GPL§56 O94§26 no stop: 30 working days"),
        pytest.param(
            (ClockStop(EXPERT, D("2025-03-10"), D("2025-03-14")),),
            None,
            # 5 working days 03-10..03-14 not counted: 5 working days after 04-15 → 04-22
            "2025-04-22",
            5,
            id="O94§27 expert review 03-10..03-14 moves the due date 5 working days",
        ),
        pytest.param(
            (ClockStop(EXPERT, D("2025-03-07"), D("2025-03-10")),),
            None,
            "2025-04-17",
            2,
            id="O94§27 stop over a weekend excludes 2 working days",
        ),
        pytest.param(
            (
                ClockStop(ClockStopReason.supplement, D("2025-03-05"), D("2025-03-05")),
                ClockStop(ClockStopReason.testing, D("2025-03-10"), D("2025-03-14")),
            ),
            None,
            "2025-04-23",
            6,
            id="O94§27 supplement 1 + testing 5 working days",
        ),
        pytest.param(
            (ClockStop(EXPERT, D("2025-03-10")),),
            D("2025-03-12"),
            "2025-04-18",
            3,
            id="O94§27 still stopped on 03-12: 3 working days so far",
        ),
    ],
)
def test_complaint_clock(
    stops: tuple[ClockStop, ...], as_of: date | None, expected: str, excluded: int | None
) -> None:
    ruled = deadlines.complaint_decision_due(D("2025-03-03"), stops, as_of=as_of)
    assert ruled.value == D(expected)
    assert "政府采购法 第五十六条" in ruled.citation
    if excluded is not None:
        assert "财政部令第94号 第二十七条" in ruled.citation
        assert f"{excluded} 个工作日" in ruled.note


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(ClockStop(EXPERT, D("2025-03-01"), D("2025-03-05")), id="O94§27 stop before receipt"),
        pytest.param(ClockStop(EXPERT, D("2025-03-10"), D("2025-03-07")), id="O94§27 resumed before stop"),
        pytest.param(ClockStop(EXPERT, D("2025-03-10")), id="O94§27 running stop without as_of"),
    ],
)
def test_complaint_clock_refuses_invalid_stops(stop: ClockStop) -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.complaint_decision_due(D("2025-03-03"), (stop,))
    assert caught.value.code == "complaint.clock_stop_invalid"


def test_complaint_clock_stops_need_o94() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.complaint_decision_due(
            D("2016-03-01"), (ClockStop(EXPERT, D("2016-03-02"), D("2016-03-03")),)
        )
    assert caught.value.code == "rules.not_in_force"


# --- two suppliers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "valid", "kwargs", "proceeds", "negotiate", "citation"),
    [
        pytest.param(
            "open_tender",
            2,
            {},
            False,
            True,
            "第二十七条第二款",
            id="O74§27¶2 open tender with 2 → negotiate",
        ),
        pytest.param("open_tender", 1, {}, False, False, "第四十四条", id="O87§43-44 open tender with 1"),
        pytest.param(
            "open_tender",
            2,
            {"category": "works"},
            False,
            False,
            "第四十四条",
            id="O74§27¶2 goods and services only: not works",
        ),
        pytest.param(
            "competitive_consultation",
            2,
            {"purchase_of_services": False, "research_project": True},
            True,
            False,
            "第三条第（四）项、第二十一条",
            id="C214§21 research project continues with 2",
        ),
        pytest.param(
            "competitive_negotiation",
            2,
            {"two_after_failed_tender": True},
            True,
            False,
            "第二十七条第二款",
            id="O74§27¶2 the negotiation with the two proceeds with 2",
        ),
        pytest.param(
            "competitive_negotiation",
            2,
            {},
            False,
            False,
            "第二十七条",
            id="O74§27 an ordinary negotiation needs 3",
        ),
        pytest.param(
            "competitive_consultation",
            2,
            {"purchase_of_services": False},
            False,
            False,
            "第二十一条",
            id="C214§21 other goods need 3",
        ),
    ],
)
def test_two_suppliers(
    method: str, valid: int, kwargs: dict[str, object], proceeds: bool, negotiate: bool, citation: str
) -> None:
    arguments: dict[str, object] = {"purchase_of_services": True, **kwargs}
    outcome = opening_outcome(method, valid, **arguments)  # type: ignore[arg-type]
    assert outcome.proceeds is proceeds
    assert (NextStep.negotiate_with_two in outcome.next_steps) is negotiate
    assert citation in outcome.citation


@pytest.mark.parametrize(
    ("two", "expected"),
    [
        pytest.param(True, 2, id="O74§27¶2 negotiation with the two after a failed tender"),
        pytest.param(False, 3, id="O74§27 negotiation otherwise needs 3"),
    ],
)
def test_negotiation_minimum(two: bool, expected: int) -> None:
    assert negotiation_minimum(two_after_failed_tender=two).value == expected


# --- intention phase-in (财库〔2020〕10号) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "start", "latest"),
    [
        pytest.param("central", "2020-06-30", None, id="C10 central before 2020-07-01: not required"),
        # 2020-07-01 − 30 days = Mon 2020-06-01
        pytest.param("central", "2020-07-01", "2020-06-01", id="C10 central from 2020-07-01"),
        pytest.param("provincial", "2020-12-31", None, id="C10 provincial before 2021"),
        pytest.param("provincial", "2021-01-01", "2020-12-02", id="C10 provincial from 2021-01-01"),
        pytest.param("city", "2021-12-31", None, id="C10 city before 2022"),
        pytest.param("county", "2022-01-01", "2021-12-02", id="C10 county from 2022-01-01"),
    ],
)
def test_intention_phase_in(level: str, start: str, latest: str | None) -> None:
    assert deadlines.intention_required(D(start), level=level).value is (latest is not None)
    if latest is None:
        with pytest.raises(RuleError) as caught:
            deadlines.intention_publication_latest(D(start), level=level)
        assert caught.value.code == "intention.not_required"
        return
    assert deadlines.intention_publication_latest(D(start), level=level).value == D(latest)


def test_intention_unknown_level() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.intention_required(D("2025-01-01"), level="town")
    assert caught.value.code == "intention.unknown_level"


# --- framework agreements (O110) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "start", "expected", "citation"),
    [
        pytest.param(
            deadlines.framework_sign_deadline,
            "2025-03-03",
            "2025-04-02",
            "第二十九条",
            id="O110§29 sign within 30 days",
        ),
        pytest.param(
            deadlines.framework_sign_deadline,
            "2025-04-03",
            "2025-05-06",
            "第四十九条",
            id="O110§29 §49 30 days end 05-03 May Day → 05-06",
        ),
        pytest.param(
            deadlines.framework_filing_deadline,
            "2025-03-03",
            "2025-03-12",
            "第二十九条",
            id="O110§29 file within 7 working days",
        ),
        pytest.param(
            deadlines.call_off_publication_deadline,
            "2025-09-30",
            "2025-10-10",
            "第三十五条",
            id="O110§35 call-off result within 2 working days",
        ),
        pytest.param(
            deadlines.framework_join_review_deadline,
            "2025-03-03",
            "2025-03-12",
            "第三十九条",
            id="O110§39 join applications reviewed in 7 working days",
        ),
    ],
)
def test_framework_periods(
    function: Callable[..., Ruled[date]], start: str, expected: str, citation: str
) -> None:
    ruled = function(D(start))
    assert ruled.value == D(expected)
    assert f"财政部令第110号 {citation}" in ruled.citation or citation in ruled.citation


def test_framework_periods_before_o110_are_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.framework_sign_deadline(D("2021-03-01"))
    assert caught.value.code == "rules.not_in_force"


# --- major illegal records (GPL §22(五), IR §19) -------------------------------------------------


def _facts(*penalties: PenaltyFact) -> OrganizationFacts:
    return OrganizationFacts(
        status="normal",
        org_type="social_service_agency",
        founded_on=D("2010-01-01"),
        is_industry_association=False,
        ratings=(),
        credit_entries=(),
        annual_reports_filed=frozenset(range(2010, 2030)),
        penalties=penalties,
    )


BUREAU = "长沙市市场监督管理局"


@pytest.mark.parametrize(
    ("penalty", "on_date", "eligible", "code"),
    [
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2023-05-10"), BUREAU, Decimal("2500000")),
            "2025-06-01",
            False,
            "eligibility.major_illegal_record",
            id="GPL§22(5) IR§19¶1 fine 250万 within 3 years",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2023-05-10"), BUREAU, Decimal("500000")),
            "2025-06-01",
            True,
            None,
            id="IR§19¶1 财库〔2022〕3号 fine 50万 below 200万: not major",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2023-05-10"), BUREAU, Decimal("500000"), large_by_issuer=True),
            "2025-06-01",
            False,
            "eligibility.major_illegal_record",
            id="IR§19¶1 fine the issuer held large",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2021-06-01"), BUREAU, Decimal("3000000")),
            "2023-06-01",
            True,
            None,
            id="IR§19¶1 before 财库〔2022〕3号 the issuer decides",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.criminal, D("2022-03-15"), "长沙市中级人民法院"),
            "2025-03-15",
            False,
            "eligibility.major_illegal_record",
            id="GPL§22(5) 民法典§202 criminal: still on the corresponding day",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.criminal, D("2022-03-15"), "长沙市中级人民法院"),
            "2025-03-16",
            True,
            None,
            id="GPL§22(5) criminal: clean after three years",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.licence_revoked, D("2024-01-10"), BUREAU, for_business=False),
            "2025-01-10",
            True,
            None,
            id="IR§19¶1 not for illegal business: not counted",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.suspension, D("2024-01-10"), BUREAU),
            "2025-01-10",
            False,
            "eligibility.major_illegal_record",
            id="IR§19¶1 责令停产停业",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.warning, D("2024-01-10"), BUREAU),
            "2025-01-10",
            True,
            None,
            id="IR§19¶1 warning is not major",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.criminal, D("2026-01-10"), BUREAU),
            "2025-01-10",
            True,
            None,
            id="GPL§22(5) decided after the day asked about",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.debarment, D("2024-01-01"), "湖南省财政厅", ends_on=D("2025-12-31")),
            "2025-06-01",
            False,
            "eligibility.debarred",
            id="GPL§77 IR§19¶2 debarment in force",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.debarment, D("2024-01-01"), "湖南省财政厅", ends_on=D("2025-12-31")),
            "2026-01-01",
            True,
            None,
            id="IR§19¶2 debarment ended: may take part",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.debarment, D("2024-01-01"), "湖南省财政厅"),
            "2026-01-01",
            False,
            "eligibility.debarred",
            id="GPL§77 debarment without end",
        ),
    ],
)
def test_major_illegal_records(penalty: PenaltyFact, on_date: str, eligible: bool, code: str | None) -> None:
    result = supplier_eligibility(_facts(penalty), D(on_date))
    assert result.eligible is eligible
    codes = [reason.code for reason in result.reasons]
    if code is None:
        assert not any(c in codes for c in ("eligibility.major_illegal_record", "eligibility.debarred"))
        return
    reason = next(r for r in result.reasons if r.code == code)
    assert penalty.issuer in reason.message_zh
    assert "政府采购法" in reason.citation


def test_major_illegal_record_next_change_is_the_day_after_three_years() -> None:
    penalty = PenaltyFact(PenaltyKind.criminal, D("2022-03-15"), "长沙市中级人民法院")
    assert supplier_eligibility(_facts(penalty), D("2024-01-01")).next_change == D("2025-03-16")


# --- listed on /rules/ -------------------------------------------------------------------------


def test_new_rules_are_listed() -> None:
    names = {rule.name for rule in catalog.all_rules()}
    assert {
        "deadlines.earliest_prequalification_deadline",
        "deadlines.latest_prequalification_clarification_date",
        "deadlines.award_publicity_end",
        "deadlines.should_have_known",
        "deadlines.complaint_clock_stops",
        "deadlines.intention_required",
        "deadlines.framework_sign_deadline",
        "deadlines.framework_filing_deadline",
        "deadlines.call_off_publication_deadline",
        "deadlines.framework_join_review_deadline",
        "eligibility.major_illegal_records",
    } <= names
    decision = next(r for r in deadlines.RULES if r.name == "deadlines.complaint_decision_deadline")
    assert decision.values[0].effective_from == D("2003-01-01")
    assert "政府采购法 第五十六条" in decision.values[0].citation
    large = next(r for r in eligibility.RULES if r.name == "eligibility.major_illegal_records")
    assert any("200万元以上" in str(v.value) for v in large.values)
