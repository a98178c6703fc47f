"""Evaluation arithmetic: policy price deductions, price scores, combined totals, ranking and flags."""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_table, value_on
from opengps.rules.jurisdictions import CATEGORY_NAMES_ZH, Category, parse_category, shown_value
from opengps.rules.money import round_cent
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method

C46_9 = "政府采购促进中小企业发展管理办法（财库〔2020〕46号）第九条"
C2022_19 = "关于进一步加大政府采购支持中小企业力度的通知（财库〔2022〕19号）"
C2011_181 = "政府采购促进中小企业发展暂行办法（财库〔2011〕181号）第五条"
PRISON = "关于政府采购支持监狱企业发展有关问题的通知（财库〔2014〕68号）"
DISABILITY = "关于促进残疾人就业政府采购政策的通知（财库〔2017〕141号）"
O87_55 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十五条"
O87_56 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十六条"
O87_57 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十七条"
O87_60 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十条"
O87_64 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十四条"
O87_68 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十八条"
O74_35 = "政府采购非招标采购方式管理办法（财政部令第74号）第三十五条"
O74_48 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十八条"
C214_24 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第二十四条"
SEED_003 = "湖南省财政厅 湘财综〔2022〕28号（同等条件下优先向行业协会商会购买服务）"

HUNDRED = Decimal(100)

Formula = Literal["O87", "C214"]
Combine = Literal["mean", "median"]


# ---------------------------------------------------------------------------------------------
# Configurable defaults the law leaves open [U]


@dataclass(frozen=True, slots=True)
class ScoringPolicy:
    """Choices the law leaves to the documents or to local practice; every default is [U].

    The UI and API say so where a default is applied.
    """

    sme_deduction_for_social_organizations: bool = False
    """Social organizations are not enterprises (C46 §2): no small/micro deduction by default [U]."""
    combine: Combine = "mean"
    """How members' factor scores are combined: arithmetic mean, the common practice [U]."""
    abnormal_low_ratio: Decimal = Decimal("0.80")
    """A price below this share of the mean of the other compliant prices is flagged (O87 §60) [U]."""
    deviation_ratio: Decimal = Decimal("0.30")
    """A member's score further than this share from the others' mean is flagged (O87 §64) [U]."""
    industry_association_priority: bool = True
    """Under equal conditions industry associations come first (seed 003) [U]."""


DEFAULT_POLICY = ScoringPolicy()
POLICY_SINCE = date(2017, 10, 1)
"""O87 came into force on 2017-10-01; the [U] defaults are shown from then."""


# ---------------------------------------------------------------------------------------------
# Small/micro price deductions (C46 §9; 财库〔2022〕19号)


@dataclass(frozen=True, slots=True)
class DeductionRanges:
    """Legal ranges of the price deduction; the documents fix the rate used within them."""

    small_micro: tuple[Decimal, Decimal]
    """Deduction for a small/micro enterprise's price (also prison enterprises, disability units)."""
    consortium: tuple[Decimal, Decimal]
    """Deduction for a consortium / main contractor whose small/micro share is at least `min_share`."""
    min_share: Decimal = Decimal("0.30")


def _ranges(sm: tuple[str, str], co: tuple[str, str]) -> DeductionRanges:
    return DeductionRanges((Decimal(sm[0]), Decimal(sm[1])), (Decimal(co[0]), Decimal(co[1])))


_GOODS_SERVICES: tuple[EffectiveValue[DeductionRanges], ...] = (
    EffectiveValue(date(2012, 1, 1), _ranges(("0.06", "0.10"), ("0.02", "0.03")), C2011_181, "U"),
    EffectiveValue(date(2021, 1, 1), _ranges(("0.06", "0.10"), ("0.02", "0.03")), C46_9, "T"),
    EffectiveValue(
        date(2022, 7, 1), _ranges(("0.10", "0.20"), ("0.04", "0.06")), f"{C46_9}；{C2022_19}", "E"
    ),
)

