"""Grant rounds (福彩公益金 / 公益创投): who may apply, what may be asked, who is funded, the grades.

Pure functions over plain values. A round's own conditions (organization types, minimum rating,
years registered, regions) are data entered by the funder; the law's part (credit lists,
registration status) comes from `opengps.rules.eligibility.supplier_eligibility`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from opengps.rules import calendar, performance
from opengps.rules.base import Reason, Ruled, RuleError, RuleInfo, shown_history
from opengps.rules.cofunding import RULES as COFUNDING_RULES
from opengps.rules.eligibility import (
    M39,
    M60,
    ORG_TYPE_NAMES_ZH,
    OrganizationFacts,
    OrgType,
    add_years,
    rating_in_force,
    supplier_eligibility,
)
from opengps.rules.jurisdictions import shown_value
from opengps.rules.money import round_cent

SEED_003 = "湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》（2024年）"
CALL = "本轮项目申报指南（资助方设定的申报条件）"
RULES_11 = "平台规则：福彩公益金与公益创投项目周期"
GRADES_SOURCE = performance.GRADES_SOURCE
CIVIL_201_203 = "民法典 第二百零一条、第二百零三条"

Grade = performance.Grade

PURPOSE_AREAS: Mapping[str, str] = {
    "elderly": "扶老",
    "disabled": "助残",
    "orphans": "救孤",
    "poverty": "济困",
    "community": "社区治理与服务",
    "social_work": "社会工作服务",
}
"""Purpose areas of the welfare-lottery fund (扶老、助残、救孤、济困) and the usual extensions."""

GRADE_BANDS = performance.GRADE_BANDS
"""The grade bands are the performance rule's (优 ≥90, 良 80–89, 中 60–79, 差 <60): one table for
contracts and grants, listed here too so the grants rule shows its values."""

DEFAULT_OBJECTION_DAYS = 5
"""Public notice of the proposed list, calendar days [U]; each round stores its own value."""
DEFAULT_TRANCHE_SHARES = (50, 30, 20)
"""Signing / mid-term review passed / final audit [U]; each round stores its own shares."""


def _call_block(code: str, message_zh: str, message_en: str) -> Reason:
    """A "block" reason citing the round's call for applications (`CALL`)."""
    return Reason(code, message_zh, message_en, CALL, "block")


# ---------------------------------------------------------------------------------------------
# Eligibility of an applicant


@dataclass(frozen=True, slots=True)
class RoundConditions:
    """What a round's call requires of applicants, beyond the law."""

    org_types: frozenset[OrgType] = frozenset()
    """Empty: every legal form may apply."""
    min_rating: int | None = None
    """Minimum 评估等级 in force on the day of screening (1–5), or None."""
    min_years_registered: int = 0
    regions: tuple[str, ...] = ()
    """GB/T 2260 codes; an organization qualifies when it lies within one. Empty: anywhere."""
    exclude_abnormal: bool = True
    """Applicants on the 活动异常名录 are excluded (RULES §11 screening), not only flagged."""


@dataclass(frozen=True, slots=True)
class Screening:
    eligible: bool
    reasons: tuple[Reason, ...]
    """Every reason, the law's (from `supplier_eligibility`) first, then the call's."""

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity == "block")


def region_within(code: str, area: str) -> bool:
    """Whether GB/T 2260 `code` lies within `area` (province ``xx0000``, prefecture ``xxxx00``, county)."""
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area


