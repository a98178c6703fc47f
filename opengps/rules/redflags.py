"""Red flags (风险预警) for finance departments and auditors: pure checks over plain values.

A red flag is not a finding of wrongdoing: it points a reviewer at a procurement, a unit or a
group of bids worth a closer look, with the evidence and the article behind the concern. The
indicators follow the Open Contracting Partnership's guide *Red Flags for Integrity: Giving the
green light to open data solutions* (2016, cited as OCP2016) and are anchored in the Chinese
rules on collusion (O87 §37, IR §74), splitting (GPL §28, IR §28), abnormally low prices
(O87 §60) and the minimum number of suppliers (O87 §43).

Every threshold is data (`THRESHOLDS`): a default with its justification, which the finance
department may override with an effective date (`opengps.oversight` keeps those overrides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from opengps.rules.base import EffectiveValue, RuleError, RuleInfo, in_force
from opengps.rules.methods import SplitPurchaseGroup
from opengps.rules.procedures import Method

OCP2016 = "OCP《Red Flags for Integrity》(2016)"
GPL_25 = "政府采购法 第二十五条"
GPL_28 = "政府采购法 第二十八条"
GPL_31 = "政府采购法 第三十一条"
IR_28 = "政府采购法实施条例 第二十八条"
IR_74 = "政府采购法实施条例 第七十四条"
GPL_35 = "政府采购法 第三十五条"
O74_29 = "政府采购非招标采购方式管理办法（财政部令第74号）第二十九条"
O87_37 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十七条"
O87_43 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十三条"
O87_60 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十条"
O87_63 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十三条"
O74_38 = "政府采购非招标采购方式管理办法（财政部令第74号）第三十八条"
C214_10 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第十条"

DEFAULTS_FROM = date(2016, 1, 1)
"""Defaults apply from the OCP guide's year; earlier dates are not reviewed."""

HUNDRED = Decimal(100)


class FlagCode(StrEnum):
    """The kinds of red flag; the value is the stable code stored and used in URLs and the API."""

    short_submission_period = "short_submission_period"
    single_bid = "single_bid"
    close_winning_bid = "close_winning_bid"
    identical_prices = "identical_prices"
    all_but_winner_disqualified = "all_but_winner_disqualified"
    lowest_bid_disqualified = "lowest_bid_disqualified"
    excessive_disqualifications = "excessive_disqualifications"
    split_purchase = "split_purchase"
    single_source_share = "single_source_share"
    supplier_share = "supplier_share"
    shared_network = "shared_network"
    shared_device = "shared_device"
    shared_contact = "shared_contact"
    identical_documents = "identical_documents"


FLAG_TITLES: dict[FlagCode, tuple[str, str]] = {
    FlagCode.short_submission_period: ("投标（响应）期限过短", "Short submission period"),
    FlagCode.single_bid: ("仅一家有效投标", "Single valid bid"),
    FlagCode.close_winning_bid: ("中标价与次低价过于接近", "Winning bid very close to the next"),
    FlagCode.identical_prices: ("不同投标人报价相同", "Identical bid prices"),
    FlagCode.all_but_winner_disqualified: ("除中标人外均被否决", "All but the winner disqualified"),
    FlagCode.lowest_bid_disqualified: ("最低报价被否决", "Lowest bid disqualified"),
    FlagCode.excessive_disqualifications: ("采购人否决投标比例过高", "Many disqualifications by a buyer"),
    FlagCode.split_purchase: ("疑似化整为零规避公开招标", "Purchase split under a threshold"),
    FlagCode.single_source_share: ("单一来源采购占比过高", "High single-source share"),
    FlagCode.supplier_share: ("同一供应商中标占比过高", "One supplier's high share"),
    FlagCode.shared_network: ("不同投标人从同一网络地址递交", "Bids from the same network address"),
    FlagCode.shared_device: ("不同投标人使用同一设备递交", "Bids from the same device"),
    FlagCode.shared_contact: ("不同投标人联系人相同", "Same contact person for several bidders"),
    FlagCode.identical_documents: ("不同投标人投标文件相同", "Identical bid documents"),
}

SEVERITY_HIGH = "high"
SEVERITY_MEDIUM = "medium"


