"""Government purchase-of-services contracts: term limits, supplementary contracts, SME payment terms.

RULES.md §1 (term: O102 §24) and §3 (supplementary contracts: GPL §49). Limits are
effective-dated data; money is Decimal yuan rounded half-up to the fen.
"""

from __future__ import annotations

import calendar as _gregorian
from datetime import date, timedelta
from decimal import Decimal

from opengps.rules import deadlines, transitions
from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.deposits import share_cap, validate_amount
from opengps.rules.transitions import Refusal, Transitions

O102 = date(2020, 3, 1)  # 财政部令第102号 政府购买服务管理办法 (text not in ../law: [E])
SME_PAYMENT_REGULATION = date(2020, 9, 1)  # 保障中小企业款项支付条例 (国务院令第728号; text not in ../law)

TERM_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(O102, 1, "财政部令第102号 第二十四条", "E"),)
"""Longest contract term in years, as a rule."""

MULTI_YEAR_TERM_YEARS: tuple[EffectiveValue[int], ...] = (
    EffectiveValue(O102, 3, "财政部令第102号 第二十四条", "E"),
)
"""Longest contract term in years when the multi-year conditions hold."""

MULTI_YEAR_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("在预算保障的前提下", "funding is secured in the budget (medium-term fiscal plan)"),
    ("购买内容相对固定", "the content of the service is relatively fixed"),
    ("连续性强", "the service needs continuity"),
    ("经费来源稳定", "the source of funds is stable"),
    ("价格变化幅度小", "prices vary little"),
)
"""The conditions of O102 §24 under which a term of up to 3 years is allowed (zh, en)."""

AMENDMENT_RATE: tuple[EffectiveValue[Decimal], ...] = (
    EffectiveValue(deadlines.GPL, Decimal("0.10"), "政府采购法 第四十九条"),
)
"""All supplementary contracts together may not exceed this share of the original contract amount."""

SME_PAYMENT_DAYS: tuple[EffectiveValue[deadlines.Period], ...] = (
    EffectiveValue(
        SME_PAYMENT_REGULATION,
        deadlines.Period(30, deadlines.Unit.days),
        "保障中小企业款项支付条例 第八条、第九条；财库〔2020〕46号 第十二条",
        "U",
    ),
)
"""Payment to a small or medium enterprise after delivery/acceptance (unless the contract says
otherwise, at most 60 days). C46 itself only lets purchasers offer SMEs better payment terms
(§12(5)); the 30 days come from the State Council regulation on SME payments — [U], configurable."""


def _anniversary(start: date, years: int) -> date:
    """`start` moved `years` years on; 29 February becomes 1 March in a common year."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not _gregorian.isleap(year):
        return date(year, 3, 1)
    return start.replace(year=year)


def latest_term_end(start: date, years: int) -> date:
    """The last day of a term of `years` years beginning on `start` (both ends included).

    The term ends the day before its anniversary: 2025-01-01 → 2025-12-31; 2024-02-29 → 2025-02-28.
    """
    return _anniversary(start, years) - timedelta(days=1)


def check_contract_term(
    start: date, end: date, *, multi_year_conditions: bool, on_date: date | None = None
) -> Ruled[date]:
    """Check a contract term from `start` to `end` (both included) against O102 §24.

    At most 1 year; at most 3 years when `multi_year_conditions` (see `MULTI_YEAR_CONDITIONS`)
    hold. Returns the latest lawful end date. Raises RuleError ``contract.term_invalid`` (end
    before start), ``contract.term_over_one_year`` or ``contract.term_over_three_years``.
    """
    when = start if on_date is None else on_date
    if end < start:
        raise RuleError(
            "contract.term_invalid",
            f"合同终止日期 {end.isoformat()} 早于起始日期 {start.isoformat()}",
            f"The contract ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            params={"start": start.isoformat(), "end": end.isoformat()},
        )
    normal = value_on(TERM_YEARS, when, rule="contracts.term")
    extended = value_on(MULTI_YEAR_TERM_YEARS, when, rule="contracts.term")
    longest_extended = latest_term_end(start, extended.value)
    params: dict[str, object] = {"start": start.isoformat(), "end": end.isoformat()}
    if end > longest_extended:
        raise RuleError(
            "contract.term_over_three_years",
            f"政府购买服务合同履行期限不得超过 {extended.value} 年（最晚至 {longest_extended.isoformat()}）",
            f"A purchase-of-services contract may not run longer than {extended.value} years "
            f"(latest end {longest_extended.isoformat()})",
            citation=extended.citation,
            params={**params, "latest_end": longest_extended.isoformat()},
        )
    if multi_year_conditions:
        return Ruled(longest_extended, extended.citation, "符合多年期合同条件")
    longest_normal = latest_term_end(start, normal.value)
    if end > longest_normal:
        raise RuleError(
            "contract.term_over_one_year",
            f"政府购买服务合同履行期限一般不超过 {normal.value} 年（最晚至 {longest_normal.isoformat()}）；"
            f"仅在预算保障、购买内容相对固定、连续性强、经费来源稳定、价格变化幅度小时可签订不超过 "
            f"{extended.value} 年的合同",
            f"A purchase-of-services contract normally runs at most {normal.value} year (latest end "
            f"{longest_normal.isoformat()}); up to {extended.value} years only when funding is secured and "
            "the service is stable, continuous, steadily funded and price-stable",
            citation=normal.citation,
            params={**params, "latest_end": longest_normal.isoformat()},
        )
    return Ruled(longest_normal, normal.citation)


def amendment_cap(original_amount: Decimal, *, on_date: date | None = None) -> Ruled[Decimal]:
    """The most all supplementary contracts together may add: 10% of the original amount (GPL §49)."""
    rate = value_on(AMENDMENT_RATE, date.max if on_date is None else on_date, rule="contracts.amendment_cap")
    return share_cap(original_amount, rate, "original_amount")


def check_amendment(
    original_amount: Decimal, amendments_total_including_new: Decimal, *, on_date: date | None = None
) -> Ruled[Decimal]:
    """Accept a supplementary contract or raise RuleError ``contract.amendment_over_cap``.

    `amendments_total_including_new` is the sum of all supplementary contracts, the new one
    included. Returns the cap it was checked against.
    """
    cap = amendment_cap(original_amount, on_date=on_date)
    total = validate_amount(amendments_total_including_new, field="amendments_total_including_new")
    if total > cap.value:
        raise RuleError(
            "contract.amendment_over_cap",
            f"补充合同累计金额 {total} 元超过原合同金额的 10%（上限 {cap.value} 元）",
            f"Supplementary contracts total {total} yuan, over 10% of the original contract "
            f"(cap {cap.value} yuan)",
            citation=cap.citation,
            params={"original_amount": str(original_amount), "total": str(total), "cap": str(cap.value)},
        )
    return cap


def small_supplier_payment_due(accepted_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Last day to pay a small or medium enterprise: 30 days after acceptance, moved to a working day.

    Counted like any period in days (民法典 §201, §203). The value is [U]: configurable data.
    """
    when = accepted_on if on_date is None else on_date
    entry = value_on(SME_PAYMENT_DAYS, when, rule="contracts.small_supplier_payment_due")
    day, note = deadlines.count_forward(accepted_on, entry.value)
    citation = "；".join(
        (entry.citation, deadlines.counting_citation(entry.value, deadlines.Direction.after, when))
    )
    return Ruled(day, citation, note)


