"""Social-organization rating assessments (社会组织等级评估): who may apply, indicator sets and the
score of an indicator sheet, the level by score band, conflicts of interest, the public notice and
the validity of the rating, and the status tables of a round and an application.

Source: 社会组织评估管理办法（民政部令第39号，2011年3月1日施行）. Its text is not in ``../shared/law``:
every article number and value below is cited with [U] (unconfirmed) until checked against the
full text, as the rules sheet does. What 民政部令第39号 leaves to the registration authority (score
bands, the notice period, the renewal window) is a platform default, marked as such.

The registration, credit-list, annual-report and rating facts are those of
`opengps.rules.eligibility`; this module reuses its rules rather than restating them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.calendar import add_months, add_years
from opengps.rules.eligibility import (
    M39,
    RATING_VALID_YEARS,
    OrganizationFacts,
    latest_report_due,
    rating_in_force,
    supplier_eligibility,
)
from opengps.rules.transitions import EntityTransitions, Transitions

APPLY = f"{M39} 第十二条 [U]"
"""取得登记证书满两个年度、未参加过评估或评估等级有效期满的社会组织可以申请评估."""
NOT_ASSESSED = f"{M39} 第十三条 [U]"
"""不予评估：年度检查不合格或连续2年基本合格、受到行政处罚、列入失信名单等."""
INDICATORS = f"{M39} 第十五条、第十六条 [U]（评估指标按社会组织类型分别制定）"
INDEPENDENCE = f"{M39} 第十九条 [U]（评估人员与参评社会组织有利害关系的应当回避）"
BANDS_CITATION = f"{M39} 第十七条 [U]；千分制分数段为平台默认值 [U]"
NOTICE_CITATION = f"{M39} 第二十一条 [U]；公示期天数为平台默认值 [U]"
VALIDITY = f"{M39} 第二十五条 [U]"

_SINCE_M39 = date(2011, 3, 1)
CENT = Decimal("0.01")
PER_MILLE = Decimal(1000)

MIN_REGISTERED_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(_SINCE_M39, 2, APPLY, "U"),)
"""Full years since registration before an organization may apply."""
RENEWAL_MONTHS: tuple[EffectiveValue[int], ...] = (
    EffectiveValue(_SINCE_M39, 12, f"{APPLY}；有效期届满前12个月内可申请重新评估为平台默认值 [U]", "U"),
)
"""An organization whose rating is in force may apply again when it lapses within this many months."""
NOTICE_DAYS: tuple[EffectiveValue[int], ...] = (EffectiveValue(_SINCE_M39, 7, NOTICE_CITATION, "U"),)
"""Calendar days a committee's proposed levels stay on public notice (公示) before the decision."""
BANDS: tuple[EffectiveValue[tuple[tuple[int, int], ...]], ...] = (
    EffectiveValue(_SINCE_M39, ((5, 901), (4, 751), (3, 601), (2, 451), (1, 301)), BANDS_CITATION, "U"),
)
"""(level, lowest score on a 1000-point scale), best first: 5A ≥ 901, 4A ≥ 751, 3A ≥ 601, 2A ≥ 451,
1A ≥ 301; below 301 no level. A set with another total is scaled (score × 1000 ÷ total)."""


class Section(StrEnum):
    """The four parts of an indicator set (评估指标)."""

    basic = "basic"
    """基础条件 — registration, assets, premises, staff."""
    governance = "governance"
    """内部治理 — constitution, organs, finances, archives."""
    performance = "performance"
    """工作绩效 — services delivered, projects, influence."""
    social = "social"
    """社会评价 — members', residents' and the authorities' evaluation, credit."""


SECTION_NAMES_ZH: dict[Section, str] = {
    Section.basic: "基础条件",
    Section.governance: "内部治理",
    Section.performance: "工作绩效",
    Section.social: "社会评价",
}

SECTION_CODES = frozenset(section.value for section in Section)

Relation = Literal["member", "officer", "paid_service", "relative", "other"]
RELATION_NAMES_ZH: dict[str, str] = {
    "member": "是该组织的成员或工作人员",
    "officer": "担任该组织的理事、监事或负责人",
    "paid_service": "近三年为该组织提供咨询、培训、审计等有偿服务",
    "relative": "与该组织负责人有近亲属关系",
    "other": "有其他可能影响公正评估的利害关系",
}
"""The links that make an assessor or an assessment body not independent of an organization."""


def _years(history: tuple[EffectiveValue[int], ...], on_date: date, rule: str) -> int:
    return value_on(history, max(on_date, history[0].effective_from), rule=rule).value