def applicant_eligibility(
    facts: OrganizationFacts, region: str, conditions: RoundConditions, on_date: date
) -> Screening:
    """Whether an organization may receive a grant of this round on `on_date` (RULES §9, §11).

    The law first (`supplier_eligibility`): registration not normal, the serious-violation list
    ("no purchase of services, no grants", M60) and the other credit lists block. Then the call:
    the abnormal list (excluded at screening unless the call keeps it a warning), legal form,
    minimum rating in force (M39), years since registration, region. Each reason is cited.
    """
    law = supplier_eligibility(facts, on_date)
    reasons: list[Reason] = []
    for reason in law.reasons:
        if reason.code == "eligibility.abnormal_list" and conditions.exclude_abnormal:
            reasons.append(
                Reason(
                    "grants.abnormal_list_excluded",
                    reason.message_zh + "；按申报指南，列入活动异常名录的社会组织不予资助",
                    reason.message_en + "; the call excludes organizations on the abnormal list",
                    f"{reason.citation}；{CALL}；{RULES_11}",
                    "block",
                )
            )
        else:
            reasons.append(reason)
    if conditions.org_types and facts.org_type not in conditions.org_types:
        allowed = "、".join(ORG_TYPE_NAMES_ZH[t] for t in sorted(conditions.org_types))
        reasons.append(
            _call_block(
                "grants.org_type_not_allowed",
                f"组织类型为{ORG_TYPE_NAMES_ZH[facts.org_type]}，本轮仅限{allowed}申报",
                f"Legal form {facts.org_type} may not apply to this round",
            )
        )
    if conditions.min_rating is not None:
        level = rating_in_force(facts.ratings, on_date)
        if level is None or level < conditions.min_rating:
            held = "无有效评估等级" if level is None else f"现行评估等级为 {level}A"
            reasons.append(
                Reason(
                    "grants.rating_below_minimum",
                    f"{held}，本轮要求 {conditions.min_rating}A 及以上",
                    f"Rating {level or 'none'} is below the {conditions.min_rating}A the call requires",
                    f"{CALL}；{M39}",
                    "block",
                )
            )
    if conditions.min_years_registered:
        since = add_years(facts.founded_on, conditions.min_years_registered)
        if since > on_date:
            reasons.append(
                _call_block(
                    "grants.registered_too_recently",
                    f"{facts.founded_on.isoformat()} 成立登记，不满 {conditions.min_years_registered} 年"
                    f"（{since.isoformat()} 起方满）",
                    f"Registered on {facts.founded_on.isoformat()}: fewer than "
                    f"{conditions.min_years_registered} years",
                )
            )
    if conditions.regions and not any(region_within(region, area) for area in conditions.regions):
        reasons.append(
            _call_block(
                "grants.region_not_covered",
                f"所在区划 {region} 不在本轮资助范围（{'、'.join(conditions.regions)}）内",
                f"Region {region} is outside the round's areas",
            )
        )
    eligible = not any(r.severity == "block" for r in reasons)
    if eligible:
        reasons.append(
            Reason(
                "grants.conditions_met",
                "符合本轮申报条件，进入专家评审",
                "Meets the round's conditions: goes to expert review",
                f"{CALL}；{M60}；{RULES_11}",
                "info",
            )
        )
    return Screening(eligible, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# What may be asked


def request_problems(
    requested: Decimal, budget_lines: Sequence[Decimal], *, cap: Decimal, total: Decimal
) -> tuple[Reason, ...]:
    """Why a request may not be submitted: non-positive, over the per-project cap or the round's
    total, or a budget breakdown that does not add up to the amount asked. Empty when fine."""
    reasons: list[Reason] = []
    if requested <= 0 or requested != round_cent(requested):
        reasons.append(
            _call_block(
                "grants.amount_invalid",
                "申请金额须为正数，以元为单位保留两位小数",
                "The amount must be positive, in yuan with at most 2 decimals",
            )
        )
    if requested > cap:
        reasons.append(
            _call_block(
                "grants.over_cap",
                f"申请金额 {requested} 元超过本轮单个项目资助上限 {cap} 元",
                f"The amount {requested} exceeds the per-project cap {cap}",
            )
        )
    if requested > total:
        reasons.append(
            _call_block(
                "grants.over_total",
                f"申请金额 {requested} 元超过本轮资金总额 {total} 元",
                f"The amount {requested} exceeds the round's total {total}",
            )
        )
    if not budget_lines or any(line <= 0 for line in budget_lines):
        reasons.append(
            _call_block(
                "grants.budget_lines_invalid",
                "预算明细至少一项，每项金额须为正数",
                "The budget needs at least one line, each positive",
            )
        )
    elif sum(budget_lines, Decimal(0)) != requested:
        reasons.append(
            _call_block(
                "grants.budget_mismatch",
                f"预算明细合计 {sum(budget_lines, Decimal(0))} 元与申请金额 {requested} 元不一致",
                f"Budget lines sum to {sum(budget_lines, Decimal(0))}, not {requested}",
            )
        )
    return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name: str
    weight: int
    """Maximum points of the criterion; a template's weights sum to 100."""


def template_problems(criteria: Sequence[Criterion]) -> tuple[Reason, ...]:
    """Why a scoring template is invalid: no criteria, duplicate codes, non-positive weights, or
    weights that do not sum to 100. Qualification conditions are screened, never scored (O87 §55)."""
    reasons: list[Reason] = []
    codes = [c.code for c in criteria]
    if not criteria or len(set(codes)) != len(codes) or any(not c.code or c.weight <= 0 for c in criteria):
        reasons.append(
            _call_block(
                "grants.criteria_invalid",
                "评分细则至少一项，代码不得重复，分值须为正整数",
                "Criteria need unique codes and positive weights",
            )
        )
    total = sum(c.weight for c in criteria)
    if total != 100:
        reasons.append(
            _call_block(
                "grants.weights_not_100",
                f"评分细则分值合计应为 100 分（现为 {total} 分）",
                f"Criteria weights must sum to 100 (got {total})",
            )
        )
    return tuple(reasons)


def score_problems(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> tuple[Reason, ...]:
    """Why one expert's scores of one application are invalid: a criterion missing or unknown,
    or a score outside 0 … the criterion's weight."""
    reasons: list[Reason] = []
    expected = {c.code for c in criteria}
    if set(scores) != expected:
        reasons.append(
            _call_block(
                "grants.scores_incomplete",
                "须对每一项评分细则打分，且不得有细则以外的项目",
                "Score every criterion and nothing else",
            )
        )
    for criterion in criteria:
        score = scores.get(criterion.code)
        if score is not None and not Decimal(0) <= score <= criterion.weight:
            reasons.append(
                _call_block(
                    "grants.score_out_of_range",
                    f"“{criterion.name}”的得分应在 0 至 {criterion.weight} 分之间（收到 {score}）",
                    f"'{criterion.code}' must be scored 0 to {criterion.weight} (got {score})",
                )
            )
    return tuple(reasons)


# ---------------------------------------------------------------------------------------------
# Funding within the limit


@dataclass(frozen=True, slots=True)
class RankedRequest:
    """An application in rank order with what it asks and its combined score."""

    key: str
    requested: Decimal
    score: Decimal


@dataclass(frozen=True, slots=True)
class FundingPlan:
    funded: tuple[tuple[str, Decimal], ...]
    """(key, amount) in rank order."""
    unfunded: tuple[tuple[str, Reason], ...]
    total: Decimal
    funded_sum: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.total - self.funded_sum


def fund_within_limit(
    ranked: Sequence[RankedRequest], total: Decimal, *, pass_score: Decimal = Decimal(60)
) -> FundingPlan:
    """Which applications the round can fund, greedily by rank, never above `total`.

    Walk the ranking from the top: an application scoring below `pass_score` is not funded;
    one that still fits in what is left is funded in full; one that does not fit is skipped (not
    cut down) and the walk goes on, so a smaller, lower-ranked project may use the rest. Partial
    funding is never offered: the applicant budgeted the whole amount [U, a documented choice].
    """
    if total < 0:
        raise RuleError("grants.total_negative", "资金总额不能为负数", "The total cannot be negative", CALL)
    keys = [r.key for r in ranked]
    if len(set(keys)) != len(keys):
        raise RuleError(
            "grants.duplicate_application",
            "排序名单中有重复的申报项目",
            "An application appears twice in the ranking",
            CALL,
            {"keys": keys},
        )
    left = total
    funded: list[tuple[str, Decimal]] = []
    unfunded: list[tuple[str, Reason]] = []
    for request in ranked:
        if request.requested <= 0:
            raise RuleError(
                "grants.amount_invalid",
                "申请金额须为正数",
                "Requested amounts must be positive",
                CALL,
                {"key": request.key},
            )
        if request.score < pass_score:
            unfunded.append(
                (
                    request.key,
                    _call_block(
                        "grants.below_pass_score",
                        f"综合得分 {request.score} 低于立项分数线 {pass_score} 分",
                        f"Score {request.score} is below the pass mark {pass_score}",
                    ),
                )
            )
        elif request.requested > left:
            unfunded.append(
                (
                    request.key,
                    Reason(
                        "grants.does_not_fit",
                        f"申请金额 {request.requested} 元超过剩余可资助资金 {left} 元，按排序跳过",
                        f"Asks {request.requested}, only {left} left: skipped in rank order",
                        f"{CALL}；{RULES_11}",
                        "info",
                    ),
                )
            )
        else:
            funded.append((request.key, request.requested))
            left -= request.requested
    return FundingPlan(tuple(funded), tuple(unfunded), total, total - left)


# ---------------------------------------------------------------------------------------------
# Timetable and money


def call_state(opens: date, closes: date, on_date: date) -> Literal["upcoming", "open", "closed"]:
    """Whether the call accepts submissions on `on_date` (derived from the dates, never stored)."""
    if on_date < opens:
        return "upcoming"
    return "open" if on_date <= closes else "closed"


def timetable_problems(
    opens: date, closes: date, review_by: date, agreement_by: date, objection_days: int
) -> tuple[Reason, ...]:
    """Why a timetable is inconsistent: steps out of order, or a notice period under 1 day."""
    reasons: list[Reason] = []
    if not opens <= closes < review_by < agreement_by:
        reasons.append(
            Reason(
                "grants.timetable_order",
                "时间安排须依次为：申报开始 ≤ 申报截止 < 评审完成 < 协议签订",
                "Dates must run: call opens ≤ closes < review done < agreements signed",
                RULES_11,
                "block",
            )
        )
    if objection_days < 1:
        reasons.append(
            Reason(
                "grants.objection_days_invalid",
                "公示期至少1日",
                "The notice period is at least 1 day",
                RULES_11,
                "block",
            )
        )
    return tuple(reasons)


def objection_period_end(published_on: date, days: int) -> Ruled[date]:
    """The last day objections to the proposed list may be filed: `days` calendar days after
    publication (the day itself not counted), moved to the next working day (民法典 §201, §203)."""
    nominal = published_on + timedelta(days=days)
    last = calendar.next_working_day(nominal)
    note = "" if last == nominal else f"期间末日 {nominal.isoformat()} 不是工作日，顺延至 {last.isoformat()}"
    return Ruled(last, f"{CALL}；{CIVIL_201_203}", note)


def tranche_amounts(amount: Decimal, shares: Sequence[int]) -> tuple[Decimal, ...]:
    """Split `amount` by percentage `shares` (summing to 100) to the cent; the last tranche takes
    the rounding remainder, so the tranches always add up to `amount` exactly."""
    if not shares or sum(shares) != 100 or any(s <= 0 for s in shares):
        raise RuleError(
            "grants.tranche_shares_invalid",
            "分期拨付比例须为正数且合计100%",
            "Tranche shares must be positive and sum to 100",
            CALL,
            {"shares": list(shares)},
        )
    parts = [round_cent(amount * share / 100) for share in shares[:-1]]
    return (*parts, amount - sum(parts, Decimal(0)))


@dataclass(frozen=True, slots=True)
class Settlement:
    release: Decimal
    """What the final tranche may still pay out."""
    to_return: Decimal
    """Unspent or disallowed money the organization must return (结余及不合规资金)."""


def final_settlement(
    *, paid: Decimal, final_tranche: Decimal, verified_spent: Decimal, disallowed: Decimal
) -> Settlement:
    """Settle a grant after the third-party final audit (结项审计).

    Allowed spending is what the auditor verified minus what it disallowed. The final tranche
    pays only up to allowed spending not yet covered; money paid above allowed spending is
    returned. Never both a release and a return.
    """
    if min(paid, final_tranche, verified_spent, disallowed) < 0 or disallowed > verified_spent:
        raise RuleError(
            "grants.settlement_invalid",
            "结项金额不能为负数，不合规金额不能超过审定支出",
            "Amounts cannot be negative; disallowed cannot exceed verified spending",
            SEED_003,
        )
    allowed = verified_spent - disallowed
    if allowed >= paid:
        return Settlement(min(final_tranche, allowed - paid), Decimal("0.00"))
    return Settlement(Decimal("0.00"), paid - allowed)


def performance_grade(score: Decimal, on_date: date) -> Ruled[Grade]:
    """The grade of a final evaluation score 0–100: 优 ≥90, 良 80–89, 中 60–79, 差 <60 (RULES §10;
    财预〔2020〕10号 第二十八条). The bands are `opengps.rules.performance.grade`'s; only the error
    code is the grants module's."""
    try:
        return performance.grade(score, on_date)
    except RuleError as exc:
        raise RuleError(
            "grants.score_invalid", exc.message_zh, exc.message_en, exc.citation, exc.params
        ) from None


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="grants.applicant_eligibility",
        title_zh="资助项目申报资格审查",
        title_en="Grant applicant screening",
        values=(
            shown_value(date(2018, 1, 24), "列入严重违法失信名单：不得给予资助", M60, "E"),
            shown_value(
                date(2018, 1, 24), "列入活动异常名录：资格审查排除（申报指南可改为提示）", RULES_11, "E"
            ),
            shown_value(date(2023, 1, 1), "组织类型、最低评估等级、成立年限、区划：按申报指南", CALL, "E"),
        ),
        summary_zh="先适用法定条件（登记状态、信用名单），再适用本轮申报指南的条件，每项理由注明依据。",
        summary_en="The law's conditions first (registration, credit lists), then the call's own.",
    ),
    RuleInfo(
        name="grants.fund_within_limit",
        title_zh="在资金总额内择优资助",
        title_en="Funding within the round's total",
        values=(
            shown_value(
                date(2023, 1, 1),
                "按综合得分排序依次资助；放不下的项目跳过、不削减；资助合计不超过资金总额",
                f"{CALL}；{RULES_11}",
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="grants.objection_period_end",
        title_zh="拟资助名单公示期",
        title_en="Notice period of the proposed list",
        values=(shown_value(date(2023, 1, 1), f"默认 {DEFAULT_OBJECTION_DAYS} 日（每轮可设定）", CALL, "U"),),
    ),
    RuleInfo(
        name="grants.tranche_amounts",
        title_zh="资金分期拨付",
        title_en="Payment in tranches",
        values=(
            shown_value(
                date(2023, 1, 1),
                "默认 "
                + "/".join(str(s) for s in DEFAULT_TRANCHE_SHARES)
                + "：签订协议、中期评估通过、结项审计后",
                RULES_11,
                "U",
            ),
        ),
    ),
    RuleInfo(
        name="grants.performance_grade",
        title_zh="结项评价等级",
        title_en="Final evaluation grade",
        values=shown_history(GRADE_BANDS, performance.grade_bands_text),
    ),
    *COFUNDING_RULES,
)
