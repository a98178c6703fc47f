"""Bid deposits and performance bonds (RULES.md §6): caps as effective-dated rates, and return deadlines.

Money is Decimal yuan. A cap is rounded DOWN to the fen: rounding half-up could allow half a fen
over the legal share, so the cap never exceeds it. Every function taking
`on_date` (the announcement date whose rules apply) uses the rate in force then; without it, the
rate in force today in the sense of "the latest entry" (these functions never read the clock).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from opengps.rules import deadlines
from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.deadlines import DepositTrigger
from opengps.rules.money import CENT

__all__ = [
    "BID_DEPOSIT_RATE",
    "PERFORMANCE_BOND_RATE",
    "RULES",
    "DepositTrigger",
    "bid_deposit_cap",
    "bid_deposit_return_deadline",
    "check_bid_deposit",
    "check_performance_bond",
    "loser_deposit_return_deadline",
    "performance_bond_cap",
    "share_cap",
    "validate_amount",
    "winner_deposit_return_deadline",
    "withdrawn_deposit_return_deadline",
]


BID_DEPOSIT_RATE: tuple[EffectiveValue[Decimal], ...] = (
    EffectiveValue(deadlines.O74, Decimal("0.02"), "财政部令第74号 第十四条"),
    EffectiveValue(deadlines.IR, Decimal("0.02"), "政府采购法实施条例 第三十三条；财政部令第74号 第十四条"),
)
"""Cap of the bid (response) deposit as a share of the budget: tender (IR §33), non-tender (O74 §14)."""

PERFORMANCE_BOND_RATE: tuple[EffectiveValue[Decimal], ...] = (
    EffectiveValue(deadlines.IR, Decimal("0.10"), "政府采购法实施条例 第四十八条"),
)
"""Cap of the performance bond as a share of the contract amount (IR §48)."""


def validate_amount(amount: Decimal, *, field: str) -> Decimal:
    """`amount` if it is a finite, non-negative Decimal; else RuleError ``money.invalid``."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise RuleError(
            "money.invalid",
            f"金额“{amount}”无效：须为非负的十进制金额（元）",
            f"Invalid amount '{amount}': a non-negative decimal amount in yuan is required",
            params={"field": field, "amount": str(amount)},
        )
    return amount


def _rate(
    history: tuple[EffectiveValue[Decimal], ...], on_date: date | None, rule: str
) -> EffectiveValue[Decimal]:
    return value_on(history, date.max if on_date is None else on_date, rule=rule)


def share_cap(base: Decimal, rate: EffectiveValue[Decimal], field: str) -> Ruled[Decimal]:
    """`rate` of `base`, in yuan rounded down to the fen (never above the legal share), citing the article."""
    value = (validate_amount(base, field=field) * rate.value).quantize(CENT, rounding=ROUND_DOWN)
    return Ruled(value, rate.citation, f"{base} × {rate.value:%} = {value}（元，舍去分以下）")


def bid_deposit_cap(budget: Decimal, *, on_date: date | None = None) -> Ruled[Decimal]:
    """The largest bid (response) deposit: 2% of the project budget (IR §33, O74 §14)."""
    return share_cap(budget, _rate(BID_DEPOSIT_RATE, on_date, "deposits.bid_deposit_cap"), "budget")


def check_bid_deposit(amount: Decimal, budget: Decimal, *, on_date: date | None = None) -> Ruled[Decimal]:
    """Accept a required bid deposit `amount` or raise RuleError ``deposit.bid_over_cap``.

    Returns the cap it was checked against.
    """
    cap = bid_deposit_cap(budget, on_date=on_date)
    if validate_amount(amount, field="amount") > cap.value:
        raise RuleError(
            "deposit.bid_over_cap",
            f"投标保证金 {amount} 元超过采购项目预算金额的 2%（上限 {cap.value} 元）",
            f"The bid deposit of {amount} yuan exceeds 2% of the budget (cap {cap.value} yuan)",
            citation=cap.citation,
            params={"amount": str(amount), "budget": str(budget), "cap": str(cap.value)},
        )
    return cap


