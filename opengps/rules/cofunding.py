"""Co-funding of grant rounds (配套资金): requirements, in-kind valuation, donations, leverage, shortfall.

Pure functions over plain values. A venture-philanthropy round (公益创投) is judged by how much
other money it brings in: the applicant commits co-funding at application (its own money,
enterprises, foundations, individuals giving through a charity, or another public programme),
shows evidence at the agreement and reports receipts with each tranche. Money from another
public programme is public money: it never counts as co-funding or leverage, so one public yuan
is never counted twice. Values no law sets are marked [U] and shown on /rules/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.money import round_cent

CALL = "本轮项目申报指南（资助方设定的配套资金要求）"
PLATFORM = "平台规则：公益创投配套资金与撬动比"
CHARITY_22_26 = "慈善法（2023年修正）第二十二条、第二十六条"
CHARITY_36 = "慈善法（2023年修正）第三十六条"
CHARITY_38 = "慈善法（2023年修正）第三十八条"
CHARITY_66 = "慈善法（2023年修正）第六十六条"
CHARITY_82 = "慈善法（2023年修正）第八十二条"
SEED_000 = "《关于发展公益创投 培育社会组织的调研报告》（2016年）：以公益创投撬动社会资金"

HUNDRED = Decimal(100)
RATIO = Decimal("0.01")
"""Leverage ratios are kept to 2 places, ROUND_HALF_UP (e.g. 0.35 = 35 分 of other money per 元)."""
_SINCE = date(2016, 1, 1)


class SourceKind(StrEnum):
    """Where co-funding comes from."""

    OWN = "own"
    """The organization's own money (自有资金)."""
    ENTERPRISE = "enterprise"
    """An enterprise (企业捐赠或资助)."""
    FOUNDATION = "foundation"
    """A foundation or other charity's grant (基金会资助)."""
    INDIVIDUAL = "individual"
    """Individuals giving through a charity (个人经慈善组织捐赠)."""
    PUBLIC = "public"
    """Another public programme (其他财政性资金): public money, never leverage."""


