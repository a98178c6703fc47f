"""Bid deposits (≤2% of budget) and performance bonds (≤10% of the contract), and their return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import deposits
from opengps.rules.base import Ruled, RuleError

D = date.fromisoformat
Y = Decimal


@pytest.mark.parametrize(
    ("budget", "cap"),
    [
        ("1000000", "20000.00"),
        ("1000000.00", "20000.00"),
        ("800000", "16000.00"),
        ("100.25", "2.00"),  # 2.005 rounds down: a cap never exceeds 2%
        ("100.24", "2.00"),  # 2.0048 rounds down
        ("0.25", "0.00"),
        ("0", "0.00"),
    ],
    ids=lambda value: str(value),
)
def test_bid_deposit_cap(budget: str, cap: str) -> None:
    result = deposits.bid_deposit_cap(Y(budget))
    assert result.value == Y(cap)
    assert str(result.value) == cap
    assert result.citation == "政府采购法实施条例 第三十三条；财政部令第74号 第十四条"
    assert "2%" in result.note


def test_bid_deposit_cap_before_the_regulation_cites_o74() -> None:
    assert deposits.bid_deposit_cap(Y("1000"), on_date=D("2014-06-01")).citation == "财政部令第74号 第十四条"


@pytest.mark.parametrize(
    ("amount", "budget"),
    [("20000.00", "1000000"), ("19999.99", "1000000"), ("0", "1000000"), ("2.00", "100.25")],
    ids=["exactly-2pct", "a-cent-under", "none", "rounded-cap"],
)
def test_check_bid_deposit_accepts(amount: str, budget: str) -> None:
    assert deposits.check_bid_deposit(Y(amount), Y(budget)).value == deposits.bid_deposit_cap(Y(budget)).value


@pytest.mark.parametrize(
    ("amount", "budget", "cap"),
    [("20000.01", "1000000", "20000.00"), ("2.01", "100.25", "2.00"), ("0.01", "0", "0.00")],
    ids=["a-cent-over", "over-rounded-cap", "zero-budget"],
)
def test_check_bid_deposit_refuses_over_cap(amount: str, budget: str, cap: str) -> None:
    with pytest.raises(RuleError) as caught:
        deposits.check_bid_deposit(Y(amount), Y(budget))
    error = caught.value
    assert error.code == "deposit.bid_over_cap"
    assert error.citation.startswith("政府采购法实施条例 第三十三条")
    assert error.params == {"amount": amount, "budget": budget, "cap": cap}
    assert "2%" in error.message_zh and "2%" in error.message_en


@pytest.mark.parametrize(
    ("contract_amount", "cap"),
    [("1000000", "100000.00"), ("123.45", "12.34"), ("123.44", "12.34"), ("0.05", "0.00")],
    ids=lambda value: str(value),
)
def test_performance_bond_cap(contract_amount: str, cap: str) -> None:
    result = deposits.performance_bond_cap(Y(contract_amount))
    assert result.value == Y(cap)
    assert result.citation == "政府采购法实施条例 第四十八条"


@pytest.mark.parametrize(
    ("amount", "contract_amount", "ok"),
    [
        ("100000.00", "1000000", True),
        ("100000.01", "1000000", False),
        ("12.34", "123.45", True),
        ("12.35", "123.45", False),
    ],
    ids=["exactly-10pct", "a-cent-over", "rounded-cap", "over-rounded-cap"],
)
def test_check_performance_bond(amount: str, contract_amount: str, ok: bool) -> None:
    if ok:
        assert deposits.check_performance_bond(Y(amount), Y(contract_amount)).value == Y(amount)
        return
    with pytest.raises(RuleError) as caught:
        deposits.check_performance_bond(Y(amount), Y(contract_amount))
    assert caught.value.code == "deposit.performance_over_cap"
    assert caught.value.citation == "政府采购法实施条例 第四十八条"


def test_performance_bond_before_the_regulation_is_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        deposits.performance_bond_cap(Y("1000"), on_date=D("2015-02-28"))
    assert caught.value.code == "rules.not_in_force"


@pytest.mark.parametrize(
    "call",
    [
        lambda: deposits.bid_deposit_cap(Y("-1")),
        lambda: deposits.bid_deposit_cap(Y("NaN")),
        lambda: deposits.bid_deposit_cap(1000.0),  # type: ignore[arg-type]
        lambda: deposits.check_bid_deposit(Y("-0.01"), Y("1000")),
        lambda: deposits.performance_bond_cap(Y("Infinity")),
        lambda: deposits.check_performance_bond(Y("-5"), Y("1000")),
    ],
    ids=["negative-budget", "nan", "float", "negative-deposit", "infinite", "negative-bond"],
)
def test_invalid_money_is_refused(call: Callable[[], object]) -> None:
    with pytest.raises(RuleError) as caught:
        call()
    assert caught.value.code == "money.invalid"


Returner = Callable[..., Ruled[date]]


@pytest.mark.parametrize(
    ("function", "event", "expected", "citation"),
    [
        (deposits.loser_deposit_return_deadline, "2025-09-30", "2025-10-14", "政府采购法实施条例 第三十三条"),
        (deposits.loser_deposit_return_deadline, "2025-03-05", "2025-03-12", "财政部令第87号 第三十八条"),
        (
            deposits.winner_deposit_return_deadline,
            "2025-12-31",
            "2026-01-08",
            "政府采购法实施条例 第三十三条",
        ),
        (deposits.winner_deposit_return_deadline, "2026-02-10", "2026-02-24", "财政部令第87号 第三十八条"),
        (deposits.withdrawn_deposit_return_deadline, "2025-04-30", "2025-05-12", "财政部令第87号 第三十八条"),
        (deposits.withdrawn_deposit_return_deadline, "2025-09-26", "2025-10-10", "财政部令第87号 第三十八条"),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_deposit_return_deadlines(function: Returner, event: str, expected: str, citation: str) -> None:
    result = function(D(event))
    assert result.value == D(expected)
    assert citation in result.citation
    assert result.citation.endswith("民法典 第二百零一条")


def test_the_generic_return_deadline_takes_a_trigger_code() -> None:
    result = deposits.bid_deposit_return_deadline("termination", D("2025-09-30"), on_date=D("2025-09-01"))
    assert result.value == D("2025-10-14")
    assert result.citation.startswith("财政部令第87号 第二十九条")


def test_rules_show_the_rates_the_functions_use() -> None:
    by_name = {rule.name: rule for rule in deposits.RULES}
    assert [value.value for value in by_name["deposits.bid_deposit_cap"].values] == [
        "≤ 采购项目预算金额的 2%"
    ] * 2
    assert [value.value for value in by_name["deposits.performance_bond_cap"].values] == [
        "≤ 政府采购合同金额的 10%"
    ]
    assert by_name["deposits.late_return_interest"].values[0].citation == "财政部令第87号 第三十八条"
    assert deposits.DepositTrigger.award_notice.value == "award_notice"
