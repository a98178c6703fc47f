"""Framework agreements (框架协议, O110): the first-stage shortlist (入围) and the second-stage pick.

Closed framework agreements (封闭式, O110 §4, §9) are solicited like an open tender; the
evaluation ranks the responsive bids and this module decides who is shortlisted (O110 §25, §27).
Call-offs (第二阶段) go to a shortlisted supplier by the rule the agreement states (O110 §32-34).
Rates are fractions, the counts whole suppliers; "不得低于" includes the number itself (O110 §50),
so the share eliminated is rounded UP to a whole supplier, and at least one is eliminated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.jurisdictions import shown_value

__all__ = [
    "MIN_ELIMINATION",
    "MIN_ELIMINATION_QUALITY_INSTRUMENTS",
    "MIN_RESPONSIVE",
    "RULES",
    "AgreementMember",
    "FirstStageBid",
    "FirstStageMethod",
    "SecondStage",
    "Shortlist",
    "call_off_pick",
    "first_stage_method",
    "shortlist",
]

O110_25 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十五条"
O110_27 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十七条"
O110_32 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三十二条"
O110_33 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三十三条"
O110_34 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三十四条"
O110_50 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第五十条"
IN_FORCE = date(2022, 3, 1)
"""O110 §52: in force from 1 March 2022."""


class FirstStageMethod(StrEnum):
    """确定第一阶段入围供应商的评审方法 (O110 §25)."""

    price_first = "price_first"
    quality_first = "quality_first"


class SecondStage(StrEnum):
    """确定第二阶段成交供应商的方式 (O110 §32)."""

    direct = "direct"
    rebid = "rebid"
    rotation = "rotation"


MIN_RESPONSIVE: tuple[EffectiveValue[int], ...] = (EffectiveValue(IN_FORCE, 2, O110_27, "T"),)
"""Suppliers that submitted, and that are qualified and responsive: each at least 2 (O110 §27)."""
MIN_ELIMINATION: tuple[EffectiveValue[Fraction], ...] = (
    EffectiveValue(IN_FORCE, Fraction(1, 5), O110_27, "T"),
)
"""Share of the responsive suppliers eliminated: not below 20%, and at least one (O110 §27 ¶1)."""
MIN_ELIMINATION_QUALITY_INSTRUMENTS: tuple[EffectiveValue[Fraction], ...] = (
    EffectiveValue(IN_FORCE, Fraction(2, 5), O110_27, "T"),
)
"""Quality-first testing or laboratory instruments: not below 40% (O110 §27 ¶2)."""


@dataclass(frozen=True, slots=True)
class FirstStageBid:
    """A responsive first-stage bid: meets the requirements and is within the maximum unit price.

    `ref` identifies it (e.g. the supplier's USCC); `quality_score` is needed for quality-first.
    The sequence given keeps the evaluation's ranking, so equal values stay in that order.
    """

    ref: str
    price: Decimal
    quality_score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Shortlist:
    """The shortlisted (入围) refs in rank order, the eliminated ones, and the cut line (O110 §28(4))."""

    members: tuple[str, ...]
    eliminated: tuple[str, ...]
    rate: Fraction
    cut_value: Decimal
    """最高入围价格 (price-first) or 最低入围分值 (quality-first)."""


@dataclass(frozen=True, slots=True)
class AgreementMember:
    """A shortlisted supplier of an agreement: `ref`, agreement price (协议价格) and rank."""

    ref: str
    price: Decimal
    rank: int


def first_stage_method(
    *, government_priced: bool = False, quality_instruments: bool = False
) -> Ruled[tuple[FirstStageMethod, ...]]:
    """Which first-stage methods are allowed (O110 §25 ¶4).

    Quality-first only for items with government (guided) prices and testing or laboratory
    instruments with special quality needs; every other project uses price-first.
    """
    if government_priced or quality_instruments:
        return Ruled((FirstStageMethod.price_first, FirstStageMethod.quality_first), O110_25)
    return Ruled((FirstStageMethod.price_first,), O110_25)


def _minimum_rate(
    method: FirstStageMethod, quality_instruments: bool, on_date: date
) -> EffectiveValue[Fraction]:
    if method is FirstStageMethod.quality_first and quality_instruments:
        return value_on(MIN_ELIMINATION_QUALITY_INSTRUMENTS, on_date, rule="framework.min_elimination")
    return value_on(MIN_ELIMINATION, on_date, rule="framework.min_elimination")


def _ordered(bids: Sequence[FirstStageBid], method: FirstStageMethod) -> list[FirstStageBid]:
    if method is FirstStageMethod.price_first:
        return sorted(bids, key=lambda bid: bid.price)  # stable: ties keep the evaluation's order
    missing = [bid.ref for bid in bids if bid.quality_score is None]
    if missing:
        raise RuleError(
            "framework.score_missing",
            "质量优先法须对每一响应进行质量评分",
            "Quality-first needs a quality score for every bid",
            O110_25,
            params={"bids": missing},
        )
    return sorted(bids, key=lambda bid: -(bid.quality_score or Decimal(0)))


def shortlist(
    bids: Sequence[FirstStageBid],
    *,
    submitted: int,
    on_date: date,
    method: FirstStageMethod = FirstStageMethod.price_first,
    elimination_rate: Fraction | None = None,
    max_members: int | None = None,
    quality_instruments: bool = False,
) -> Ruled[Shortlist]:
    """The shortlisted suppliers of the first stage (O110 §25, §27).

    `bids` are the responsive bids (qualified, meeting the requirements, within the maximum unit
    price); `submitted` counts the suppliers that submitted. Both need at least 2. Price-first
    ranks by price from low to high, quality-first by quality score from high to low (§25). The
    documents' elimination rate (default and minimum 20%; 40% for quality-first instruments) is
    applied to the responsive count and rounded up to a whole supplier, at least one (§27; 不得
    低于 includes the number, §50); a cap on members (入围供应商数量上限) may shortlist fewer.
    """
    need = value_on(MIN_RESPONSIVE, on_date, rule="framework.min_responsive")
    if submitted < need.value or len(bids) < need.value:
        raise RuleError(
            "framework.too_few_responsive",
            f"提交响应文件和符合资格条件、实质性要求的供应商均应不少于 {need.value} 家"
            f"（提交 {submitted} 家，符合 {len(bids)} 家）",
            f"At least {need.value} suppliers must submit and be responsive "
            f"({submitted} submitted, {len(bids)} responsive)",
            need.citation,
            params={"submitted": submitted, "responsive": len(bids), "required": need.value},
        )
    minimum = _minimum_rate(method, quality_instruments, on_date)
    rate = minimum.value if elimination_rate is None else elimination_rate
    if rate < minimum.value or rate >= 1:
        raise RuleError(
            "framework.rate_invalid",
            f"淘汰比例应不低于 {int(minimum.value * 100)}% 且低于 100%",
            f"The elimination rate must be at least {float(minimum.value):.0%} and below 100%",
            minimum.citation,
            params={"rate": str(rate), "minimum": str(minimum.value)},
        )
    if max_members is not None and max_members < 1:
        raise RuleError(
            "framework.cap_invalid",
            "入围供应商数量上限应至少为 1",
            "The cap on shortlisted suppliers must be at least 1",
            O110_25,
            params={"max_members": max_members},
        )
    ordered = _ordered(bids, method)
    count = len(ordered)
    fraction = rate * count
    eliminate = max(1, -(-fraction.numerator // fraction.denominator))  # round up, at least one
    keep = count - eliminate
    if max_members is not None:
        keep = min(keep, max_members)
    kept, dropped = ordered[:keep], ordered[keep:]
    last = kept[-1]
    cut = last.price if method is FirstStageMethod.price_first else (last.quality_score or Decimal(0))
    note = f"{count} 家有效响应，淘汰 {len(dropped)} 家，入围 {len(kept)} 家"
    return Ruled(
        Shortlist(tuple(b.ref for b in kept), tuple(b.ref for b in dropped), rate, cut),
        f"{O110_25}；{O110_27}；{O110_50}",
        note,
    )


def call_off_pick(
    stage: SecondStage,
    members: Sequence[AgreementMember],
    *,
    history: Sequence[str] = (),
    chosen: str | None = None,
    quotes: Mapping[str, Decimal] | None = None,
) -> Ruled[str]:
    """The shortlisted supplier a call-off (第二阶段) goes to, by the agreement's rule.

    直接选定 (§32): the purchaser's choice among the members; without one, the lowest agreement
    price (ties by rank). 二次竞价 (§33): the lowest quote of a member, each capped by its
    agreement price. 顺序轮候 (§34): members in rank order, each once per round; `history` lists
    the refs already awarded under the agreement, oldest first.
    """
    if not members:
        raise RuleError(
            "framework.no_members",
            "框架协议没有入围供应商",
            "The agreement has no shortlisted supplier",
            O110_32,
        )
    by_ref = {m.ref: m for m in members}
    if chosen is not None and chosen not in by_ref:
        raise RuleError(
            "framework.not_a_member",
            "第二阶段合同只能授予入围供应商",
            "A call-off goes only to a shortlisted supplier",
            "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第十七条",
            params={"ref": chosen},
        )
    ranked = sorted(members, key=lambda m: m.rank)
    if stage is SecondStage.direct:
        if chosen is not None:
            return Ruled(chosen, O110_32, "采购人直接选定")
        lowest = min(ranked, key=lambda m: m.price)
        return Ruled(lowest.ref, O110_32, "协议价格最低")
    if stage is SecondStage.rebid:
        offers = dict(quotes or {})
        if not offers:
            raise RuleError(
                "framework.quotes_missing",
                "二次竞价须有入围供应商报价",
                "A re-bid needs quotes from shortlisted suppliers",
                O110_33,
            )
        for ref, price in offers.items():
            if ref not in by_ref:
                raise RuleError(
                    "framework.not_a_member",
                    "第二阶段合同只能授予入围供应商",
                    "A call-off goes only to a shortlisted supplier",
                    O110_33,
                    params={"ref": ref},
                )
            if price > by_ref[ref].price:
                raise RuleError(
                    "framework.quote_over_agreement_price",
                    f"二次竞价报价 {price} 超过协议价格 {by_ref[ref].price}",
                    f"The quote {price} exceeds the agreement price {by_ref[ref].price}",
                    O110_33,
                    params={"ref": ref, "quote": str(price), "agreement_price": str(by_ref[ref].price)},
                )
        best = min(ranked, key=lambda m: offers.get(m.ref, Decimal("Infinity")))
        return Ruled(best.ref, O110_33, "二次竞价报价最低")
    round_size = len(ranked)
    this_round = set(history[len(history) - len(history) % round_size :])
    turn = next(m.ref for m in ranked if m.ref not in this_round)
    if chosen is not None and chosen != turn:
        raise RuleError(
            "framework.rotation_order",
            "顺序轮候须按轮候顺序授予，本次应授予排序在先的入围供应商",
            "Rotation awards in the fixed order; it is another supplier's turn",
            O110_34,
            params={"chosen": chosen, "turn": turn},
        )
    return Ruled(turn, O110_34, f"第 {len(history) // round_size + 1} 轮轮候")


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="framework.shortlist",
        title_zh="框架协议第一阶段入围",
        title_en="Framework agreement first-stage shortlist",
        values=(
            *shown_history(MIN_RESPONSIVE, lambda count: f"有效响应不少于 {count} 家"),
            *shown_history(
                MIN_ELIMINATION, lambda rate: f"淘汰比例不低于 {int(rate * 100)}%（向上取整，至少淘汰 1 家）"
            ),
            *shown_history(
                MIN_ELIMINATION_QUALITY_INSTRUMENTS,
                lambda rate: f"质量优先法检测、实验仪器：淘汰比例不低于 {int(rate * 100)}%",
            ),
        ),
        summary_zh="价格优先法按报价从低到高、质量优先法按质量评分从高到低排序，按征集文件规定的淘汰率或入围数量上限确定入围供应商。",
        summary_en="Price-first ranks by price (low to high), quality-first by quality score; the documents' "
        "elimination rate or cap decides the shortlist.",
    ),
    RuleInfo(
        name="framework.call_off_pick",
        title_zh="框架协议第二阶段成交供应商",
        title_en="Framework agreement call-off supplier",
        values=(
            shown_value(IN_FORCE, "直接选定（主要方式）", O110_32, "T"),
            shown_value(IN_FORCE, "二次竞价：协议价格为最高限价，报价最低者成交", O110_33, "T"),
            shown_value(IN_FORCE, "顺序轮候：每轮每家仅一次", O110_34, "T"),
        ),
        summary_zh="第二阶段合同只能授予入围供应商。",
        summary_en="Call-offs go only to shortlisted suppliers.",
    ),
)
