"""Which procurement methods a purchase may use, and detection of split purchases (化整为零)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, RuleInfo
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
IR_28 = "政府采购法实施条例 第二十八条"
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
BUDGET_LAW_18 = "预算法 第十八条"
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

SplitThresholdKind = Literal["open_tender", "procurement_limit"]


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


def _condition_reasons(
    pairs: Sequence[tuple[bool, str, str, str, str]],
) -> tuple[Reason, ...]:
    """Reasons for each fact (flag, code, zh, en, citation) that holds."""
    return tuple(_reason(code, zh, en, cite) for flag, code, zh, en, cite in pairs if flag)


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
    formal method is required. Each decision carries its reasons with citations.
    """
    cat = parse_category(category)
    limit = threshold("procurement_limit", cat, on_date, jurisdiction)
    open_threshold = threshold("open_tender", cat, on_date, jurisdiction)
    below_limit = amount < limit.value
    at_open = amount >= open_threshold.value
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
    approval = (
        _reason(
            "approval_needed",
            f"达到公开招标数额标准（{format_wan(open_threshold.value)}），采用公开招标以外的方式须在"
            "采购活动开始前经设区的市级以上人民政府财政部门批准",
            f"At or above the open-tender threshold ({open_threshold.value:,}): a method other than "
            "open tender needs prior approval by a city-level or higher finance bureau",
            f"{GPL_27}；{IR_23}；{O74_4}",
            "flag",
        ),
    )

    def decide(method: Method, grounds: tuple[Reason, ...], refusal: Reason | None = None) -> MethodDecision:
        """A non-default method: allowed when some ground holds; approval at/above the threshold."""
        not_yet = _not_in_force(method, on_date)
        if not_yet is not None:
            return MethodDecision(method, False, False, False, MIN_SUPPLIERS[method], (not_yet, *context))
        if refusal is not None:
            return MethodDecision(method, False, False, False, MIN_SUPPLIERS[method], (refusal, *context))
        if not grounds:
            missing = _reason(
                "no_ground",
                f"不符合采用{METHOD_NAMES_ZH[method]}的法定情形",
                f"None of the conditions for {METHOD_NAMES_EN[method].lower()} holds",
                _GROUNDS_CITATION[method],
                "block",
            )
            return MethodDecision(method, False, False, False, MIN_SUPPLIERS[method], (missing, *context))
        needs_approval = at_open and method is not Method.framework_agreement
        reasons = grounds + (approval if needs_approval else ()) + context
        return MethodDecision(method, True, needs_approval, False, MIN_SUPPLIERS[method], reasons)

    def works_must_be_tendered(non_tender_citation: str) -> Reason | None:
        """Works at or above the tendering threshold must be tendered (GPL §4, TL §3): the
        non-tender methods are open only to works that need not be tendered, whatever the
        complexity or urgency (O74 §3(四), C214 §3(五))."""
        if cat != "works" or not at_open:
            return None
        return _reason(
            "works_must_be_tendered",
            f"工程达到必须招标的规模标准（{format_wan(open_threshold.value)}），应当依照招标投标法招标，"
            "不得采用非招标采购方式；技术复杂、紧急等情形不是免于招标的理由",
            f"Works at or above the tendering threshold ({open_threshold.value:,}) must be tendered "
            "under the Tendering Law; complexity or urgency does not exempt them",
            f"{GPL_4}；{TL_3}；{WORKS_5}；{non_tender_citation}",
            "block",
        )

    decisions: list[MethodDecision] = []

    # 公开招标: always available; mandatory at or above the threshold (GPL §26-28).
    open_reasons: tuple[Reason, ...] = (
        _reason(
            "open_tender_mandatory" if at_open else "open_tender_default",
            "达到公开招标数额标准，应当公开招标" if at_open else "公开招标是政府采购的主要采购方式",
            "At or above the threshold: open tender is mandatory"
            if at_open
            else "Open tender is the principal method",
            f"{GPL_27}；{GPL_28}" if at_open else GPL_26,
        ),
    )
    if facts.standardized_service:
        open_reasons += (
            _reason(
                "lowest_price_method",
                "技术、服务等标准统一的项目，应当采用最低评标价法",
                "Standardized goods/services must be evaluated by the lowest evaluated price",
                f"{IR_34}；{O87_54}",
            ),
        )
    decisions.append(
        MethodDecision(
            Method.open_tender,
            True,
            False,
            at_open,
            MIN_SUPPLIERS[Method.open_tender],
            open_reasons + context,
        )
    )

    # 邀请招标 (GPL §29).
    decisions.append(
        decide(
            Method.invited_tender,
            _condition_reasons(
                [
                    (
                        facts.limited_suppliers,
                        "limited_suppliers",
                        "只能从有限范围的供应商处采购",
                        "Only a limited range of suppliers can supply",
                        f"{GPL_29}第（一）项",
                    ),
                    (
                        facts.open_tender_too_costly,
                        "open_tender_too_costly",
                        "公开招标的费用占项目总价值的比例过大",
                        "Open tender would cost too much relative to the project value",
                        f"{GPL_29}第（二）项",
                    ),
                ]
            ),
        )
    )

    # 竞争性谈判 (GPL §30, O74 §27).
    negotiation = decide(
        Method.competitive_negotiation,
        _condition_reasons(
            [
                (
                    facts.failed_open_tender,
                    "failed_open_tender",
                    "招标后没有供应商投标或者没有合格标的，或者重新招标未能成立",
                    "The tender failed (no bids, no qualified bid, or re-tender failed)",
                    f"{GPL_30}第（一）项；{O74_27}",
                ),
                (
                    facts.complex_or_unspecifiable,
                    "complex_or_unspecifiable",
                    "技术复杂或者性质特殊，不能确定详细规格或者具体要求",
                    "Technically complex or special: detailed specifications cannot be set",
                    f"{GPL_30}第（二）项；{O74_27}",
                ),
                (
                    facts.urgent,
                    "urgent",
                    "采用招标所需时间不能满足用户紧急需要",
                    "A tender would take too long for an urgent need",
                    f"{GPL_30}第（三）项；{O74_27}",
                ),
                (
                    facts.price_not_computable,
                    "price_not_computable",
                    "不能事先计算出价格总额",
                    "The total price cannot be computed in advance",
                    f"{GPL_30}第（四）项；{O74_27}",
                ),
                (
                    facts.two_responsive_after_open_tender,
                    "two_responsive_after_open_tender",
                    "公开招标中只有两家供应商投标或实质性响应，经财政部门批准可与该两家谈判",
                    "Only two suppliers bid or responded in the open tender: negotiation with both "
                    "after finance-bureau approval",
                    f"{O74_27}第二款；{O74_4}",
                ),
            ]
        ),
        refusal=works_must_be_tendered(f"{O74_3}第（四）项"),
    )
    if negotiation.allowed and facts.two_responsive_after_open_tender:
        # O74 §27 para 2: approval whatever the amount, and two suppliers suffice.
        negotiation = MethodDecision(negotiation.method, True, True, False, 2, negotiation.reasons)
    decisions.append(negotiation)

    # 竞争性磋商 (C214 §3).
    decisions.append(
        decide(
            Method.competitive_consultation,
            _condition_reasons(
                [
                    (
                        cat == "services" and facts.purchase_of_services,
                        "purchase_of_services",
                        "政府购买服务项目",
                        "Government purchase of services",
                        f"{C214_3}第（一）项",
                    ),
                    (
                        facts.complex_or_unspecifiable,
                        "complex_or_unspecifiable",
                        "技术复杂或者性质特殊，不能确定详细规格或者具体要求",
                        "Technically complex or special: detailed specifications cannot be set",
                        f"{C214_3}第（二）项",
                    ),
                    (
                        facts.price_not_computable,
                        "price_not_computable",
                        "不能事先计算出价格总额",
                        "The total price cannot be computed in advance",
                        f"{C214_3}第（三）项",
                    ),
                    (
                        facts.research_insufficient_competition,
                        "research_insufficient_competition",
                        "市场竞争不充分的科研项目或需要扶持的科技成果转化项目",
                        "Research with insufficient competition, or supported technology transfer",
                        f"{C214_3}第（四）项",
                    ),
                    (
                        cat == "works" and not at_open,
                        "works_not_tendered",
                        "依法不必招标的工程建设项目",
                        "A works project that need not be tendered",
                        f"{C214_3}第（五）项",
                    ),
                ]
            ),
            refusal=works_must_be_tendered(f"{C214_3}第（五）项"),
        )
    )

    # 询价: goods only (GPL §32, O74 §3).
    decisions.append(
        decide(
            Method.request_for_quotation,
            _condition_reasons(
                [
                    (
                        facts.standard_stable_price,
                        "standard_stable_price",
                        "规格、标准统一、现货货源充足且价格变化幅度小",
                        "Standard specifications, ample stock and stable prices",
                        GPL_32,
                    )
                ]
            ),
            refusal=None
            if cat == "goods"
            else _reason(
                "quotation_goods_only",
                "询价方式仅适用于货物采购",
                "Request for quotation is for goods only",
                f"{GPL_32}；{O74_3}",
                "block",
            ),
        )
    )

    # 单一来源 (GPL §31, IR §27).
    single = decide(
        Method.single_source,
        _condition_reasons(
            [
                (
                    facts.only_one_supplier,
                    "only_one_supplier",
                    "只能从唯一供应商处采购（含公共服务项目有特殊要求）",
                    "Only one supplier can supply (incl. public services with special requirements)",
                    f"{GPL_31}第（一）项；{IR_27}",
                ),
                (
                    facts.emergency,
                    "emergency",
                    "发生了不可预见的紧急情况不能从其他供应商处采购",
                    "Unforeseeable emergency: no other supplier possible",
                    f"{GPL_31}第（二）项",
                ),
                (
                    facts.additional_purchase_within_10pct,
                    "additional_purchase_within_10pct",
                    "为保证一致性或服务配套需向原供应商添购，且添购资金总额不超过原合同金额10%",
                    "Additional purchase from the original supplier within 10% of the original contract",
                    f"{GPL_31}第（三）项",
                ),
            ]
        ),
        refusal=works_must_be_tendered(f"{O74_3}第（四）项"),
    )
    if single.allowed and at_open and facts.only_one_supplier:
        single = MethodDecision(
            single.method,
            True,
            True,
            False,
            single.min_suppliers,
            (
                *single.reasons,
                _reason(
                    "single_source_publicity",
                    "报批前应在省级以上财政部门指定媒体公示，公示期不少于5个工作日",
                    "Publish a notice for at least 5 working days before seeking approval",
                    f"{IR_38}；{O74_38}",
                    "flag",
                ),
            ),
        )
    decisions.append(single)

    # 框架协议 (O110 §3): cases (二) and (三) need the annual budget at or above the limit.
    decisions.append(
        decide(
            Method.framework_agreement,
            _condition_reasons(
                [
                    (
                        facts.catalogue_small_scattered,
                        "catalogue_small_scattered",
                        "集中采购目录以内品目的小额零星采购",
                        "Small, scattered purchases of centralized-catalogue items",
                        f"{O110_3}第一款第（一）项",
                    ),
                    (
                        facts.small_scattered_professional_services and not below_limit,
                        "small_scattered_professional_services",
                        "本部门、本系统所需法律、评估、会计、审计等鉴证咨询服务的小额零星采购",
                        "Small, scattered legal/appraisal/accounting/audit services for own administration",
                        f"{O110_3}第一款第（二）项",
                    ),
                    (
                        facts.recipients_outside_buyer_multiple_suppliers_needed
                        and cat == "services"
                        and not below_limit,
                        "recipients_choose_supplier",
                        "为本部门、本系统以外的服务对象提供服务，需确定2家以上供应商由服务对象自主选择",
                        "Services to recipients outside the buyer, who choose among 2 or more suppliers",
                        f"{O110_3}第一款第（三）项",
                    ),
                ]
            ),
        )
    )

    # 电子卖场: only below the procurement limit (RULES §8).
    if below_limit:
        emall = MethodDecision(
            Method.emall,
            True,
            False,
            False,
            MIN_SUPPLIERS[Method.emall],
            (
                _reason(
                    "emall_below_limit",
                    f"金额低于采购限额标准（{format_wan(limit.value)}），可通过电子卖场采购",
                    f"Below the procurement limit ({limit.value:,}): the e-mall may be used",
                    f"{HN_EMALL}；{limit.citation}",
                ),
                *context,
            ),
        )
    else:
        emall = MethodDecision(
            Method.emall,
            False,
            False,
            False,
            MIN_SUPPLIERS[Method.emall],
            (
                _reason(
                    "emall_at_or_above_limit",
                    f"金额达到采购限额标准（{format_wan(limit.value)}），应采用法定采购方式，不得通过电子卖场",
                    f"At or above the procurement limit ({limit.value:,}): a formal method is required",
                    f"{GPL_2}；{limit.citation}",
                    "block",
                ),
                *context,
            ),
        )
    decisions.append(emall)
    return tuple(decisions)


