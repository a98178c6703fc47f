"""How statutory periods are counted (民法典 §201, §203) and the effective-dated period data.

The start day is not counted; a period in calendar days whose last day is not a working day ends
on the next working day; "N working days after D" is the N-th working day after D. A date counted
*backwards* ("at least N days before X") moves to the previous working day instead, never later.
Every period is a `PeriodRule` (or a `MethodPeriodRule`, one history per method); the subject
modules of this package hold the rules and the functions that apply them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from opengps.rules import calendar
from opengps.rules.base import EffectiveValue, Ruled, RuleError, value_on
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


def days(amount: int) -> Period:
    return Period(amount, Unit.days)


def working_days(amount: int) -> Period:
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
COUNTING_DAYS: tuple[EffectiveValue[str], ...] = (
    EffectiveValue(date(1987, 1, 1), "起算日不计入；末日为法定休假日的顺延", "民法通则 第一百五十四条", "U"),
    EffectiveValue(
        date(2017, 10, 1), "起算日不计入；末日为法定休假日的顺延", "民法总则 第二百零一条、第二百零三条", "U"
    ),
    EffectiveValue(
        date(2021, 1, 1), "起算日不计入；末日为法定休假日的顺延", "民法典 第二百零一条、第二百零三条"
    ),
)
COUNTING_WORKING_DAYS: tuple[EffectiveValue[str], ...] = (
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


NO_GPL_SCOPE = "政府采购法 第二条"  # below the procurement limit: not 政府采购 in the sense of the law


def period_rule(
    name: str,
    title_zh: str,
    title_en: str,
    *history: EffectiveValue[Period],
    direction: Direction = Direction.after,
    shown_as: str = "{}内",
) -> PeriodRule:
    return PeriodRule(name, title_zh, title_en, direction, tuple(history), shown_as)


def join_citations(*citations: str) -> str:
    return "；".join(citation for citation in citations if citation)


def counting_citation(period: Period, direction: Direction, on_date: date) -> str:
    """The Civil Code article(s) governing how `period` is counted, as in force on `on_date`."""
    # §203 (extension past a holiday) only concerns forward periods in calendar days.
    extends = period.unit is Unit.days and direction is Direction.after
    history = COUNTING_DAYS if extends else COUNTING_WORKING_DAYS
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


def apply_period(rule: PeriodRule, reference: date, on_date: date | None) -> Ruled[date]:
    when = reference if on_date is None else on_date
    entry = value_on(rule.history, when, rule=rule.name)
    return ruled_period(entry.value, entry.citation, reference, when, rule.direction)


def ruled_period(
    period: Period, citation: str, reference: date, when: date, direction: Direction
) -> Ruled[date]:
    if direction is Direction.after:
        day, note = count_forward(reference, period)
    else:
        day, note = count_backward(reference, period)
    return Ruled(day, join_citations(citation, counting_citation(period, direction, when)), note)


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


def apply_method_period(
    rule: MethodPeriodRule, method: Method | str, reference: date, on_date: date | None
) -> Ruled[date]:
    when = reference if on_date is None else on_date
    entry = method_period(rule, method, when)
    return ruled_period(entry.value, entry.citation, reference, when, rule.direction)
