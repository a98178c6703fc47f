"""Evaluation committees: required composition, composition check, expert conflicts and qualification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_table, value_on
from opengps.rules.calendar import add_years
from opengps.rules.jurisdictions import (
    DEFAULT_JURISDICTION,
    Jurisdiction,
    format_wan,
    get_jurisdiction,
    parse_category,
    shown_value,
    threshold,
)
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method

O87_47 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十七条"
O74_7 = "政府采购非招标采购方式管理办法（财政部令第74号）第七条"
C214_14 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第十四条"
TL_37 = "招标投标法 第三十七条"
IR_9 = "政府采购法实施条例 第九条"
C198_16 = "政府采购评审专家管理办法（财库〔2016〕198号）第十六条"
C198_6 = "政府采购评审专家管理办法（财库〔2016〕198号）第六条"
HN_EXPERTS = "湖南省政府采购评审专家管理规定"
O110_9 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第九条"


@dataclass(frozen=True, slots=True)
class CommitteeRule:
    """Composition rule of one kind of committee (data; numbers may change)."""

    min_size: int
    large_min_size: int | None = None
    """Larger minimum for large or complex projects (O87 §47: 7)."""
    large_budget: Decimal | None = None
    """Budget at or above which `large_min_size` applies (O87 §47: 1000万元以上)."""
    large_from_open_threshold: bool = False
    """`large_min_size` applies at or above the open-tender threshold (O74 §7)."""
    min_expert_share: Fraction = Fraction(2, 3)


CommitteeKind = Literal["tender", "tender_works", "negotiation_quotation", "consultation", "framework"]

COMMITTEE_RULES: dict[CommitteeKind, tuple[EffectiveValue[CommitteeRule], ...]] = {
    "tender": (
        EffectiveValue(date(2017, 10, 1), CommitteeRule(5, 7, large_budget=Decimal("10000000")), O87_47, "T"),
    ),
    # Works tendered under the Tendering Law: 5+ odd, experts ≥ 2/3, no larger panel rule.
    "tender_works": (EffectiveValue(date(2000, 1, 1), CommitteeRule(5), TL_37, "T"),),
    "negotiation_quotation": (
        EffectiveValue(date(2014, 2, 1), CommitteeRule(3, 5, large_from_open_threshold=True), O74_7, "T"),
    ),
    "consultation": (EffectiveValue(date(2014, 12, 31), CommitteeRule(3), C214_14, "E"),),
    # Closed framework agreements are solicited by the open-tender rules (O110 §9 ¶2), so the
    # first-stage evaluation group (评审小组, O110 §28(6)) is composed as a tender committee.
    "framework": (
        EffectiveValue(
            date(2022, 3, 1),
            CommitteeRule(5, 7, large_budget=Decimal("10000000")),
            f"{O110_9}；{O87_47}",
            "T",
        ),
    ),
}

COMMITTEE_NAMES_ZH: dict[CommitteeKind, str] = {
    "tender": "评标委员会",
    "tender_works": "评标委员会（工程）",
    "negotiation_quotation": "竞争性谈判小组/询价小组",
    "consultation": "磋商小组",
    "framework": "评审小组（框架协议）",
}


@dataclass(frozen=True, slots=True)
class CommitteeSpec:
    """What a committee must look like: at least `min_size` members, an odd number, experts ≥ share."""

    kind: CommitteeKind
    min_size: int
    min_expert_share: Fraction
    citation: str
    odd: bool = True

    def min_experts(self, size: int) -> int:
        """Fewest experts a committee of `size` members may have."""
        return -(-size * self.min_expert_share.numerator // self.min_expert_share.denominator)


def _kind(method: Method, category: str) -> CommitteeKind:
    if method in (Method.open_tender, Method.invited_tender):
        return "tender_works" if category == "works" else "tender"
    if method in (Method.competitive_negotiation, Method.request_for_quotation):
        return "negotiation_quotation"
    if method is Method.competitive_consultation:
        return "consultation"
    if method is Method.framework_agreement:
        return "framework"
    raise RuleError(
        "committee.not_applicable",
        f"{METHOD_NAMES_ZH[method]}无法定的评审委员会组成规则",
        f"{METHOD_NAMES_EN[method]} has no statutory committee composition",
        params={"method": method.value},
    )


def required_committee(
    method: Method,
    budget: Decimal,
    *,
    complex_project: bool = False,
    high_social_impact: bool = False,
    on_date: date,
    category: str = "services",
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> Ruled[CommitteeSpec]:
    """The composition a committee must have (RULES §4).

    Tenders (O87 §47): ≥5 odd, experts ≥ 2/3; ≥7 when the budget is 1000万元 or more (以上
    includes the number), the project is technically complex or of large social impact.
    谈判/询价 (O74 §7): ≥3 odd, ≥5 at or above the open-tender threshold. 磋商 (C214 §14):
    ≥3 odd. Framework agreements' first stage (O110 §9: solicited as an open tender): as a
    tender, from O110's entry into force. Single source and the e-mall raise
    ``committee.not_applicable``.
    """
    cat = parse_category(category)
    kind = _kind(method, cat)
    entry = value_on(COMMITTEE_RULES[kind], on_date, rule=f"committee.{kind}")
    rule = entry.value
    size, note = rule.min_size, ""
    if rule.large_min_size is not None:
        if rule.large_budget is not None and budget >= rule.large_budget:
            size, note = rule.large_min_size, f"预算 ≥ {format_wan(rule.large_budget)}"
        elif rule.large_budget is not None and (complex_project or high_social_impact):
            size, note = rule.large_min_size, "技术复杂" if complex_project else "社会影响较大"
        elif rule.large_from_open_threshold:
            open_threshold = threshold("open_tender", cat, on_date, jurisdiction)
            if budget >= open_threshold.value:
                size = rule.large_min_size
                note = f"达到公开招标数额标准（{format_wan(open_threshold.value)}）"
    return Ruled(CommitteeSpec(kind, size, rule.min_expert_share, entry.citation), entry.citation, note)


def check_committee(spec: CommitteeSpec, experts: int, purchaser_reps: int) -> tuple[Reason, ...]:
    """Reasons (severity "block") the committee breaks `spec`; empty when it complies."""
    if experts < 0 or purchaser_reps < 0:
        raise RuleError(
            "committee.negative_count",
            "人数不能为负数",
            "Counts cannot be negative",
            params={"experts": experts, "purchaser_reps": purchaser_reps},
        )
    size = experts + purchaser_reps
    reasons: list[Reason] = []
    if size < spec.min_size:
        reasons.append(
            Reason(
                "committee.too_small",
                f"{COMMITTEE_NAMES_ZH[spec.kind]}应不少于 {spec.min_size} 人（现 {size} 人）",
                f"The committee needs at least {spec.min_size} members (has {size})",
                spec.citation,
                "block",
            )
        )
    if spec.odd and size % 2 == 0:
        reasons.append(
            Reason(
                "committee.even_size",
                f"成员人数应为单数（现 {size} 人）",
                f"The committee must have an odd number of members (has {size})",
                spec.citation,
                "block",
            )
        )
    if experts < spec.min_experts(size):
        reasons.append(
            Reason(
                "committee.too_few_experts",
                f"评审专家不得少于成员总数的 {spec.min_expert_share}"
                f"（{size} 人中至少 {spec.min_experts(size)} 名专家，现 {experts} 名）",
                f"Experts must be at least {spec.min_expert_share} of the members "
                f"({spec.min_experts(size)} of {size}; has {experts})",
                spec.citation,
                "block",
            )
        )
    return tuple(reasons)


# ---------------------------------------------------------------------------------------------
# Conflicts of interest (回避)

Role = Literal["employee", "director", "supervisor", "controlling_shareholder", "actual_controller"]
Relation = Literal["spouse", "lineal", "collateral", "close_in_law", "other"]
Title = Literal["none", "junior", "intermediate", "senior"]

LOOKBACK_YEARS: EffectiveValue[int] = EffectiveValue(date(2015, 3, 1), 3, IR_9, "T")
"""Employment, office and control within this many years before the procurement (IR §9)."""
MAX_COLLATERAL_GENERATIONS: EffectiveValue[int] = EffectiveValue(date(2015, 3, 1), 3, IR_9, "T")


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A tie of the expert to an organization over a period (end None = ongoing)."""

    organization: str
    """The organization's identifier (统一社会信用代码), compared with `BidderFacts.bidder_id`."""
    role: Role
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative of the expert, identified as bidders' legal representatives are."""

    person: str
    relation: Relation
    generations: int | None = None
    """For collateral relatives: the 代 count (siblings 2; first cousins, uncles, nephews 3)."""