class Form(StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"


class InKindKind(StrEnum):
    """How an in-kind contribution is valued."""

    VOLUNTEER_HOURS = "volunteer_hours"
    """Hours recorded (慈善法 §66) × the programme's hourly rate."""
    VENUE = "venue"
    """A venue lent free of charge, at its documented rental value."""
    GOODS = "goods"
    """Goods (实物) at their documented value (慈善法 §36, §38)."""


class Channel(StrEnum):
    """How a donation through a charity was raised."""

    DIRECT = "direct"
    """Given directly to the organization (not through a charity)."""
    DIRECTED = "directed"
    """定向募捐 by a charity from specific donors."""
    PUBLIC = "public"
    """公开募捐: needs the charity's public-fundraising qualification (慈善法 §22, §26)."""


SHORTFALL_POINTS: tuple[EffectiveValue[Decimal], ...] = (EffectiveValue(_SINCE, Decimal(10), PLATFORM, "U"),)
"""Points taken off the final review score when reported co-funding falls short of the commitment:
this many points × the share of the commitment not received, to 2 places [U, no law sets it]."""


# ---------------------------------------------------------------------------------------------
# The requirement and the check at application


@dataclass(frozen=True, slots=True)
class Requirement:
    """A round's co-funding requirement: at least `min_share` % of the public money asked, and at
    least `min_amount` yuan; either may be absent (None)."""

    min_share: Decimal | None = None
    min_amount: Decimal | None = None

    @property
    def required(self) -> bool:
        return bool(self.min_share) or bool(self.min_amount)


def requirement_problems(requirement: Requirement) -> tuple[Reason, ...]:
    """Why a round's requirement is invalid: a share outside 0–100 % or a negative amount."""
    reasons: list[Reason] = []
    if requirement.min_share is not None and not Decimal(0) <= requirement.min_share <= HUNDRED:
        reasons.append(
            Reason(
                "cofunding.share_invalid",
                "配套资金最低比例应在 0% 至 100% 之间",
                "The minimum co-funding share is 0 to 100 %",
                CALL,
                "block",
            )
        )
    if requirement.min_amount is not None and (
        requirement.min_amount < 0 or requirement.min_amount != round_cent(requirement.min_amount)
    ):
        reasons.append(
            Reason(
                "cofunding.min_amount_invalid",
                "配套资金最低金额不能为负数，以元为单位保留两位小数",
                "The minimum co-funding amount is a non-negative amount in yuan",
                CALL,
                "block",
            )
        )
    return tuple(reasons)


def required_amount(requested: Decimal, requirement: Requirement) -> Ruled[Decimal]:
    """The co-funding a project asking `requested` public yuan must commit: the larger of the share
    (of the public money asked, rounded to the fen half-up) and the minimum amount."""
    by_share = (
        round_cent(requested * requirement.min_share / HUNDRED) if requirement.min_share else Decimal(0)
    )
    amount = max(by_share, requirement.min_amount or Decimal(0))
    return Ruled(round_cent(amount), f"{CALL}；{PLATFORM}")


@dataclass(frozen=True, slots=True)
class Contribution:
    """One co-funding line (a commitment or a receipt) with its value in yuan."""

    source: SourceKind
    form: Form
    value: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """Co-funding split as reports show it: cash and in-kind apart, other public money apart."""

    cash: Decimal
    """Cash from non-public sources."""
    in_kind: Decimal
    """In-kind from non-public sources, valued by `in_kind_value`."""
    public: Decimal
    """From other public programmes: public money, not leverage."""

    @property
    def other(self) -> Decimal:
        """Money that is not public: what leverage counts."""
        return self.cash + self.in_kind


def totals(contributions: Sequence[Contribution]) -> Totals:
    """Add up `contributions`: other public programmes apart, then cash and in-kind apart."""
    cash = in_kind = public = Decimal("0.00")
    for item in contributions:
        if item.value < 0:
            raise RuleError(
                "cofunding.value_negative",
                "配套资金金额不能为负数",
                "A co-funding value cannot be negative",
                PLATFORM,
            )
        if item.source == SourceKind.PUBLIC:
            public += item.value
        elif item.form == Form.CASH:
            cash += item.value
        else:
            in_kind += item.value
    return Totals(cash, in_kind, public)


def commitment_check(
    requested: Decimal, contributions: Sequence[Contribution], requirement: Requirement
) -> tuple[Reason, ...]:
    """Why an application's co-funding commitments fall short of the round's requirement: only
    non-public money (cash and valued in-kind) counts; another public programme's money is public
    and never meets a co-funding requirement. Empty when met or when nothing is required."""
    if not requirement.required:
        return ()
    need = required_amount(requested, requirement)
    split = totals(contributions)
    reasons: list[Reason] = []
    if split.other < need.value:
        share = f"申请资助金额的 {requirement.min_share}%" if requirement.min_share else ""
        floor = f"不少于 {requirement.min_amount} 元" if requirement.min_amount else ""
        reasons.append(
            Reason(
                "cofunding.below_requirement",
                f"承诺配套资金（不含其他财政性资金）{split.other} 元，低于本轮要求的 {need.value} 元"
                f"（{'，'.join(p for p in (share, floor) if p)}）",
                f"Committed co-funding {split.other} (public money excluded) is below the "
                f"{need.value} the round requires",
                need.citation,
                "block",
            )
        )
    if split.public and split.other < need.value:
        reasons.append(
            Reason(
                "cofunding.public_not_counted",
                f"其他财政性资金 {split.public} 元属于公共资金，不计入配套资金",
                f"{split.public} from other public programmes is public money and does not count",
                f"{CALL}；{PLATFORM}",
                "info",
            )
        )
    return tuple(reasons)


# ---------------------------------------------------------------------------------------------
# In-kind valuation and donations


def in_kind_value(
    kind: InKindKind,
    *,
    hours: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    documented_value: Decimal | None = None,
    document: str = "",
) -> Ruled[Decimal]:
    """The value of an in-kind contribution, to the fen (half-up).

    Volunteer hours: the hours recorded (慈善法 §66) × the rate the programme sets [U]. A venue or
    goods: the value on its document (rental quote, invoice, 捐赠票据 §38), which must be named.
    """
    if kind == InKindKind.VOLUNTEER_HOURS:
        if hours is None or hours <= 0 or hourly_rate is None or hourly_rate <= 0:
            raise RuleError(
                "cofunding.hours_invalid",
                "志愿服务须填写服务时数，且本项目须设定每小时折算标准",
                "Volunteer hours and the programme's hourly rate must both be positive",
                CHARITY_66,
            )
        return Ruled(round_cent(hours * hourly_rate), f"{CHARITY_66}；{PLATFORM}")
    if documented_value is None or documented_value <= 0 or not document.strip():
        raise RuleError(
            "cofunding.document_required",
            "场地、物资须按凭证金额计价：请填写金额和凭证（租金报价、发票或捐赠票据）",
            "Venues and goods are valued by a document: give its value and reference",
            f"{CHARITY_36}；{CHARITY_38}",
        )
    return Ruled(round_cent(documented_value), f"{CHARITY_36}；{CHARITY_38}")


def donation_problems(
    source: SourceKind,
    channel: Channel,
    *,
    charity: str = "",
    charity_public_qualified: bool = False,
    receipt_number: str = "",
) -> tuple[Reason, ...]:
    """Why a reported donation cannot be accepted as co-funding.

    Individuals give through a charity; a public appeal (公开募捐) needs a charity holding the
    public-fundraising qualification (§22; partners raise only through such a charity, §26); every
    donation carries its 捐赠票据 number (§38). Own money and public money are not donations.
    """
    if source in {SourceKind.OWN, SourceKind.PUBLIC}:
        return ()
    reasons: list[Reason] = []
    if source == SourceKind.INDIVIDUAL and (channel == Channel.DIRECT or not charity.strip()):
        reasons.append(
            Reason(
                "cofunding.individual_needs_charity",
                "个人捐赠须经慈善组织接受，请填写接受捐赠的慈善组织",
                "Individual donations count only when received through a charity",
                f"{PLATFORM}；{CHARITY_38}",
                "block",
            )
        )
    if channel == Channel.PUBLIC and not (charity.strip() and charity_public_qualified):
        reasons.append(
            Reason(
                "cofunding.public_fundraising_unqualified",
                "公开募捐须由具有公开募捐资格的慈善组织开展",
                "A public appeal must be run by a charity holding the public-fundraising qualification",
                CHARITY_22_26,
                "block",
            )
        )
    if not receipt_number.strip():
        reasons.append(
            Reason(
                "cofunding.receipt_required",
                "请填写捐赠票据号码",
                "Give the donation receipt number",
                CHARITY_38,
                "block",
            )
        )
    return tuple(reasons)


def donor_shown(source: SourceKind, name: str, charity: str = "") -> Ruled[str]:
    """The donor's name as public pages and open data show it: a natural person's identity is
    never shown (慈善法 §82), only that individuals gave and through which charity."""
    if source == SourceKind.INDIVIDUAL:
        through = f"（经{charity.strip()}）" if charity.strip() else ""
        return Ruled(f"个人捐赠者{through}", CHARITY_82)
    return Ruled(name.strip(), CHARITY_82)


# ---------------------------------------------------------------------------------------------
# Leverage and shortfall


@dataclass(frozen=True, slots=True)
class Leverage:
    public: Decimal
    """The grant plus money from other public programmes."""
    cash: Decimal
    in_kind: Decimal
    ratio: Decimal | None
    """(cash + in-kind) ÷ public, 2 places half-up; None when there is no public money."""
    cash_ratio: Decimal | None
    """cash ÷ public, the same rounding."""


def leverage(grant: Decimal, split: Totals) -> Ruled[Leverage]:
    """Leverage (撬动比) = other money ÷ public money, where public money is the grant plus any other
    public programme's money (never counted as leverage), other money is non-public cash and
    in-kind; both ratios are kept to 2 places, ROUND_HALF_UP."""
    if grant < 0:
        raise RuleError(
            "cofunding.value_negative", "资助金额不能为负数", "The grant cannot be negative", PLATFORM
        )
    public = grant + split.public
    if public == 0:
        return Ruled(Leverage(public, split.cash, split.in_kind, None, None), f"{PLATFORM}；{SEED_000}")
    ratio = (split.other / public).quantize(RATIO, rounding=ROUND_HALF_UP)
    cash_ratio = (split.cash / public).quantize(RATIO, rounding=ROUND_HALF_UP)
    return Ruled(Leverage(public, split.cash, split.in_kind, ratio, cash_ratio), f"{PLATFORM}；{SEED_000}")


@dataclass(frozen=True, slots=True)
class Shortfall:
    committed: Decimal
    received: Decimal
    missing: Decimal
    """What was committed and not received (0 when met or exceeded)."""
    deduction: Decimal
    """Points taken off the final review score."""
    reason: Reason | None
    """The flag shown at the final review, or None when the commitment is met."""

    @property
    def flagged(self) -> bool:
        return self.reason is not None


def shortfall(committed: Decimal, received: Decimal, on_date: date) -> Ruled[Shortfall]:
    """Compare reported receipts (non-public, cash and in-kind) with the commitment at the final
    review: short → flagged, and `SHORTFALL_POINTS` × the missing share come off the score [U]."""
    if committed < 0 or received < 0:
        raise RuleError(
            "cofunding.value_negative",
            "配套资金金额不能为负数",
            "A co-funding value cannot be negative",
            PLATFORM,
        )
    entry = value_on(SHORTFALL_POINTS, max(on_date, _SINCE), rule="cofunding.shortfall")
    missing = max(committed - received, Decimal("0.00"))
    if missing == 0:
        return Ruled(Shortfall(committed, received, missing, Decimal("0.00"), None), entry.citation)
    deduction = round_cent(entry.value * missing / committed)
    reason = Reason(
        "cofunding.shortfall",
        f"配套资金到位 {received} 元，少于承诺的 {committed} 元（差 {missing} 元），"
        f"结项评估扣 {deduction} 分",
        f"Co-funding received {received} falls short of the {committed} committed by {missing}: "
        f"{deduction} points off the final score",
        entry.citation,
        "flag",
    )
    return Ruled(Shortfall(committed, received, missing, deduction, reason), entry.citation)


def adjusted_score(score: Decimal, deduction: Decimal) -> Decimal:
    """The final review score after the shortfall deduction, never below 0."""
    return max(score - deduction, Decimal("0.00"))


def _points_text(points: Decimal) -> str:
    return f"配套资金未足额到位：扣 {points} 分 × 未到位比例（保留两位小数）"


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="grants.cofunding_requirement",
        title_zh="公益创投配套资金要求",
        title_en="Co-funding requirement of a round",
        values=(
            EffectiveValue(
                _SINCE,
                "配套资金 ≥ 申请资助金额 × 本轮比例，且 ≥ 本轮最低金额；其他财政性资金不计入",
                f"{CALL}；{PLATFORM}",
                "U",
            ),
        ),
        summary_zh="申报时承诺的配套资金（自有、企业、基金会、经慈善组织的个人捐赠，含折价的实物与志愿服务）"
        "低于本轮要求的，不予提交。",
        summary_en="An application whose non-public co-funding is below the round's requirement is refused.",
    ),
    RuleInfo(
        name="grants.cofunding_in_kind",
        title_zh="非现金配套折价",
        title_en="In-kind valuation",
        values=(
            EffectiveValue(_SINCE, "志愿服务：记录时数 × 本项目折算标准（元/小时）", CHARITY_66, "U"),
            EffectiveValue(_SINCE, "场地、物资：按凭证金额", f"{CHARITY_36}；{CHARITY_38}", "E"),
        ),
    ),
    RuleInfo(
        name="grants.cofunding_donations",
        title_zh="经慈善组织的捐赠",
        title_en="Donations through charities",
        values=(
            EffectiveValue(_SINCE, "公开募捐须由具有公开募捐资格的慈善组织开展", CHARITY_22_26, "T"),
            EffectiveValue(_SINCE, "捐赠须有捐赠票据号码", CHARITY_38, "T"),
            EffectiveValue(_SINCE, "个人捐赠者身份不公开", CHARITY_82, "T"),
        ),
    ),
    RuleInfo(
        name="grants.cofunding_leverage",
        title_zh="撬动比",
        title_en="Leverage ratio",
        values=(
            EffectiveValue(
                _SINCE,
                "（非财政现金 + 非现金折价）÷（资助金额 + 其他财政性资金），保留两位小数、四舍五入",
                f"{PLATFORM}；{SEED_000}",
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="grants.cofunding_shortfall",
        title_zh="配套资金未足额到位",
        title_en="Co-funding shortfall at the final review",
        values=shown_history(SHORTFALL_POINTS, _points_text),
    ),
)