@dataclass(frozen=True, slots=True)
class Flag:
    """One raised red flag: what, why (bilingual), the article, and the evidence as plain values."""

    code: FlagCode
    severity: str
    explanation_zh: str
    explanation_en: str
    citation: str
    evidence: Mapping[str, object] = field(default_factory=dict)

    @property
    def title_zh(self) -> str:
        return FLAG_TITLES[self.code][0]

    @property
    def title_en(self) -> str:
        return FLAG_TITLES[self.code][1]


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    """One configurable threshold: its default, what it means and why the default is what it is."""

    key: str
    default: Decimal
    title_zh: str
    title_en: str
    justification: str
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None


THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "short_period_margin_days",
        Decimal(3),
        "期限过短：截止时间距法定最早截止日不足（日）",
        "Short period: deadline fewer than N days after the legal earliest",
        f"{OCP2016} 指标“投标期限过短”；法定最短期限见 {GPL_35}、{C214_10}、{O74_29}",
        maximum=Decimal(60),
    ),
    ThresholdSpec(
        "close_bid_ratio",
        Decimal("0.01"),
        "中标价与次低价差距不超过（比例）",
        "Winning bid within this share of the next bid",
        f"{OCP2016} 指标“中标价与次低价非常接近”；报价呈规律性差异见 {O87_37}（四）",
        maximum=Decimal(1),
    ),
    ThresholdSpec(
        "disqualification_rate",
        Decimal("0.30"),
        "采购人否决投标比例达到（比例）",
        "Share of bids a buyer disqualified",
        f"{OCP2016} 指标“采购人大量否决投标”；投标无效情形见 {O87_63}",
        maximum=Decimal(1),
    ),
    ThresholdSpec(
        "disqualification_min_bids",
        Decimal(10),
        "统计否决比例的最少投标数",
        "Fewest bids before the disqualification share counts",
        "样本过少时比例没有意义（统计惯例）",
        minimum=Decimal(1),
    ),
    ThresholdSpec(
        "single_source_share",
        Decimal("0.20"),
        "单一来源采购金额占比达到（比例）",
        "Single-source share of a unit's purchases (by value)",
        f"{OCP2016} 指标“非竞争性采购占比过高”；单一来源仅限 {GPL_31} 情形",
        maximum=Decimal(1),
    ),
    ThresholdSpec(
        "supplier_share",
        Decimal("0.50"),
        "同一供应商占采购人合同金额比例达到（比例）",
        "One supplier's share of a unit's awarded value",
        f"{OCP2016} 指标“同一供应商反复中标”",
        maximum=Decimal(1),
    ),
    ThresholdSpec(
        "share_min_procurements",
        Decimal(3),
        "计算占比的最少采购项目数",
        "Fewest procurements before a share counts",
        "样本过少时比例没有意义（统计惯例）",
        minimum=Decimal(1),
    ),
)
THRESHOLD_KEYS = tuple(spec.key for spec in THRESHOLDS)
_SPECS = {spec.key: spec for spec in THRESHOLDS}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The thresholds in force; build with `thresholds_from` to apply overrides."""

    short_period_margin_days: Decimal = _SPECS["short_period_margin_days"].default
    close_bid_ratio: Decimal = _SPECS["close_bid_ratio"].default
    disqualification_rate: Decimal = _SPECS["disqualification_rate"].default
    disqualification_min_bids: Decimal = _SPECS["disqualification_min_bids"].default
    single_source_share: Decimal = _SPECS["single_source_share"].default
    supplier_share: Decimal = _SPECS["supplier_share"].default
    share_min_procurements: Decimal = _SPECS["share_min_procurements"].default


DEFAULT_THRESHOLDS = Thresholds()


def check_threshold(key: str, value: Decimal) -> Decimal:
    """`value` if it is a valid setting for threshold `key`; RuleError otherwise."""
    spec = _SPECS.get(key)
    if spec is None:
        raise RuleError(
            "redflags.unknown_threshold",
            f"没有名为“{key}”的预警阈值",
            f"No red-flag threshold named '{key}'",
            params={"key": key},
        )
    if value < spec.minimum or (spec.maximum is not None and value > spec.maximum):
        raise RuleError(
            "redflags.threshold_out_of_range",
            f"预警阈值“{spec.title_zh}”须在 {spec.minimum} 至 {spec.maximum or '∞'} 之间",
            f"Threshold '{spec.title_en}' must be between {spec.minimum} and {spec.maximum or '∞'}",
            params={"key": key, "value": str(value)},
        )
    return value


def thresholds_from(history: Mapping[str, Sequence[EffectiveValue[Decimal]]], on_date: date) -> Thresholds:
    """The thresholds in force on `on_date`: the latest override per key, else the default."""
    values: dict[str, Decimal] = {}
    for key, entries in history.items():
        entry = in_force(entries, on_date)
        if entry is not None:
            values[key] = check_threshold(key, entry.value)
    return replace(DEFAULT_THRESHOLDS, **values)


def _pct(ratio: Decimal) -> str:
    return f"{(ratio * HUNDRED).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def short_submission_period(
    *,
    method: Method | str,
    issued_on: date,
    deadline_on: date,
    earliest_on: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Flag | None:
    """Deadline set at or near the legal minimum for the method (OCP2016; GPL §35, C214 §10, O74 §29).

    The platform refuses deadlines before `earliest_on` (the legal minimum); a deadline fewer
    than ``short_period_margin_days`` after it leaves suppliers the least time the law allows —
    a pattern that favours a bidder who knew in advance.
    """
    method = Method(method)
    if method is Method.single_source:
        return None
    margin = (deadline_on - earliest_on).days
    if margin >= thresholds.short_period_margin_days:
        return None
    period = (deadline_on - issued_on).days
    return Flag(
        FlagCode.short_submission_period,
        SEVERITY_MEDIUM,
        f"投标（响应）期限仅 {period} 日，截止时间距法定最早截止日 {earliest_on.isoformat()} "
        f"仅 {margin} 日（阈值 {thresholds.short_period_margin_days} 日）",
        f"Only {period} days to bid; the deadline is {margin} days after the legal earliest "
        f"{earliest_on.isoformat()} (threshold {thresholds.short_period_margin_days} days)",
        f"{OCP2016}；{GPL_35}；{C214_10}；{O74_29}",
        {
            "method": method.value,
            "issued_on": issued_on.isoformat(),
            "deadline_on": deadline_on.isoformat(),
            "earliest_on": earliest_on.isoformat(),
            "period_days": period,
            "margin_days": margin,
        },
    )


def single_bid(*, method: Method | str, valid_bids: int) -> Flag | None:
    """Only one valid bid in a competitive procedure (OCP2016 "single bidder"; O87 §43)."""
    if Method(method) is Method.single_source or valid_bids != 1:
        return None
    return Flag(
        FlagCode.single_bid,
        SEVERITY_HIGH,
        "竞争性采购仅有一家有效投标（响应），竞争不充分",
        "Only one valid bid in a competitive procedure",
        f"{OCP2016}；{O87_43}",
        {"method": str(method), "valid_bids": valid_bids},
    )


@dataclass(frozen=True, slots=True)
class BidPrice:
    """One bid's price and standing, as the price-pattern flags need it."""

    ref: str
    """A stable reference (readout id)."""
    bidder: str
    price: Decimal
    qualified: bool
    """Valid at the opening and passed every qualification and conformity review."""
    winner: bool = False