CONTRACT_TRANSITIONS: Transitions = {
    "draft": frozenset({"signed"}),
    "signed": frozenset({"published", "terminated"}),
    "published": frozenset({"completed", "terminated"}),
    "completed": frozenset(),
    "terminated": frozenset(),
}
"""合同状态: created from an award, signed (GPL §46), published (IR §50), then completed by the
final acceptance or terminated early with a reason. An unsigned draft is never terminated: it
simply is not a contract yet."""

CONTRACT_REFUSAL = Refusal(
    "contract.transition_not_allowed",
    "合同状态不能从“{current}”变为“{target}”",
    "A contract cannot go from '{current}' to '{target}'",
)


def check_contract_transition(current: str, target: str) -> None:
    """Refuse a status change not in `CONTRACT_TRANSITIONS` with ``contract.transition_not_allowed``."""
    transitions.check_transition(CONTRACT_TRANSITIONS, current, target, refusal=CONTRACT_REFUSAL)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "contracts.term",
        "政府购买服务合同履行期限",
        "Term of a purchase-of-services contract",
        (
            *shown_history(TERM_YEARS, lambda years: f"≤ {years} 年"),
            *shown_history(MULTI_YEAR_TERM_YEARS, lambda years: f"符合条件的 ≤ {years} 年"),
        ),
        "合同履行期限一般不超过 1 年；在预算保障的前提下，购买内容相对固定、连续性强、经费来源稳定、"
        "价格变化幅度小的项目，可以签订履行期限不超过 3 年的合同。",
        "Normally at most 1 year; up to 3 years where funding is secured and the service is fixed in "
        "content, continuous, steadily funded and price-stable.",
    ),
    RuleInfo(
        "contracts.amendment_cap",
        "补充合同金额上限",
        "Cap on supplementary contracts",
        shown_history(AMENDMENT_RATE, lambda rate: f"≤ 原合同金额的 {rate:%}"),
        "追加与合同标的相同的服务，所有补充合同的采购金额不得超过原合同采购金额的 10%。",
        "Additional identical services: all supplementary contracts together at most 10% of the original.",
    ),
    RuleInfo(
        "contracts.small_supplier_payment_due",
        "向中小企业支付款项期限",
        "Payment term for small and medium enterprises",
        shown_history(SME_PAYMENT_DAYS, lambda days: f"{days}内"),
        "机关、事业单位从中小企业采购服务，应当自验收合格（交付）之日起 30 日内支付款项；合同另有约定的，"
        "最长不超过 60 日。（待确认，可配置）",
        "Public bodies pay SMEs within 30 days of acceptance (delivery); a contract may agree up to 60 "
        "days. (Unconfirmed; configurable.)",
    ),
)
