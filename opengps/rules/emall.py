"""The e-mall (电子卖场) for purchases below the procurement limit: its ceilings, the direct-purchase
limit, the 竞价 window and quotes, split purchases, the negative list, listing-price outliers, the
supplier's confirmation window, payment, ratings and the status tables of its entities.

Sources: the seed document 003 (湖南省民政厅 2024 reply) states the provincial limits below which
purchases go through the e-mall [E]; the e-mall's own rules (湘财购〔2019〕27号) are not in
``../shared/law``, so every value taken from them is [U] — a configurable default, said so wherever
it is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.jurisdictions import (
    CATEGORY_NAMES_EN,
    CATEGORY_NAMES_ZH,
    DEFAULT_JURISDICTION,
    Jurisdiction,
    format_wan,
    parse_category,
    shown_value,
    threshold,
)
from opengps.rules.procedures import Method
from opengps.rules.scoring import Candidate, Ranking, rank
from opengps.rules.split_purchases import GPL_2, GPL_28, IR_28
from opengps.rules.transitions import EntityTransitions, Transitions

SEED_003 = "湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》（2024年）"
"""The seed: below the limit goods (<50万), services (<80万), works (<100万) go through the e-mall."""
HN_EMALL_RULES = "湖南省政府采购电子卖场管理办法（湘财购〔2019〕27号）[U]"
"""Its text is not in ../shared/law: values taken from it are unconfirmed [U] defaults."""
O102_10 = "政府购买服务管理办法（财政部令第102号）第十条"
GPL_40 = "政府采购法 第四十条"
O87_33 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十三条"
O87_63 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十三条"
SME_PAYMENT = "保障中小企业款项支付条例（国务院令第728号）第八条 [U]"
"""Not in ../shared/law: the 30-day payment term is an unconfirmed [U] default."""

U_NOTE = "unconfirmed [U]: configurable default"
U_ZH = "（未确认 [U]，可配置的默认值）"

EMALL_START = date(2019, 1, 1)
"""湘财购〔2019〕27号 is of 2019; its exact effective date is not known (an assumption)."""

DIRECT_PURCHASE_LIMIT: tuple[EffectiveValue[Decimal], ...] = (
    EffectiveValue(EMALL_START, Decimal("100000"), HN_EMALL_RULES, "U"),
)
"""直购: the largest single order bought directly from a listing; above it, 竞价 [U]."""

BIDDING_MIN_HOURS: tuple[EffectiveValue[int], ...] = (EffectiveValue(EMALL_START, 24, HN_EMALL_RULES, "U"),)
"""竞价: the shortest window between posting a requirement and its close, in hours [U]."""

BIDDING_MIN_QUOTES: tuple[EffectiveValue[int], ...] = (
    EffectiveValue(EMALL_START, 3, f"{HN_EMALL_RULES}；{GPL_40}（询价不少于三家，类推）", "U"),
)
"""竞价: fewer valid quotes than this fail the round [U]."""

CONFIRM_HOURS: tuple[EffectiveValue[int], ...] = (EffectiveValue(EMALL_START, 72, HN_EMALL_RULES, "U"),)
"""The supplier confirms an order within this many hours of its placing, else the order lapses [U]."""

PAYMENT_DAYS: tuple[EffectiveValue[int], ...] = (EffectiveValue(date(2020, 9, 1), 30, SME_PAYMENT, "U"),)
"""Payment to a small or medium supplier within this many days of acceptance [U]."""


@dataclass(frozen=True, slots=True)
class OutlierBounds:
    """When a listing price is flagged: above/below these multiples of the catalogue's reference price
    or of the median of the same item's other live listings (the median needs `min_peers` of them)."""

    reference_high: Decimal
    reference_low: Decimal
    peer_high: Decimal
    peer_low: Decimal
    min_peers: int


OUTLIER_BOUNDS: tuple[EffectiveValue[OutlierBounds], ...] = (
    EffectiveValue(
        EMALL_START,
        OutlierBounds(Decimal("1.30"), Decimal("0.50"), Decimal("1.50"), Decimal("0.50"), 3),
        f"{HN_EMALL_RULES}（价格监测）",
        "U",
    ),
)
"""Price monitoring of listings (the operator decides on each flag) [U]."""


