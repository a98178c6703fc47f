"""What of the e-mall is disclosed (成交公告 and open data): orders above the disclosure amount once
the supplier confirmed them, and every 竞价 round once it closed (awarded or failed).

The e-mall's own rules (湘财购〔2019〕27号) are not in ``../shared/law``: the disclosure amount is an
unconfirmed [U] default, configurable like the e-mall's other values. The principle — procurement
information published promptly, trade secrets excepted — is GPL §11, and the e-mall's transparency
is 财库〔2019〕38号 §5 (both in ``../shared/law``). Nothing about a 竞价 round is disclosed before it
closes: quotes are sealed the way bids are (O87 §28, applied by analogy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.emall import EMALL_START, HN_EMALL_RULES, U_NOTE
from opengps.rules.jurisdictions import format_wan

GPL_11 = "政府采购法 第十一条"
C38_5 = "财库〔2019〕38号 五（进一步提升政府采购透明度）"
O87_28 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第二十八条（类推：报价截止前保密）"

DISCLOSURE_AMOUNT: tuple[EffectiveValue[Decimal], ...] = (
    EffectiveValue(
        EMALL_START, Decimal("10000"), f"{HN_EMALL_RULES}（成交信息公开）；{GPL_11}；{C38_5}", "U"
    ),
)
"""Direct-purchase orders above this amount are published (成交公告 and OCDS) [U]."""

DISCLOSED_ORDER_STATUSES = frozenset({"confirmed", "delivered", "accepted", "paid", "rated"})
"""An order is a purchase made once its supplier confirmed it; placed, declined or lapsed orders
never became one and are not published."""

CLOSED_ROUND_OUTCOMES = frozenset({"awarded", "failed"})
"""A 竞价 round is published once closed with its outcome: awarded to the lowest valid quote, or
failed (fewer valid quotes than the minimum)."""


def disclosure_amount(on_date: date) -> Ruled[Decimal]:
    """The amount above which a direct-purchase order is published [U]."""
    entry = value_on(DISCLOSURE_AMOUNT, on_date, rule="emall.disclosure_amount")
    return Ruled(entry.value, entry.citation, U_NOTE if entry.confidence == "U" else "")


@dataclass(frozen=True, slots=True)
class DisclosurePeriod:
    """While one disclosure amount is in force: an order placed from `starts_on` until before
    `ends_before` (the next amount's first day; None while this amount is the one in force) is
    published when its amount is above `above` [U]."""

    starts_on: date
    ends_before: date | None
    above: Decimal


def disclosure_periods() -> tuple[DisclosurePeriod, ...]:
    """The disclosure amount's history as periods, oldest first: the values a database query needs
    to select what `order_disclosed` publishes (placed in a period, the amount above the period's).
    An order placed before the first period is not published: no amount is in force then."""
    entries = sorted(DISCLOSURE_AMOUNT, key=lambda entry: entry.effective_from)
    ends: list[date | None] = [entry.effective_from for entry in entries[1:]]
    return tuple(
        DisclosurePeriod(entry.effective_from, end, entry.value)
        for entry, end in zip(entries, [*ends, None], strict=True)
    )


def order_disclosed(*, amount: Decimal, status: str, placed_on: date) -> Ruled[bool]:
    """Whether a direct-purchase order is published: confirmed (or further) and its amount above the
    disclosure amount in force on the day it was placed. RuleError ``emall.amount_negative`` for a
    negative amount."""
    if amount < 0:
        raise RuleError("emall.amount_negative", "金额不能为负数", "Amounts cannot be negative")
    threshold = disclosure_amount(placed_on)
    disclosed = status in DISCLOSED_ORDER_STATUSES and amount > threshold.value
    return Ruled(disclosed, threshold.citation, threshold.note)


def round_disclosed(*, outcome: str) -> Ruled[bool]:
    """Whether a 竞价 round is published: only once closed with an outcome (awarded or failed),
    whatever its amount; before the close nothing of it is (no quote, price or count)."""
    return Ruled(outcome in CLOSED_ROUND_OUTCOMES, f"{HN_EMALL_RULES}；{GPL_11}；{O87_28}")


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="emall.disclosure_amount",
        title_zh="电子卖场成交信息公开",
        title_en="E-mall disclosure of purchases",
        values=shown_history(
            DISCLOSURE_AMOUNT,
            lambda amount: f"直购订单金额超过 {format_wan(amount)} 的，供应商确认后公开；竞价结束后一律公开",
        ),
        summary_zh="公开成交结果与合同、履约和付款信息（开放数据 OCDS）；"
        "竞价截止前不公开任何报价、价格或报价家数。",
        summary_en="Results, contracts, delivery and payments are published (OCDS open data); nothing of a "
        "bidding round — no quote, price or count — before it closes.",
    ),
)
