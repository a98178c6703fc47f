"""After the award: signing and publishing contracts and framework agreements (GPL §46, IR §50, O110)."""

from __future__ import annotations

from datetime import date

from opengps.rules.base import EffectiveValue, Ruled
from opengps.rules.deadlines.periods import (
    GPL,
    IR,
    O87,
    O110,
    apply_period,
    days,
    period_rule,
    working_days,
)

CONTRACT_SIGNING = period_rule(
    "deadlines.contract_sign_deadline",
    "签订政府采购合同",
    "Contract signed after the award notice",
    EffectiveValue(GPL, days(30), "政府采购法 第四十六条"),
    EffectiveValue(O87, days(30), "政府采购法 第四十六条；财政部令第87号 第七十一条"),
)
CONTRACT_PUBLICATION = period_rule(
    "deadlines.contract_publication_deadline",
    "公告政府采购合同",
    "Contract published after signing",
    EffectiveValue(IR, working_days(2), "政府采购法实施条例 第五十条"),
)
_O110_COUNTING = "财政部令第110号 第四十九条"
FRAMEWORK_SIGNING = period_rule(
    "deadlines.framework_sign_deadline",
    "签订框架协议",
    "Framework agreement signed after the shortlist notice",
    EffectiveValue(O110, days(30), f"财政部令第110号 第二十九条；{_O110_COUNTING}"),
)
FRAMEWORK_FILING = period_rule(
    "deadlines.framework_filing_deadline",
    "框架协议副本报财政部门备案",
    "Copy of the framework agreement filed with the finance department after signing",
    EffectiveValue(O110, working_days(7), "财政部令第110号 第二十九条"),
)
CALL_OFF_PUBLICATION = period_rule(
    "deadlines.call_off_publication_deadline",
    "逐笔发布第二阶段成交结果公告",
    "Call-off result (re-bid or rotation) published after the supplier is chosen",
    EffectiveValue(O110, working_days(2), "财政部令第110号 第三十五条"),
)
JOIN_REVIEW = period_rule(
    "deadlines.framework_join_review_deadline",
    "审核加入开放式框架协议的申请",
    "Application to join an open framework agreement reviewed",
    EffectiveValue(O110, working_days(7), "财政部令第110号 第三十九条"),
)


def contract_sign_deadline(notice_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Contract signed within 30 days of the award notice (GPL §46, O87 §71)."""
    return apply_period(CONTRACT_SIGNING, notice_on, on_date)


def contract_publication_deadline(signed_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Contract published within 2 working days of signing (IR §50)."""
    return apply_period(CONTRACT_PUBLICATION, signed_on, on_date)


def framework_sign_deadline(notice_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Framework agreement signed within 30 days of the shortlist notice (O110 §29, §49)."""
    return apply_period(FRAMEWORK_SIGNING, notice_on, on_date)


def framework_filing_deadline(signed_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Copy of the agreement filed with finance within 7 working days of signing (O110 §29)."""
    return apply_period(FRAMEWORK_FILING, signed_on, on_date)


def call_off_publication_deadline(chosen_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Re-bid or rotation call-off result published within 2 working days (O110 §35)."""
    return apply_period(CALL_OFF_PUBLICATION, chosen_on, on_date)


def framework_join_review_deadline(received_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Application to join an open framework agreement reviewed within 7 working days (O110 §39)."""
    return apply_period(JOIN_REVIEW, received_on, on_date)
