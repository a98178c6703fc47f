"""Statutory time limits of a procurement (RULES.md §3), computed on the working-day calendar.

Counting follows the Civil Code (民法典 §201, §203): the start day is not counted; a period in
calendar days whose last day is not a working day ends on the next working day; "N working days
after D" is the N-th working day after D. Every period is effective-dated data (`PeriodRule`), and
the method-specific periods are one table per rule keyed by `Method` (ProZorro style), so a change
of law is a new row, not a new branch.

Deadlines counted *backwards* ("at least N days before X") never move later: moving the date to
the next working day, as §203 does for a forward period, would leave fewer than N days and break
the rule. Such dates move to the previous working day instead (see `latest_clarification_date`).

Each function takes an optional keyword `on_date`: the announcement date of the procurement whose
rules apply (a procurement is judged by the rules in force on its announcement date). It defaults
to the date argument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from opengps.rules import calendar
from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, value_on
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method, parse_method


class Unit(StrEnum):
    """How a period is counted."""

    days = "days"
    """Calendar days (日); a last day that is not a working day moves to the next working day."""
    working_days = "working_days"
    """Working days (工作日) of the State Council holiday calendar."""


class Direction(StrEnum):
    """Which way a period runs from its reference date."""

    after = "after"
    """A limit N (working) days after an event: the latest (or earliest) date is counted forward."""
    before = "before"
    """At least N (working) days before a date: the latest lawful date is counted backward."""


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time in law: `amount` calendar days or working days."""

    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} 日" if self.unit is Unit.days else f"{self.amount} 个工作日"

    @property
    def label_en(self) -> str:
        return f"{self.amount} days" if self.unit is Unit.days else f"{self.amount} working days"


def _days(amount: int) -> Period:
    return Period(amount, Unit.days)


def _working(amount: int) -> Period:
    return Period(amount, Unit.working_days)


# Effective dates of the sources (from their final articles in /work/shared/law unless noted).
GPL = date(2003, 1, 1)  # 政府采购法 第八十八条
IR = date(2015, 3, 1)  # 政府采购法实施条例 第七十九条
O74 = date(2014, 2, 1)  # 财政部令第74号 第六十二条
O87 = date(2017, 10, 1)  # 财政部令第87号 第八十八条
O94 = date(2018, 3, 1)  # 财政部令第94号 第四十五条
O110 = date(2022, 3, 1)  # 财政部令第110号 第五十二条
C214 = date(2014, 12, 31)  # 财库〔2014〕214号, in force on issue (text not in ../law: [E])
C10 = date(2020, 3, 2)  # 财库〔2020〕10号 采购意向公开 (text not in ../law: [E])

# How periods are counted: the Civil Code since 2021, before it the General Provisions (2017)
# and the General Principles of Civil Law (1987), with the same rule.
_COUNTING_DAYS: tuple[EffectiveValue[str], ...] = (
    EffectiveValue(date(1987, 1, 1), "起算日不计入；末日为法定休假日的顺延", "民法通则 第一百五十四条", "U"),
    EffectiveValue(
        date(2017, 10, 1), "起算日不计入；末日为法定休假日的顺延", "民法总则 第二百零一条、第二百零三条", "U"
    ),
    EffectiveValue(
        date(2021, 1, 1), "起算日不计入；末日为法定休假日的顺延", "民法典 第二百零一条、第二百零三条"
    ),
)
_COUNTING_WORKING_DAYS: tuple[EffectiveValue[str], ...] = (
    EffectiveValue(date(1987, 1, 1), "起算日不计入", "民法通则 第一百五十四条", "U"),
    EffectiveValue(date(2017, 10, 1), "起算日不计入", "民法总则 第二百零一条", "U"),
    EffectiveValue(date(2021, 1, 1), "起算日不计入", "民法典 第二百零一条"),
)


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """One time limit: its name, direction and the effective-dated period."""

    name: str
    title_zh: str
    title_en: str
    direction: Direction
    history: tuple[EffectiveValue[Period], ...]
    shown_as: str = "{}内"
    """How /rules/ shows a value: "{}内" (within), "≥{}" (a minimum), "至少 {}前" (before)."""
    summary_zh: str = ""
    summary_en: str = ""


@dataclass(frozen=True, slots=True)
class MethodPeriodRule:
    """A time limit that depends on the procurement method: one history per method.

    A value of None means the law sets no such period for that method; the function then raises
    RuleError ``deadline.not_applicable`` citing the entry.
    """

    name: str
    title_zh: str
    title_en: str
    direction: Direction
    table: Mapping[Method, tuple[EffectiveValue[Period | None], ...]]
    summary_zh: str = ""
    summary_en: str = ""


_NO_GPL_SCOPE = "政府采购法 第二条"  # below the procurement limit: not 政府采购 in the sense of the law