def _u(entry: EffectiveValue[Any]) -> str:
    return U_ZH if entry.confidence == "U" else ""


# ---------------------------------------------------------------------------------------------
# Ceilings and limits


def emall_ceiling(
    category: str, on_date: date, jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION
) -> Ruled[Decimal]:
    """The e-mall's ceiling for `category`: the procurement limit (分散采购限额标准). Only amounts
    below it may be bought in the e-mall; at or above it the purchase is government procurement
    (GPL §2) and needs a formal method. Hunan: goods 50万, services 80万, works 100万 [E, seed 003]."""
    entry = threshold("procurement_limit", category, on_date, jurisdiction)
    citation = f"{SEED_003}；{HN_EMALL_RULES}；{entry.citation}"
    return Ruled(entry.value, citation, U_NOTE if entry.confidence == "U" else "")


def check_below_ceiling(
    amount: Decimal, category: str, on_date: date, jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION
) -> Ruled[Decimal]:
    """The ceiling when `amount` is below it; RuleError ``emall.over_ceiling`` at or above it
    (限额标准以上 includes the number, GPL §2)."""
    cat = parse_category(category)
    ceiling = emall_ceiling(cat, on_date, jurisdiction)
    if amount >= ceiling.value:
        raise RuleError(
            "emall.over_ceiling",
            f"金额 {amount} 元达到{CATEGORY_NAMES_ZH[cat]}采购限额标准（{format_wan(ceiling.value)}），"
            "属于政府采购，应采用法定采购方式，不得通过电子卖场采购",
            f"CNY {amount:,} reaches the {CATEGORY_NAMES_EN[cat]} procurement limit ({ceiling.value:,}): "
            "a formal procurement method is required, not the e-mall",
            f"{GPL_2}；{ceiling.citation}",
            {"amount": str(amount), "ceiling": str(ceiling.value), "category": cat},
        )
    return ceiling


def direct_purchase_limit(on_date: date) -> Ruled[Decimal]:
    """直购: the largest single order bought directly from a listing [U]."""
    entry = value_on(DIRECT_PURCHASE_LIMIT, on_date, rule="emall.direct_purchase_limit")
    return Ruled(entry.value, entry.citation, U_NOTE if entry.confidence == "U" else "")


def check_direct_purchase(amount: Decimal, on_date: date) -> Ruled[Decimal]:
    """The limit when `amount` may be bought directly (not above it); RuleError
    ``emall.over_direct_limit`` above it — the purchase then goes to 竞价."""
    entry = value_on(DIRECT_PURCHASE_LIMIT, on_date, rule="emall.direct_purchase_limit")
    if amount > entry.value:
        raise RuleError(
            "emall.over_direct_limit",
            f"金额 {amount} 元超过电子卖场直购限额（{format_wan(entry.value)}{_u(entry)}），应通过竞价采购",
            f"CNY {amount:,} is above the e-mall's direct-purchase limit ({entry.value:,}): "
            "use online bidding",
            entry.citation,
            {"amount": str(amount), "limit": str(entry.value)},
        )
    return Ruled(entry.value, entry.citation, U_NOTE if entry.confidence == "U" else "")