_GROUNDS_CITATION: dict[Method, str] = {
    Method.invited_tender: GPL_29,
    Method.competitive_negotiation: f"{GPL_30}；{O74_27}",
    Method.competitive_consultation: C214_3,
    Method.request_for_quotation: GPL_32,
    Method.single_source: f"{GPL_31}；{IR_27}",
    Method.framework_agreement: O110_3,
}


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


# ---------------------------------------------------------------------------------------------
# Split purchases (化整为零)


@dataclass(frozen=True, slots=True)
class PurchaseRecord:
    """One purchase by a unit, as the split-purchase detector needs it."""

    reference: str
    unit: str
    """The purchasing unit (采购人)."""
    catalogue_item: str
    """品目 (or 类别) code of the catalogue."""
    amount: Decimal
    purchased_on: date
    method: Method
    category: str = "services"
    budget_project: str = ""
    """预算项目; leave empty when unknown (all purchases of the item are then grouped)."""
    approved_non_open: bool = False
    """A non-open method approved by the finance bureau: excluded (IR §28 proviso)."""
    budget_adjusted: bool = False
    """The project budget was adjusted during the year: IR §28 exemption, to be verified by hand."""


@dataclass(frozen=True, slots=True)
class SplitPurchaseGroup:
    """Purchases of one unit, budget project and item in one fiscal year that add up past a threshold."""

    unit: str
    budget_project: str
    catalogue_item: str
    fiscal_year: int
    kind: SplitThresholdKind
    threshold: Decimal
    total: Decimal
    purchases: tuple[PurchaseRecord, ...]
    crossed_by: str
    """Reference of the purchase with which the running total passed the threshold."""
    reason: Reason

    @property
    def citation(self) -> str:
        return self.reason.citation