DEDUCTION_RANGES: dict[Category, tuple[EffectiveValue[DeductionRanges], ...]] = {
    "services": _GOODS_SERVICES,
    "goods": _GOODS_SERVICES,
    # C46 §9 gives works 3–5% / 1–2%; whether 财库〔2022〕19号 changed works is unconfirmed [U].
    "works": (
        EffectiveValue(date(2012, 1, 1), _ranges(("0.06", "0.10"), ("0.02", "0.03")), C2011_181, "U"),
        EffectiveValue(date(2021, 1, 1), _ranges(("0.03", "0.05"), ("0.01", "0.02")), C46_9, "T"),
        EffectiveValue(
            date(2022, 7, 1), _ranges(("0.03", "0.05"), ("0.01", "0.02")), f"{C46_9}；{C2022_19}", "U"
        ),
    ),
}
"""Deduction ranges by category, effective-dated; 财库〔2022〕19号 applies from 2022-07-01."""


@dataclass(frozen=True, slots=True)
class Preferences:
    """What a supplier declared for policy preferences (声明函), as the committee accepted it."""

    small_micro: bool = False
    """Small or micro enterprise (C46 §2, §4)."""
    prison_enterprise: bool = False
    """监狱企业, treated as small/micro (财库〔2014〕68号)."""
    disability_welfare_unit: bool = False
    """残疾人福利性单位, treated as small/micro (财库〔2017〕141号)."""
    social_organization: bool = False
    """A social organization: not an enterprise, so no small/micro status unless the policy says so."""
    consortium_small_micro_share: Decimal | None = None
    """Share (0..1) of the contract that small/micro members or subcontractors take (C46 §9 para 2)."""
    consortium_control_relation: bool = False
    """The small/micro members are controlled by / manage the others: no deduction (C46 §9 para 2)."""


def _check_rate(rate: Decimal | None, bounds: tuple[Decimal, Decimal], which: str, citation: str) -> Decimal:
    label_zh = {"small_micro": "小微企业价格扣除比例", "consortium": "联合体/分包价格扣除比例"}[which]
    if rate is None:
        raise RuleError(
            "scoring.deduction_rate_missing",
            f"采购文件未规定{label_zh}",
            f"The procurement documents set no {which.replace('_', '/')} deduction rate",
            citation,
            {"which": which},
        )
    low, high = bounds
    if not low <= rate <= high:
        raise RuleError(
            "scoring.deduction_rate_out_of_range",
            f"{label_zh} {rate:%} 不在法定幅度 {low:%}–{high:%} 内",
            f"The {which.replace('_', '/')} deduction rate {rate:%} is outside "
            f"the legal range {low:%}–{high:%}",
            citation,
            {"which": which, "rate": str(rate), "low": str(low), "high": str(high)},
        )
    return rate


