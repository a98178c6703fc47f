"""Before the procurement: the intention (财库〔2020〕10号) and the single-source notice (O74 §38-40)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from opengps.rules.base import EffectiveValue, Ruled, RuleError, parse_choice
from opengps.rules.deadlines.periods import (
    C10,
    IR,
    O74,
    Direction,
    apply_period,
    days,
    period_rule,
    working_days,
)

INTENTION_PUBLICATION = period_rule(
    "deadlines.intention_publication_latest",
    "公开采购意向",
    "Procurement intention published before the procurement starts",
    EffectiveValue(C10, days(30), "财库〔2020〕10号", "E"),
    direction=Direction.before,
    shown_as="至少 {}前",
)
SINGLE_SOURCE_NOTICE = period_rule(
    "deadlines.single_source_notice_end",
    "单一来源采购公示期",
    "Single-source public notice period (at or above the open-tender threshold)",
    EffectiveValue(O74, working_days(5), "财政部令第74号 第三十八条"),
    EffectiveValue(IR, working_days(5), "政府采购法实施条例 第三十八条；财政部令第74号 第三十八条"),
    shown_as="≥{}",
)
OBJECTION_REVIEW = period_rule(
    "deadlines.objection_review_deadline",
    "单一来源公示异议的补充论证",
    "Objections to a single-source notice reviewed after the notice ends",
    EffectiveValue(O74, working_days(5), "财政部令第74号 第四十条"),
)


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
    return parse_choice(
        BudgetLevel,
        level,
        code="intention.unknown_level",
        message_zh=f"未知的预算单位层级“{level}”",
        message_en=f"Unknown budget-unit level '{level}'",
        param="level",
    )


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
    return apply_period(INTENTION_PUBLICATION, procurement_starts_on, on_date)


def single_source_notice_end(published_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day of the single-source public notice: 5 working days (IR §38, O74 §38)."""
    return apply_period(SINGLE_SOURCE_NOTICE, published_on, on_date)


def objection_review_deadline(notice_ends_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Objections to a single-source notice reviewed within 5 working days after it ends (O74 §40)."""
    return apply_period(OBJECTION_REVIEW, notice_ends_on, on_date)