# ---------------------------------------------------------------------------------------------
# Who may apply


@dataclass(frozen=True, slots=True)
class Screening:
    """The result of screening an application: eligible, or refused with every reason found."""

    eligible: bool
    reasons: tuple[Reason, ...]


REFUSING_FLAGS = frozenset({"eligibility.abnormal_list", "eligibility.annual_report_missing"})
"""Reasons the supplier rules only flag but that keep an organization out of an assessment: on the
abnormal-activity list, or the latest annual report missing (M39 第十三条 [U])."""


def application_screening(
    facts: OrganizationFacts, report_results: Mapping[int, str], on_date: date
) -> Screening:
    """Whether an organization may be assessed when it applies on `on_date`.

    Refused when: registered less than two full years (M39 第十二条 [U]); a rating in force that
    does not lapse within the renewal window (M39 第十二条 [U]); anything the supplier-eligibility
    rules block on (registration not normal, a credit list, a major illegal record — reused from
    `opengps.rules.eligibility`) or flag as the abnormal list or a missing annual report; the
    latest due annual report judged 不合格, or it and the one before both 基本合格 (M39 第十三条
    [U]). `report_results` maps a year to its inspection result ("qualified", "basic", "failed" or
    "submitted" when not judged yet).
    """
    reasons: list[Reason] = []
    years = _years(MIN_REGISTERED_YEARS, on_date, "assessment.min_registered_years")
    if add_years(facts.founded_on, years) > on_date:
        reasons.append(
            Reason(
                "assessment.registered_too_recently",
                f"成立登记未满{years}个年度（{facts.founded_on.isoformat()} 登记），暂不能申请评估",
                f"Registered on {facts.founded_on.isoformat()}: less than {years} full years",
                APPLY,
                "block",
            )
        )
    renewal = _years(RENEWAL_MONTHS, on_date, "assessment.renewal_months")
    level = rating_in_force(facts.ratings, add_months(on_date, renewal))
    if level is not None:
        reasons.append(
            Reason(
                "assessment.rating_in_force",
                f"现有{level}A评估等级在{renewal}个月后仍在有效期内，有效期届满前{renewal}个月内方可申请",
                f"The {level}A rating stays in force beyond {renewal} months: apply within the last "
                f"{renewal} months of its validity",
                RENEWAL_MONTHS[0].citation,
                "block",
            )
        )
    supplier = supplier_eligibility(facts, on_date)
    reasons += [r for r in supplier.reasons if r.severity == "block" or r.code in REFUSING_FLAGS]
    year, _due, _citation = latest_report_due(facts.org_type, on_date)
    latest = report_results.get(year)
    if latest == "failed":
        reasons.append(
            Reason(
                "assessment.annual_report_failed",
                f"{year} 年度检查（年度工作报告）结论为不合格",
                f"The {year} annual inspection was failed",
                NOT_ASSESSED,
                "block",
            )
        )
    elif latest == "basic" and report_results.get(year - 1) == "basic":
        reasons.append(
            Reason(
                "assessment.annual_report_basic_twice",
                f"{year - 1}、{year} 年度检查连续两年基本合格",
                f"The {year - 1} and {year} annual inspections were both only basically passed",
                NOT_ASSESSED,
                "block",
            )
        )
    return Screening(not reasons, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# Indicator sets and scores


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scored item of an indicator set: its code, section, name and maximum points."""

    code: str
    section: str
    name: str
    max_points: Decimal


def _refuse(code: str, zh: str, en: str, citation: str, /, **params: object) -> RuleError:
    return RuleError(code, zh, en, citation, dict(params))


def _points(value: object) -> Decimal | None:
    """`value` as points (at most two decimals, finite), or None when it is not such a number."""
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not points.is_finite() or points != points.quantize(CENT):
        return None
    return points


def validate_indicator_set(items: Sequence[Indicator], total: Decimal) -> Decimal:
    """Check an indicator set and return its total: at least one item, codes unique, each item in a
    known section with positive maximum points (two decimals at most), and the maximum points
    summing exactly to the set's `total` (INDICATORS). RuleError ``assessment.total_invalid`` /
    ``indicators_empty`` / ``indicator_code_duplicate`` / ``indicator_section_unknown`` /
    ``indicator_points_invalid`` / ``indicator_total_mismatch``."""
    checked = _points(total)
    if checked is None or checked <= 0:
        raise _refuse(
            "assessment.total_invalid",
            "指标体系总分应为大于0的数，最多两位小数",
            "The set's total must be positive with at most two decimals",
            INDICATORS,
            total=str(total),
        )
    if not items:
        raise _refuse("assessment.indicators_empty", "指标体系至少应有一项指标", "No indicators", INDICATORS)
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise _refuse(
                "assessment.indicator_code_duplicate",
                f"指标编号“{item.code}”重复",
                f"Indicator code {item.code} appears twice",
                INDICATORS,
                code=item.code,
            )
        seen.add(item.code)
        if item.section not in SECTION_CODES:
            raise _refuse(
                "assessment.indicator_section_unknown",
                f"指标“{item.code}”的类别无效",
                f"Indicator {item.code} has an unknown section",
                INDICATORS,
                code=item.code,
                section=item.section,
            )
        points = _points(item.max_points)
        if points is None or points <= 0:
            raise _refuse(
                "assessment.indicator_points_invalid",
                f"指标“{item.code}”的分值应为大于0的数，最多两位小数",
                f"Indicator {item.code} needs positive points with at most two decimals",
                INDICATORS,
                code=item.code,
            )
    summed = sum((item.max_points for item in items), Decimal(0))
    if summed != checked:
        raise _refuse(
            "assessment.indicator_total_mismatch",
            f"各项指标分值合计 {summed}，与指标体系总分 {checked} 不一致",
            f"The items' points sum to {summed}, not the set's total {checked}",
            INDICATORS,
            sum=str(summed),
            total=str(checked),
        )
    return checked.quantize(CENT)


def sheet_total(items: Sequence[Indicator], sheet: Mapping[str, object]) -> Decimal:
    """The total of an indicator sheet: every item of the set scored, between 0 and its maximum, at
    most two decimals, and nothing the set does not have (INDICATORS). RuleError
    ``assessment.score_unknown`` / ``score_missing`` / ``score_out_of_range``."""
    known = {item.code for item in items}
    extra = sorted(code for code in sheet if code not in known)
    if extra:
        raise _refuse(
            "assessment.score_unknown",
            f"指标体系中没有指标“{extra[0]}”",
            f"The set has no indicator {extra[0]}",
            INDICATORS,
            code=extra[0],
        )
    total = Decimal(0)
    for item in items:
        if item.code not in sheet or str(sheet[item.code]).strip() == "":
            raise _refuse(
                "assessment.score_missing",
                f"请为指标“{item.name}”评分",
                f"Indicator {item.code} is not scored",
                INDICATORS,
                code=item.code,
            )
        points = _points(sheet[item.code])
        if points is None or points < 0 or points > item.max_points:
            raise _refuse(
                "assessment.score_out_of_range",
                f"指标“{item.name}”的得分应在0至{item.max_points}之间，最多两位小数",
                f"Indicator {item.code} takes 0 to {item.max_points} points, two decimals at most",
                INDICATORS,
                code=item.code,
                max_points=str(item.max_points),
            )
        total += points
    return total.quantize(CENT)


def section_totals(items: Sequence[Indicator], sheet: Mapping[str, object]) -> dict[str, Decimal]:
    """Points of a (checked) sheet by section, in the order of `Section`; sections without items
    are left out."""
    totals: dict[str, Decimal] = {}
    for section in Section:
        codes = [item.code for item in items if item.section == section.value]
        if codes:
            totals[section.value] = sum((Decimal(str(sheet[code])) for code in codes), Decimal(0))
    return totals


def combined_score(totals: Sequence[Decimal]) -> Decimal:
    """The application's score: the mean of its assessors' sheet totals, to the hundredth, half up
    (INDICATORS). RuleError ``assessment.no_scores`` when there is none."""
    if not totals:
        raise _refuse("assessment.no_scores", "尚无评估人员评分", "No assessor has scored", INDICATORS)
    mean = sum(totals, Decimal(0)) / Decimal(len(totals))
    return mean.quantize(CENT, rounding=ROUND_HALF_UP)


def level_for(score: Decimal, total: Decimal, on_date: date) -> int | None:
    """The level (1–5 for 1A–5A) a score of a set of `total` points falls in on `on_date`, or None
    below the lowest band (BANDS_CITATION). Compared exactly: score × 1000 ≥ band × total."""
    bands = value_on(BANDS, max(on_date, BANDS[0].effective_from), rule="assessment.bands").value
    for level, lowest in bands:
        if score * PER_MILLE >= Decimal(lowest) * total:
            return level
    return None


# ---------------------------------------------------------------------------------------------
# Independence


@dataclass(frozen=True, slots=True)
class Link:
    """A recorded link between the organization and an assessor ("assessor") or the assessment
    body ("body"), with what it is."""

    party: Literal["assessor", "body"]
    relation: str
    detail: str = ""


def check_independence(links: Sequence[Link]) -> None:
    """An assessor may score an organization only when neither they nor their assessment body is
    linked to it (INDEPENDENCE). RuleError ``assessment.conflict_of_interest`` naming the first
    link, with the party and the relation in its params."""
    for link in links:
        who = "评估人员" if link.party == "assessor" else "评估机构"
        what = RELATION_NAMES_ZH.get(link.relation, RELATION_NAMES_ZH["other"])
        detail = f"（{link.detail}）" if link.detail else ""
        raise _refuse(
            "assessment.conflict_of_interest",
            f"{who}{what}{detail}，与参评社会组织有利害关系，应当回避",
            f"The {link.party} is linked to the organization ({link.relation}) and must stand aside",
            INDEPENDENCE,
            party=link.party,
            relation=link.relation,
        )


# ---------------------------------------------------------------------------------------------
# Public notice and validity


def notice_days(published_on: date) -> int:
    """The notice period (calendar days) in force when the notice was published."""
    return _years(NOTICE_DAYS, published_on, "assessment.notice_days")


def notice_last_day(published_on: date) -> date:
    """The last day of a notice published on `published_on`: that day counts as the first."""
    return published_on + timedelta(days=notice_days(published_on) - 1)


def notice_running(published_on: date, on_date: date) -> bool:
    """Whether objections may still be filed on `on_date`."""
    return published_on <= on_date <= notice_last_day(published_on)


def check_notice_closable(published_on: date, on_date: date) -> None:
    """A notice may be closed (and the decision issued) only after its whole period has run
    (NOTICE_CITATION). RuleError ``assessment.notice_running`` with its last day."""
    last = notice_last_day(published_on)
    if on_date <= last:
        raise _refuse(
            "assessment.notice_running",
            f"公示期为{notice_days(published_on)}天，至 {last.isoformat()} 届满，届满前不能结束公示",
            f"The notice runs until {last.isoformat()}; it cannot be closed before",
            NOTICE_CITATION,
            last_day=last.isoformat(),
        )


def rating_valid_until(awarded_on: date) -> date:
    """The first day a rating awarded on `awarded_on` is no longer in force (VALIDITY: 5 years,
    the same value the eligibility rules read)."""
    return add_years(awarded_on, _years(RATING_VALID_YEARS, awarded_on, "eligibility.rating_valid_years"))


# ---------------------------------------------------------------------------------------------
# Downgrades and revocations on findings

SANCTION = f"{M39} 第三十条 [U]"
"""有下列情形之一的，由民政部门作出降低评估等级的处理，情节严重的，作出取消评估等级的处理."""
SANCTION_LIST = "民政部令第60号（社会组织信用信息管理办法）[U]；取消等级的做法以M39第三十条为据 [U]"


class Finding(StrEnum):
    """A finding that warrants a downgrade or a revocation of a rating (SANCTION)."""

    false_materials = "false_materials"
    """评估中提供虚假情况和资料，或者与评估人员串通作弊."""
    certificate_misuse = "certificate_misuse"
    """涂改、伪造、出租、出借评估等级证书或牌匾."""
    annual_basic_twice = "annual_basic_twice"
    """连续2年年度检查基本合格."""
    annual_failed = "annual_failed"
    """上一年度年度检查不合格或者未参加年度检查."""
    penalty = "penalty"
    """受到警告、罚款、没收非法所得、限期停止活动等行政处罚."""
    serious_list = "serious_list"
    """列入严重违法失信名单 (M60)."""
    other_violation = "other_violation"
    """其他违反法律法规规定的情形."""


FINDINGS: dict[Finding, tuple[str, str, bool]] = {
    Finding.false_materials: ("评估中提供虚假情况和资料，或者与评估人员串通作弊", SANCTION, False),
    Finding.certificate_misuse: ("涂改、伪造、出租、出借评估等级证书或牌匾", SANCTION, False),
    Finding.annual_basic_twice: ("连续2年年度检查基本合格", SANCTION, False),
    Finding.annual_failed: ("上一年度年度检查不合格或者未参加年度检查", SANCTION, False),
    Finding.penalty: ("受到警告、罚款、没收非法所得、限期停止活动等行政处罚", SANCTION, False),
    Finding.serious_list: ("列入严重违法失信名单", f"{SANCTION}；{SANCTION_LIST}", True),
    Finding.other_violation: ("其他违反法律法规规定的情形", SANCTION, False),
}
"""Each finding: its name, its citation, and whether it allows a revocation by itself (the serious
credit list does, M60 [U]); any other finding allows a revocation only when the authority finds the
circumstances serious (情节严重), and always allows a downgrade."""

SanctionKind = Literal["downgrade", "revoke"]


def sanction_level(
    finding: str, kind: str, level: int, new_level: int | None = None, serious: bool = False
) -> int | None:
    """The level a rating of `level` (1–5) has after the sanction `kind` on `finding`: `new_level`
    for a downgrade (a lower level, at least 1A: a 1A rating can only be revoked), None for a
    revocation, allowed when the circumstances are serious or the finding revokes by itself
    (SANCTION). RuleError ``assessment.finding_unknown`` / ``sanction_unknown`` /
    ``revocation_not_serious`` / ``downgrade_level_invalid``."""
    if finding not in FINDINGS:
        raise _refuse("assessment.finding_unknown", "请选择处理依据的情形", "Unknown finding", SANCTION)
    name, citation, revokes = FINDINGS[Finding(finding)]
    if kind == "revoke":
        if not (serious or revokes):
            raise _refuse(
                "assessment.revocation_not_serious",
                f"“{name}”情节严重的方可取消评估等级，否则应降低评估等级",
                "Revocation needs serious circumstances; otherwise downgrade",
                citation,
                finding=finding,
            )
        return None
    if kind != "downgrade":
        raise _refuse("assessment.sanction_unknown", "请选择降低或取消评估等级", "Unknown sanction", citation)
    if not isinstance(new_level, int) or isinstance(new_level, bool) or not 1 <= new_level < level:
        raise _refuse(
            "assessment.downgrade_level_invalid",
            f"降低后的等级应低于现有的{level}A且不低于1A；1A等级只能取消",
            f"The new level must be below {level}A and at least 1A; a 1A rating can only be revoked",
            citation,
            level=level,
        )
    return new_level


# ---------------------------------------------------------------------------------------------
# Status tables

ROUND: Transitions = {
    "open": frozenset({"notice"}),
    "notice": frozenset({"decided"}),
    "decided": frozenset(),
}
"""An assessment round: open (applications, screening, scoring, the committee's proposal), the
proposed levels on public notice, decided (ratings issued)."""

APPLICATION: Transitions = {
    "submitted": frozenset({"eligible", "ineligible"}),
    "eligible": frozenset({"assessed"}),
    "ineligible": frozenset(),
    "assessed": frozenset({"proposed"}),
    "proposed": frozenset({"rated", "not_rated"}),
    "rated": frozenset({"downgraded", "revoked"}),
    "downgraded": frozenset({"revoked"}),
    "revoked": frozenset(),
    "not_rated": frozenset(),
}
"""An application: submitted, screened (eligible or not), assessed once every assessor required has
scored, proposed a level by the committee, then rated or not by the decision; a rating may later be
downgraded (again, staying downgraded) or revoked on a finding (SANCTION)."""

OBJECTION: Transitions = {
    "pending": frozenset({"upheld", "rejected"}),
    "upheld": frozenset(),
    "rejected": frozenset(),
}
"""An objection to a proposed level: pending until the review (复核) upholds or rejects it."""

TABLES = EntityTransitions(
    {"assessment_round": ROUND, "assessment_application": APPLICATION, "assessment_objection": OBJECTION}
)

can_transition = TABLES.can_transition
check_transition = TABLES.check_transition


def _bands_text(bands: tuple[tuple[int, int], ...]) -> str:
    return "；".join(f"{level}A ≥ {lowest}分" for level, lowest in bands) + "（千分制）"


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="assessment.application",
        title_zh="申请社会组织评估的条件",
        title_en="Who may apply for a rating assessment",
        values=(
            *shown_history(MIN_REGISTERED_YEARS, lambda years: f"取得登记证书满{years}个年度"),
            *shown_history(RENEWAL_MONTHS, lambda months: f"现有等级有效期届满前{months}个月内可重新申请"),
        ),
        summary_zh="列入活动异常名录或严重违法失信名单、未按时报送年度工作报告、年检不合格或连续两年"
        "基本合格的，不予评估。",
        summary_en="Organizations on a credit list, missing an annual report, or failing the annual "
        "inspection are not assessed.",
    ),
    RuleInfo(
        name="assessment.bands",
        title_zh="评估等级分数段",
        title_en="Score bands of the levels",
        values=shown_history(BANDS, _bands_text),
    ),
    RuleInfo(
        name="assessment.notice",
        title_zh="评估结果公示期",
        title_en="Public notice of the proposed levels",
        values=shown_history(NOTICE_DAYS, lambda days: f"{days}日"),
    ),
)
