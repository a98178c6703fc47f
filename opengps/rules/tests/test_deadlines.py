"""Statutory time limits (RULES.md §3) on the 2025/2026 calendars, with their citations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from opengps.rules import deadlines
from opengps.rules.base import Ruled, RuleError
from opengps.rules.calendar import CalendarUnknown, is_working_day, next_working_day, working_days_between
from opengps.rules.procedures import Method

D = date.fromisoformat
CIVIL_DAYS = "民法典 第二百零一条、第二百零三条"
CIVIL_WORKING = "民法典 第二百零一条"


# --- bid deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "issued", "expected", "citation", "moved"),
    [
        # +20 days = 2025-10-02, inside the National Day holiday: moved to Thursday 10-09
        ("open_tender", "2025-09-12", "2025-10-09", "政府采购法 第三十五条", True),
        # +20 days = Sunday 2025-03-23: moved to Monday
        ("open_tender", "2025-03-03", "2025-03-24", "政府采购法 第三十五条", True),
        ("open_tender", "2025-03-05", "2025-03-25", "政府采购法 第三十五条", False),
        ("invited_tender", "2025-09-12", "2025-10-09", "政府采购法 第三十五条", True),
        # 3 working days from Friday 09-26: Sunday 09-28 (make-up), 09-29, 09-30
        ("competitive_negotiation", "2025-09-26", "2025-09-30", "财政部令第74号 第二十九条", False),
        # 3 working days from 09-30: 10-09, 10-10 and Saturday 10-11 (make-up)
        ("request_for_quotation", "2025-09-30", "2025-10-11", "财政部令第74号 第四十五条", False),
        # +10 days = 2026-02-15, first day of the Spring Festival: moved to 02-24
        ("competitive_consultation", "2026-02-05", "2026-02-24", "财库〔2014〕214号 第十条", True),
        ("competitive_consultation", "2025-03-05", "2025-03-17", "财库〔2014〕214号 第十条", True),
        (
            "framework_agreement",
            "2025-03-05",
            "2025-03-25",
            "财政部令第110号 第九条；政府采购法 第三十五条",
            False,
        ),
    ],
    ids=lambda value: str(value),
)
def test_earliest_bid_deadline(method: str, issued: str, expected: str, citation: str, moved: bool) -> None:
    result = deadlines.earliest_bid_deadline(method, D(issued))
    assert result.value == D(expected)
    unit = deadlines.BID_PERIOD.table[Method(method)][-1].value
    assert unit is not None
    counting = CIVIL_DAYS if unit.unit is deadlines.Unit.days else CIVIL_WORKING
    assert result.citation == f"{citation}；{counting}"
    assert bool(result.note) is moved


def test_earliest_bid_deadline_accepts_a_method() -> None:
    assert deadlines.earliest_bid_deadline(Method.open_tender, D("2025-03-05")).value == D("2025-03-25")


def test_the_example_citation_of_the_brief() -> None:
    result = deadlines.earliest_bid_deadline("open_tender", D("2025-09-12"))
    assert result.citation == "政府采购法 第三十五条；民法典 第二百零一条、第二百零三条"
    assert "2025-10-02" in result.note and "2025-10-09" in result.note


@pytest.mark.parametrize(
    ("method", "citation"),
    [("single_source", "政府采购法 第三十九条"), ("emall", "政府采购法 第二条")],
    ids=["single-source", "emall"],
)
def test_no_bid_period_in_law_is_not_applicable(method: str, citation: str) -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.earliest_bid_deadline(method, D("2025-03-05"))
    assert caught.value.code == "deadline.not_applicable"
    assert caught.value.citation.startswith(citation)
    assert caught.value.params == {"method": method, "rule": "deadlines.earliest_bid_deadline"}


@pytest.mark.parametrize(
    ("on_date", "counting"),
    [
        ("2016-06-01", "民法通则 第一百五十四条"),
        ("2018-06-01", "民法总则 第二百零一条、第二百零三条"),
        ("2021-01-01", CIVIL_DAYS),
    ],
    ids=["general-principles", "general-provisions", "civil-code"],
)
def test_the_counting_article_follows_the_announcement_date(on_date: str, counting: str) -> None:
    result = deadlines.earliest_bid_deadline("open_tender", D("2025-03-05"), on_date=D(on_date))
    assert result.citation == f"政府采购法 第三十五条；{counting}"


@pytest.mark.parametrize(
    ("method", "on_date"),
    [("framework_agreement", "2022-02-28"), ("competitive_negotiation", "2014-01-31")],
    ids=["framework-before-o110", "negotiation-before-o74"],
)
def test_a_rule_not_yet_in_force(method: str, on_date: str) -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.earliest_bid_deadline(method, D("2025-03-05"), on_date=D(on_date))
    assert caught.value.code == "rules.not_in_force"


def test_an_unknown_method_code() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.earliest_bid_deadline("auction", D("2025-03-05"))
    assert caught.value.code == "method.unknown"


def test_a_period_ending_in_an_unknown_year() -> None:
    with pytest.raises(CalendarUnknown):
        deadlines.earliest_bid_deadline("open_tender", D("2026-12-20"))


def test_every_method_has_a_bid_and_a_clarification_row() -> None:
    assert set(deadlines.BID_PERIOD.table) == set(Method)
    assert set(deadlines.CLARIFICATION_PERIOD.table) == set(Method)
    assert set(deadlines.DOCUMENTS_PERIOD.table) == set(Method)


# --- documents provided (≥5 working days from the announcement) --------------------------------


@pytest.mark.parametrize(
    ("method", "announced", "expected", "citation"),
    [
        ("open_tender", "2025-03-03", "2025-03-10", "政府采购法实施条例 第三十一条；财政部令第87号 第十八条"),
        ("invited_tender", "2025-09-29", "2025-10-13", "第十八条"),  # National Day week
        ("competitive_consultation", "2025-03-05", "2025-03-12", "财库〔2014〕214号 第十条"),
        ("framework_agreement", "2025-03-05", "2025-03-12", "财政部令第110号 第九条"),
        ("open_tender", "2016-03-01", "2016-03-08", "政府采购法实施条例 第三十一条"),  # before O87
    ],
)
def test_documents_available_until(method: str, announced: str, expected: str, citation: str) -> None:
    result = deadlines.documents_available_until(method, D(announced))
    assert result.value == D(expected) and citation in result.citation


@pytest.mark.parametrize(
    "method", ["competitive_negotiation", "request_for_quotation", "single_source", "emall"]
)
def test_no_documents_period_in_law_is_not_applicable(method: str) -> None:
    with pytest.raises(RuleError) as error:
        deadlines.documents_available_until(method, D("2025-03-03"))
    assert error.value.code == "deadline.not_applicable"


# --- clarification (counted backwards) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "bid_deadline", "expected", "citation"),
    [
        # Sunday 10-19 − 15 days = 10-04 (holiday): moved EARLIER to Tuesday 09-30
        (
            "open_tender",
            "2025-10-19",
            "2025-09-30",
            "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条",
        ),
        (
            "open_tender",
            "2025-03-25",
            "2025-03-10",
            "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条",
        ),
        # − 15 days = Sunday 03-09: moved to Friday 03-07
        (
            "invited_tender",
            "2025-03-24",
            "2025-03-07",
            "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条",
        ),
        # − 5 days = 02-23 (Spring Festival): back to the make-up Saturday 02-14
        ("competitive_consultation", "2026-02-28", "2026-02-14", "财库〔2014〕214号 第十条"),
        # 3 working days before Monday 10-13: 10-10, 10-11 (make-up) and 10-13 remain after 10-09
        ("competitive_negotiation", "2025-10-13", "2025-10-09", "财政部令第74号 第二十九条"),
        # deadline on Sunday 10-12: 10-09, 10-10, 10-11 remain after 09-30
        ("request_for_quotation", "2025-10-12", "2025-09-30", "财政部令第74号 第四十五条"),
        (
            "framework_agreement",
            "2025-03-25",
            "2025-03-10",
            "财政部令第110号 第九条；财政部令第87号 第二十七条",
        ),
    ],
    ids=lambda value: str(value),
)
def test_latest_clarification_date(method: str, bid_deadline: str, expected: str, citation: str) -> None:
    result = deadlines.latest_clarification_date(method, D(bid_deadline))
    assert result.value == D(expected)
    assert result.citation == f"{citation}；{CIVIL_WORKING}"


def test_a_clarification_date_moved_earlier_says_why() -> None:
    result = deadlines.latest_clarification_date("open_tender", D("2025-10-19"))
    assert "2025-10-04" in result.note and "提前" in result.note
    assert deadlines.latest_clarification_date("open_tender", D("2025-03-25")).note == ""


def test_clarification_before_ir_for_tenders_is_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.latest_clarification_date("open_tender", D("2025-03-25"), on_date=D("2014-06-01"))
    assert caught.value.code == "rules.not_in_force"


def test_clarification_for_single_source_is_not_applicable() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.latest_clarification_date(Method.single_source, D("2025-03-25"))
    assert caught.value.code == "deadline.not_applicable"


@pytest.mark.parametrize("method", ["open_tender", "competitive_consultation"], ids=["15-days", "5-days"])
def test_backward_calendar_days_are_lawful_and_latest(method: str) -> None:
    period = deadlines.CLARIFICATION_PERIOD.table[Method(method)][-1].value
    assert period is not None
    for offset in range(0, 300):
        bid_deadline = D("2025-02-01") + timedelta(days=offset)
        latest = deadlines.latest_clarification_date(method, bid_deadline).value
        assert is_working_day(latest)
        assert (bid_deadline - latest).days >= period.amount
        assert next_working_day(latest + timedelta(days=1)) > bid_deadline - timedelta(days=period.amount)


@pytest.mark.parametrize("method", ["competitive_negotiation", "request_for_quotation"], ids=["tp", "xj"])
def test_backward_working_days_are_lawful_and_latest(method: str) -> None:
    for offset in range(0, 300):
        bid_deadline = D("2025-02-01") + timedelta(days=offset)
        latest = deadlines.latest_clarification_date(method, bid_deadline).value
        assert is_working_day(latest)
        assert working_days_between(latest, bid_deadline) >= 3
        assert working_days_between(next_working_day(latest + timedelta(days=1)), bid_deadline) < 3


# --- the single-period deadlines ---------------------------------------------------------------

Deadline = Callable[..., Ruled[date]]

ROWS: list[tuple[Deadline, str, str, str]] = [
    # evaluation report: 2 working days
    (
        deadlines.evaluation_report_deadline,
        "2025-03-05",
        "2025-03-07",
        "实施条例 第四十三条；财政部令第87号 第六十八条",
    ),
    (deadlines.evaluation_report_deadline, "2025-03-07", "2025-03-11", "第六十八条"),
    (deadlines.evaluation_report_deadline, "2025-09-30", "2025-10-10", "第六十八条"),
    # award confirmation: 5 working days
    (
        deadlines.award_confirmation_deadline,
        "2025-03-03",
        "2025-03-10",
        "第四十三条；财政部令第87号 第六十八条",
    ),
    (deadlines.award_confirmation_deadline, "2025-09-26", "2025-10-10", "第六十八条"),
    # award announcement: 2 working days
    (
        deadlines.award_announcement_deadline,
        "2025-03-05",
        "2025-03-07",
        "第四十三条；财政部令第87号 第六十九条",
    ),
    (deadlines.award_announcement_deadline, "2026-02-13", "2026-02-24", "第六十九条"),
    # contract signing: 30 calendar days
    (
        deadlines.contract_sign_deadline,
        "2025-03-01",
        "2025-03-31",
        "政府采购法 第四十六条；财政部令第87号 第七十一条",
    ),
    (deadlines.contract_sign_deadline, "2025-03-02", "2025-04-01", "第七十一条"),
    (deadlines.contract_sign_deadline, "2025-09-01", "2025-10-09", "第七十一条"),  # 10-01 holiday
    (deadlines.contract_sign_deadline, "2025-12-05", "2026-01-04", "第七十一条"),  # make-up Sunday
    # contract publication: 2 working days
    (deadlines.contract_publication_deadline, "2025-12-31", "2026-01-05", "政府采购法实施条例 第五十条"),
    (deadlines.contract_publication_deadline, "2025-03-05", "2025-03-07", "第五十条"),
    # enquiry: 3 working days (May Day 2025: 05-01..05-05 off)
    (deadlines.enquiry_answer_deadline, "2025-04-30", "2025-05-08", "政府采购法实施条例 第五十二条"),
    (deadlines.enquiry_answer_deadline, "2025-03-05", "2025-03-10", "第五十二条"),
    # challenge: 7 working days
    (
        deadlines.challenge_deadline,
        "2025-09-26",
        "2025-10-13",
        "政府采购法 第五十二条；财政部令第94号 第十条、第十一条",
    ),
    (deadlines.challenge_deadline, "2025-03-05", "2025-03-14", "第十条"),
    # challenge answer: 7 working days
    (
        deadlines.challenge_answer_deadline,
        "2026-02-10",
        "2026-02-26",
        "政府采购法 第五十三条；财政部令第94号 第十三条",
    ),
    (deadlines.challenge_answer_deadline, "2025-03-05", "2025-03-14", "第十三条"),
    # complaint: 15 working days
    (
        deadlines.complaint_deadline,
        "2025-09-19",
        "2025-10-16",
        "政府采购法 第五十五条；财政部令第94号 第十七条",
    ),
    (deadlines.complaint_deadline, "2025-03-03", "2025-03-24", "第十七条"),
    # complaint decision: 30 working days (Qingming 2025-04-04 off)
    (deadlines.complaint_decision_deadline, "2025-03-03", "2025-04-15", "财政部令第94号 第二十六条"),
    # suspension: at most 30 calendar days (2025-05-03 is a holiday → next working day)
    (deadlines.suspension_end_latest, "2025-03-03", "2025-04-02", "财政部令第94号 第二十八条"),
    (deadlines.suspension_end_latest, "2025-04-03", "2025-05-06", "第二十八条"),
    # deposit return: 5 working days
    (deadlines.deposit_return_deadline, "2025-09-30", "2025-10-14", "第三十三条；财政部令第87号 第三十八条"),
    (deadlines.deposit_return_deadline, "2025-03-05", "2025-03-12", "财政部令第74号 第二十条"),
    # single-source notice: 5 working days
    (
        deadlines.single_source_notice_end,
        "2025-09-26",
        "2025-10-10",
        "实施条例 第三十八条；财政部令第74号 第三十八条",
    ),
    (deadlines.single_source_notice_end, "2025-03-05", "2025-03-12", "第三十八条"),
    # single-source objections: reviewed within 5 working days after the notice ends
    (deadlines.objection_review_deadline, "2025-03-12", "2025-03-19", "财政部令第74号 第四十条"),
    (deadlines.objection_review_deadline, "2025-09-30", "2025-10-14", "第四十条"),  # National Day
    # intention: at least 30 days before, counted backwards (moved earlier)
    (deadlines.intention_publication_latest, "2025-10-31", "2025-09-30", "财库〔2020〕10号"),  # 10-01 holiday
    (deadlines.intention_publication_latest, "2025-03-30", "2025-02-28", "财库〔2020〕10号"),  # Sunday
    (deadlines.intention_publication_latest, "2025-04-30", "2025-03-31", "财库〔2020〕10号"),
]


@pytest.mark.parametrize(
    ("function", "start", "expected", "citation"),
    ROWS,
    ids=[f"{row[0].__name__}-{row[1]}" for row in ROWS],
)
def test_deadline(function: Deadline, start: str, expected: str, citation: str) -> None:
    result = function(D(start))
    assert result.value == D(expected)
    assert citation in result.citation
    assert result.citation.endswith(("民法典 第二百零一条", CIVIL_DAYS))


@pytest.mark.parametrize(
    ("function", "on_date", "citation"),
    [
        (
            deadlines.evaluation_report_deadline,
            "2014-06-01",
            "财政部令第74号 第三十六条、第四十九条；民法通则 第一百五十四条",
        ),
        (
            deadlines.evaluation_report_deadline,
            "2016-01-01",
            "政府采购法实施条例 第四十三条；民法通则 第一百五十四条",
        ),
        (
            deadlines.award_announcement_deadline,
            "2014-06-01",
            "财政部令第74号 第十八条；民法通则 第一百五十四条",
        ),
        (deadlines.challenge_deadline, "2017-01-01", "政府采购法 第五十二条；民法通则 第一百五十四条"),
        (
            deadlines.challenge_deadline,
            "2018-06-01",
            "政府采购法 第五十二条；财政部令第94号 第十条、第十一条；民法总则 第二百零一条",
        ),
        (deadlines.contract_sign_deadline, "2010-01-01", "政府采购法 第四十六条；民法通则 第一百五十四条"),
    ],
    ids=["eval-o74", "eval-ir", "award-o74", "challenge-gpl", "challenge-o94", "contract-gpl"],
)
def test_an_earlier_announcement_date_applies_earlier_rules(
    function: Deadline, on_date: str, citation: str
) -> None:
    assert function(D("2025-03-05"), on_date=D(on_date)).citation == citation


@pytest.mark.parametrize(
    ("function", "on_date"),
    [
        (deadlines.contract_publication_deadline, "2015-02-28"),
        (deadlines.enquiry_answer_deadline, "2015-02-28"),
        (deadlines.contract_sign_deadline, "2002-12-31"),
        (deadlines.intention_publication_latest, "2019-12-31"),
        (deadlines.single_source_notice_end, "2014-01-31"),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_before_any_rule_in_force(function: Deadline, on_date: str) -> None:
    with pytest.raises(RuleError) as caught:
        function(D("2025-03-05"), on_date=D(on_date))
    assert caught.value.code == "rules.not_in_force"


@pytest.mark.parametrize(
    ("trigger", "event", "expected", "citation"),
    [
        ("award_notice", "2025-09-30", "2025-10-14", "政府采购法实施条例 第三十三条"),
        (deadlines.DepositTrigger.contract_signed, "2025-12-31", "2026-01-08", "财政部令第87号 第三十八条"),
        ("withdrawal", "2025-04-30", "2025-05-12", "财政部令第87号 第三十八条"),
        ("termination", "2025-04-30", "2025-05-12", "财政部令第87号 第二十九条"),
    ],
    ids=lambda value: str(value),
)
def test_deposit_return_by_trigger(trigger: str, event: str, expected: str, citation: str) -> None:
    result = deadlines.deposit_return_deadline(D(event), trigger=trigger)
    assert result.value == D(expected)
    assert citation in result.citation


def test_deposit_return_unknown_trigger() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.deposit_return_deadline(D("2025-03-05"), trigger="lottery")
    assert caught.value.code == "deposit.unknown_trigger"


def test_withdrawal_return_before_o87_is_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        deadlines.deposit_return_deadline(D("2016-03-07"), trigger="withdrawal")
    assert caught.value.code == "rules.not_in_force"


# --- the public description -------------------------------------------------------------------


def test_rules_show_the_values_the_functions_use() -> None:
    by_name = {rule.name: rule for rule in deadlines.RULES}
    assert len(by_name) == len(deadlines.RULES)
    bid = by_name["deadlines.earliest_bid_deadline"]
    assert {str(value.value) for value in bid.values} >= {
        "公开招标：≥20 日",
        "竞争性谈判：≥3 个工作日",
        "单一来源：不适用（法律未规定）",
    }
    assert [value.value for value in by_name["deadlines.contract_sign_deadline"].values] == [
        "30 日内",
        "30 日内",
    ]
    assert by_name["deadlines.intention_publication_latest"].values[0].value == "至少 30 日前"
    assert by_name["deadlines.single_source_notice_end"].values[-1].value == "≥5 个工作日"
    for rule in deadlines.RULES:
        assert rule.title_zh and rule.title_en and rule.values
        assert all(value.citation for value in rule.values)


def test_period_labels() -> None:
    assert str(deadlines.Period(20, deadlines.Unit.days)) == "20 日"
    assert deadlines.Period(3, deadlines.Unit.working_days).label_en == "3 working days"
    assert deadlines.Period(30, deadlines.Unit.days).label_en == "30 days"
