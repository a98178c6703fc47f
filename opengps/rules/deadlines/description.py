"""The deadline rules as /rules/ shows them: every value read from the same data the functions apply."""

from __future__ import annotations

from collections.abc import Sequence

from opengps.rules.base import EffectiveValue, RuleInfo, shown, shown_history, shown_table
from opengps.rules.deadlines.announcement import (
    BUDGET_LEVEL_NAMES_ZH,
    INTENTION_PHASE_IN,
    INTENTION_PUBLICATION,
    OBJECTION_REVIEW,
    SINGLE_SOURCE_NOTICE,
)
from opengps.rules.deadlines.award import (
    AWARD_ANNOUNCEMENT,
    AWARD_CONFIRMATION,
    AWARD_PUBLICITY,
    DEPOSIT_RETURN,
    EVALUATION_REPORT,
)
from opengps.rules.deadlines.bids import (
    BID_PERIOD,
    CLARIFICATION_PERIOD,
    DOCUMENTS_PERIOD,
    PREQUALIFICATION_CLARIFICATION,
    PREQUALIFICATION_PERIOD,
)
from opengps.rules.deadlines.challenges import (
    CHALLENGE,
    CHALLENGE_ANSWER,
    CLOCK_STOPS,
    COMPLAINT,
    COMPLAINT_DECISION,
    ENQUIRY_ANSWER,
    IR_53_ITEM,
    PROCUREMENT_SUSPENSION,
    ChallengeGround,
)
from opengps.rules.deadlines.contracts import (
    CALL_OFF_PUBLICATION,
    CONTRACT_PUBLICATION,
    CONTRACT_SIGNING,
    FRAMEWORK_FILING,
    FRAMEWORK_SIGNING,
    JOIN_REVIEW,
)
from opengps.rules.deadlines.periods import (
    COUNTING_DAYS,
    IR,
    MethodPeriodRule,
    Period,
    PeriodRule,
)
from opengps.rules.procedures import METHOD_NAMES_ZH, Method

PERIOD_RULES: tuple[PeriodRule, ...] = (
    INTENTION_PUBLICATION,
    SINGLE_SOURCE_NOTICE,
    OBJECTION_REVIEW,
    EVALUATION_REPORT,
    AWARD_CONFIRMATION,
    AWARD_ANNOUNCEMENT,
    CONTRACT_SIGNING,
    CONTRACT_PUBLICATION,
    ENQUIRY_ANSWER,
    CHALLENGE,
    CHALLENGE_ANSWER,
    COMPLAINT,
    COMPLAINT_DECISION,
    PROCUREMENT_SUSPENSION,
    AWARD_PUBLICITY,
    PREQUALIFICATION_PERIOD,
    PREQUALIFICATION_CLARIFICATION,
    FRAMEWORK_SIGNING,
    FRAMEWORK_FILING,
    CALL_OFF_PUBLICATION,
    JOIN_REVIEW,
    *DEPOSIT_RETURN.values(),
)


def _method_text(method: Method, period: Period | None) -> str:
    return f"{METHOD_NAMES_ZH[method]}：" + (f"≥{period}" if period is not None else "不适用（法律未规定）")


def _method_values(rule: MethodPeriodRule) -> tuple[EffectiveValue[object], ...]:
    return shown_table(rule.table, _method_text)


def _info(rule: PeriodRule | MethodPeriodRule, values: Sequence[EffectiveValue[object]]) -> RuleInfo:
    return RuleInfo(rule.name, rule.title_zh, rule.title_en, tuple(values), rule.summary_zh, rule.summary_en)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "deadlines.counting",
        "期间的计算",
        "How periods are counted",
        shown_history(COUNTING_DAYS, str),
        "开始的当日不计入；以日计算的期间末日不是工作日的，顺延至其后第一个工作日；"
        "“N 个工作日内”指其后第 N 个工作日。"
        "“至少 N 日前”倒算的日期不顺延，而是提前至工作日。",
        "The start day is not counted; a period in days ending on a non-working day ends on the next "
        "working day; 'within N working days' is the N-th working day after. Dates counted backwards "
        "('at least N days before') move earlier to a working day, never later.",
    ),
    _info(BID_PERIOD, _method_values(BID_PERIOD)),
    _info(CLARIFICATION_PERIOD, _method_values(CLARIFICATION_PERIOD)),
    _info(DOCUMENTS_PERIOD, _method_values(DOCUMENTS_PERIOD)),
    *(_info(rule, shown_history(rule.history, rule.shown_as.format)) for rule in PERIOD_RULES),
    RuleInfo(
        "deadlines.intention_required",
        "采购意向公开的分步实施",
        "Intention publication phased in by budget-unit level",
        tuple(
            shown(entry, f"{BUDGET_LEVEL_NAMES_ZH[level]}：自此日起实施的采购项目应公开采购意向")
            for level, entry in INTENTION_PHASE_IN.items()
        ),
        "先中央后地方：中央预算单位2020年7月1日起，省级2021年1月1日起，省级以下（市、县）2022年1月1日起。",
        "Central units from 2020-07-01, provincial units from 2021-01-01, city and county units from "
        "2022-01-01.",
    ),
    RuleInfo(
        "deadlines.should_have_known",
        "应知其权益受到损害之日",
        "When a supplier should have known of the harm (start of the challenge period)",
        (
            EffectiveValue(
                IR,
                "采购文件：收到采购文件之日或者采购文件公告期限届满之日",
                IR_53_ITEM[ChallengeGround.documents],
            ),
            EffectiveValue(IR, "采购过程：各采购程序环节结束之日", IR_53_ITEM[ChallengeGround.process]),
            EffectiveValue(
                IR,
                "中标或者成交结果：结果公告期限（1 个工作日）届满之日",
                f"{IR_53_ITEM[ChallengeGround.result]}；财政部令第87号 第六十九条",
            ),
        ),
        "质疑期限 7 个工作日自该日起算。",
        "The 7-working-day challenge period runs from this day.",
    ),
    RuleInfo(
        "deadlines.complaint_clock_stops",
        "投诉处理期限中止计时",
        "Periods excluded from the complaint decision time",
        shown_history(CLOCK_STOPS, str),
        "自财政部门发出相关文书、补正通知之日至收到相关反馈文书或材料之日，不计入30个工作日的处理期限。",
        "From the day the request or notice is sent to the day the answer or material is received, "
        "the time is not counted in the 30 working days.",
    ),
)
