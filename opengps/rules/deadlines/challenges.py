"""Enquiries, challenges and complaints: their periods, IR §53's start day and the complaint clock (O94 §27).

The challenge period runs from the day the supplier should have known of the harm (`should_have_known`);
the complaint decision time excludes the days the clock is stopped (`complaint_decision_due`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from opengps.rules import calendar
from opengps.rules.base import EffectiveValue, Ruled, RuleError, parse_choice, value_on
from opengps.rules.deadlines.award import award_publicity_end
from opengps.rules.deadlines.periods import (
    GPL,
    IR,
    O94,
    Direction,
    apply_period,
    counting_citation,
    days,
    join_citations,
    period_rule,
    ruled_period,
    working_days,
)

ENQUIRY_ANSWER = period_rule(
    "deadlines.enquiry_answer_deadline",
    "答复询问",
    "Enquiry (询问) answered",
    EffectiveValue(IR, working_days(3), "政府采购法实施条例 第五十二条"),
)
CHALLENGE = period_rule(
    "deadlines.challenge_deadline",
    "提出质疑",
    "Challenge (质疑) filed after the supplier knew or should have known of the harm",
    EffectiveValue(GPL, working_days(7), "政府采购法 第五十二条"),
    EffectiveValue(O94, working_days(7), "政府采购法 第五十二条；财政部令第94号 第十条、第十一条"),
)
CHALLENGE_ANSWER = period_rule(
    "deadlines.challenge_answer_deadline",
    "答复质疑",
    "Challenge answered",
    EffectiveValue(GPL, working_days(7), "政府采购法 第五十三条"),
    EffectiveValue(O94, working_days(7), "政府采购法 第五十三条；财政部令第94号 第十三条"),
)
COMPLAINT = period_rule(
    "deadlines.complaint_deadline",
    "提起投诉",
    "Complaint (投诉) filed after the challenge answer was due",
    EffectiveValue(GPL, working_days(15), "政府采购法 第五十五条"),
    EffectiveValue(O94, working_days(15), "政府采购法 第五十五条；财政部令第94号 第十七条"),
)


# The 30 working days and the 30-day suspension are in the law itself since 2003 (GPL §56, §57);
# O94 (2018) restates them, and adds the excluded periods of §27 (`complaint_decision_due`).
COMPLAINT_DECISION = period_rule(
    "deadlines.complaint_decision_deadline",
    "投诉处理决定",
    "Complaint decided by the finance department",
    EffectiveValue(GPL, working_days(30), "政府采购法 第五十六条"),
    EffectiveValue(O94, working_days(30), "政府采购法 第五十六条；财政部令第94号 第二十六条"),
)
PROCUREMENT_SUSPENSION = period_rule(
    "deadlines.suspension_end_latest",
    "暂停采购活动",
    "Procurement suspended during a complaint",
    EffectiveValue(GPL, days(30), "政府采购法 第五十七条"),
    EffectiveValue(O94, days(30), "政府采购法 第五十七条；财政部令第94号 第二十八条"),
    shown_as="最长 {}",
)


def enquiry_answer_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Enquiry answered within 3 working days (IR §52)."""
    return apply_period(ENQUIRY_ANSWER, received_on, on_date)