@dataclass(frozen=True, slots=True)
class ExpertFacts:
    expert_id: str
    employer: str | None = None
    """Current work unit (identifier)."""
    affiliations: tuple[Affiliation, ...] = ()
    relatives: tuple[Relative, ...] = ()
    birth_date: date | None = None
    title: Title = "none"
    """Professional title (职称) level."""
    field_since: date | None = None
    """Since when the expert has worked in the field."""


@dataclass(frozen=True, slots=True)
class BidderFacts:
    bidder_id: str
    name: str = ""
    legal_representative: str | None = None
    principal: str | None = None
    """负责人 of a bidder without a legal representative (IR §9(四))."""


def _full_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


_ROLE_TEXT: dict[Role, tuple[str, str, str]] = {
    "employee": ("存在劳动关系", "was employed by", "第（一）项"),
    "director": ("担任董事", "was a director of", "第（二）项"),
    "supervisor": ("担任监事", "was a supervisor of", "第（二）项"),
    "controlling_shareholder": ("是控股股东", "was a controlling shareholder of", "第（三）项"),
    "actual_controller": ("是实际控制人", "was the actual controller of", "第（三）项"),
}

_RELATION_TEXT: dict[Relation, tuple[str, str]] = {
    "spouse": ("夫妻", "spouse"),
    "lineal": ("直系血亲", "lineal relative"),
    "collateral": ("旁系血亲", "collateral relative"),
    "close_in_law": ("近姻亲", "close in-law"),
    "other": ("其他可能影响公正的关系", "other relation that may affect fairness"),
}


