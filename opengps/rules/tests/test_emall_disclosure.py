"""What of the e-mall is disclosed: orders above the disclosure amount (a [U] default of 1万元, the
e-mall's rules not being in ../shared/law) once confirmed, and 竞价 rounds only once closed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import catalog, emall_disclosure
from opengps.rules.base import EffectiveValue, RuleError

D = date.fromisoformat
Y = Decimal
ON = D("2026-03-02")


@pytest.mark.parametrize(
    ("amount", "status", "disclosed"),
    [
        ("10000.01", "confirmed", True),
        ("10000.00", "confirmed", False),  # "above" the amount: the amount itself is not
        ("9999.99", "rated", False),
        ("50000", "delivered", True),
        ("50000", "accepted", True),
        ("50000", "paid", True),
        ("50000", "rated", True),
        ("50000", "placed", False),  # not a purchase until the supplier confirms
        ("50000", "declined", False),
        ("50000", "lapsed", False),
        ("0", "confirmed", False),
    ],
    ids=lambda v: str(v),
)
def test_order_disclosed(amount: str, status: str, disclosed: bool) -> None:
    ruled = emall_disclosure.order_disclosed(amount=Y(amount), status=status, placed_on=ON)
    assert ruled.value is disclosed
    assert "湘财购〔2019〕27号）[U]" in ruled.citation
    assert "政府采购法 第十一条" in ruled.citation
    assert ruled.note == "unconfirmed [U]: configurable default"


def test_negative_amount_refused() -> None:
    with pytest.raises(RuleError) as caught:
        emall_disclosure.order_disclosed(amount=Y("-1"), status="confirmed", placed_on=ON)
    assert caught.value.code == "emall.amount_negative"


def test_before_the_e_mall_existed_there_is_no_amount() -> None:
    with pytest.raises(RuleError) as caught:
        emall_disclosure.disclosure_amount(D("2018-12-31"))
    assert caught.value.code == "rules.not_in_force"


def test_a_confirmed_amount_carries_no_u_note(monkeypatch: pytest.MonkeyPatch) -> None:
    confirmed = (EffectiveValue(D("2019-01-01"), Y("50000"), "某省电子卖场管理办法 第九条", "T"),)
    monkeypatch.setattr(emall_disclosure, "DISCLOSURE_AMOUNT", confirmed)
    ruled = emall_disclosure.disclosure_amount(ON)
    assert (ruled.value, ruled.citation, ruled.note) == (Y("50000"), "某省电子卖场管理办法 第九条", "")
    assert not emall_disclosure.order_disclosed(amount=Y("50000"), status="paid", placed_on=ON).value


@pytest.mark.parametrize(
    ("outcome", "disclosed"),
    [("awarded", True), ("failed", True), ("open", False), ("posted", False), ("cancelled", False)],
)
def test_round_disclosed_only_once_closed(outcome: str, disclosed: bool) -> None:
    ruled = emall_disclosure.round_disclosed(outcome=outcome)
    assert ruled.value is disclosed
    assert "第二十八条" in ruled.citation


def test_listed_for_the_rules_page() -> None:
    (rule,) = emall_disclosure.RULES
    assert rule.name == "emall.disclosure_amount"
    assert rule.values[0].value == "直购订单金额超过 1万元 的，供应商确认后公开；竞价结束后一律公开"
    assert rule.values[0].confidence == "U"
    assert rule in catalog.all_rules()


def test_disclosure_periods_of_the_default_history() -> None:
    (period,) = emall_disclosure.disclosure_periods()
    assert period == emall_disclosure.DisclosurePeriod(D("2019-01-01"), None, Y("10000"))
    assert period.starts_on == emall_disclosure.DISCLOSURE_AMOUNT[0].effective_from


CHANGED = (
    EffectiveValue(D("2027-07-01"), Y("20000"), "某省电子卖场管理办法 第九条", "T"),
    EffectiveValue(D("2019-01-01"), Y("10000"), "湘财购〔2019〕27号", "U"),
)


def test_disclosure_periods_run_from_each_amount_to_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emall_disclosure, "DISCLOSURE_AMOUNT", CHANGED)
    assert emall_disclosure.disclosure_periods() == (
        emall_disclosure.DisclosurePeriod(D("2019-01-01"), D("2027-07-01"), Y("10000")),
        emall_disclosure.DisclosurePeriod(D("2027-07-01"), None, Y("20000")),
    )


@pytest.mark.parametrize(
    ("placed", "amount", "disclosed"),
    [
        ("2019-01-01", "10000.01", True),
        ("2027-06-30", "15000", True),  # the last day of the first amount
        ("2027-07-01", "15000", False),  # the first day of the second
        ("2027-07-01", "20000.01", True),
        ("2031-01-01", "20000", False),
    ],
)
def test_the_periods_select_what_order_disclosed_publishes(
    monkeypatch: pytest.MonkeyPatch, placed: str, amount: str, disclosed: bool
) -> None:
    # given two amounts in force one after the other
    monkeypatch.setattr(emall_disclosure, "DISCLOSURE_AMOUNT", CHANGED)
    day = D(placed)
    # when an order's placing day and amount are matched against the periods, as the query does
    in_period = [
        p
        for p in emall_disclosure.disclosure_periods()
        if p.starts_on <= day and (p.ends_before is None or day < p.ends_before)
    ]
    (period,) = in_period
    # then they agree with the rule's own decision
    ruled = emall_disclosure.order_disclosed(amount=Y(amount), status="confirmed", placed_on=day)
    assert (Y(amount) > period.above) is ruled.value is disclosed
    assert period.above == emall_disclosure.disclosure_amount(day).value
