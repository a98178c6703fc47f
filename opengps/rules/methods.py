"""Which procurement methods a purchase may use (GPL §26-32, IR §23, §27, O74, C214, O110 §3).

Split purchases (化整为零) are detected in `opengps.rules.split_purchases`; their names stay
importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from opengps.rules.base import EffectiveValue, Reason, RuleInfo, shown
from opengps.rules.jurisdictions import (
    DEFAULT_JURISDICTION,
    Jurisdiction,
    format_wan,
    parse_category,
    shown_value,
    threshold,
    threshold_reason,
)
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method
from opengps.rules.split_purchases import SPLIT_PURCHASES_RULE
from opengps.rules.split_purchases import PurchaseRecord as PurchaseRecord
from opengps.rules.split_purchases import SplitPurchaseGroup as SplitPurchaseGroup
from opengps.rules.split_purchases import SplitThresholdKind as SplitThresholdKind
from opengps.rules.split_purchases import detect_split_purchases as detect_split_purchases

GPL_2 = "政府采购法 第二条"
GPL_26 = "政府采购法 第二十六条"
GPL_27 = "政府采购法 第二十七条"
GPL_28 = "政府采购法 第二十八条"
GPL_29 = "政府采购法 第二十九条"
GPL_30 = "政府采购法 第三十条"
GPL_31 = "政府采购法 第三十一条"
GPL_32 = "政府采购法 第三十二条"
IR_23 = "政府采购法实施条例 第二十三条"
IR_27 = "政府采购法实施条例 第二十七条"
IR_34 = "政府采购法实施条例 第三十四条"
IR_38 = "政府采购法实施条例 第三十八条"
O74_3 = "政府采购非招标采购方式管理办法（财政部令第74号）第三条"
O74_4 = "政府采购非招标采购方式管理办法（财政部令第74号）第四条"
O74_27 = "政府采购非招标采购方式管理办法（财政部令第74号）第二十七条"
O74_38 = "政府采购非招标采购方式管理办法（财政部令第74号）第三十八条"
O87_54 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十四条"
C214_3 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条"
O110_3 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第三条"
CIVIL_1259 = "民法典 第一千二百五十九条"
GPL_4 = "政府采购法 第四条"
TL_3 = "招标投标法 第三条"
WORKS_5 = "必须招标的工程项目规定（国家发展改革委令第16号）第五条"
HN_EMALL = "湖南省政府采购电子卖场（限额以下采购）"

METHOD_IN_FORCE: dict[Method, EffectiveValue[date]] = {
    Method.competitive_consultation: EffectiveValue(date(2014, 12, 31), date(2014, 12, 31), C214_3, "E"),
    Method.framework_agreement: EffectiveValue(
        date(2022, 3, 1),
        date(2022, 3, 1),
        "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第五十二条",
        "T",
    ),
}
"""Methods created after the 2014 Government Procurement Law: the date each may first be used."""

MIN_SUPPLIERS: dict[Method, int] = {
    Method.open_tender: 3,
    Method.invited_tender: 3,
    Method.competitive_negotiation: 3,
    Method.competitive_consultation: 3,
    Method.request_for_quotation: 3,
    Method.single_source: 1,
    Method.framework_agreement: 2,
    Method.emall: 1,
}
"""Minimum number of suppliers (RULES §2): O87 §43, O74 §27/§35/§48, C214, O110 §27."""


@dataclass(frozen=True, slots=True)
class PurchaseFacts:
    """Facts about a purchase that open a non-default method (RULES §2, 'when allowed').

    All default to False except `purchase_of_services`: the platform's main case is a government
    purchase of services (政府购买服务, O102 §2), which by itself opens 竞争性磋商 (C214 §3).
    """

    only_one_supplier: bool = False
    """只能从唯一供应商处采购, incl. public services with special requirements (GPL §31(一), IR §27)."""
    emergency: bool = False
    """不可预见的紧急情况不能从其他供应商处采购 (GPL §31(二))."""
    additional_purchase_within_10pct: bool = False
    """添购 for consistency with the original contract, total ≤10% of it (GPL §31(三))."""
    limited_suppliers: bool = False
    """具有特殊性，只能从有限范围的供应商处采购 (GPL §29(一))."""
    open_tender_too_costly: bool = False
    """公开招标的费用占项目总价值的比例过大 (GPL §29(二))."""
    failed_open_tender: bool = False
    """招标后没有供应商投标或者没有合格标的，或者重新招标未能成立 (GPL §30(一), O74 §27(一))."""
    two_responsive_after_open_tender: bool = False
    """Only two suppliers bid / responded in an open tender (O74 §27 para 2; needs approval)."""
    complex_or_unspecifiable: bool = False
    """技术复杂或者性质特殊，不能确定详细规格或者具体要求 (GPL §30(二), C214 §3(二))."""
    urgent: bool = False
    """招标所需时间不能满足用户紧急需要, not caused by the purchaser (GPL §30(三), O74 §27(三))."""
    price_not_computable: bool = False
    """不能事先计算出价格总额 (GPL §30(四), C214 §3(三))."""
    standard_stable_price: bool = False
    """规格、标准统一、现货货源充足且价格变化幅度小 — goods only (GPL §32, O74 §3)."""
    recipients_outside_buyer_multiple_suppliers_needed: bool = False
    """Service for recipients outside the buyer, ≥2 suppliers for them to choose (O110 §3(三))."""
    small_scattered_professional_services: bool = False
    """小额零星 legal/appraisal/accounting/audit services for own administration (O110 §3(二))."""
    catalogue_small_scattered: bool = False
    """小额零星 purchases of centralized-catalogue items and their consumables (O110 §3(一))."""
    research_insufficient_competition: bool = False
    """市场竞争不充分的科研项目 or supported technology transfer (C214 §3(四))."""
    standardized_service: bool = False
    """技术、服务等标准统一: tenders must use 最低评标价法 (IR §34, O87 §54)."""
    purchase_of_services: bool = True
    """A government purchase of services (政府购买服务, O102 §2) — opens 竞争性磋商 (C214 §3(一))."""


@dataclass(frozen=True, slots=True)
class MethodDecision:
    """Whether one method may be used for a purchase, and why."""

    method: Method
    allowed: bool
    approval_needed: bool
    """Prior approval by a finance bureau of a city with districts or above (GPL §27, IR §23, O74 §4)."""
    required: bool
    """True for the one method the law imposes (open tender at/above the threshold; none below the limit)."""
    min_suppliers: int
    reasons: tuple[Reason, ...]

    @property
    def name_zh(self) -> str:
        return METHOD_NAMES_ZH[self.method]

    @property
    def name_en(self) -> str:
        return METHOD_NAMES_EN[self.method]


def _reason(code: str, zh: str, en: str, citation: str, severity: str = "info") -> Reason:
    return Reason(f"methods.{code}", zh, en, citation, severity)


@dataclass(frozen=True, slots=True)
class PurchaseContext:
    """A purchase as the method table reads it: its facts and the thresholds it reaches."""

    category: str
    facts: PurchaseFacts
    on_date: date
    limit: EffectiveValue[Decimal]
    open_threshold: EffectiveValue[Decimal]
    below_limit: bool
    """Below the procurement limit: not government procurement (GPL §2)."""
    at_open: bool
    """At or above the open-tender threshold (“以上/达到” include the number, 民法典 §1259)."""
    context: tuple[Reason, ...]
    """The threshold reasons every decision ends with."""


@dataclass(frozen=True, slots=True)
class Ground:
    """One statutory condition that opens a method, with its code, text and article."""

    holds: Callable[[PurchaseContext], bool]
    code: str
    zh: str
    en: str
    citation: str


def _no_refusal(_purchase: PurchaseContext) -> Reason | None:
    return None


def _unchanged(decision: MethodDecision, _purchase: PurchaseContext) -> MethodDecision:
    return decision


@dataclass(frozen=True, slots=True)
class MethodGrounds:
    """When a method other than open tender may be used: any one of its grounds suffices.

    `refusal` bars the method whatever the grounds (a reason, or None); `adjust` applies what a
    ground changes about an allowed method (approval, minimum suppliers, a notice first).
    """

    method: Method
    grounds: tuple[Ground, ...]
    citation: str
    """The article that lists the grounds, cited when none holds."""
    refusal: Callable[[PurchaseContext], Reason | None] = _no_refusal
    approval_at_threshold: bool = True
    """At or above the open-tender threshold the method needs prior approval (GPL §27, IR §23)."""
    adjust: Callable[[MethodDecision, PurchaseContext], MethodDecision] = _unchanged


def _works_must_be_tendered(non_tender_citation: str) -> Callable[[PurchaseContext], Reason | None]:
    """Works at or above the tendering threshold must be tendered (GPL §4, TL §3): the non-tender
    methods are open only to works that need not be tendered, whatever the complexity or urgency
    (O74 §3(四), C214 §3(五))."""

    def refusal(purchase: PurchaseContext) -> Reason | None:
        if purchase.category != "works" or not purchase.at_open:
            return None
        threshold_value = purchase.open_threshold.value
        return _reason(
            "works_must_be_tendered",
            f"工程达到必须招标的规模标准（{format_wan(threshold_value)}），应当依照招标投标法招标，"
            "不得采用非招标采购方式；技术复杂、紧急等情形不是免于招标的理由",
            f"Works at or above the tendering threshold ({threshold_value:,}) must be tendered "
            "under the Tendering Law; complexity or urgency does not exempt them",
            f"{GPL_4}；{TL_3}；{WORKS_5}；{non_tender_citation}",
            "block",
        )

    return refusal


def _goods_only(purchase: PurchaseContext) -> Reason | None:
    """Request for quotation is for goods only (GPL §32, O74 §3)."""
    if purchase.category == "goods":
        return None
    return _reason(
        "quotation_goods_only",
        "询价方式仅适用于货物采购",
        "Request for quotation is for goods only",
        f"{GPL_32}；{O74_3}",
        "block",
    )


def _negotiate_with_two(decision: MethodDecision, purchase: PurchaseContext) -> MethodDecision:
    """O74 §27 ¶2: approval whatever the amount, and two suppliers suffice."""
    if decision.allowed and purchase.facts.two_responsive_after_open_tender:
        return MethodDecision(decision.method, True, True, False, 2, decision.reasons)
    return decision


def _single_source_notice(decision: MethodDecision, purchase: PurchaseContext) -> MethodDecision:
    """At or above the threshold, the only-one-supplier ground needs a public notice (IR §38, O74 §38)."""
    if not (decision.allowed and purchase.at_open and purchase.facts.only_one_supplier):
        return decision
    notice = _reason(
        "single_source_publicity",
        "报批前应在省级以上财政部门指定媒体公示，公示期不少于5个工作日",
        "Publish a notice for at least 5 working days before seeking approval",
        f"{IR_38}；{O74_38}",
        "flag",
    )
    return MethodDecision(
        decision.method, True, True, False, decision.min_suppliers, (*decision.reasons, notice)
    )


_COMPLEX_ZH = "技术复杂或者性质特殊，不能确定详细规格或者具体要求"
_COMPLEX_EN = "Technically complex or special: detailed specifications cannot be set"
_NOT_COMPUTABLE_ZH = "不能事先计算出价格总额"
_NOT_COMPUTABLE_EN = "The total price cannot be computed in advance"

METHOD_GROUNDS: tuple[MethodGrounds, ...] = (
    # 邀请招标 (GPL §29).
    MethodGrounds(
        Method.invited_tender,
        (
            Ground(
                lambda p: p.facts.limited_suppliers,
                "limited_suppliers",
                "只能从有限范围的供应商处采购",
                "Only a limited range of suppliers can supply",
                f"{GPL_29}第（一）项",
            ),
            Ground(
                lambda p: p.facts.open_tender_too_costly,
                "open_tender_too_costly",
                "公开招标的费用占项目总价值的比例过大",
                "Open tender would cost too much relative to the project value",
                f"{GPL_29}第（二）项",
            ),
        ),
        GPL_29,
    ),
    # 竞争性谈判 (GPL §30, O74 §27).
    MethodGrounds(
        Method.competitive_negotiation,
        (
            Ground(
                lambda p: p.facts.failed_open_tender,
                "failed_open_tender",
                "招标后没有供应商投标或者没有合格标的，或者重新招标未能成立",
                "The tender failed (no bids, no qualified bid, or re-tender failed)",
                f"{GPL_30}第（一）项；{O74_27}",
            ),
            Ground(
                lambda p: p.facts.complex_or_unspecifiable,
                "complex_or_unspecifiable",
                _COMPLEX_ZH,
                _COMPLEX_EN,
                f"{GPL_30}第（二）项；{O74_27}",
            ),
            Ground(
                lambda p: p.facts.urgent,
                "urgent",
                "采用招标所需时间不能满足用户紧急需要",
                "A tender would take too long for an urgent need",
                f"{GPL_30}第（三）项；{O74_27}",
            ),
            Ground(
                lambda p: p.facts.price_not_computable,
                "price_not_computable",
                _NOT_COMPUTABLE_ZH,
                _NOT_COMPUTABLE_EN,
                f"{GPL_30}第（四）项；{O74_27}",
            ),
            Ground(
                lambda p: p.facts.two_responsive_after_open_tender,
                "two_responsive_after_open_tender",
                "公开招标中只有两家供应商投标或实质性响应，经财政部门批准可与该两家谈判",
                "Only two suppliers bid or responded in the open tender: negotiation with both "
                "after finance-bureau approval",
                f"{O74_27}第二款；{O74_4}",
            ),
        ),
        f"{GPL_30}；{O74_27}",
        refusal=_works_must_be_tendered(f"{O74_3}第（四）项"),
        adjust=_negotiate_with_two,
    ),
    # 竞争性磋商 (C214 §3).
    MethodGrounds(
        Method.competitive_consultation,
        (
            Ground(
                lambda p: p.category == "services" and p.facts.purchase_of_services,
                "purchase_of_services",
                "政府购买服务项目",
                "Government purchase of services",
                f"{C214_3}第（一）项",
            ),
            Ground(
                lambda p: p.facts.complex_or_unspecifiable,
                "complex_or_unspecifiable",
                _COMPLEX_ZH,
                _COMPLEX_EN,
                f"{C214_3}第（二）项",
            ),
            Ground(
                lambda p: p.facts.price_not_computable,
                "price_not_computable",
                _NOT_COMPUTABLE_ZH,
                _NOT_COMPUTABLE_EN,
                f"{C214_3}第（三）项",
            ),
            Ground(
                lambda p: p.facts.research_insufficient_competition,
                "research_insufficient_competition",
                "市场竞争不充分的科研项目或需要扶持的科技成果转化项目",
                "Research with insufficient competition, or supported technology transfer",
                f"{C214_3}第（四）项",
            ),
            Ground(
                lambda p: p.category == "works" and not p.at_open,
                "works_not_tendered",
                "依法不必招标的工程建设项目",
                "A works project that need not be tendered",
                f"{C214_3}第（五）项",
            ),
        ),
        C214_3,
        refusal=_works_must_be_tendered(f"{C214_3}第（五）项"),
    ),
    # 询价: goods only (GPL §32, O74 §3).
    MethodGrounds(
        Method.request_for_quotation,
        (
            Ground(
                lambda p: p.facts.standard_stable_price,
                "standard_stable_price",
                "规格、标准统一、现货货源充足且价格变化幅度小",
                "Standard specifications, ample stock and stable prices",
                GPL_32,
            ),
        ),
        GPL_32,
        refusal=_goods_only,
    ),
    # 单一来源 (GPL §31, IR §27).
    MethodGrounds(
        Method.single_source,
        (
            Ground(
                lambda p: p.facts.only_one_supplier,
                "only_one_supplier",
                "只能从唯一供应商处采购（含公共服务项目有特殊要求）",
                "Only one supplier can supply (incl. public services with special requirements)",
                f"{GPL_31}第（一）项；{IR_27}",
            ),
            Ground(
                lambda p: p.facts.emergency,
                "emergency",
                "发生了不可预见的紧急情况不能从其他供应商处采购",
                "Unforeseeable emergency: no other supplier possible",
                f"{GPL_31}第（二）项",
            ),
            Ground(
                lambda p: p.facts.additional_purchase_within_10pct,
                "additional_purchase_within_10pct",
                "为保证一致性或服务配套需向原供应商添购，且添购资金总额不超过原合同金额10%",
                "Additional purchase from the original supplier within 10% of the original contract",
                f"{GPL_31}第（三）项",
            ),
        ),
        f"{GPL_31}；{IR_27}",
        refusal=_works_must_be_tendered(f"{O74_3}第（四）项"),
        adjust=_single_source_notice,
    ),
    # 框架协议 (O110 §3): cases (二) and (三) need the annual budget at or above the limit; no
    # approval at the open-tender threshold (the method is its own procedure, O110 §3).
    MethodGrounds(
        Method.framework_agreement,
        (
            Ground(
                lambda p: p.facts.catalogue_small_scattered,
                "catalogue_small_scattered",
                "集中采购目录以内品目的小额零星采购",
                "Small, scattered purchases of centralized-catalogue items",
                f"{O110_3}第一款第（一）项",
            ),
            Ground(
                lambda p: p.facts.small_scattered_professional_services and not p.below_limit,
                "small_scattered_professional_services",
                "本部门、本系统所需法律、评估、会计、审计等鉴证咨询服务的小额零星采购",
                "Small, scattered legal/appraisal/accounting/audit services for own administration",
                f"{O110_3}第一款第（二）项",
            ),
            Ground(
                lambda p: (
                    p.facts.recipients_outside_buyer_multiple_suppliers_needed
                    and p.category == "services"
                    and not p.below_limit
                ),
                "recipients_choose_supplier",
                "为本部门、本系统以外的服务对象提供服务，需确定2家以上供应商由服务对象自主选择",
                "Services to recipients outside the buyer, who choose among 2 or more suppliers",
                f"{O110_3}第一款第（三）项",
            ),
        ),
        O110_3,
        approval_at_threshold=False,
    ),
)
"""The methods other than open tender and the e-mall, in the order `allowed_methods` lists them."""


def allowed_methods(
    amount: Decimal,
    category: str,
    facts: PurchaseFacts,
    on_date: date,
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> tuple[MethodDecision, ...]:
    """For every `Method`, whether it may be used for a purchase of `amount` yuan on `on_date`.

    Amounts exactly at a threshold count as reaching it (“以上/达到” include the number,
    民法典 §1259). At or above the open-tender threshold open tender is required and any other
    method needs prior approval (GPL §27, IR §23, O74 §4). Below the procurement limit the
    purchase is not government procurement (GPL §2): the provincial e-mall is allowed and no
    formal method is required. Each decision carries its reasons with citations; the grounds of
    each method are the data of `METHOD_GROUNDS`.
    """
    purchase = _purchase_context(amount, category, facts, on_date, jurisdiction)
    return (
        _open_tender_decision(purchase),
        *(_decide(row, purchase) for row in METHOD_GROUNDS),
        _emall_decision(purchase),
    )


def _purchase_context(
    amount: Decimal, category: str, facts: PurchaseFacts, on_date: date, jurisdiction: str | Jurisdiction
) -> PurchaseContext:
    cat = parse_category(category)
    limit = threshold("procurement_limit", cat, on_date, jurisdiction)
    open_threshold = threshold("open_tender", cat, on_date, jurisdiction)
    below_limit = amount < limit.value
    context: tuple[Reason, ...] = (
        threshold_reason("procurement_limit", limit, code="methods.procurement_limit"),
        threshold_reason("open_tender", open_threshold, code="methods.open_tender_threshold"),
    )
    if below_limit:
        context += (
            _reason(
                "below_limit_not_required",
                f"金额低于采购限额标准（{format_wan(limit.value)}），不属于政府采购法调整范围，"
                "不强制采用法定采购方式",
                f"Below the procurement limit ({limit.value:,}): no formal method is required",
                f"{GPL_2}；{limit.citation}",
            ),
        )
    at_open = amount >= open_threshold.value
    return PurchaseContext(cat, facts, on_date, limit, open_threshold, below_limit, at_open, context)


def _open_tender_decision(purchase: PurchaseContext) -> MethodDecision:
    """公开招标: always available; mandatory at or above the threshold (GPL §26-28)."""
    at_open = purchase.at_open
    reasons: tuple[Reason, ...] = (
        _reason(
            "open_tender_mandatory" if at_open else "open_tender_default",
            "达到公开招标数额标准，应当公开招标" if at_open else "公开招标是政府采购的主要采购方式",
            "At or above the threshold: open tender is mandatory"
            if at_open
            else "Open tender is the principal method",
            f"{GPL_27}；{GPL_28}" if at_open else GPL_26,
        ),
    )
    if purchase.facts.standardized_service:
        reasons += (
            _reason(
                "lowest_price_method",
                "技术、服务等标准统一的项目，应当采用最低评标价法",
                "Standardized goods/services must be evaluated by the lowest evaluated price",
                f"{IR_34}；{O87_54}",
            ),
        )
    method = Method.open_tender
    return MethodDecision(method, True, False, at_open, MIN_SUPPLIERS[method], reasons + purchase.context)


def _decide(row: MethodGrounds, purchase: PurchaseContext) -> MethodDecision:
    """A method other than open tender: allowed when one of its grounds holds and nothing bars it."""
    method, context = row.method, purchase.context
    refusal = _not_in_force(method, purchase.on_date)
    if refusal is None:
        refusal = row.refusal(purchase)
    if refusal is not None:
        return MethodDecision(method, False, False, False, MIN_SUPPLIERS[method], (refusal, *context))
    grounds = tuple(
        _reason(ground.code, ground.zh, ground.en, ground.citation)
        for ground in row.grounds
        if ground.holds(purchase)
    )
    if not grounds:
        missing = _reason(
            "no_ground",
            f"不符合采用{METHOD_NAMES_ZH[method]}的法定情形",
            f"None of the conditions for {METHOD_NAMES_EN[method].lower()} holds",
            row.citation,
            "block",
        )
        return MethodDecision(method, False, False, False, MIN_SUPPLIERS[method], (missing, *context))
    needs_approval = purchase.at_open and row.approval_at_threshold
    reasons = grounds + (_approval_reason(purchase) if needs_approval else ()) + context
    return row.adjust(
        MethodDecision(method, True, needs_approval, False, MIN_SUPPLIERS[method], reasons), purchase
    )


def _approval_reason(purchase: PurchaseContext) -> tuple[Reason, ...]:
    value = purchase.open_threshold.value
    return (
        _reason(
            "approval_needed",
            f"达到公开招标数额标准（{format_wan(value)}），采用公开招标以外的方式须在"
            "采购活动开始前经设区的市级以上人民政府财政部门批准",
            f"At or above the open-tender threshold ({value:,}): a method other than "
            "open tender needs prior approval by a city-level or higher finance bureau",
            f"{GPL_27}；{IR_23}；{O74_4}",
            "flag",
        ),
    )


def _emall_decision(purchase: PurchaseContext) -> MethodDecision:
    """电子卖场: only below the procurement limit (RULES §8)."""
    limit = purchase.limit
    if purchase.below_limit:
        reason = _reason(
            "emall_below_limit",
            f"金额低于采购限额标准（{format_wan(limit.value)}），可通过电子卖场采购",
            f"Below the procurement limit ({limit.value:,}): the e-mall may be used",
            f"{HN_EMALL}；{limit.citation}",
        )
    else:
        reason = _reason(
            "emall_at_or_above_limit",
            f"金额达到采购限额标准（{format_wan(limit.value)}），应采用法定采购方式，不得通过电子卖场",
            f"At or above the procurement limit ({limit.value:,}): a formal method is required",
            f"{GPL_2}；{limit.citation}",
            "block",
        )
    method = Method.emall
    return MethodDecision(
        method, purchase.below_limit, False, False, MIN_SUPPLIERS[method], (reason, *purchase.context)
    )


def _not_in_force(method: Method, on_date: date) -> Reason | None:
    start = METHOD_IN_FORCE.get(method)
    if start is None or on_date >= start.value:
        return None
    return _reason(
        "method_not_in_force",
        f"{METHOD_NAMES_ZH[method]}自 {start.value.isoformat()} 起方可采用",
        f"{METHOD_NAMES_EN[method]} may be used only from {start.value.isoformat()}",
        start.citation,
        "block",
    )


def decision_for(decisions: Sequence[MethodDecision], method: Method) -> MethodDecision:
    """The decision about `method` among `decisions` (as returned by `allowed_methods`)."""
    return next(decision for decision in decisions if decision.method is method)


def _rule_values_methods() -> tuple[EffectiveValue[object], ...]:
    return tuple(
        shown(entry, f"{METHOD_NAMES_ZH[method]} 自此日起可用") for method, entry in METHOD_IN_FORCE.items()
    )


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="methods.allowed_methods",
        title_zh="采购方式的适用条件",
        title_en="When each procurement method may be used",
        values=(
            shown_value(date(2003, 1, 1), "公开招标：达到公开招标数额标准时必须采用", f"{GPL_27}；{GPL_28}"),
            shown_value(date(2003, 1, 1), "邀请招标：供应商范围有限或公开招标费用过高", GPL_29),
            shown_value(
                date(2003, 1, 1),
                "竞争性谈判：招标失败、技术复杂、紧急、价格不能事先计算",
                f"{GPL_30}；{O74_27}",
            ),
            shown_value(date(2003, 1, 1), "询价：仅限规格标准统一、价格变化小的货物", f"{GPL_32}；{O74_3}"),
            shown_value(
                date(2003, 1, 1),
                "单一来源：唯一供应商、不可预见的紧急情况、10%以内添购",
                f"{GPL_31}；{IR_27}",
            ),
            shown_value(
                date(2015, 3, 1), "达到公开招标数额标准改用其他方式须经设区的市级以上财政部门批准", IR_23
            ),
            shown_value(
                date(2003, 1, 1),
                "工程：达到必须招标规模的应当依照招标投标法招标，不得以技术复杂等为由采用非招标方式",
                f"{GPL_4}；{TL_3}；{WORKS_5}；{O74_3}第（四）项；{C214_3}第（五）项",
            ),
            *_rule_values_methods(),
        ),
        summary_zh="限额以下可通过电子卖场采购；限额以上按法定情形选择采购方式。",
        summary_en="Below the procurement limit the e-mall may be used; above it a method is chosen "
        "by its statutory conditions.",
    ),
    SPLIT_PURCHASES_RULE,
)