def expert_conflicts(
    expert: ExpertFacts,
    bidders: Sequence[BidderFacts],
    on_date: date,
    *,
    purchaser: str | None = None,
) -> tuple[Reason, ...]:
    """Why `expert` must stand aside (回避) from this procurement, from what the platform knows.

    IR §9 (and 财库〔2016〕198号 §16): within the 3 years before `on_date` employed by, a director
    or supervisor of, or the controlling shareholder / actual controller of a bidder; spouse,
    lineal relative, collateral relative within 3 generations or close in-law of a bidder's legal
    representative (or 负责人) — severity "block". Other relations are flagged for the committee.
    An expert employed by the `purchaser` may sit only as purchaser representative (O87 §47,
    O74 §7) — "block" as an expert. Experts still declare what the platform does not know.
    """
    since = add_years(on_date, -LOOKBACK_YEARS.value)
    reasons: list[Reason] = []
    ties = list(expert.affiliations)
    if expert.employer is not None:
        ties.append(Affiliation(expert.employer, "employee", None, None))
    for bidder in bidders:
        for tie in ties:
            recent = (tie.end is None or tie.end >= since) and (tie.start is None or tie.start <= on_date)
            if tie.organization != bidder.bidder_id or not recent:
                continue
            zh, en, item = _ROLE_TEXT[tie.role]
            reasons.append(
                Reason(
                    f"committee.conflict_{tie.role}",
                    f"参加采购活动前{LOOKBACK_YEARS.value}年内"
                    f"与供应商“{bidder.name or bidder.bidder_id}”{zh}",
                    f"Within {LOOKBACK_YEARS.value} years the expert {en} bidder "
                    f"'{bidder.name or bidder.bidder_id}'",
                    f"{IR_9}{item}；{C198_16}",
                    "block",
                )
            )
        heads = {p for p in (bidder.legal_representative, bidder.principal) if p is not None}
        for relative in expert.relatives:
            if relative.person not in heads:
                continue
            zh, en = _RELATION_TEXT[relative.relation]
            if relative.relation == "collateral" and relative.generations is not None:
                if relative.generations > MAX_COLLATERAL_GENERATIONS.value:
                    continue
                zh = f"{relative.generations}代以内{zh}"
            block = relative.relation != "other" and not (
                relative.relation == "collateral" and relative.generations is None
            )
            reasons.append(
                Reason(
                    f"committee.conflict_{relative.relation}",
                    f"与供应商“{bidder.name or bidder.bidder_id}”的法定代表人或负责人为{zh}"
                    + ("" if block else "，请评审专家说明并由采购人判断"),
                    f"The expert is a {en} of the legal representative of bidder "
                    f"'{bidder.name or bidder.bidder_id}'" + ("" if block else "; to be declared and judged"),
                    f"{IR_9}第（{'四' if block else '五'}）项；{C198_16}",
                    "block" if block else "flag",
                )
            )
    if purchaser is not None and expert.employer == purchaser:
        reasons.append(
            Reason(
                "committee.own_unit",
                "评审专家对本单位的采购项目只能作为采购人代表参与评审",
                "An expert may sit on the own unit's procurement only as purchaser representative",
                f"{O87_47}；{O74_7}",
                "block",
            )
        )
    return tuple(reasons)


# ---------------------------------------------------------------------------------------------
# Expert qualification


@dataclass(frozen=True, slots=True)
class ExpertStandard:
    """Minimum qualification of a provincial expert-database member."""

    min_years_with_intermediate: int
    """中级职称 (or equivalent) needs this many years in the field; 高级职称 needs none."""
    max_age: int
    """Age in full years (周岁) at most."""