def check_split_purchase(
    *,
    earlier_total: Decimal,
    amount: Decimal,
    category: str,
    on_date: date,
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> Ruled[Decimal]:
    """The year's total with this order, when it stays below the ceiling.

    `earlier_total` is what the same purchasing unit has already ordered in the e-mall of the same
    catalogue item in the same fiscal year (the calendar year, 预算法 §18). Reaching the ceiling
    with this order is refused as a split purchase (化整为零) avoiding the formal methods
    (IR §28, GPL §28); like the ceiling itself, the total is compared inclusively (GPL §2).
    """
    if earlier_total < 0 or amount < 0:
        raise RuleError("emall.amount_negative", "金额不能为负数", "Amounts cannot be negative")
    ceiling = emall_ceiling(category, on_date, jurisdiction)
    total = earlier_total + amount
    if total >= ceiling.value:
        raise RuleError(
            "emall.split_purchase",
            f"本单位本财政年度已在电子卖场采购同一品目 {earlier_total} 元，加上本单 {amount} 元累计 "
            f"{total} 元，达到采购限额标准（{format_wan(ceiling.value)}），属于化整为零规避政府采购，"
            "应采用法定采购方式",
            f"This unit already ordered CNY {earlier_total:,} of the same item this fiscal year; with this "
            f"order the total of {total:,} reaches the procurement limit ({ceiling.value:,}): "
            "a split purchase",
            f"{IR_28}；{GPL_28}；{ceiling.citation}",
            {"earlier": str(earlier_total), "total": str(total), "ceiling": str(ceiling.value)},
        )
    return Ruled(total, ceiling.citation)


def check_not_negative_list(*, negative: bool, item: str) -> None:
    """RuleError ``emall.negative_list`` when the catalogue item is on the negative list (O102 §10):
    such a service is never bought, in the e-mall or otherwise."""
    if negative:
        raise RuleError(
            "emall.negative_list",
            f"“{item}”属于政府购买服务负面清单，不得购买",
            f"'{item}' is on the negative list of purchased services and may never be bought",
            O102_10,
            {"item": item},
        )


# ---------------------------------------------------------------------------------------------
# 竞价 (online bidding): window and quotes


def check_bidding_window(opens: datetime, closes: datetime) -> Ruled[datetime]:
    """The earliest lawful close when `closes` is not before it; RuleError
    ``emall.bidding_window_too_short`` else. The window runs from posting to close [U]."""
    entry = value_on(BIDDING_MIN_HOURS, opens.date(), rule="emall.bidding_min_hours")
    earliest = opens + timedelta(hours=entry.value)
    if closes < earliest:
        raise RuleError(
            "emall.bidding_window_too_short",
            f"竞价时间不得少于 {entry.value} 小时{_u(entry)}：最早截止于 {earliest.isoformat()}",
            f"The bidding window must be at least {entry.value} hours: close at {earliest.isoformat()} "
            "or later",
            entry.citation,
            {"hours": entry.value, "earliest": earliest.isoformat()},
        )
    return Ruled(earliest, entry.citation)


@dataclass(frozen=True, slots=True)
class BiddingOutcome:
    """Whether a closed 竞价 round can be awarded, and the lawful next steps when it cannot."""

    awardable: bool
    minimum: int
    reasons: tuple[Reason, ...]


def bidding_outcome(valid_quotes: int, amount: Decimal, on_date: date) -> BiddingOutcome:
    """A closed round with at least the minimum of valid quotes is awarded to the lowest; with fewer
    it fails, and the purchaser may post it again (with an adjusted requirement) or, within the
    direct-purchase limit, buy directly from a listing."""
    if valid_quotes < 0:
        raise RuleError("emall.count_negative", "报价数量不能为负数", "The count cannot be negative")
    entry = value_on(BIDDING_MIN_QUOTES, on_date, rule="emall.bidding_min_quotes")
    if valid_quotes >= entry.value:
        ok = Reason(
            "emall.bidding_awardable",
            f"有效报价 {valid_quotes} 家，不少于 {entry.value} 家{_u(entry)}，以最低有效报价成交",
            f"{valid_quotes} valid quotes, at least {entry.value}: the lowest valid quote wins",
            entry.citation,
        )
        return BiddingOutcome(True, entry.value, (ok,))
    steps = [
        Reason(
            "emall.bidding_failed",
            f"有效报价 {valid_quotes} 家，不足 {entry.value} 家{_u(entry)}，本轮竞价失败",
            f"{valid_quotes} valid quotes, fewer than {entry.value}: the round fails",
            entry.citation,
            "block",
        ),
        Reason(
            "emall.bidding_repost",
            "可调整需求（服务标准、区域、最高限价）后重新发起竞价",
            "Post the requirement again, adjusted if needed (standard, area, ceiling price)",
            entry.citation,
        ),
    ]
    limit = value_on(DIRECT_PURCHASE_LIMIT, on_date, rule="emall.direct_purchase_limit")
    if amount <= limit.value:
        steps.append(
            Reason(
                "emall.bidding_direct",
                f"金额不超过直购限额（{format_wan(limit.value)}{_u(limit)}），可从在售商品中直购",
                f"Within the direct-purchase limit ({limit.value:,}): buy directly from a listing",
                limit.citation,
            )
        )
    return BiddingOutcome(False, entry.value, tuple(steps))


def check_quote_in_time(closes_at: datetime, received_at: datetime) -> None:
    """RuleError ``emall.quote_after_close`` when a quote (or its improvement) is received at or after
    the round's close. `received_at` is the database clock inside the committing transaction, as for
    bids (O87 §33 by analogy: documents received after the deadline are refused)."""
    if received_at >= closes_at:
        raise RuleError(
            "emall.quote_after_close",
            f"竞价已于 {closes_at.isoformat()} 截止，报价不予接收",
            f"The round closed at {closes_at.isoformat()}: the quote is refused",
            f"{HN_EMALL_RULES}；{O87_33}（类推）",
            {"closes_at": closes_at.isoformat(), "received_at": received_at.isoformat()},
        )


def check_round_closable(closes_at: datetime, now: datetime) -> None:
    """RuleError ``emall.round_not_closed`` before the close: the quotes stay sealed until then."""
    if now < closes_at:
        raise RuleError(
            "emall.round_not_closed",
            f"竞价尚未截止（{closes_at.isoformat()}），报价保持密封，不能开启",
            f"The round closes at {closes_at.isoformat()}: quotes stay sealed until then",
            HN_EMALL_RULES,
            {"closes_at": closes_at.isoformat()},
        )


def quote_compliance(price: Decimal, ceiling: Decimal) -> Reason | None:
    """Why an opened quote is not compliant, or None: a price must be above zero and not above the
    round's ceiling price (最高限价); a quote above it is invalid, as a bid above the budget is
    (O87 §63 by analogy)."""
    if price <= 0:
        return Reason(
            "emall.quote_price_invalid",
            "报价应大于0",
            "The quote must be above zero",
            HN_EMALL_RULES,
            "block",
        )
    if price > ceiling:
        return Reason(
            "emall.quote_over_ceiling",
            f"报价 {price} 元超过最高限价 {ceiling} 元，为无效报价",
            f"The quote of {price} is above the ceiling price of {ceiling}: invalid",
            f"{HN_EMALL_RULES}；{O87_63}（类推）",
            "block",
        )
    return None


def rank_quotes(quotes: Sequence[Candidate], *, seed: str) -> Ranking:
    """The valid quotes of a closed round, lowest price first: ties by the rules engine's tie-break
    for price methods (`opengps.rules.scoring.rank` as for 询价, O74 §48 by analogy): industry
    associations first where the policy keeps it (seed 003), then a recorded random draw
    (O87 §68) from `seed`."""
    return rank(quotes, method=Method.request_for_quotation, seed=seed)


# ---------------------------------------------------------------------------------------------
# Listing prices


def price_outliers(
    price: Decimal, *, reference: Decimal | None, peers: Sequence[Decimal], on_date: date
) -> tuple[Reason, ...]:
    """Why a listing's unit `price` stands out (each a ``flag`` for the operator), or nothing.

    Compared with the catalogue's reference price for the same unit of measure, when there is
    one, and with the median of the same item's other live listings in the same unit, when there
    are at least `min_peers` of them. The operator decides on every flag; nothing is refused.
    """
    if price <= 0:
        raise RuleError("emall.price_invalid", "单价应大于0", "The unit price must be above zero")
    entry = value_on(OUTLIER_BOUNDS, on_date, rule="emall.outlier_bounds")
    bounds = entry.value
    found: list[Reason] = []
    if reference is not None and reference > 0:
        found.extend(
            _compare(price, reference, bounds.reference_high, bounds.reference_low, "reference", entry)
        )
    if len(peers) >= bounds.min_peers:
        middle = Decimal(median(peers)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        found.extend(_compare(price, middle, bounds.peer_high, bounds.peer_low, "peers", entry))
    return tuple(found)


def _compare(
    price: Decimal,
    base: Decimal,
    high: Decimal,
    low: Decimal,
    against: str,
    entry: EffectiveValue[OutlierBounds],
) -> list[Reason]:
    ratio = (price / base).quantize(Decimal("0.01"), ROUND_HALF_UP)
    what_zh = "目录参考价格" if against == "reference" else "同品目其他在售商品的中位价"
    what_en = "the catalogue reference price" if against == "reference" else "the median of other listings"
    if price > base * high:
        return [
            Reason(
                f"emall.price_above_{against}",
                f"单价 {price} 元为{what_zh} {base} 元的 {ratio} 倍，高于 {high} 倍{_u(entry)}",
                f"Unit price {price} is {ratio}× {what_en} ({base}), above {high}×",
                entry.citation,
                "flag",
            )
        ]
    if price < base * low:
        return [
            Reason(
                f"emall.price_below_{against}",
                f"单价 {price} 元仅为{what_zh} {base} 元的 {ratio} 倍，低于 {low} 倍{_u(entry)}",
                f"Unit price {price} is {ratio}× {what_en} ({base}), below {low}×",
                entry.citation,
                "flag",
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# Orders: confirmation, payment, rating


def confirm_deadline(placed_at: datetime) -> Ruled[datetime]:
    """The moment by which the supplier must confirm an order placed at `placed_at` [U]."""
    entry = value_on(CONFIRM_HOURS, placed_at.date(), rule="emall.confirm_hours")
    return Ruled(placed_at + timedelta(hours=entry.value), entry.citation, U_NOTE)


def order_lapsed(status: str, confirm_by: datetime, now: datetime) -> bool:
    """A placed order not confirmed by its deadline has lapsed — derived from the dates, so a missed
    scheduled run never leaves an order open (the stored status catches up when next touched)."""
    return status == "placed" and now > confirm_by


def payment_due(accepted_on: date) -> Ruled[date]:
    """The last day to pay for an accepted order (small and medium suppliers) [U]."""
    entry = value_on(PAYMENT_DAYS, accepted_on, rule="emall.payment_days")
    return Ruled(accepted_on + timedelta(days=entry.value), entry.citation, U_NOTE)


def check_rating(stars: int) -> int:
    """A purchaser's rating of an order: 1 to 5 stars; RuleError ``emall.rating_invalid`` else."""
    if not 1 <= stars <= 5:
        raise RuleError(
            "emall.rating_invalid",
            "评价应为1至5星",
            "The rating must be 1 to 5 stars",
            HN_EMALL_RULES,
            {"stars": stars},
        )
    return stars


# ---------------------------------------------------------------------------------------------
# Status tables

ENTRY: Transitions = {
    "pending": frozenset({"approved", "refused"}),
    "refused": frozenset({"pending"}),
    "approved": frozenset({"suspended"}),
    "suspended": frozenset({"approved"}),
}
"""电子卖场入驻: the operator approves or refuses an application; an approved supplier may be
suspended and reinstated; a refused one may apply again."""

LISTING: Transitions = {
    "draft": frozenset({"pending"}),
    "pending": frozenset({"live", "rejected"}),
    "rejected": frozenset({"pending"}),
    "live": frozenset({"suspended"}),
    "suspended": frozenset({"live"}),
}
"""商品（服务）: reviewed before it goes live; the operator may suspend and reinstate it."""

LISTING_VERSION: Transitions = {
    "draft": frozenset({"pending"}),
    "pending": frozenset({"approved", "rejected"}),
    "approved": frozenset({"superseded"}),
    "rejected": frozenset(),
    "superseded": frozenset(),
}
"""A listing's terms: a price change is a new version, reviewed; orders keep the version bought."""

ORDER: Transitions = {
    "placed": frozenset({"confirmed", "declined", "lapsed"}),
    "confirmed": frozenset({"delivered"}),
    "delivered": frozenset({"accepted"}),
    "accepted": frozenset({"paid"}),
    "paid": frozenset({"rated"}),
    "declined": frozenset(),
    "lapsed": frozenset(),
    "rated": frozenset(),
}
"""直购订单: the supplier confirms (or declines) within the window, else the order lapses; then
delivery, the purchaser's acceptance, payment and rating."""

PRICE_FLAG: Transitions = {
    "open": frozenset({"dismissed", "upheld"}),
    "dismissed": frozenset(),
    "upheld": frozenset(),
}
"""价格异常提示: the operator dismisses it (price justified) or upholds it (listing suspended)."""

BIDDING_ROUND: Transitions = {
    "open": frozenset({"awarded", "failed"}),
    "awarded": frozenset(),
    "failed": frozenset(),
}
"""竞价: open until its close; then opened once, awarded to the lowest compliant quote or failed
(too few valid quotes, `bidding_outcome`)."""

TABLES = EntityTransitions(
    {
        "emall_bidding_round": BIDDING_ROUND,
        "emall_entry": ENTRY,
        "emall_listing": LISTING,
        "emall_listing_version": LISTING_VERSION,
        "emall_order": ORDER,
        "emall_price_flag": PRICE_FLAG,
    }
)

can_transition = TABLES.can_transition
check_transition = TABLES.check_transition

LIVE_ORDER_STATUSES = ("placed", "confirmed", "delivered", "accepted", "paid", "rated")
"""Orders that hold budget and count towards the split-purchase total (a lapsed placed order is
left out by its date, see `order_lapsed`)."""


def _ceiling_values() -> tuple[EffectiveValue[object], ...]:
    entries = []
    for cat in ("goods", "services", "works"):
        ceiling = emall_ceiling(cat, date(2024, 5, 20))
        entries.append(
            shown_value(
                date(2024, 5, 20),
                f"{CATEGORY_NAMES_ZH[cat]}：低于 {format_wan(ceiling.value)}",
                ceiling.citation,
                "E",
            )
        )
    return tuple(entries)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="emall.ceiling",
        title_zh="电子卖场适用范围（采购限额标准以下）",
        title_en="E-mall scope: below the procurement limit",
        values=_ceiling_values(),
        summary_zh="限额以下的货物、服务、工程原则上通过电子卖场采购；达到限额的属于政府采购。",
        summary_en="Below the limit, goods, services and works go through the e-mall; at or above it, "
        "a formal method.",
    ),
    RuleInfo(
        name="emall.direct_purchase_limit",
        title_zh="电子卖场直购限额",
        title_en="E-mall direct-purchase limit",
        values=shown_history(DIRECT_PURCHASE_LIMIT, lambda limit: f"单笔不超过 {format_wan(limit)}"),
        summary_zh="超过直购限额的，应通过竞价采购。",
        summary_en="Above it, online bidding.",
    ),
    RuleInfo(
        name="emall.bidding",
        title_zh="电子卖场竞价：最短时间与最少报价",
        title_en="E-mall bidding: shortest window and fewest quotes",
        values=(
            *shown_history(BIDDING_MIN_HOURS, lambda hours: f"≥{hours} 小时"),
            *shown_history(BIDDING_MIN_QUOTES, lambda quotes: f"≥{quotes} 家"),
        ),
    ),
    RuleInfo(
        name="emall.split_purchase",
        title_zh="电子卖场拆分采购",
        title_en="E-mall split purchases",
        values=(
            shown_value(
                date(2015, 3, 1),
                "同一单位、同一品目、同一财政年度在电子卖场累计达到采购限额标准的，不得下单",
                f"{IR_28}；{GPL_28}",
            ),
        ),
    ),
    RuleInfo(
        name="emall.price_outliers",
        title_zh="电子卖场价格监测",
        title_en="E-mall price monitoring",
        values=shown_history(
            OUTLIER_BOUNDS,
            lambda bounds: (
                f"高于参考价 {bounds.reference_high} 倍或低于 {bounds.reference_low} 倍；"
                f"高于同品目中位价 {bounds.peer_high} 倍或低于 {bounds.peer_low} 倍"
                f"（至少 {bounds.min_peers} 家）"
            ),
        ),
    ),
    RuleInfo(
        name="emall.orders",
        title_zh="电子卖场订单：确认时限与付款期限",
        title_en="E-mall orders: confirmation window and payment term",
        values=(
            *shown_history(CONFIRM_HOURS, lambda hours: f"供应商 {hours} 小时内确认"),
            *shown_history(PAYMENT_DAYS, lambda days: f"验收后 {days} 日内付款"),
        ),
    ),
)