BID_PERIOD = MethodPeriodRule(
    name="deadlines.earliest_bid_deadline",
    title_zh="递交投标（响应）文件的最短期限",
    title_en="Minimum time from issuing documents to the bid (response) deadline",
    direction=Direction.after,
    table=MappingProxyType(
        {
            Method.open_tender: (EffectiveValue(GPL, _days(20), "政府采购法 第三十五条"),),
            Method.invited_tender: (EffectiveValue(GPL, _days(20), "政府采购法 第三十五条"),),
            Method.competitive_negotiation: (EffectiveValue(O74, _working(3), "财政部令第74号 第二十九条"),),
            Method.request_for_quotation: (EffectiveValue(O74, _working(3), "财政部令第74号 第四十五条"),),
            Method.competitive_consultation: (
                EffectiveValue(C214, _days(10), "财库〔2014〕214号 第十条", "E"),
            ),
            # Single source: the price is negotiated with the one supplier (GPL §39, O74 §41);
            # no response period is set by law.
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            # Closed framework agreements (the main form, O110 §4) collect suppliers by the open
            # tender rules (O110 §9); open framework agreements accept applications at any time.
            Method.framework_agreement: (
                EffectiveValue(O110, _days(20), "财政部令第110号 第九条；政府采购法 第三十五条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, _NO_GPL_SCOPE),),
        }
    ),
    summary_zh="自采购文件开始发出之日起至提交投标（响应）文件截止之日止的最短期限。",
    summary_en="From the day documents are first issued to the day bids (responses) are due.",
)

CLARIFICATION_PERIOD = MethodPeriodRule(
    name="deadlines.latest_clarification_date",
    title_zh="澄清或者修改采购文件的最晚日期",
    title_en="Latest date to clarify or change the documents without postponing the deadline",
    direction=Direction.before,
    table=MappingProxyType(
        {
            Method.open_tender: (
                EffectiveValue(IR, _days(15), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, _days(15), "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条"),
            ),
            Method.invited_tender: (
                EffectiveValue(IR, _days(15), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, _days(15), "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条"),
            ),
            Method.competitive_negotiation: (EffectiveValue(O74, _working(3), "财政部令第74号 第二十九条"),),
            Method.request_for_quotation: (EffectiveValue(O74, _working(3), "财政部令第74号 第四十五条"),),
            Method.competitive_consultation: (
                EffectiveValue(C214, _days(5), "财库〔2014〕214号 第十条", "E"),
            ),
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            Method.framework_agreement: (
                EffectiveValue(O110, _days(15), "财政部令第110号 第九条；财政部令第87号 第二十七条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, _NO_GPL_SCOPE),),
        }
    ),
    summary_zh="澄清或者修改可能影响投标（响应）文件编制的，须在截止时间前至少该期限通知；不足的，顺延截止时间。",
    summary_en=(
        "A clarification or change that may affect bid preparation must reach suppliers at least this "
        "long before the deadline; otherwise the deadline is postponed."
    ),
)


DOCUMENTS_PERIOD = MethodPeriodRule(
    name="deadlines.documents_available_until",
    title_zh="采购文件的提供期限",
    title_en="Minimum time the procurement documents are provided",
    direction=Direction.after,
    table=MappingProxyType(
        {
            Method.open_tender: (
                EffectiveValue(IR, _working(5), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, _working(5), "政府采购法实施条例 第三十一条；财政部令第87号 第十八条"),
            ),
            Method.invited_tender: (
                EffectiveValue(IR, _working(5), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, _working(5), "政府采购法实施条例 第三十一条；财政部令第87号 第十八条"),
            ),
            Method.competitive_consultation: (
                EffectiveValue(C214, _working(5), "财库〔2014〕214号 第十条", "E"),
            ),
            # Negotiation and RFQ set only the response period (O74 §29, §45), single source none.
            Method.competitive_negotiation: (EffectiveValue(O74, None, "财政部令第74号 第二十九条"),),
            Method.request_for_quotation: (EffectiveValue(O74, None, "财政部令第74号 第四十五条"),),
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            Method.framework_agreement: (
                EffectiveValue(O110, _working(5), "财政部令第110号 第九条；财政部令第87号 第十八条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, _NO_GPL_SCOPE),),
        }
    ),
    summary_zh="采购文件自公告发布（开始发出）之日起提供，提供期限不得少于该期限。",
    summary_en="Documents are provided from the announcement for at least this long.",
)


def _rule(
    name: str,
    title_zh: str,
    title_en: str,
    *history: EffectiveValue[Period],
    direction: Direction = Direction.after,
    shown_as: str = "{}内",
) -> PeriodRule:
    return PeriodRule(name, title_zh, title_en, direction, tuple(history), shown_as)


EVALUATION_REPORT = _rule(
    "deadlines.evaluation_report_deadline",
    "评审报告送交采购人",
    "Evaluation report delivered to the purchaser",
    EffectiveValue(O74, _working(2), "财政部令第74号 第三十六条、第四十九条"),
    EffectiveValue(IR, _working(2), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, _working(2), "政府采购法实施条例 第四十三条；财政部令第87号 第六十八条"),
)
AWARD_CONFIRMATION = _rule(
    "deadlines.award_confirmation_deadline",
    "采购人确定中标（成交）供应商",
    "Purchaser confirms the winner (else the first-ranked candidate stands)",
    EffectiveValue(O74, _working(5), "财政部令第74号 第三十六条、第四十九条"),
    EffectiveValue(IR, _working(5), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, _working(5), "政府采购法实施条例 第四十三条；财政部令第87号 第六十八条"),
)
AWARD_ANNOUNCEMENT = _rule(
    "deadlines.award_announcement_deadline",
    "发出中标（成交）通知书并公告结果",
    "Award notice sent and result announced",
    EffectiveValue(O74, _working(2), "财政部令第74号 第十八条"),
    EffectiveValue(IR, _working(2), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, _working(2), "政府采购法实施条例 第四十三条；财政部令第87号 第六十九条"),
)
CONTRACT_SIGNING = _rule(
    "deadlines.contract_sign_deadline",
    "签订政府采购合同",
    "Contract signed after the award notice",
    EffectiveValue(GPL, _days(30), "政府采购法 第四十六条"),
    EffectiveValue(O87, _days(30), "政府采购法 第四十六条；财政部令第87号 第七十一条"),
)
CONTRACT_PUBLICATION = _rule(
    "deadlines.contract_publication_deadline",
    "公告政府采购合同",
    "Contract published after signing",
    EffectiveValue(IR, _working(2), "政府采购法实施条例 第五十条"),
)
ENQUIRY_ANSWER = _rule(
    "deadlines.enquiry_answer_deadline",
    "答复询问",
    "Enquiry (询问) answered",
    EffectiveValue(IR, _working(3), "政府采购法实施条例 第五十二条"),
)
CHALLENGE = _rule(
    "deadlines.challenge_deadline",
    "提出质疑",
    "Challenge (质疑) filed after the supplier knew or should have known of the harm",
    EffectiveValue(GPL, _working(7), "政府采购法 第五十二条"),
    EffectiveValue(O94, _working(7), "政府采购法 第五十二条；财政部令第94号 第十条、第十一条"),
)
CHALLENGE_ANSWER = _rule(
    "deadlines.challenge_answer_deadline",
    "答复质疑",
    "Challenge answered",
    EffectiveValue(GPL, _working(7), "政府采购法 第五十三条"),
    EffectiveValue(O94, _working(7), "政府采购法 第五十三条；财政部令第94号 第十三条"),
)
COMPLAINT = _rule(
    "deadlines.complaint_deadline",
    "提起投诉",
    "Complaint (投诉) filed after the challenge answer was due",
    EffectiveValue(GPL, _working(15), "政府采购法 第五十五条"),
    EffectiveValue(O94, _working(15), "政府采购法 第五十五条；财政部令第94号 第十七条"),
)
# The 30 working days and the 30-day suspension are in the law itself since 2003 (GPL §56, §57);
# O94 (2018) restates them, and adds the excluded periods of §27 (`complaint_decision_due`).
COMPLAINT_DECISION = _rule(
    "deadlines.complaint_decision_deadline",
    "投诉处理决定",
    "Complaint decided by the finance department",
    EffectiveValue(GPL, _working(30), "政府采购法 第五十六条"),
    EffectiveValue(O94, _working(30), "政府采购法 第五十六条；财政部令第94号 第二十六条"),
)
PROCUREMENT_SUSPENSION = _rule(
    "deadlines.suspension_end_latest",
    "暂停采购活动",
    "Procurement suspended during a complaint",
    EffectiveValue(GPL, _days(30), "政府采购法 第五十七条"),
    EffectiveValue(O94, _days(30), "政府采购法 第五十七条；财政部令第94号 第二十八条"),
    shown_as="最长 {}",
)
AWARD_PUBLICITY = _rule(
    "deadlines.award_publicity_end",
    "中标公告期限",
    "Award announcement period (its end starts the challenge period against the result)",
    EffectiveValue(O87, _working(1), "财政部令第87号 第六十九条"),
    shown_as="{}",
)
PREQUALIFICATION_PERIOD = _rule(
    "deadlines.earliest_prequalification_deadline",
    "提交资格预审申请文件的最短期限",
    "Minimum time from the prequalification announcement to the application deadline",
    EffectiveValue(IR, _working(5), "政府采购法实施条例 第二十一条"),
    EffectiveValue(O87, _working(5), "政府采购法实施条例 第二十一条；财政部令第87号 第十六条"),
    shown_as="≥{}",
)
PREQUALIFICATION_CLARIFICATION = _rule(
    "deadlines.latest_prequalification_clarification_date",
    "澄清或者修改资格预审文件的最晚日期",
    "Latest date to clarify the prequalification documents without postponing the application deadline",
    EffectiveValue(O87, _days(3), "财政部令第87号 第二十七条第三款"),
    direction=Direction.before,
    shown_as="至少 {}前",
)
_O110_COUNTING = "财政部令第110号 第四十九条"
FRAMEWORK_SIGNING = _rule(
    "deadlines.framework_sign_deadline",
    "签订框架协议",
    "Framework agreement signed after the shortlist notice",
    EffectiveValue(O110, _days(30), f"财政部令第110号 第二十九条；{_O110_COUNTING}"),
)
FRAMEWORK_FILING = _rule(
    "deadlines.framework_filing_deadline",
    "框架协议副本报财政部门备案",
    "Copy of the framework agreement filed with the finance department after signing",
    EffectiveValue(O110, _working(7), "财政部令第110号 第二十九条"),
)
CALL_OFF_PUBLICATION = _rule(
    "deadlines.call_off_publication_deadline",
    "逐笔发布第二阶段成交结果公告",
    "Call-off result (re-bid or rotation) published after the supplier is chosen",
    EffectiveValue(O110, _working(2), "财政部令第110号 第三十五条"),
)
JOIN_REVIEW = _rule(
    "deadlines.framework_join_review_deadline",
    "审核加入开放式框架协议的申请",
    "Application to join an open framework agreement reviewed",
    EffectiveValue(O110, _working(7), "财政部令第110号 第三十九条"),
)
INTENTION_PUBLICATION = _rule(
    "deadlines.intention_publication_latest",
    "公开采购意向",
    "Procurement intention published before the procurement starts",
    EffectiveValue(C10, _days(30), "财库〔2020〕10号", "E"),
    direction=Direction.before,
    shown_as="至少 {}前",
)
OBJECTION_REVIEW = _rule(
    "deadlines.objection_review_deadline",
    "单一来源公示异议的补充论证",
    "Objections to a single-source notice reviewed after the notice ends",
    EffectiveValue(O74, _working(5), "财政部令第74号 第四十条"),
)
SINGLE_SOURCE_NOTICE = _rule(
    "deadlines.single_source_notice_end",
    "单一来源采购公示期",
    "Single-source public notice period (at or above the open-tender threshold)",
    EffectiveValue(O74, _working(5), "财政部令第74号 第三十八条"),
    EffectiveValue(IR, _working(5), "政府采购法实施条例 第三十八条；财政部令第74号 第三十八条"),
    shown_as="≥{}",
)


class DepositTrigger(StrEnum):
    """The event from which a bid deposit must be returned."""

    award_notice = "award_notice"
    """Award notice sent: deposits of the suppliers who did not win."""
    contract_signed = "contract_signed"
    """Contract signed: the winner's deposit (or turned into its performance bond)."""
    withdrawal = "withdrawal"
    """Written withdrawal of a bid before the deadline."""
    termination = "termination"
    """Procurement terminated."""


_DEPOSIT_LOSER_WINNER = (
    EffectiveValue(O74, _working(5), "财政部令第74号 第二十条"),
    EffectiveValue(IR, _working(5), "政府采购法实施条例 第三十三条；财政部令第74号 第二十条"),
    EffectiveValue(
        O87, _working(5), "政府采购法实施条例 第三十三条；财政部令第87号 第三十八条；财政部令第74号 第二十条"
    ),
)
DEPOSIT_RETURN: Mapping[DepositTrigger, PeriodRule] = MappingProxyType(
    {
        DepositTrigger.award_notice: _rule(
            "deadlines.deposit_return_deadline.award_notice",
            "退还未中标（成交）供应商的投标保证金",
            "Deposits of unsuccessful suppliers returned after the award notice",
            *_DEPOSIT_LOSER_WINNER,
        ),
        DepositTrigger.contract_signed: _rule(
            "deadlines.deposit_return_deadline.contract_signed",
            "退还中标（成交）供应商的投标保证金",
            "Winner's deposit returned after the contract is signed",
            *_DEPOSIT_LOSER_WINNER,
        ),
        DepositTrigger.withdrawal: _rule(
            "deadlines.deposit_return_deadline.withdrawal",
            "投标人撤回投标文件后退还投标保证金",
            "Deposit returned after a written withdrawal of the bid",
            EffectiveValue(O87, _working(5), "财政部令第87号 第三十八条"),
        ),
        DepositTrigger.termination: _rule(
            "deadlines.deposit_return_deadline.termination",
            "终止采购活动后退还投标保证金",
            "Deposits returned after the procurement is terminated",
            EffectiveValue(O87, _working(5), "财政部令第87号 第二十九条"),
        ),
    }
)

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


# --- counting ---------------------------------------------------------------------------------


def _join(*citations: str) -> str:
    return "；".join(citation for citation in citations if citation)


def counting_citation(period: Period, direction: Direction, on_date: date) -> str:
    """The Civil Code article(s) governing how `period` is counted, as in force on `on_date`."""
    # §203 (extension past a holiday) only concerns forward periods in calendar days.
    extends = period.unit is Unit.days and direction is Direction.after
    history = _COUNTING_DAYS if extends else _COUNTING_WORKING_DAYS
    return value_on(history, on_date, rule="deadlines.counting").citation


def count_forward(start: date, period: Period) -> tuple[date, str]:
    """The last day of `period` counted from `start` (民法典 §201, §203), with a note if it moved."""
    if period.unit is Unit.working_days:
        return calendar.add_working_days(start, period.amount), ""
    nominal = start + timedelta(days=period.amount)
    moved = calendar.next_working_day(nominal)
    if moved == nominal:
        return nominal, ""
    return moved, f"期间末日 {nominal.isoformat()} 不是工作日，顺延至 {moved.isoformat()}"


def count_backward(end: date, period: Period) -> tuple[date, str]:
    """The latest working day leaving at least `period` before `end`.

    Calendar days: `end` − N days, moved *earlier* to a working day when it is not one.
    Working days: the latest day L with N working days in (L, `end`], i.e. the (N+1)-th working
    day on or before `end` (so that, counted forward, L + N working days ≤ `end`).
    """
    if period.unit is Unit.working_days:
        return calendar.add_working_days(end + timedelta(days=1), -(period.amount + 1)), ""
    nominal = end - timedelta(days=period.amount)
    moved = calendar.previous_working_day(nominal)
    if moved == nominal:
        return nominal, ""
    return (
        moved,
        f"{nominal.isoformat()} 不是工作日，提前至 {moved.isoformat()}（不得顺延，否则不足法定期间）",
    )


def _apply(rule: PeriodRule, reference: date, on_date: date | None) -> Ruled[date]:
    when = reference if on_date is None else on_date
    entry = value_on(rule.history, when, rule=rule.name)
    return _ruled(entry.value, entry.citation, reference, when, rule.direction)


def _ruled(period: Period, citation: str, reference: date, when: date, direction: Direction) -> Ruled[date]:
    if direction is Direction.after:
        day, note = count_forward(reference, period)
    else:
        day, note = count_backward(reference, period)
    return Ruled(day, _join(citation, counting_citation(period, direction, when)), note)


def method_period(rule: MethodPeriodRule, method: Method | str, on_date: date) -> EffectiveValue[Period]:
    """The period `rule` sets for `method` on `on_date`.

    Raises RuleError ``method.unknown``, ``rules.not_in_force`` (no value yet on that date), or
    ``deadline.not_applicable`` when the law sets no such period for the method.
    """
    parsed = parse_method(method)
    entry = value_on(rule.table[parsed], on_date, rule=f"{rule.name}.{parsed.value}")
    if entry.value is None:
        raise RuleError(
            "deadline.not_applicable",
            f"法律未对{METHOD_NAMES_ZH[parsed]}规定“{rule.title_zh}”",
            f"The law sets no '{rule.title_en}' for {METHOD_NAMES_EN[parsed].lower()}",
            citation=entry.citation,
            params={"method": parsed.value, "rule": rule.name},
        )
    return EffectiveValue(entry.effective_from, entry.value, entry.citation, entry.confidence)


def _apply_method(
    rule: MethodPeriodRule, method: Method | str, reference: date, on_date: date | None
) -> Ruled[date]:
    when = reference if on_date is None else on_date
    entry = method_period(rule, method, when)
    return _ruled(entry.value, entry.citation, reference, when, rule.direction)


# --- the deadlines ----------------------------------------------------------------------------


def earliest_bid_deadline(
    method: Method | str, issued_on: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The earliest lawful bid (response) deadline for documents first issued on `issued_on`.

    Open/invited tender ≥20 days (GPL §35); negotiation and RFQ ≥3 working days (O74 §29, §45);
    consultation ≥10 days (C214 §10); closed framework agreement as open tender (O110 §9).
    Single source and e-mall: RuleError ``deadline.not_applicable``.
    """
    return _apply_method(BID_PERIOD, method, issued_on, on_date)


def latest_clarification_date(
    method: Method | str, bid_deadline: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The last day a clarification that may affect bids can be issued without postponing `bid_deadline`.

    Tender: at least 15 days before (IR §31, O87 §27); consultation 5 days (C214 §10); negotiation
    and RFQ 3 working days (O74 §29, §45). Counted backwards: `bid_deadline` − 15 days, and when
    that is not a working day the *previous* working day — §203 extends a period to protect the
    one who must act within it; moving this date later would leave suppliers fewer than 15 days.
    """
    return _apply_method(CLARIFICATION_PERIOD, method, bid_deadline, on_date)


def documents_available_until(
    method: Method | str, announced_on: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The earliest last day the documents may stop being provided, counted from the announcement.

    Open/invited tender ≥5 working days (IR §31, O87 §18); consultation ≥5 working days
    (C214 §10); closed framework agreement as open tender (O110 §9). Negotiation, RFQ, single
    source and e-mall: RuleError ``deadline.not_applicable`` (the law sets no such period).
    """
    return _apply_method(DOCUMENTS_PERIOD, method, announced_on, on_date)


def objection_review_deadline(notice_ends_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Objections to a single-source notice reviewed within 5 working days after it ends (O74 §40)."""
    return _apply(OBJECTION_REVIEW, notice_ends_on, on_date)


def evaluation_report_deadline(evaluated_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Report to the purchaser within 2 working days of the end of evaluation (IR §43, O87 §68)."""
    return _apply(EVALUATION_REPORT, evaluated_on, on_date)


def award_confirmation_deadline(report_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Purchaser confirms the winner within 5 working days of receiving the report (IR §43, O87 §68)."""
    return _apply(AWARD_CONFIRMATION, report_on, on_date)


def award_announcement_deadline(decided_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Award notice and announcement within 2 working days of the decision (IR §43, O87 §69)."""
    return _apply(AWARD_ANNOUNCEMENT, decided_on, on_date)


def contract_sign_deadline(notice_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Contract signed within 30 days of the award notice (GPL §46, O87 §71)."""
    return _apply(CONTRACT_SIGNING, notice_on, on_date)


def contract_publication_deadline(signed_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Contract published within 2 working days of signing (IR §50)."""
    return _apply(CONTRACT_PUBLICATION, signed_on, on_date)


def enquiry_answer_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Enquiry answered within 3 working days (IR §52)."""
    return _apply(ENQUIRY_ANSWER, received_on, on_date)


def challenge_deadline(known_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Challenge filed within 7 working days of knowing of the harm (GPL §52, O94 §10-11)."""
    return _apply(CHALLENGE, known_on, on_date)


def challenge_answer_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Challenge answered within 7 working days of receipt (GPL §53, O94 §13)."""
    return _apply(CHALLENGE_ANSWER, received_on, on_date)


def complaint_deadline(answer_due_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Complaint filed within 15 working days after the answer was due (GPL §55, O94 §17)."""
    return _apply(COMPLAINT, answer_due_on, on_date)


def complaint_decision_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Finance decides a complaint within 30 working days of receiving it (GPL §56; O94 §26).

    Without excluded periods; `complaint_decision_due` counts the clock stops of O94 §27.
    """
    return _apply(COMPLAINT_DECISION, received_on, on_date)


def suspension_end_latest(suspended_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day a procurement suspended during a complaint may stay suspended: 30 days (GPL §57; O94 §28)."""
    return _apply(PROCUREMENT_SUSPENSION, suspended_on, on_date)


def deposit_return_deadline(
    event_on: date,
    *,
    trigger: DepositTrigger | str = DepositTrigger.award_notice,
    on_date: date | None = None,
) -> Ruled[date]:
    """Bid deposit returned within 5 working days of `trigger` (IR §33, O87 §38, §29, O74 §20).

    Raises RuleError ``deposit.unknown_trigger`` for an unknown trigger code.
    """
    try:
        parsed = DepositTrigger(trigger)
    except ValueError:
        raise RuleError(
            "deposit.unknown_trigger",
            f"未知的保证金退还事由“{trigger}”",
            f"Unknown deposit-return trigger '{trigger}'",
            params={"trigger": str(trigger), "known": [item.value for item in DepositTrigger]},
        ) from None
    return _apply(DEPOSIT_RETURN[parsed], event_on, on_date)


class BudgetLevel(StrEnum):
    """The level of the budget unit (预算单位), which fixes when intention publication began."""

    central = "central"
    """中央预算单位."""
    provincial = "provincial"
    """省级预算单位."""
    city = "city"
    """设区的市级预算单位 (省级以下)."""
    county = "county"
    """县级预算单位 (省级以下)."""


BUDGET_LEVEL_NAMES_ZH: Mapping[BudgetLevel, str] = MappingProxyType(
    {
        BudgetLevel.central: "中央预算单位",
        BudgetLevel.provincial: "省级预算单位",
        BudgetLevel.city: "市级预算单位",
        BudgetLevel.county: "县级预算单位",
    }
)

_C10_TEXT = "财政部关于开展政府采购意向公开工作的通知（财库〔2020〕10号）"
INTENTION_PHASE_IN: Mapping[BudgetLevel, EffectiveValue[bool]] = MappingProxyType(
    {
        # Projects carried out from these dates: central units (and the pilot cities) from
        # 2020-07-01, provincial units from 2021-01-01, units below the province from 2022-01-01.
        BudgetLevel.central: EffectiveValue(date(2020, 7, 1), True, _C10_TEXT, "E"),
        BudgetLevel.provincial: EffectiveValue(date(2021, 1, 1), True, _C10_TEXT, "E"),
        BudgetLevel.city: EffectiveValue(date(2022, 1, 1), True, _C10_TEXT, "E"),
        BudgetLevel.county: EffectiveValue(date(2022, 1, 1), True, _C10_TEXT, "E"),
    }
)
"""From which procurement start date each level of budget unit must publish its intentions."""


def parse_budget_level(level: BudgetLevel | str) -> BudgetLevel:
    """The `BudgetLevel` for `level`; RuleError ``intention.unknown_level`` for anything else."""
    try:
        return BudgetLevel(level)
    except ValueError:
        raise RuleError(
            "intention.unknown_level",
            f"未知的预算单位层级“{level}”",
            f"Unknown budget-unit level '{level}'",
            params={"level": str(level), "known": [item.value for item in BudgetLevel]},
        ) from None


def intention_required(procurement_starts_on: date, *, level: BudgetLevel | str) -> Ruled[bool]:
    """Whether a unit of `level` must publish the intention of a procurement starting that day.

    财库〔2020〕10号 phases publication in: central units for projects carried out from
    2020-07-01, provincial units from 2021-01-01, city and county units from 2022-01-01.
    """
    parsed = parse_budget_level(level)
    entry = INTENTION_PHASE_IN[parsed]
    required = procurement_starts_on >= entry.effective_from
    note = (
        f"{BUDGET_LEVEL_NAMES_ZH[parsed]}自 {entry.effective_from.isoformat()} 起实施的采购项目应公开采购意向"
    )
    return Ruled(required, entry.citation, note)


def intention_publication_latest(
    procurement_starts_on: date,
    *,
    level: BudgetLevel | str = BudgetLevel.central,
    on_date: date | None = None,
) -> Ruled[date]:
    """Latest day to publish the procurement intention: ≥30 days before the start (财库〔2020〕10号).

    Counted backwards like `latest_clarification_date`: moved earlier to a working day. Raises
    RuleError ``intention.not_required`` when a unit of `level` need not yet publish it for a
    procurement starting that day (see `intention_required`).
    """
    required = intention_required(procurement_starts_on, level=level)
    if not required.value:
        parsed = parse_budget_level(level)
        since = INTENTION_PHASE_IN[parsed].effective_from
        raise RuleError(
            "intention.not_required",
            f"{BUDGET_LEVEL_NAMES_ZH[parsed]}自 {since.isoformat()} 起实施的采购项目方须公开采购意向",
            f"Units of level '{parsed.value}' publish intentions for projects starting "
            f"from {since.isoformat()}",
            citation=required.citation,
            params={"level": parsed.value, "since": since.isoformat()},
        )
    return _apply(INTENTION_PUBLICATION, procurement_starts_on, on_date)


def award_publicity_end(announced_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day of the award announcement: it runs 1 working day (O87 §69)."""
    return _apply(AWARD_PUBLICITY, announced_on, on_date)


def earliest_prequalification_deadline(announced_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Earliest deadline for prequalification applications: ≥5 working days from the announcement
    (IR §21; O87 §16)."""
    return _apply(PREQUALIFICATION_PERIOD, announced_on, on_date)


def latest_prequalification_clarification_date(
    application_deadline: date, *, on_date: date | None = None
) -> Ruled[date]:
    """Last day to clarify the prequalification documents: ≥3 days before the application deadline
    (O87 §27 ¶3), counted backwards (moved earlier to a working day)."""
    return _apply(PREQUALIFICATION_CLARIFICATION, application_deadline, on_date)


def postponed_after_clarification(
    entry: EffectiveValue[Period], published_on: date, deadline_on: date, *, on_date: date
) -> Ruled[date] | None:
    """The deadline a clarification published on `published_on` requires, or None when in time.

    The clarification must leave at least `entry`'s period before the deadline; when it does not,
    the new deadline is counted *forward* from the clarification day by that period: the next day
    is the first (民法典 §201), and a last day that is not a working day moves to the next working
    day (§203) — as `earliest_bid_deadline` counts. A deadline already on or after it stands.
    """
    required, moved = count_forward(published_on, entry.value)
    if deadline_on >= required:
        return None
    counting = counting_citation(entry.value, Direction.after, on_date)
    note = (
        f"澄清或者修改于 {published_on.isoformat()} 发出，距截止日期不足{entry.value}，"
        f"截止时间顺延至 {required.isoformat()}"
    )
    return Ruled(required, _join(entry.citation, counting), f"{note}；{moved}" if moved else note)


def postponed_prequalification_deadline(
    published_on: date, deadline_on: date, *, on_date: date | None = None
) -> Ruled[date] | None:
    """The postponed application deadline after a late clarification of the prequalification
    documents (O87 §27 ¶3: at least 3 days before, else postpone), or None when in time."""
    when = published_on if on_date is None else on_date
    entry = value_on(PREQUALIFICATION_CLARIFICATION.history, when, rule=PREQUALIFICATION_CLARIFICATION.name)
    return postponed_after_clarification(entry, published_on, deadline_on, on_date=when)


def framework_sign_deadline(notice_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Framework agreement signed within 30 days of the shortlist notice (O110 §29, §49)."""
    return _apply(FRAMEWORK_SIGNING, notice_on, on_date)


def framework_filing_deadline(signed_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Copy of the agreement filed with finance within 7 working days of signing (O110 §29)."""
    return _apply(FRAMEWORK_FILING, signed_on, on_date)


def call_off_publication_deadline(chosen_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Re-bid or rotation call-off result published within 2 working days (O110 §35)."""
    return _apply(CALL_OFF_PUBLICATION, chosen_on, on_date)


def framework_join_review_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Application to join an open framework agreement reviewed within 7 working days (O110 §39)."""
    return _apply(JOIN_REVIEW, received_on, on_date)


# --- when a supplier should have known (IR §53) -----------------------------------------------


class ChallengeGround(StrEnum):
    """What a challenge is about; each fixes when the supplier should have known (IR §53)."""

    documents = "documents"
    """采购文件: the day the documents were received, or the end of their announcement period."""
    process = "process"
    """采购过程: the day the procedural step ended."""
    result = "result"
    """中标或者成交结果: the day the result announcement period ended."""


IR_53 = "政府采购法实施条例 第五十三条"
_IR_53_ITEM = {
    ChallengeGround.documents: f"{IR_53}第（一）项；财政部令第94号 第十一条",
    ChallengeGround.process: f"{IR_53}第（二）项",
    ChallengeGround.result: f"{IR_53}第（三）项",
}


def _known_date_missing(ground: ChallengeGround, what_zh: str, what_en: str) -> RuleError:
    return RuleError(
        "challenge.known_date_missing",
        f"缺少{what_zh}，无法确定应知其权益受到损害之日",
        f"The {what_en} is needed to fix when the supplier should have known",
        citation=_IR_53_ITEM[ground],
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
    try:
        parsed = ChallengeGround(ground)
    except ValueError:
        raise RuleError(
            "challenge.unknown_ground",
            f"未知的质疑事项类别“{ground}”",
            f"Unknown challenge ground '{ground}'",
            citation=IR_53,
            params={"ground": str(ground), "known": [item.value for item in ChallengeGround]},
        ) from None
    citation = _IR_53_ITEM[parsed]
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


# --- the complaint clock (O94 §27) -------------------------------------------------------------


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
        return _ruled(entry.value, entry.citation, received_on, when, Direction.after)
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
    return Ruled(day, _join(entry.citation, rule.citation, counting), note)


def single_source_notice_end(published_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day of the single-source public notice: 5 working days (IR §38, O74 §38)."""
    return _apply(SINGLE_SOURCE_NOTICE, published_on, on_date)


# --- the public description -------------------------------------------------------------------


def _shown(rule: PeriodRule, entry: EffectiveValue[Period]) -> EffectiveValue[object]:
    text = rule.shown_as.format(entry.value)
    return EffectiveValue(entry.effective_from, text, entry.citation, entry.confidence)


def _method_values(rule: MethodPeriodRule) -> tuple[EffectiveValue[object], ...]:
    values: list[EffectiveValue[object]] = []
    for method, history in rule.table.items():
        for entry in history:
            text = f"≥{entry.value}" if entry.value is not None else "不适用（法律未规定）"
            values.append(
                EffectiveValue(
                    entry.effective_from,
                    f"{METHOD_NAMES_ZH[method]}：{text}",
                    entry.citation,
                    entry.confidence,
                )
            )
    return tuple(values)


def _info(rule: PeriodRule | MethodPeriodRule, values: Sequence[EffectiveValue[object]]) -> RuleInfo:
    return RuleInfo(rule.name, rule.title_zh, rule.title_en, tuple(values), rule.summary_zh, rule.summary_en)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "deadlines.counting",
        "期间的计算",
        "How periods are counted",
        tuple(EffectiveValue(e.effective_from, e.value, e.citation, e.confidence) for e in _COUNTING_DAYS),
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
    *(_info(rule, [_shown(rule, entry) for entry in rule.history]) for rule in PERIOD_RULES),
    RuleInfo(
        "deadlines.intention_required",
        "采购意向公开的分步实施",
        "Intention publication phased in by budget-unit level",
        tuple(
            EffectiveValue(
                entry.effective_from,
                f"{BUDGET_LEVEL_NAMES_ZH[level]}：自此日起实施的采购项目应公开采购意向",
                entry.citation,
                entry.confidence,
            )
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
                _IR_53_ITEM[ChallengeGround.documents],
            ),
            EffectiveValue(IR, "采购过程：各采购程序环节结束之日", _IR_53_ITEM[ChallengeGround.process]),
            EffectiveValue(
                IR,
                "中标或者成交结果：结果公告期限（1 个工作日）届满之日",
                f"{_IR_53_ITEM[ChallengeGround.result]}；财政部令第87号 第六十九条",
            ),
        ),
        "质疑期限 7 个工作日自该日起算。",
        "The 7-working-day challenge period runs from this day.",
    ),
    RuleInfo(
        "deadlines.complaint_clock_stops",
        "投诉处理期限中止计时",
        "Periods excluded from the complaint decision time",
        tuple(EffectiveValue(e.effective_from, e.value, e.citation, e.confidence) for e in CLOCK_STOPS),
        "自财政部门发出相关文书、补正通知之日至收到相关反馈文书或材料之日，不计入30个工作日的处理期限。",
        "From the day the request or notice is sent to the day the answer or material is received, "
        "the time is not counted in the 30 working days.",
    ),
)
