"""Contract term (O102 §24), supplementary contracts (GPL §49), SME payment term."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import contracts
from opengps.rules.base import RuleError

D = date.fromisoformat
Y = Decimal


@pytest.mark.parametrize(
    ("start", "end", "multi_year", "latest"),
    [
        ("2025-01-01", "2025-12-31", False, "2025-12-31"),
        ("2025-01-01", "2025-01-01", False, "2025-12-31"),
        ("2025-07-01", "2026-06-30", False, "2026-06-30"),
        ("2024-02-29", "2025-02-28", False, "2025-02-28"),
        ("2023-03-01", "2024-02-29", False, "2024-02-29"),
        ("2025-01-01", "2026-01-01", True, "2027-12-31"),
        ("2025-01-01", "2027-12-31", True, "2027-12-31"),
        ("2024-02-29", "2027-02-28", True, "2027-02-28"),
    ],
    ids=lambda value: str(value),
)
def test_lawful_terms(start: str, end: str, multi_year: bool, latest: str) -> None:
    result = contracts.check_contract_term(D(start), D(end), multi_year_conditions=multi_year)
    assert result.value == D(latest)
    assert result.citation == "财政部令第102号 第二十四条"


@pytest.mark.parametrize(
    ("start", "end", "multi_year", "code"),
    [
        ("2025-01-01", "2026-01-01", False, "contract.term_over_one_year"),
        ("2024-02-29", "2025-03-01", False, "contract.term_over_one_year"),
        ("2025-01-01", "2027-12-31", False, "contract.term_over_one_year"),
        ("2025-01-01", "2028-01-01", True, "contract.term_over_three_years"),
        ("2025-01-01", "2028-01-01", False, "contract.term_over_three_years"),
        ("2025-01-02", "2025-01-01", False, "contract.term_invalid"),
    ],
    ids=lambda value: str(value),
)
def test_unlawful_terms(start: str, end: str, multi_year: bool, code: str) -> None:
    with pytest.raises(RuleError) as caught:
        contracts.check_contract_term(D(start), D(end), multi_year_conditions=multi_year)
    assert caught.value.code == code
    assert caught.value.params["end"] == end


def test_the_one_year_refusal_names_the_conditions_and_latest_end() -> None:
    with pytest.raises(RuleError) as caught:
        contracts.check_contract_term(D("2025-01-01"), D("2026-01-01"), multi_year_conditions=False)
    assert caught.value.params["latest_end"] == "2025-12-31"
    assert "连续性强" in caught.value.message_zh
    assert caught.value.citation == "财政部令第102号 第二十四条"


def test_term_rules_before_o102_are_not_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        contracts.check_contract_term(D("2019-01-01"), D("2019-12-31"), multi_year_conditions=False)
    assert caught.value.code == "rules.not_in_force"
    lawful = contracts.check_contract_term(
        D("2019-01-01"), D("2019-12-31"), multi_year_conditions=False, on_date=D("2025-01-01")
    )
    assert lawful.value == D("2019-12-31")


@pytest.mark.parametrize(
    ("original", "cap"),
    [("1000000", "100000.00"), ("123.45", "12.34"), ("0.05", "0.00"), ("0", "0.00")],
    ids=lambda value: str(value),
)
def test_amendment_cap(original: str, cap: str) -> None:
    result = contracts.amendment_cap(Y(original))
    assert result.value == Y(cap)
    assert result.citation == "政府采购法 第四十九条"


@pytest.mark.parametrize(
    ("original", "total", "ok"),
    [
        ("1000000", "100000.00", True),
        ("1000000", "99999.99", True),
        ("1000000", "100000.01", False),
        ("123.45", "12.34", True),
        ("123.45", "12.35", False),
    ],
    ids=["exactly-10pct", "a-cent-under", "a-cent-over", "rounded", "over-rounded"],
)
def test_check_amendment(original: str, total: str, ok: bool) -> None:
    if ok:
        assert contracts.check_amendment(Y(original), Y(total)).citation == "政府采购法 第四十九条"
        return
    with pytest.raises(RuleError) as caught:
        contracts.check_amendment(Y(original), Y(total))
    assert caught.value.code == "contract.amendment_over_cap"
    assert caught.value.params["total"] == total


def test_amendment_money_must_be_valid() -> None:
    with pytest.raises(RuleError) as caught:
        contracts.check_amendment(Y("1000"), Y("-1"))
    assert caught.value.code == "money.invalid"
    with pytest.raises(RuleError):
        contracts.amendment_cap(Y("1000"), on_date=D("2002-01-01"))


@pytest.mark.parametrize(
    ("accepted", "due", "moved"),
    [
        ("2025-03-01", "2025-03-31", False),
        ("2025-09-01", "2025-10-09", True),  # 10-01 is National Day
        ("2025-12-05", "2026-01-04", False),  # a make-up Sunday is a working day
        ("2026-01-16", "2026-02-24", True),  # 02-15 Spring Festival
    ],
    ids=lambda value: str(value),
)
def test_small_supplier_payment_due(accepted: str, due: str, moved: bool) -> None:
    result = contracts.small_supplier_payment_due(D(accepted))
    assert result.value == D(due)
    assert result.citation.startswith("保障中小企业款项支付条例")
    assert result.citation.endswith("民法典 第二百零一条、第二百零三条")
    assert bool(result.note) is moved


def test_small_supplier_payment_before_the_regulation() -> None:
    with pytest.raises(RuleError) as caught:
        contracts.small_supplier_payment_due(D("2025-03-01"), on_date=D("2020-08-31"))
    assert caught.value.code == "rules.not_in_force"


def test_latest_term_end() -> None:
    assert contracts.latest_term_end(D("2025-01-01"), 1) == D("2025-12-31")
    assert contracts.latest_term_end(D("2024-02-29"), 4) == D("2028-02-28")


def test_rules_show_the_values_the_functions_use() -> None:
    by_name = {rule.name: rule for rule in contracts.RULES}
    assert [value.value for value in by_name["contracts.term"].values] == ["≤ 1 年", "符合条件的 ≤ 3 年"]
    assert [value.value for value in by_name["contracts.amendment_cap"].values] == ["≤ 原合同金额的 10%"]
    payment = by_name["contracts.small_supplier_payment_due"].values[0]
    assert payment.value == "30 日内" and payment.confidence == "U"
    assert len(contracts.MULTI_YEAR_CONDITIONS) == 5


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("draft", "signed", True),
        ("signed", "published", True),
        ("signed", "terminated", True),
        ("published", "completed", True),
        ("published", "terminated", True),
        ("draft", "published", False),
        ("draft", "terminated", False),
        ("completed", "terminated", False),
        ("terminated", "published", False),
        ("unknown", "signed", False),
    ],
)
def test_contract_transitions(current: str, target: str, ok: bool) -> None:
    if ok:
        contracts.check_contract_transition(current, target)
        return
    with pytest.raises(RuleError) as caught:
        contracts.check_contract_transition(current, target)
    assert caught.value.code == "contract.transition_not_allowed"
    assert caught.value.params == {"current": current, "target": target}