def detect_split_purchases(
    purchases: Sequence[PurchaseRecord],
    *,
    threshold_kind: SplitThresholdKind = "open_tender",
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
    inclusive: bool | None = None,
    threshold_amount: Decimal | None = None,
) -> tuple[SplitPurchaseGroup, ...]:
    """Groups of purchases that look like a purchase split to avoid a threshold.

    Purchases are grouped by unit, budget project, catalogue item and fiscal year (the calendar
    year, 预算法 §18). Counted are purchases each below the threshold in force on their date —
    for ``"open_tender"`` only those by a method other than open tender and not approved by
    the finance bureau (IR §28). A group is flagged when at least two counted purchases add up
    past the threshold: IR §28 says 超过 (strictly above; 民法典 §1259), so by default a total
    exactly at the open-tender threshold is not flagged. For ``"procurement_limit"`` the
    total is compared inclusively (限额标准以上 includes the number, GPL §2) — this variant has
    no article of its own and applies GPL §28 by analogy. `inclusive` overrides both;
    `threshold_amount` replaces the jurisdiction's amount (e.g. a stricter internal control line).
    """
    groups: dict[tuple[str, str, str, int], list[PurchaseRecord]] = defaultdict(list)
    for record in purchases:
        key = (record.unit, record.budget_project, record.catalogue_item, record.purchased_on.year)
        groups[key].append(record)
    strict = (threshold_kind == "open_tender") if inclusive is None else not inclusive
    flagged: list[SplitPurchaseGroup] = []
    for (unit, budget_project, item, year), records in sorted(groups.items()):
        counted: list[tuple[PurchaseRecord, EffectiveValue[Decimal]]] = []
        for record in sorted(records, key=lambda r: (r.purchased_on, r.reference)):
            if threshold_kind == "open_tender" and (
                record.method is Method.open_tender or record.approved_non_open
            ):
                continue
            entry = (
                threshold(threshold_kind, record.category, record.purchased_on, jurisdiction)
                if threshold_amount is None
                else EffectiveValue(record.purchased_on, threshold_amount, "调用方指定的金额标准", "U")
            )
            if record.amount < entry.value:
                counted.append((record, entry))
        running = Decimal(0)
        crossed: tuple[PurchaseRecord, EffectiveValue[Decimal]] | None = None
        for record, entry in counted:
            running += record.amount
            over = running > entry.value if strict else running >= entry.value
            if over and crossed is None:
                crossed = (record, entry)
        if crossed is None or len(counted) < 2:
            continue
        total = sum((record.amount for record, _ in counted), Decimal(0))
        flagged.append(
            SplitPurchaseGroup(
                unit=unit,
                budget_project=budget_project,
                catalogue_item=item,
                fiscal_year=year,
                kind=threshold_kind,
                threshold=crossed[1].value,
                total=total,
                purchases=tuple(record for record, _ in counted),
                crossed_by=crossed[0].reference,
                reason=_split_reason(threshold_kind, crossed[1], total, year, records),
            )
        )
    return tuple(flagged)