EXPERT_STANDARDS: dict[str, tuple[EffectiveValue[ExpertStandard], ...]] = {
    "CN-HN": (EffectiveValue(date(2017, 1, 1), ExpertStandard(8, 68), f"{C198_6}；{HN_EXPERTS}", "E"),),
}


@dataclass(frozen=True, slots=True)
class ExpertQualification:
    qualified: bool
    reasons: tuple[Reason, ...]
    citation: str


def expert_qualified(
    expert: ExpertFacts,
    on_date: date,
    *,
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> ExpertQualification:
    """Whether `expert` meets the jurisdiction's standard on `on_date` (Hunan: 中级职称 + 8 years,
    or 高级职称; age ≤ 68 [E]). Each unmet condition gives a "block" reason."""
    code = get_jurisdiction(jurisdiction).code
    history = EXPERT_STANDARDS.get(code)
    if history is None:
        raise RuleError(
            "committee.no_expert_standard",
            f"没有地区“{code}”的评审专家条件数据",
            f"No expert qualification data for jurisdiction '{code}'",
            params={"jurisdiction": code},
        )
    entry = value_on(history, on_date, rule="committee.expert_standard")
    standard = entry.value
    reasons: list[Reason] = []

    def fail(reason_code: str, zh: str, en: str) -> None:
        reasons.append(Reason(f"committee.{reason_code}", zh, en, entry.citation, "block"))

    if expert.birth_date is None:
        fail(
            "expert_age_unknown",
            "未登记出生日期，无法核对年龄条件",
            "Birth date unknown: age cannot be checked",
        )
    elif (age := _full_years(expert.birth_date, on_date)) > standard.max_age:
        fail(
            "expert_too_old",
            f"年龄 {age} 周岁，超过 {standard.max_age} 周岁",
            f"Aged {age}, above the limit of {standard.max_age}",
        )
    if expert.title == "intermediate":
        years = 0 if expert.field_since is None else _full_years(expert.field_since, on_date)
        if years < standard.min_years_with_intermediate:
            fail(
                "expert_experience_short",
                f"中级职称须从事相关领域工作满 {standard.min_years_with_intermediate} 年（现 {years} 年）",
                f"An intermediate title needs {standard.min_years_with_intermediate} years in the field "
                f"(has {years})",
            )
    elif expert.title != "senior":
        fail(
            "expert_title_insufficient", "须具有中级以上专业技术职称", "Needs at least an intermediate title"
        )
    return ExpertQualification(not reasons, tuple(reasons), entry.citation)


# ---------------------------------------------------------------------------------------------


def _committee_values() -> tuple[EffectiveValue[object], ...]:
    def text(kind: CommitteeKind, rule: CommitteeRule) -> str:
        base = f"{COMMITTEE_NAMES_ZH[kind]}：{rule.min_size}人以上单数，专家不少于{rule.min_expert_share}"
        if rule.large_budget is not None:
            base += (
                f"；预算{format_wan(rule.large_budget)}以上、技术复杂或社会影响较大："
                f"{rule.large_min_size}人以上"
            )
        if rule.large_from_open_threshold:
            base += f"；达到公开招标数额标准：{rule.large_min_size}人以上"
        return base

    return shown_table(COMMITTEE_RULES, text)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="committee.required_committee",
        title_zh="评审委员会（小组）组成",
        title_en="Committee composition",
        values=_committee_values(),
        summary_zh="采购人代表和评审专家组成；评审专家对本单位项目只能作为采购人代表。",
        summary_en="Purchaser representatives and experts; an expert of the purchaser sits only as "
        "purchaser representative.",
    ),
    RuleInfo(
        name="committee.expert_conflicts",
        title_zh="评审专家回避",
        title_en="Expert avoidance",
        values=(
            shown_value(
                LOOKBACK_YEARS.effective_from,
                f"前{LOOKBACK_YEARS.value}年内劳动关系、董事/监事、控股股东/实际控制人；"
                f"与法定代表人或负责人夫妻、直系血亲、{MAX_COLLATERAL_GENERATIONS.value}代以内旁系血亲或近姻亲",
                f"{IR_9}；{C198_16}",
                LOOKBACK_YEARS.confidence,
            ),
        ),
    ),
    RuleInfo(
        name="committee.expert_qualified",
        title_zh="评审专家条件",
        title_en="Expert qualification",
        values=shown_table(
            EXPERT_STANDARDS,
            lambda code, standard: (
                f"{code}：中级职称且从事相关工作满{standard.min_years_with_intermediate}年，"
                f"或高级职称；年龄不超过{standard.max_age}周岁"
            ),
        ),
    ),
)