def close_winning_bid(
    bids: Sequence[BidPrice], *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Flag | None:
    """The winning price within ``close_bid_ratio`` of the next qualified price above it (OCP2016)."""
    winner = next((bid for bid in bids if bid.winner), None)
    if winner is None or winner.price <= 0:
        return None
    above = [bid for bid in bids if bid.qualified and not bid.winner and bid.price >= winner.price]
    if not above:
        return None
    second = min(above, key=lambda bid: bid.price)
    gap = (second.price - winner.price) / winner.price
    if gap > thresholds.close_bid_ratio:
        return None
    return Flag(
        FlagCode.close_winning_bid,
        SEVERITY_MEDIUM,
        f"中标价 {winner.price} 元与次低有效报价 {second.price} 元仅相差 {_pct(gap)}"
        f"（阈值 {_pct(thresholds.close_bid_ratio)}）",
        f"The winning price {winner.price} is only {_pct(gap)} below the next {second.price}",
        f"{OCP2016}；{O87_37}（四）",
        {"winner": winner.ref, "second": second.ref, "gap_ratio": str(gap.quantize(Decimal("0.0001")))},
    )


def identical_prices(bids: Sequence[BidPrice]) -> Flag | None:
    """Two or more bidders with the very same price (O87 §37(4) 报价呈规律性差异; IR §74)."""
    by_price: dict[Decimal, list[BidPrice]] = defaultdict(list)
    for bid in bids:
        by_price[bid.price].append(bid)
    groups = [
        group
        for price, group in sorted(by_price.items())
        if len({bid.bidder for bid in group}) > 1 and price > 0
    ]
    if not groups:
        return None
    described = "；".join(f"{group[0].price} 元：{len(group)} 家" for group in groups)
    return Flag(
        FlagCode.identical_prices,
        SEVERITY_HIGH,
        f"不同投标人的报价完全相同（{described}），可能存在串通投标",
        "Different bidders quoted exactly the same price",
        f"{O87_37}（四）；{IR_74}；{OCP2016}",
        {"groups": [{"price": str(group[0].price), "bids": [bid.ref for bid in group]} for group in groups]},
    )


def all_but_winner_disqualified(bids: Sequence[BidPrice]) -> Flag | None:
    """Every bid but the winner's was disqualified, with at least two bids (OCP2016)."""
    winners = [bid for bid in bids if bid.winner and bid.qualified]
    losers = [bid for bid in bids if not bid.winner]
    if not winners or not losers or any(bid.qualified for bid in losers):
        return None
    return Flag(
        FlagCode.all_but_winner_disqualified,
        SEVERITY_HIGH,
        f"共 {len(bids)} 家投标，除中标人外 {len(losers)} 家均被认定无效或未通过审查",
        f"All {len(losers)} bids other than the winner's were disqualified",
        f"{OCP2016}；{O87_63}",
        {"winner": winners[0].ref, "disqualified": [bid.ref for bid in losers]},
    )


def lowest_bid_disqualified(bids: Sequence[BidPrice]) -> Flag | None:
    """The lowest-priced bid was disqualified while a higher price won (OCP2016; O87 §60, §63).

    Disqualifying a low price is lawful when it is abnormally low and the bidder cannot prove
    it reasonable (O87 §60); the flag asks the reviewer to check that reasoning.
    """
    winners = [bid for bid in bids if bid.winner]
    priced = [bid for bid in bids if bid.price > 0]
    if not winners or not priced:
        return None
    lowest = min(priced, key=lambda bid: bid.price)
    if lowest.qualified or lowest.price >= winners[0].price:
        return None
    return Flag(
        FlagCode.lowest_bid_disqualified,
        SEVERITY_MEDIUM,
        f"最低报价 {lowest.price} 元被否决，中标价为 {winners[0].price} 元",
        f"The lowest bid {lowest.price} was disqualified; {winners[0].price} won",
        f"{OCP2016}；{O87_60}；{O87_63}",
        {"lowest": lowest.ref, "winner": winners[0].ref},
    )


def excessive_disqualifications(
    *, bids: int, disqualified: int, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Flag | None:
    """A buyer whose procurements disqualify a large share of the bids (OCP2016; O87 §63)."""
    if bids < thresholds.disqualification_min_bids or bids <= 0:
        return None
    rate = Decimal(disqualified) / Decimal(bids)
    if rate < thresholds.disqualification_rate:
        return None
    return Flag(
        FlagCode.excessive_disqualifications,
        SEVERITY_MEDIUM,
        f"该采购人的项目共收到 {bids} 份投标，其中 {disqualified} 份被否决（{_pct(rate)}，"
        f"阈值 {_pct(thresholds.disqualification_rate)}）",
        f"{disqualified} of {bids} bids were disqualified ({_pct(rate)})",
        f"{OCP2016}；{O87_63}",
        {"bids": bids, "disqualified": disqualified, "rate": str(rate.quantize(Decimal("0.0001")))},
    )


def split_purchase(group: SplitPurchaseGroup) -> Flag:
    """A split-purchase group found by `opengps.rules.methods.detect_split_purchases` (GPL §28, IR §28)."""
    return Flag(
        FlagCode.split_purchase,
        SEVERITY_HIGH,
        f"{group.fiscal_year} 年度同一预算项目、同一品目的 {len(group.purchases)} 次采购"
        f"合计 {group.total} 元，超过 {group.threshold} 元，各次均低于该标准：{group.reason.message_zh}",
        f"{len(group.purchases)} purchases of one item add up to {group.total}, past {group.threshold}: "
        f"{group.reason.message_en}",
        f"{group.citation}；{OCP2016}",
        {
            "fiscal_year": group.fiscal_year,
            "catalogue_item": group.catalogue_item,
            "budget_project": group.budget_project,
            "total": str(group.total),
            "threshold": str(group.threshold),
            "purchases": [record.reference for record in group.purchases],
            "crossed_by": group.crossed_by,
        },
    )


def _share_at_least(
    part: Decimal, total: Decimal, procurements: int, threshold: Decimal, thresholds: Thresholds
) -> Decimal | None:
    """`part`'s share of `total` when it reaches `threshold`, else None; None also when the unit
    made too few procurements for a share to mean anything (OCP2016)."""
    if procurements < thresholds.share_min_procurements or total <= 0:
        return None
    share = part / total
    return share if share >= threshold else None


@dataclass(frozen=True, slots=True)
class _ShareRule:
    """How a share flag is raised and explained: its threshold, the evidence key of the part, the
    messages (format strings over ``{part}``, ``{total}``, ``{share}``, ``{threshold}``), the article."""

    threshold: Callable[[Thresholds], Decimal]
    part_key: str
    message_zh: str
    message_en: str
    citation: str


_SHARE_RULES: Mapping[FlagCode, _ShareRule] = {
    FlagCode.single_source_share: _ShareRule(
        lambda thresholds: thresholds.single_source_share,
        "single_source_amount",
        "单一来源采购金额 {part} 元占该单位采购总额 {total} 元的 {share}（阈值 {threshold}）",
        "Single source is {share} of the unit's purchases by value",
        f"{OCP2016}；{GPL_31}；{O74_38}",
    ),
    FlagCode.supplier_share: _ShareRule(
        lambda thresholds: thresholds.supplier_share,
        "supplier_amount",
        "该供应商中标金额 {part} 元占该单位中标总额 {total} 元的 {share}（阈值 {threshold}）",
        "One supplier holds {share} of the unit's awarded value",
        OCP2016,
    ),
}


def _share_flag(
    code: FlagCode, part: Decimal, total: Decimal, procurements: int, thresholds: Thresholds
) -> Flag | None:
    """The flag `code` when `part` reaches its threshold share of `total` (see `_share_at_least`)."""
    rule = _SHARE_RULES[code]
    threshold = rule.threshold(thresholds)
    share = _share_at_least(part, total, procurements, threshold, thresholds)
    if share is None:
        return None
    texts = {"part": part, "total": total, "share": _pct(share), "threshold": _pct(threshold)}
    return Flag(
        code,
        SEVERITY_MEDIUM,
        rule.message_zh.format(**texts),
        rule.message_en.format(**texts),
        rule.citation,
        {
            rule.part_key: str(part),
            "total_amount": str(total),
            "procurements": procurements,
            "share": str(share.quantize(Decimal("0.0001"))),
        },
    )


def single_source_share(
    *,
    single_source_amount: Decimal,
    total_amount: Decimal,
    procurements: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Flag | None:
    """A unit buying a large share (by value) through single source (OCP2016; GPL §31, O74 §38)."""
    return _share_flag(
        FlagCode.single_source_share, single_source_amount, total_amount, procurements, thresholds
    )


def supplier_share(
    *,
    supplier_amount: Decimal,
    total_amount: Decimal,
    procurements: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Flag | None:
    """One supplier winning a large share of a unit's awarded value (OCP2016 "repeat winner")."""
    return _share_flag(FlagCode.supplier_share, supplier_amount, total_amount, procurements, thresholds)


@dataclass(frozen=True, slots=True)
class BidSignals:
    """What a bid reveals about who prepared and sent it (copied at the opening, never before)."""

    ref: str
    bidder: str
    network: str = ""
    device: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    document_digests: tuple[str, ...] = ()


_COLLUSION: dict[FlagCode, tuple[str, str, str]] = {
    FlagCode.shared_network: ("网络地址", "network address", f"{O87_37}（一）（二）；{IR_74}"),
    FlagCode.shared_device: ("递交设备", "submitting device", f"{O87_37}（一）（二）；{IR_74}"),
    FlagCode.shared_contact: ("联系人或联系电话", "contact person or phone", f"{O87_37}（三）；{IR_74}"),
    FlagCode.identical_documents: (
        "投标文件（内容摘要）",
        "bid document (digest)",
        f"{O87_37}（四）；{IR_74}",
    ),
}


def _values(signals: BidSignals, code: FlagCode) -> set[str]:
    if code is FlagCode.shared_network:
        values = {signals.network}
    elif code is FlagCode.shared_device:
        values = {signals.device}
    elif code is FlagCode.shared_contact:
        name = signals.contact_name.strip()
        phone = "".join(ch for ch in signals.contact_phone if ch.isdigit())
        values = {f"name:{name}" if name else "", f"phone:{phone}" if phone else ""}
    else:
        values = set(signals.document_digests)
    return {value for value in values if value}


def collusion_signals(bids: Sequence[BidSignals]) -> tuple[Flag, ...]:
    """Different bidders sharing a network address, device, contact or identical file (O87 §37; IR §74).

    O87 §37 deems bids collusive when different bidders' documents were prepared or handled by
    the same person, name the same contact, or are abnormally identical. One flag per kind of
    signal, listing each shared value and the bids that share it.
    """
    flags: list[Flag] = []
    for code, (what_zh, what_en, citation) in _COLLUSION.items():
        holders: dict[str, list[BidSignals]] = defaultdict(list)
        for bid in bids:
            for value in _values(bid, code):
                holders[value].append(bid)
        shared = [
            {
                "value": value,
                "bids": [bid.ref for bid in group],
                "bidders": sorted({bid.bidder for bid in group}),
            }
            for value, group in sorted(holders.items())
            if len({bid.bidder for bid in group}) > 1
        ]
        if not shared:
            continue
        bidders = sorted({bidder for item in shared for bidder in item["bidders"]})
        flags.append(
            Flag(
                code,
                SEVERITY_HIGH,
                f"{len(bidders)} 家不同投标人的{what_zh}相同，可能存在串通投标",
                f"{len(bidders)} different bidders share a {what_en}",
                f"{citation}；{GPL_25}",
                {"shared": shared},
            )
        )
    return tuple(flags)


def _threshold_values() -> tuple[EffectiveValue[object], ...]:
    return tuple(
        EffectiveValue(DEFAULTS_FROM, f"{spec.title_zh}：{spec.default}", spec.justification, "U")
        for spec in THRESHOLDS
    )


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "redflags.thresholds",
        "风险预警阈值（默认值，财政部门可按生效日期调整）",
        "Red-flag thresholds (defaults; the finance department may change them with an effective date)",
        _threshold_values(),
        "指标取自 OCP《Red Flags for Integrity》(2016)，"
        "串通情形见财政部令第87号第三十七条、实施条例第七十四条",
        "Indicators from OCP Red Flags for Integrity (2016); collusion per O87 §37 and IR §74",
    ),
    RuleInfo(
        "redflags.collusion_signals",
        "串通投标迹象：同一网络地址、设备、联系人或相同文件",
        "Collusion signals: same network address, device, contact or identical file",
        (EffectiveValue(date(2017, 10, 1), "≥2 家不同投标人共用", O87_37, "T"),),
    ),
    RuleInfo(
        "redflags.split_purchase",
        "化整为零规避公开招标",
        "Purchases split under the open-tender threshold",
        (
            EffectiveValue(
                date(2015, 3, 1), "同一预算项目、品目年度累计超过公开招标数额标准", f"{GPL_28}；{IR_28}", "T"
            ),
        ),
    ),
)