def challenge_deadline(known_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Challenge filed within 7 working days of knowing of the harm (GPL §52, O94 §10-11)."""
    return apply_period(CHALLENGE, known_on, on_date)


def challenge_answer_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Challenge answered within 7 working days of receipt (GPL §53, O94 §13)."""
    return apply_period(CHALLENGE_ANSWER, received_on, on_date)


def complaint_deadline(answer_due_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Complaint filed within 15 working days after the answer was due (GPL §55, O94 §17)."""
    return apply_period(COMPLAINT, answer_due_on, on_date)


def complaint_decision_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Finance decides a complaint within 30 working days of receiving it (GPL §56; O94 §26).

    Without excluded periods; `complaint_decision_due` counts the clock stops of O94 §27.
    """
    return apply_period(COMPLAINT_DECISION, received_on, on_date)


def suspension_end_latest(suspended_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day a procurement suspended during a complaint may stay suspended: 30 days (GPL §57; O94 §28)."""
    return apply_period(PROCUREMENT_SUSPENSION, suspended_on, on_date)


class ChallengeGround(StrEnum):
    """What a challenge is about; each fixes when the supplier should have known (IR §53)."""

    documents = "documents"
    """采购文件: the day the documents were received, or the end of their announcement period."""
    process = "process"
    """采购过程: the day the procedural step ended."""
    result = "result"
    """中标或者成交结果: the day the result announcement period ended."""


IR_53 = "政府采购法实施条例 第五十三条"
IR_53_ITEM = {
    ChallengeGround.documents: f"{IR_53}第（一）项；财政部令第94号 第十一条",
    ChallengeGround.process: f"{IR_53}第（二）项",
    ChallengeGround.result: f"{IR_53}第（三）项",
}


def _known_date_missing(ground: ChallengeGround, what_zh: str, what_en: str) -> RuleError:
    return RuleError(
        "challenge.known_date_missing",
        f"缺少{what_zh}，无法确定应知其权益受到损害之日",
        f"The {what_en} is needed to fix when the supplier should have known",
        citation=IR_53_ITEM[ground],
        params={"ground": ground.value},
    )


def should_have_known(
    ground: ChallengeGround | str,
    *,
    documents_received_on: date | None = None,
    documents_notice_ends_on: date | None = None,
    step_ended_on: date | None = None,
    result_announced_on: date | None = None,
    on_date: date | None = None,
) -> Ruled[date]:
    """The day a supplier should have known of the harm it challenges (IR §53), per ground.

    Documents: the day the supplier received them or the day the documents' announcement period
    ended (IR §53(一), O94 §11); when both are known the later one, which keeps the supplier's full
    period either way. Process: the end of the step (IR §53(二)). Result: the end of the 1-working-
    day award announcement (IR §53(三), O87 §69). The challenge period of 7 working days
    (`challenge_deadline`) runs from this day. RuleError ``challenge.unknown_ground`` or
    ``challenge.known_date_missing`` when the date it needs is not given.
    """
    parsed = parse_choice(
        ChallengeGround,
        ground,
        code="challenge.unknown_ground",
        message_zh=f"未知的质疑事项类别“{ground}”",
        message_en=f"Unknown challenge ground '{ground}'",
        param="ground",
        citation=IR_53,
    )
    citation = IR_53_ITEM[parsed]
    if parsed is ChallengeGround.documents:
        known = [day for day in (documents_received_on, documents_notice_ends_on) if day is not None]
        if not known:
            raise _known_date_missing(parsed, "收到采购文件之日或采购文件公告期限届满之日", "documents date")
        return Ruled(max(known), citation, "收到采购文件之日与公告期限届满之日中较晚者")
    if parsed is ChallengeGround.process:
        if step_ended_on is None:
            raise _known_date_missing(parsed, "采购程序环节结束之日", "end of the procedural step")
        return Ruled(step_ended_on, citation, "采购程序环节结束之日")
    if result_announced_on is None:
        raise _known_date_missing(parsed, "中标（成交）结果公告日期", "result announcement date")
    end = award_publicity_end(result_announced_on, on_date=on_date)
    return Ruled(end.value, f"{citation}；{end.citation}", "中标（成交）结果公告期限届满之日")


class ClockStopReason(StrEnum):
    """Why the complaint clock stops (O94 §27): the time these take is not counted."""

    inspection = "inspection"
    """检验."""
    testing = "testing"
    """检测."""
    appraisal = "appraisal"
    """鉴定."""
    expert_review = "expert_review"
    """专家评审."""
    supplement = "supplement"
    """投诉人补正材料."""


CLOCK_STOP_REASONS_ZH: Mapping[ClockStopReason, str] = MappingProxyType(
    {
        ClockStopReason.inspection: "检验",
        ClockStopReason.testing: "检测",
        ClockStopReason.appraisal: "鉴定",
        ClockStopReason.expert_review: "专家评审",
        ClockStopReason.supplement: "投诉人补正材料",
    }
)
O94_27 = "财政部令第94号 第二十七条"
CLOCK_STOPS: tuple[EffectiveValue[str], ...] = (
    EffectiveValue(O94, "检验、检测、鉴定、专家评审及投诉人补正材料所需时间不计入", O94_27),
)


@dataclass(frozen=True, slots=True)
class ClockStop:
    """A period excluded from the complaint decision time (O94 §27 ¶2).

    From the day the finance department sends the request or the notice to supplement
    (`stopped_on`) to the day it receives the answer or material (`resumed_on`), both included;
    `resumed_on` is None while the clock is still stopped.
    """

    reason: ClockStopReason
    stopped_on: date
    resumed_on: date | None = None


def complaint_decision_due(
    received_on: date,
    stops: Sequence[ClockStop] = (),
    *,
    as_of: date | None = None,
    on_date: date | None = None,
) -> Ruled[date]:
    """The complaint decision deadline: 30 working days (GPL §56, O94 §26), not counting the
    working days the clock was stopped for inspection, testing, appraisal, expert review or
    supplementing material (O94 §27).

    A stop still running (no `resumed_on`) counts as lasting through `as_of`; the due date then
    is the earliest possible and moves later each day it stays stopped. RuleError
    ``complaint.clock_stop_invalid`` for a stop before receipt or resumed before it stopped, or
    while still stopped without `as_of`; ``rules.not_in_force`` for stops before O94.
    """
    when = received_on if on_date is None else on_date
    entry = value_on(COMPLAINT_DECISION.history, when, rule=COMPLAINT_DECISION.name)
    if not stops:
        return ruled_period(entry.value, entry.citation, received_on, when, Direction.after)
    rule = value_on(CLOCK_STOPS, when, rule="deadlines.complaint_clock_stops")
    spans: list[tuple[date, date]] = []
    for stop in stops:
        end = stop.resumed_on if stop.resumed_on is not None else as_of
        if end is None or stop.stopped_on < received_on or end < stop.stopped_on:
            raise RuleError(
                "complaint.clock_stop_invalid",
                "中止计时的期间无效：须在收到投诉之后开始、恢复日期不早于开始日期（仍在中止的须给出计算日期）",
                "Invalid clock stop: it must start after receipt and resume on or after it starts "
                "(a running stop needs the as-of date)",
                citation=rule.citation,
                params={"reason": stop.reason.value, "stopped_on": stop.stopped_on.isoformat()},
            )
        spans.append((stop.stopped_on, end))
    remaining = entry.value.amount
    day = received_on
    excluded = 0
    while remaining:
        day = calendar.next_working_day(day + timedelta(days=1))
        if any(start <= day <= end for start, end in spans):
            excluded += 1
            continue
        remaining -= 1
    counting = counting_citation(entry.value, Direction.after, when)
    note = f"扣除中止计时的 {excluded} 个工作日"
    return Ruled(day, join_citations(entry.citation, rule.citation, counting), note)