def _split_reason(
    kind: SplitThresholdKind,
    entry: EffectiveValue[Decimal],
    total: Decimal,
    year: int,
    records: Sequence[PurchaseRecord],
) -> Reason:
    adjusted = any(record.budget_adjusted for record in records)
    if kind == "open_tender":
        citation = f"{IR_28}；{GPL_28}；{entry.citation}；{BUDGET_LAW_18}"
        zh = (
            f"{year} 财政年度内同一预算项目下同一品目以公开招标以外方式多次采购，累计 {total} 元，"
            f"超过公开招标数额标准（{format_wan(entry.value)}），属于以化整为零方式规避公开招标"
        )
        en = (
            f"In fiscal year {year}, repeated non-open purchases of one item under one budget project "
            f"total CNY {total:,}, above the open-tender threshold ({entry.value:,}): split purchase"
        )
    else:
        citation = f"{GPL_28}（类推）；{GPL_2}；{entry.citation}；{BUDGET_LAW_18}"
        zh = (
            f"{year} 财政年度内同一品目多次限额以下采购，累计 {total} 元，达到采购限额标准"
            f"（{format_wan(entry.value)}），疑似拆分采购规避政府采购程序"
        )
        en = (
            f"In fiscal year {year}, repeated below-limit purchases of one item total CNY {total:,}, "
            f"reaching the procurement limit ({entry.value:,}): possible split purchase"
        )
    if adjusted:
        zh += "；项目预算曾调整，可能属于除外情形，需人工核实"
        en += "; the project budget was adjusted, which may exempt it — verify by hand"
    return Reason(
        "methods.split_purchase",
        zh,
        en,
        citation,
        "info" if adjusted else "flag",
    )


def _rule_values_methods() -> tuple[EffectiveValue[object], ...]:
    return tuple(
        shown_value(
            entry.effective_from, f"{METHOD_NAMES_ZH[method]} 自此日起可用", entry.citation, entry.confidence
        )
        for method, entry in METHOD_IN_FORCE.items()
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
    RuleInfo(
        name="methods.split_purchases",
        title_zh="化整为零规避公开招标",
        title_en="Split purchases avoiding open tender",
        values=(
            shown_value(
                date(2015, 3, 1),
                "同一财政年度、同一预算项目、同一品目，以非公开招标方式多次采购，累计超过公开招标数额标准",
                IR_28,
            ),
        ),
        summary_zh="按采购单位、预算项目、品目和财政年度汇总；经批准的非公开招标采购和预算调整除外。",
        summary_en="Grouped by unit, budget project, item and fiscal year; approved non-open purchases "
        "and budget adjustments are exempt.",
    ),
)