def performance_bond_cap(contract_amount: Decimal, *, on_date: date | None = None) -> Ruled[Decimal]:
    """The largest performance bond: 10% of the contract amount (IR §48)."""
    rate = _rate(PERFORMANCE_BOND_RATE, on_date, "deposits.performance_bond_cap")
    return share_cap(contract_amount, rate, "contract_amount")


def check_performance_bond(
    amount: Decimal, contract_amount: Decimal, *, on_date: date | None = None
) -> Ruled[Decimal]:
    """Accept a performance bond `amount` or raise RuleError ``deposit.performance_over_cap``."""
    cap = performance_bond_cap(contract_amount, on_date=on_date)
    if validate_amount(amount, field="amount") > cap.value:
        raise RuleError(
            "deposit.performance_over_cap",
            f"履约保证金 {amount} 元超过政府采购合同金额的 10%（上限 {cap.value} 元）",
            f"The performance bond of {amount} yuan exceeds 10% of the contract amount "
            f"(cap {cap.value} yuan)",
            citation=cap.citation,
            params={"amount": str(amount), "contract_amount": str(contract_amount), "cap": str(cap.value)},
        )
    return cap


def bid_deposit_return_deadline(
    trigger: DepositTrigger | str, event_on: date, *, on_date: date | None = None
) -> Ruled[date]:
    """Last day to return a bid deposit: 5 working days after `trigger` happened on `event_on`."""
    return deadlines.deposit_return_deadline(event_on, trigger=trigger, on_date=on_date)


def loser_deposit_return_deadline(award_notice_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Unsuccessful suppliers: 5 working days after the award notice (IR §33, O87 §38, O74 §20)."""
    return bid_deposit_return_deadline(DepositTrigger.award_notice, award_notice_on, on_date=on_date)


def winner_deposit_return_deadline(signed_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """The winner: 5 working days after the contract is signed (IR §33, O87 §38, O74 §20)."""
    return bid_deposit_return_deadline(DepositTrigger.contract_signed, signed_on, on_date=on_date)


def withdrawn_deposit_return_deadline(withdrawn_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """A bid withdrawn in writing before the deadline: 5 working days after the notice (O87 §38)."""
    return bid_deposit_return_deadline(DepositTrigger.withdrawal, withdrawn_on, on_date=on_date)


def _percent(history: tuple[EffectiveValue[Decimal], ...], text: str) -> tuple[EffectiveValue[object], ...]:
    return shown_history(history, lambda rate: text.format(f"{rate:%}"))


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "deposits.bid_deposit_cap",
        "投标（响应）保证金上限",
        "Bid (response) deposit cap",
        _percent(BID_DEPOSIT_RATE, "≤ 采购项目预算金额的 {}"),
        "投标保证金不得超过采购项目预算金额的 2%，以支票、汇票、本票或者保函等非现金形式提交。",
        "At most 2% of the project budget, in a non-cash form (cheque, draft, bank or surety guarantee).",
    ),
    RuleInfo(
        "deposits.performance_bond_cap",
        "履约保证金上限",
        "Performance bond cap",
        _percent(PERFORMANCE_BOND_RATE, "≤ 政府采购合同金额的 {}"),
        "履约保证金不得超过政府采购合同金额的 10%，以非现金形式提交。",
        "At most 10% of the contract amount, in a non-cash form.",
    ),
    RuleInfo(
        "deposits.late_return_interest",
        "逾期退还投标保证金",
        "Late return of bid deposits",
        (
            EffectiveValue(
                deadlines.O87, "本金 + 同期贷款基准利率上浮 20% 的资金占用费", "财政部令第87号 第三十八条"
            ),
        ),
        "逾期退还的，除退还本金外，还应按中国人民银行同期贷款基准利率上浮 20% 后的利率支付超期资金占用费。",
        "A late return owes, besides the deposit, interest at the PBoC benchmark lending rate plus 20%.",
    ),
)
