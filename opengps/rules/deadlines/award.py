"""After the opening: evaluation report, award, award publicity, bid deposits (IR §43, O87 §68-69)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from opengps.rules.base import EffectiveValue, Ruled, parse_choice
from opengps.rules.deadlines.periods import (
    IR,
    O74,
    O87,
    PeriodRule,
    apply_period,
    period_rule,
    working_days,
)

EVALUATION_REPORT = period_rule(
    "deadlines.evaluation_report_deadline",
    "评审报告送交采购人",
    "Evaluation report delivered to the purchaser",
    EffectiveValue(O74, working_days(2), "财政部令第74号 第三十六条、第四十九条"),
    EffectiveValue(IR, working_days(2), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, working_days(2), "政府采购法实施条例 第四十三条；财政部令第87号 第六十八条"),
)
AWARD_CONFIRMATION = period_rule(
    "deadlines.award_confirmation_deadline",
    "采购人确定中标（成交）供应商",
    "Purchaser confirms the winner (else the first-ranked candidate stands)",
    EffectiveValue(O74, working_days(5), "财政部令第74号 第三十六条、第四十九条"),
    EffectiveValue(IR, working_days(5), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, working_days(5), "政府采购法实施条例 第四十三条；财政部令第87号 第六十八条"),
)
AWARD_ANNOUNCEMENT = period_rule(
    "deadlines.award_announcement_deadline",
    "发出中标（成交）通知书并公告结果",
    "Award notice sent and result announced",
    EffectiveValue(O74, working_days(2), "财政部令第74号 第十八条"),
    EffectiveValue(IR, working_days(2), "政府采购法实施条例 第四十三条"),
    EffectiveValue(O87, working_days(2), "政府采购法实施条例 第四十三条；财政部令第87号 第六十九条"),
)
AWARD_PUBLICITY = period_rule(
    "deadlines.award_publicity_end",
    "中标公告期限",
    "Award announcement period (its end starts the challenge period against the result)",
    EffectiveValue(O87, working_days(1), "财政部令第87号 第六十九条"),
    shown_as="{}",
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
    EffectiveValue(O74, working_days(5), "财政部令第74号 第二十条"),
    EffectiveValue(IR, working_days(5), "政府采购法实施条例 第三十三条；财政部令第74号 第二十条"),
    EffectiveValue(
        O87,
        working_days(5),
        "政府采购法实施条例 第三十三条；财政部令第87号 第三十八条；财政部令第74号 第二十条",
    ),
)
DEPOSIT_RETURN: Mapping[DepositTrigger, PeriodRule] = MappingProxyType(
    {
        DepositTrigger.award_notice: period_rule(
            "deadlines.deposit_return_deadline.award_notice",
            "退还未中标（成交）供应商的投标保证金",
            "Deposits of unsuccessful suppliers returned after the award notice",
            *_DEPOSIT_LOSER_WINNER,
        ),
        DepositTrigger.contract_signed: period_rule(
            "deadlines.deposit_return_deadline.contract_signed",
            "退还中标（成交）供应商的投标保证金",
            "Winner's deposit returned after the contract is signed",
            *_DEPOSIT_LOSER_WINNER,
        ),
        DepositTrigger.withdrawal: period_rule(
            "deadlines.deposit_return_deadline.withdrawal",
            "投标人撤回投标文件后退还投标保证金",
            "Deposit returned after a written withdrawal of the bid",
            EffectiveValue(O87, working_days(5), "财政部令第87号 第三十八条"),
        ),
        DepositTrigger.termination: period_rule(
            "deadlines.deposit_return_deadline.termination",
            "终止采购活动后退还投标保证金",
            "Deposits returned after the procurement is terminated",
            EffectiveValue(O87, working_days(5), "财政部令第87号 第二十九条"),
        ),
    }
)


def evaluation_report_deadline(evaluated_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Report to the purchaser within 2 working days of the end of evaluation (IR §43, O87 §68)."""
    return apply_period(EVALUATION_REPORT, evaluated_on, on_date)


def award_confirmation_deadline(report_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Purchaser confirms the winner within 5 working days of receiving the report (IR §43, O87 §68)."""
    return apply_period(AWARD_CONFIRMATION, report_on, on_date)


def award_announcement_deadline(decided_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Award notice and announcement within 2 working days of the decision (IR §43, O87 §69)."""
    return apply_period(AWARD_ANNOUNCEMENT, decided_on, on_date)


def award_publicity_end(announced_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day of the award announcement: it runs 1 working day (O87 §69)."""
    return apply_period(AWARD_PUBLICITY, announced_on, on_date)


def deposit_return_deadline(
    event_on: date,
    *,
    trigger: DepositTrigger | str = DepositTrigger.award_notice,
    on_date: date | None = None,
) -> Ruled[date]:
    """Bid deposit returned within 5 working days of `trigger` (IR §33, O87 §38, §29, O74 §20).

    Raises RuleError ``deposit.unknown_trigger`` for an unknown trigger code.
    """
    parsed = parse_choice(
        DepositTrigger,
        trigger,
        code="deposit.unknown_trigger",
        message_zh=f"未知的保证金退还事由“{trigger}”",
        message_en=f"Unknown deposit-return trigger '{trigger}'",
        param="trigger",
    )
    return apply_period(DEPOSIT_RETURN[parsed], event_on, on_date)