def evaluated_price(
    price: Decimal,
    preferences: Preferences,
    on_date: date,
    *,
    category: str = "services",
    small_micro_rate: Decimal | None = None,
    consortium_rate: Decimal | None = None,
    reserved_for_sme: bool = False,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> Ruled[Decimal]:
    """The price used in evaluation after policy deductions (评审价), yuan to 2 places.

    `small_micro_rate` / `consortium_rate` are the rates the procurement documents set; each is
    checked against the legal range in force on `on_date` (the announcement date). One deduction
    at most: small/micro status (incl. prison enterprises and disability welfare units) takes
    precedence over the consortium deduction — no double benefit. Projects reserved for SMEs get
    no deduction (C46 §9 applies to the non-reserved part).
    """
    if price <= 0:
        raise RuleError(
            "scoring.price_not_positive",
            f"报价必须大于零（{price}）",
            f"The price must be positive ({price})",
            params={"price": str(price)},
        )
    cat = parse_category(category)
    entry = value_on(DEDUCTION_RANGES[cat], on_date, rule="scoring.deduction_ranges")
    ranges = entry.value
    if reserved_for_sme:
        return Ruled(round_cent(price), C46_9, "专门面向中小企业的项目/采购包，不再价格扣除")
    as_small_micro = (
        (preferences.small_micro and not preferences.social_organization)
        or (preferences.small_micro and policy.sme_deduction_for_social_organizations)
        or preferences.prison_enterprise
        or preferences.disability_welfare_unit
    )
    if as_small_micro:
        rate = _check_rate(small_micro_rate, ranges.small_micro, "small_micro", entry.citation)
        basis = [entry.citation]
        if preferences.prison_enterprise:
            basis.append(PRISON)
        if preferences.disability_welfare_unit:
            basis.append(DISABILITY)
        note = f"小微企业价格扣除 {rate:%}"
        if preferences.social_organization:
            note += "（按配置将社会组织视同小微企业 [U]）"
        if preferences.consortium_small_micro_share is not None:
            note += "；不重复享受联合体/分包扣除"
        return Ruled(round_cent(price * (1 - rate)), "；".join(basis), note)
    share = preferences.consortium_small_micro_share
    if share is not None and share >= ranges.min_share and not preferences.consortium_control_relation:
        rate = _check_rate(consortium_rate, ranges.consortium, "consortium", entry.citation)
        return Ruled(
            round_cent(price * (1 - rate)),
            f"{entry.citation}第二款" if entry.citation == C46_9 else entry.citation,
            f"联合体/分包小微企业份额 {share:%} ≥ {ranges.min_share:%}，价格扣除 {rate:%}",
        )
    note = "无价格扣除"
    if preferences.social_organization and preferences.small_micro:
        note = "社会组织不属于企业，默认不享受小微企业价格扣除 [U]"
    return Ruled(round_cent(price), entry.citation, note)


# ---------------------------------------------------------------------------------------------
# Price scores (O87 §55, C214 §24)

PRICE_WEIGHT_RANGES: dict[tuple[Formula, Category], tuple[EffectiveValue[tuple[Decimal, Decimal]], ...]] = {
    ("O87", "services"): (EffectiveValue(date(2017, 10, 1), (Decimal("0.10"), Decimal(1)), O87_55, "T"),),
    ("O87", "goods"): (EffectiveValue(date(2017, 10, 1), (Decimal("0.30"), Decimal(1)), O87_55, "T"),),
    ("C214", "services"): (
        EffectiveValue(date(2014, 12, 31), (Decimal("0.10"), Decimal("0.30")), C214_24, "E"),
    ),
    ("C214", "goods"): (
        EffectiveValue(date(2014, 12, 31), (Decimal("0.30"), Decimal("0.60")), C214_24, "E"),
    ),
}
"""Allowed price weight (价格分值占总分值的比重) by formula and category."""


def price_weight_range(
    formula: Formula, category: str = "services", on_date: date | None = None
) -> EffectiveValue[tuple[Decimal, Decimal]]:
    """The allowed price-weight range.

    RuleError ``scoring.formula_unknown`` (listing the known ones) for a name that is no formula
    (names are case-sensitive: ``"O87"``, ``"C214"``); ``scoring.formula_not_applicable`` when
    the formula sets no range for the category.
    """
    known = sorted({name for name, _ in PRICE_WEIGHT_RANGES})
    if formula not in known:
        raise RuleError(
            "scoring.formula_unknown",
            f"未知的价格分公式“{formula}”，已知的公式为：{'、'.join(known)}",
            f"Unknown price formula '{formula}'; the known formulas are: {', '.join(known)}",
            params={"formula": str(formula), "known": known},
        )
    cat = parse_category(category)
    history = PRICE_WEIGHT_RANGES.get((formula, cat))
    if history is None:
        raise RuleError(
            "scoring.formula_not_applicable",
            f"{formula} 价格分公式不适用于{CATEGORY_NAMES_ZH[cat]}项目",
            f"The {formula} price formula does not apply to {cat}",
            params={"formula": formula, "category": cat},
        )
    return value_on(history, on_date or date.max, rule="scoring.price_weight")


def price_scores(
    evaluated_prices: Mapping[str, Decimal],
    weight: Decimal,
    formula: Formula = "O87",
    *,
    category: str = "services",
    on_date: date | None = None,
    weight_approved_by_finance: bool = False,
) -> dict[str, Ruled[Decimal]]:
    """Weighted price score per bidder: (lowest evaluated price / price) × 100 × weight.

    O87 §55 and C214 §24 (基准价/最后报价 × 价格权值 × 100) have the same shape. `weight` is a
    fraction (``Decimal("0.3")``) checked against the range for the formula and category
    (services ≥10% under O87, 10–30% under C214; C214 allows another weight with the finance
    bureau's approval). The base is the lowest evaluated price — already after policy
    deductions — and no price is ever dropped. Scores are rounded ROUND_HALF_UP to 2 places.
    """
    allowed = price_weight_range(formula, category, on_date)
    low, high = allowed.value
    approved = weight_approved_by_finance and formula == "C214"
    if not (0 < weight <= 1) or (not approved and not low <= weight <= high):
        raise RuleError(
            "scoring.weight_out_of_range",
            f"价格分权重 {weight:%} 不在允许范围 {low:%}–{high:%} 内",
            f"The price weight {weight:%} is outside the allowed range {low:%}–{high:%}",
            allowed.citation,
            {"weight": str(weight), "low": str(low), "high": str(high), "formula": formula},
        )
    for bidder, price in evaluated_prices.items():
        if price <= 0:
            raise RuleError(
                "scoring.price_not_positive",
                f"投标人“{bidder}”的评审价必须大于零",
                f"The evaluated price of '{bidder}' must be positive",
                params={"bidder": bidder, "price": str(price)},
            )
    if not evaluated_prices:
        return {}
    base = min(evaluated_prices.values())
    return {
        bidder: Ruled(
            round_cent(base / price * HUNDRED * weight),
            allowed.citation,
            f"({base}/{price})×100×{weight}",
        )
        for bidder, price in evaluated_prices.items()
    }


# ---------------------------------------------------------------------------------------------
# Combining members' scores


def combine_member_scores(
    scores_by_member: Mapping[str, Mapping[str, Decimal]],
    *,
    factor_weights: Mapping[str, Decimal] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> Ruled[Decimal]:
    """One bidder's total from each member's factor scores (member → factor → score).

    Every member scores every factor independently (O87 §55). Each factor's score is combined
    across members by `policy.combine` (arithmetic mean by default [U]); the total is the sum of
    the factors, or Σ Fi × Ai when `factor_weights` (summing to 1) are given. Rounded to 2 places.
    """
    if not scores_by_member:
        raise RuleError("scoring.no_members", "没有评审成员的评分", "No member scores given", O87_55)
    factor_sets = {frozenset(scores) for scores in scores_by_member.values()}
    if len(factor_sets) != 1:
        raise RuleError(
            "scoring.factor_mismatch",
            "各评审成员评分的评审因素不一致",
            "Members scored different factors",
            O87_55,
            {"members": sorted(scores_by_member)},
        )
    factors = sorted(next(iter(factor_sets)))
    if factor_weights is not None and (
        set(factor_weights) != set(factors) or sum(factor_weights.values(), Decimal(0)) != 1
    ):
        raise RuleError(
            "scoring.factor_weights_invalid",
            "评审因素权重须覆盖全部评审因素且合计为1",
            "Factor weights must cover every factor and sum to 1",
            O87_55,
            {"factors": factors, "weights": {k: str(v) for k, v in factor_weights.items()}},
        )
    combine: Callable[[list[Decimal]], Decimal] = _mean if policy.combine == "mean" else statistics.median
    total = Decimal(0)
    for factor in factors:
        combined = combine([scores[factor] for scores in scores_by_member.values()])
        total += combined * (factor_weights[factor] if factor_weights is not None else 1)
    how = "算术平均" if policy.combine == "mean" else "中位数"
    return Ruled(round_cent(total), O87_55, f"各成员评分取{how}（采购文件未另行规定时的默认做法 [U]）")


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


# ---------------------------------------------------------------------------------------------
# Ranking


@dataclass(frozen=True, slots=True)
class Candidate:
    """A responsive bid to rank."""

    bidder: str
    evaluated_price: Decimal
    total_score: Decimal | None = None
    """Needed for 综合评分法; ignored when ranking by price."""
    technical_score: Decimal | None = None
    """磋商 only: third tie-break (C214 §24)."""
    documents_tiebreak: int | None = None
    """Position (lower first) by the tie-break the procurement documents state, if any (O87 §68)."""
    industry_association: bool = False


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """A recorded random draw among tied bidders; `replay_draw` reproduces `order` from it."""

    seed: str
    tied: tuple[str, ...]
    """The tied bidders, sorted by id."""
    order: tuple[str, ...]
    algorithm: str = "sha256(seed + '\\n' + bidder), ascending"


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    position: int
    candidate: Candidate
    decided_by: str
    """The criterion that placed it: score, price, technical, documents, industry_association, draw."""


@dataclass(frozen=True, slots=True)
class Ranking:
    basis: Literal["score", "price"]
    ranked: tuple[RankedCandidate, ...]
    draws: tuple[DrawRecord, ...]
    citation: str
    reasons: tuple[Reason, ...] = ()

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(entry.candidate.bidder for entry in self.ranked)


_SCORE_METHODS = frozenset({Method.open_tender, Method.invited_tender, Method.competitive_consultation})
_PRICE_METHODS = frozenset(
    {Method.competitive_negotiation, Method.request_for_quotation, Method.framework_agreement}
)

_Key = Callable[[Candidate], tuple[int, Decimal] | None]


def _draw_key(seed: str, bidder: str) -> str:
    return hashlib.sha256(f"{seed}\n{bidder}".encode()).hexdigest()


def replay_draw(record: DrawRecord) -> tuple[str, ...]:
    """The order a recorded draw gives; equal to `record.order` for an untampered record."""
    return tuple(sorted(record.tied, key=lambda bidder: (_draw_key(record.seed, bidder), bidder)))


def rank(
    candidates: Sequence[Candidate],
    *,
    method: Method = Method.open_tender,
    lowest_price: bool = False,
    seed: str | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> Ranking:
    """Rank responsive bids.

    综合评分法 (tenders, 磋商): higher total first; equal → lower evaluated price (O87 §57);
    磋商 then better technical score (C214 §24). 最低评标价法 (``lowest_price=True``, O87 §56),
    谈判 and 询价 (O74 §35, §48) and framework agreements: lower price first. Remaining ties: the
    documents' own tie-break, then industry associations first (seed 003, if the policy keeps
    it), then a random draw (O87 §68) derived from `seed` and returned as a `DrawRecord`.
    Raises ``scoring.draw_seed_required`` when a draw is needed and no seed was given.
    """
    _check_rankable(candidates, method)
    basis: Literal["score", "price"] = "score" if method in _SCORE_METHODS and not lowest_price else "price"
    steps, citation = _tie_break_steps(candidates, method, basis, policy)
    draws: list[DrawRecord] = []
    placed: list[tuple[Candidate, str]] = []
    if candidates:
        _place(list(candidates), steps, steps[0][0], seed=seed, placed=placed, draws=draws)
    reasons: tuple[Reason, ...] = ()
    if method in (Method.competitive_negotiation, Method.request_for_quotation) and len(candidates) < 3:
        reasons = (
            Reason(
                "scoring.fewer_than_three_candidates",
                "成交候选人不足3名",
                "Fewer than 3 candidates",
                citation,
                "flag",
            ),
        )
    return Ranking(
        basis,
        tuple(RankedCandidate(i, c, decided) for i, (c, decided) in enumerate(placed, start=1)),
        tuple(draws),
        citation,
        reasons,
    )


def _check_rankable(candidates: Sequence[Candidate], method: Method) -> None:
    """Refuse a method that has no ranking, or a bidder listed twice."""
    if method not in _SCORE_METHODS and method not in _PRICE_METHODS:
        raise RuleError(
            "scoring.rank_not_applicable",
            f"{METHOD_NAMES_ZH[method]}不进行排序",
            f"{METHOD_NAMES_EN[method]} has no ranking",
            params={"method": method.value},
        )
    bidders = [candidate.bidder for candidate in candidates]
    if len(set(bidders)) != len(bidders):
        raise RuleError(
            "scoring.duplicate_bidder",
            "排序的投标人有重复",
            "A bidder appears twice",
            params={"bidders": bidders},
        )


def _tie_break_steps(
    candidates: Sequence[Candidate], method: Method, basis: Literal["score", "price"], policy: ScoringPolicy
) -> tuple[list[tuple[str, _Key]], str]:
    """The ordered criteria of a ranking, each named, and the articles they come from.

    Ranking by score needs every bidder's total (``scoring.total_score_missing``, O87 §57).
    """
    steps: list[tuple[str, _Key]] = []
    if basis == "score":
        missing = [c.bidder for c in candidates if c.total_score is None]
        if missing:
            raise RuleError(
                "scoring.total_score_missing",
                "综合评分法排序需要每个投标人的总得分",
                "Ranking by score needs every bidder's total score",
                O87_57,
                {"bidders": missing},
            )
        steps.append(("score", lambda c: None if c.total_score is None else (0, -c.total_score)))
        citation = f"{O87_57}；{O87_68}"
    else:
        citation = {
            Method.competitive_negotiation: O74_35,
            Method.request_for_quotation: O74_48,
        }.get(method, f"{O87_56}；{O87_68}")
    steps.append(("price", lambda c: (0, c.evaluated_price)))
    if method is Method.competitive_consultation and basis == "score":
        steps.append(("technical", lambda c: None if c.technical_score is None else (0, -c.technical_score)))
        citation = f"{C214_24}；{O87_68}"
    steps.append(
        ("documents", lambda c: None if c.documents_tiebreak is None else (0, Decimal(c.documents_tiebreak)))
    )
    if policy.industry_association_priority:
        steps.append(("industry_association", lambda c: (0 if c.industry_association else 1, Decimal(0))))
        citation += f"；{SEED_003}"
    return steps, citation


def _place(
    group: list[Candidate],
    remaining: list[tuple[str, _Key]],
    decided: str,
    *,
    seed: str | None,
    placed: list[tuple[Candidate, str]],
    draws: list[DrawRecord],
) -> None:
    """Append `group` to `placed` in rank order: split it by the first remaining criterion, recurse
    into each run of equals, and draw lots (O87 §68) among those no criterion separates."""
    if len(group) == 1:
        placed.append((group[0], decided))
        return
    if not remaining:
        tied = tuple(sorted(c.bidder for c in group))
        if seed is None:
            raise RuleError(
                "scoring.draw_seed_required",
                "存在无法区分的并列，需要随机抽取（请提供抽取种子）",
                "A tie remains: a random draw is needed (give a seed)",
                O87_68,
                {"tied": list(tied)},
            )
        record = DrawRecord(seed, tied, ())
        record = DrawRecord(seed, tied, replay_draw(record))
        draws.append(record)
        by_bidder = {c.bidder: c for c in group}
        placed.extend((by_bidder[bidder], "draw") for bidder in record.order)
        return
    name, key = remaining[0]
    keyed = [(k, c) for c in group if (k := key(c)) is not None]
    if len(keyed) < len(group):
        # The documents state no tie-break for some of these bidders: skip that step.
        _place(group, remaining[1:], decided, seed=seed, placed=placed, draws=draws)
        return
    runs: dict[tuple[int, Decimal], list[Candidate]] = {}
    for k, candidate in keyed:
        runs.setdefault(k, []).append(candidate)
    next_decided = name if len(runs) > 1 else decided
    for k in sorted(runs):
        _place(runs[k], remaining[1:], next_decided, seed=seed, placed=placed, draws=draws)


# ---------------------------------------------------------------------------------------------
# Flags for the committee


def abnormally_low_price(
    price: Decimal, others: Sequence[Decimal], *, policy: ScoringPolicy = DEFAULT_POLICY
) -> Reason | None:
    """A flag when `price` is abnormally low against the other compliant bids (O87 §60).

    O87 §60 gives no number: a price below `policy.abnormal_low_ratio` (default 80% [U]) of the
    arithmetic mean of the other prices is flagged, and the committee must then ask the bidder for
    a written explanation; unjustified → invalid bid. None when not flagged or no other bids.
    """
    if not others:
        return None
    mean = _mean(others)
    if price >= mean * policy.abnormal_low_ratio:
        return None
    return Reason(
        "scoring.abnormally_low_price",
        f"报价 {price} 低于其他有效报价平均值（{round_cent(mean)}）的 {policy.abnormal_low_ratio:%}，"
        "评标委员会应要求其书面说明并提供证明材料，不能证明合理性的按无效投标处理"
        "（比例为可配置的默认值 [U]）",
        f"Price {price} is below {policy.abnormal_low_ratio:%} of the mean of the others "
        f"({round_cent(mean)}): ask for a written explanation; if not justified the bid is invalid "
        "(ratio is a configurable default [U])",
        O87_60,
        "flag",
    )


@dataclass(frozen=True, slots=True)
class ScoreDeviation:
    member: str
    bidder: str
    score: Decimal
    others_mean: Decimal
    reason: Reason


def deviating_members(
    scores_by_member: Mapping[str, Mapping[str, Decimal]],
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> tuple[ScoreDeviation, ...]:
    """Scores (member → bidder → score) far from the other members' mean for the same bidder.

    O87 §64 lets the committee correct 评分畸高、畸低; the platform only flags candidates for
    that review: |score − others' mean| > `policy.deviation_ratio` × others' mean (default 30%
    [U]). Needs at least two other members' scores for the bidder.
    """
    bidders = sorted({bidder for scores in scores_by_member.values() for bidder in scores})
    flagged: list[ScoreDeviation] = []
    for bidder in bidders:
        given = {m: s[bidder] for m, s in scores_by_member.items() if bidder in s}
        for member, score in sorted(given.items()):
            others = [s for m, s in given.items() if m != member]
            if len(others) < 2:
                continue
            mean = _mean(others)
            if abs(score - mean) <= policy.deviation_ratio * mean:
                continue
            direction_zh, direction_en = ("畸高", "high") if score > mean else ("畸低", "low")
            flagged.append(
                ScoreDeviation(
                    member,
                    bidder,
                    score,
                    round_cent(mean),
                    Reason(
                        "scoring.deviating_score",
                        f"评委“{member}”对“{bidder}”的评分 {score} 与其他评委平均分 {round_cent(mean)} "
                        f"相差超过 {policy.deviation_ratio:%}，可能{direction_zh}，应复核"
                        "（阈值为可配置的默认值 [U]）",
                        f"Member '{member}' scored '{bidder}' {score}, more than "
                        f"{policy.deviation_ratio:%} from the others' mean {round_cent(mean)} (abnormally "
                        f"{direction_en}); review (threshold is a configurable default [U])",
                        O87_64,
                        "flag",
                    ),
                )
            )
    return tuple(flagged)


# ---------------------------------------------------------------------------------------------


def _range_text(bounds: tuple[Decimal, Decimal]) -> str:
    return f"{bounds[0]:.0%}–{bounds[1]:.0%}"


def _deduction_text(cat: Category, ranges: DeductionRanges) -> str:
    return (
        f"{CATEGORY_NAMES_ZH[cat]}：小微企业 {_range_text(ranges.small_micro)}；"
        f"联合体/分包（小微份额≥{ranges.min_share:.0%}）{_range_text(ranges.consortium)}"
    )


def _price_weight_text(key: tuple[Formula, Category], bounds: tuple[Decimal, Decimal]) -> str:
    formula, cat = key
    return (
        f"{formula} {CATEGORY_NAMES_ZH[cat]}：价格权重 {_range_text(bounds)}；"
        "得分 =（评标基准价/评审价）×100×权重"
    )


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="scoring.evaluated_price",
        title_zh="小微企业价格扣除",
        title_en="Small/micro enterprise price deduction",
        values=(
            *shown_table(DEDUCTION_RANGES, _deduction_text),
            shown_value(date(2014, 6, 10), "监狱企业视同小微企业", PRISON, "E"),
            shown_value(date(2017, 10, 1), "残疾人福利性单位视同小微企业，不重复享受", DISABILITY, "E"),
            shown_value(
                POLICY_SINCE,
                "社会组织享受小微企业扣除："
                + ("是" if DEFAULT_POLICY.sme_deduction_for_social_organizations else "否"),
                "平台设置（依据未确认，可配置）",
                "U",
            ),
        ),
        summary_zh="采购文件在法定幅度内确定扣除比例；只适用一项扣除；专门面向中小企业的项目不扣除。",
        summary_en="The documents fix the rate within the legal range; one deduction at most; none "
        "for projects reserved for SMEs.",
    ),
    RuleInfo(
        name="scoring.price_scores",
        title_zh="价格分计算",
        title_en="Price score",
        values=shown_table(PRICE_WEIGHT_RANGES, _price_weight_text),
        summary_zh="以扣除后的最低评审价为基准价；不得去掉最高和最低报价；四舍五入保留两位小数。",
        summary_en="The lowest evaluated price (after deductions) is the base; no price is dropped; "
        "rounded half up to 2 places.",
    ),
    RuleInfo(
        name="scoring.combine_member_scores",
        title_zh="评委评分汇总",
        title_en="Combining members' scores",
        values=(
            shown_value(
                POLICY_SINCE,
                "汇总方式：" + ("算术平均" if DEFAULT_POLICY.combine == "mean" else "中位数"),
                O87_55,
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="scoring.rank",
        title_zh="排序与并列处理",
        title_en="Ranking and ties",
        values=(
            shown_value(date(2017, 10, 1), "综合评分法：得分高者优先；得分相同按报价由低到高", O87_57),
            shown_value(date(2017, 10, 1), "最低评标价法：报价由低到高", O87_56),
            shown_value(
                date(2014, 2, 1),
                "竞争性谈判、询价：最后报价由低到高，3名以上成交候选人",
                f"{O74_35}；{O74_48}",
            ),
            shown_value(date(2014, 12, 31), "竞争性磋商：得分、最后报价、技术指标依次比较", C214_24, "E"),
            shown_value(
                POLICY_SINCE,
                f"仍并列：采购文件规定的方式 → 行业协会商会优先"
                f"（{'启用' if DEFAULT_POLICY.industry_association_priority else '停用'}）→ 随机抽取",
                f"{O87_68}；{SEED_003}",
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="scoring.abnormally_low_price",
        title_zh="明显低于其他报价",
        title_en="Abnormally low price",
        values=(
            shown_value(
                POLICY_SINCE,
                f"低于其他有效报价平均值的 {DEFAULT_POLICY.abnormal_low_ratio:.0%} 时提示，须书面说明",
                O87_60,
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="scoring.deviating_members",
        title_zh="评分畸高畸低",
        title_en="Abnormally high or low member scores",
        values=(
            shown_value(
                POLICY_SINCE,
                f"与其他评委平均分相差超过 {DEFAULT_POLICY.deviation_ratio:.0%} 时提示复核",
                O87_64,
                "U",
            ),
        ),
    ),
)
