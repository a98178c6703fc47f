"""Performance of purchased services: indicator templates, scores, grades, the credit loop, experts' conduct.

RULES.md §10. Pure functions over plain values: a template is a tree of weighted indicators
(产出 / 效益 / 满意度 and their children), each evaluating party scores its leaves 0–100, the
service recipients' survey feeds the satisfaction leaves, the parties are combined by the
template's source weights, and the composite (Decimal, half-up to 2 places) is graded
优 ≥90, 良 80–89, 中 60–79, 差 <60. Policy numbers (grade bands, default weights, survey points,
credit-loop thresholds, the expert-conduct period) are effective-dated data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, TypeVar

from opengps.rules import calendar
from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.jurisdictions import shown_value
from opengps.rules.money import round_cent

GRADES_SOURCE = "项目支出绩效评价管理办法（财预〔2020〕10号）第二十八条"
INDICATORS_SOURCE = "项目支出绩效评价管理办法（财预〔2020〕10号）附件"
HUNAN_0258 = "湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》（2024年）"
COMPOSITE_SOURCE = f"{HUNAN_0258}（购买主体、服务对象及第三方组成的综合性评价机制）"
CREDIT_SOURCE = (
    f"政府购买服务管理办法（暂行）（财综〔2014〕96号）（评价结果作为选择承接主体的重要参考）；{HUNAN_0258}"
)
EXPERT_SOURCE = "政府采购法实施条例 第六十二条；政府采购评审专家管理办法（财库〔2016〕198号）第二十九条"
HUNDRED = Decimal(100)
K = TypeVar("K")

Grade = Literal["优", "良", "中", "差"]
GRADES: tuple[Grade, ...] = ("优", "良", "中", "差")
Source = Literal["self", "purchaser", "third_party", "recipients"]
SOURCES: tuple[Source, ...] = ("self", "purchaser", "third_party", "recipients")
SOURCE_NAMES_ZH: Mapping[str, str] = {
    "self": "承接主体自评",
    "purchaser": "购买主体评价",
    "third_party": "第三方评价",
    "recipients": "服务对象满意度",
}
MAX_LEVELS = 3
"""Indicator trees are at most three levels deep (一级、二级、三级指标)."""

_SINCE = date(2020, 2, 25)
GRADE_BANDS: tuple[EffectiveValue[tuple[tuple[Decimal, Grade], ...]], ...] = (
    EffectiveValue(
        _SINCE,
        ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差")),
        GRADES_SOURCE,
        "E",
    ),
)
"""Lower bounds (inclusive) of the grades: 优 ≥90, 良 80–89, 中 60–79, 差 <60."""

DEFAULT_TOP_WEIGHTS: tuple[EffectiveValue[tuple[tuple[str, Decimal], ...]], ...] = (
    EffectiveValue(
        _SINCE,
        (("产出", Decimal(50)), ("效益", Decimal(30)), ("满意度", Decimal(10)), ("预算执行", Decimal(10))),
        INDICATORS_SOURCE,
        "U",
    ),
)
"""Default first-level indicators of a new template [U]; the finance department edits each template."""

DEFAULT_SOURCE_WEIGHTS: tuple[EffectiveValue[tuple[tuple[Source, Decimal], ...]], ...] = (
    EffectiveValue(
        _SINCE,
        (("self", Decimal(10)), ("purchaser", Decimal(50)), ("third_party", Decimal(40))),
        COMPOSITE_SOURCE,
        "U",
    ),
)
"""How the evaluating parties weigh in a leaf's score [U]; each template stores its own weights.
The recipients' survey is not weighed here: it scores the template's satisfaction leaves."""

SATISFACTION_POINTS: tuple[EffectiveValue[tuple[tuple[int, Decimal], ...]], ...] = (
    EffectiveValue(
        _SINCE,
        ((5, Decimal(100)), (4, Decimal(80)), (3, Decimal(60)), (2, Decimal(30)), (1, Decimal(0))),
        COMPOSITE_SOURCE,
        "U",
    ),
)
"""Points of each survey answer: 非常满意 5 → 100 … 非常不满意 1 → 0 [U]."""


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """What the credit loop does with a supplier's performance history (configurable data)."""

    flag_grades: frozenset[str]
    """Grades that flag the supplier at once (default 差)."""
    failures_to_recommend: int
    """This many failures (差 grades, failed acceptances, terminations for cause) …"""
    window_years: int
    """… within this many years produce a recommendation to list the supplier."""


CREDIT_POLICY: tuple[EffectiveValue[CreditPolicy], ...] = (
    EffectiveValue(_SINCE, CreditPolicy(frozenset({"差"}), 2, 3), CREDIT_SOURCE, "U"),
)
"""Default credit-loop policy [U]: flag on 差; recommend listing after 2 failures within 3 years."""

EXPERT_CONDUCT_DAYS: tuple[EffectiveValue[int], ...] = (
    EffectiveValue(date(2017, 1, 1), 5, EXPERT_SOURCE, "U"),
)
"""Working days after the end of an evaluation within which the purchaser rates the experts."""


def _since(on_date: date) -> date:
    return max(on_date, _SINCE)


# ---------------------------------------------------------------------------------------------
# Grades


def grade(score: Decimal, on_date: date) -> Ruled[Grade]:
    """The grade of a composite score 0–100: 优 ≥90, 良 80–89, 中 60–79, 差 <60 (RULES §10)."""
    if not Decimal(0) <= score <= HUNDRED:
        raise RuleError(
            "performance.score_invalid",
            f"评价得分应在 0 至 100 之间（收到 {score}）",
            f"A score is 0 to 100 (got {score})",
            GRADES_SOURCE,
            {"score": str(score)},
        )
    entry = value_on(GRADE_BANDS, _since(on_date), rule="performance.grade")
    result = next(g for bound, g in entry.value if score >= bound)
    return Ruled(result, entry.citation)


# ---------------------------------------------------------------------------------------------
# Templates


@dataclass(frozen=True, slots=True)
class GuideBand:
    """One step of a scoring guide: a measured value of at least `minimum` earns `points`."""

    minimum: Decimal
    points: Decimal
    label: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """An indicator of a template. `weight` is a share (%) of its parent; top-level shares of 100."""

    code: str
    name: str
    weight: Decimal
    parent: str | None = None
    survey: bool = False
    """A satisfaction leaf scored by the service recipients' survey, not by the parties."""
    guide: tuple[GuideBand, ...] = ()


def _bad_template(suffix: str, zh: str, en: str, **params: object) -> RuleError:
    return RuleError(f"performance.{suffix}", zh, en, INDICATORS_SOURCE, params)


def _check_weights(group: str, weights: Sequence[Decimal]) -> None:
    total = sum(weights, Decimal(0))
    if total != HUNDRED:
        label = "一级指标" if group == "" else f"指标“{group}”的下级指标"
        raise _bad_template(
            "weights_not_100",
            f"{label}权重合计为 {total}，应为 100",
            f"The weights of {'the first level' if group == '' else group + ' children'} sum to {total}",
            group=group,
            total=str(total),
        )


def validate_template(indicators: Sequence[IndicatorSpec]) -> tuple[str, ...]:
    """Check a template and return the codes of its leaves in order (RULES §10).

    Refuses: no indicators; a duplicate code; an unknown parent; more than three levels; a
    weight not above 0; siblings whose weights do not sum to 100 (first level, and the children
    of each indicator); a scoring guide with points outside 0–100 or minimums not descending; a
    template without any leaf scored by the parties.
    """
    if not indicators:
        raise _bad_template("template_empty", "指标模板至少应有一个指标", "A template needs indicators")
    by_code: dict[str, IndicatorSpec] = {}
    for spec in indicators:
        if spec.code in by_code:
            raise _bad_template(
                "duplicate_code", f"指标代码“{spec.code}”重复", f"Duplicate code {spec.code}", code=spec.code
            )
        by_code[spec.code] = spec
    children: dict[str, list[IndicatorSpec]] = {"": []}
    for spec in indicators:
        if spec.parent is not None and spec.parent not in by_code:
            raise _bad_template(
                "unknown_parent",
                f"指标“{spec.name}”的上级“{spec.parent}”不存在",
                f"Indicator {spec.code} names an unknown parent {spec.parent}",
                code=spec.code,
            )
        if spec.weight <= 0:
            raise _bad_template(
                "weight_invalid",
                f"指标“{spec.name}”的权重应大于 0",
                f"Indicator {spec.code} needs a positive weight",
                code=spec.code,
            )
        if _depth(spec, by_code) > MAX_LEVELS:
            raise _bad_template(
                "too_deep",
                f"指标“{spec.name}”超过三级",
                f"Indicator {spec.code} is deeper than three levels",
                code=spec.code,
            )
        guide_problem(spec)
        children.setdefault(spec.parent or "", []).append(spec)
    for group, members in children.items():
        _check_weights(group, [m.weight for m in members])
    leaves = tuple(s.code for s in indicators if s.code not in children)
    if all(by_code[code].survey for code in leaves):
        raise _bad_template(
            "no_scored_leaf",
            "指标模板至少应有一个由评价方打分的末级指标",
            "A template needs at least one leaf scored by the parties",
        )
    return leaves


def _depth(spec: IndicatorSpec, by_code: Mapping[str, IndicatorSpec]) -> int:
    depth, node = 1, spec
    while node.parent is not None and depth <= MAX_LEVELS:
        node = by_code[node.parent]
        depth += 1
    return depth


def guide_problem(spec: IndicatorSpec) -> None:
    """Refuse a scoring guide whose points leave 0–100 or whose minimums do not strictly descend."""
    previous: Decimal | None = None
    for band in spec.guide:
        if not Decimal(0) <= band.points <= HUNDRED:
            raise _bad_template(
                "guide_points_invalid",
                f"指标“{spec.name}”的评分标准分值应在 0 至 100 之间",
                f"Guide points of {spec.code} must be 0 to 100",
                code=spec.code,
            )
        if previous is not None and band.minimum >= previous:
            raise _bad_template(
                "guide_order_invalid",
                f"指标“{spec.name}”的评分标准应按下限从高到低排列",
                f"Guide bands of {spec.code} must have descending minimums",
                code=spec.code,
            )
        previous = band.minimum


def indicator_score(guide: Sequence[GuideBand], measured: Decimal) -> Ruled[Decimal]:
    """The points a measured value earns under a scoring guide: the first band whose minimum it
    reaches (bands ordered from the highest minimum); below every band, 0."""
    for band in guide:
        if measured >= band.minimum:
            return Ruled(band.points, INDICATORS_SOURCE, band.label)
    return Ruled(Decimal(0), INDICATORS_SOURCE, "below every band")


def leaf_weights(indicators: Sequence[IndicatorSpec]) -> dict[str, Decimal]:
    """Each leaf's share (%) of the whole: the product of the shares along its path, exact.

    The template must be valid (`validate_template`).
    """
    by_code = {s.code: s for s in indicators}
    parents = {s.parent for s in indicators if s.parent is not None}
    shares: dict[str, Decimal] = {}
    for spec in indicators:
        if spec.code in parents:
            continue
        share, node = spec.weight, spec
        while node.parent is not None:
            node = by_code[node.parent]
            share = share * node.weight / HUNDRED
        shares[spec.code] = share
    return shares


def round_score(value: Decimal) -> Decimal:
    """A score rounded half-up to 2 places (scores are only rounded once, at the end)."""
    return round_cent(value)


def _check_score(code: str, value: Decimal) -> None:
    if not Decimal(0) <= value <= HUNDRED:
        raise RuleError(
            "performance.score_invalid",
            f"指标“{code}”的得分应在 0 至 100 之间（收到 {value}）",
            f"The score of {code} is 0 to 100 (got {value})",
            INDICATORS_SOURCE,
            {"code": code, "score": str(value)},
        )


def validate_source_weights(weights: Mapping[str, Decimal]) -> None:
    """The parties' weights: known parties (not the recipients), each ≥ 0, summing to 100."""
    for source, weight in weights.items():
        if source not in SOURCES or source == "recipients":
            raise RuleError(
                "performance.source_unknown",
                f"未知的评价方“{source}”",
                f"Unknown evaluating party {source}",
                COMPOSITE_SOURCE,
                {"source": source},
            )
        if weight < 0:
            raise RuleError(
                "performance.weight_invalid",
                f"{SOURCE_NAMES_ZH[source]}的权重不能为负数",
                f"The weight of {source} cannot be negative",
                COMPOSITE_SOURCE,
                {"source": source},
            )
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        raise RuleError(
            "performance.weights_not_100",
            f"各评价方权重合计为 {total}，应为 100",
            f"The parties' weights sum to {total}, not 100",
            COMPOSITE_SOURCE,
            {"group": "sources", "total": str(total)},
        )


def combine_sources(scores: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    """One leaf's score from the parties who scored it, by their weights, unrounded.

    Parties who did not submit drop out and the others' weights are scaled up to 100
    (a missing self-evaluation does not pull the score down). At least one weighted party
    must have scored.
    """
    present = {s: w for s, w in weights.items() if s in scores and w > 0}
    total = sum(present.values(), Decimal(0))
    if total == 0:
        raise RuleError(
            "performance.no_scores",
            "尚无任何评价方提交评分",
            "No weighted party has scored yet",
            COMPOSITE_SOURCE,
        )
    return sum((scores[s] * w for s, w in present.items()), Decimal(0)) / total


def satisfaction_score(answers: Sequence[int], on_date: date) -> Ruled[Decimal]:
    """The recipients' satisfaction 0–100: the mean points of their answers (1–5), unrounded."""
    entry = value_on(SATISFACTION_POINTS, _since(on_date), rule="performance.satisfaction_score")
    points = dict(entry.value)
    if not answers:
        raise RuleError(
            "performance.no_responses",
            "尚无服务对象提交满意度评价",
            "No service recipient has answered the survey",
            entry.citation,
        )
    for answer in answers:
        if answer not in points:
            raise RuleError(
                "performance.answer_invalid",
                f"满意度评价应为 1 至 5（收到 {answer}）",
                f"A satisfaction answer is 1 to 5 (got {answer})",
                entry.citation,
                {"answer": answer},
            )
    return Ruled(sum((points[a] for a in answers), Decimal(0)) / len(answers), entry.citation)


@dataclass(frozen=True, slots=True)
class Composite:
    score: Decimal
    """Rounded half-up to 2 places."""
    grade: Grade
    leaves: Mapping[str, Decimal]
    """Each leaf's combined score (unrounded)."""
    citation: str


def composite(
    indicators: Sequence[IndicatorSpec],
    party_scores: Mapping[str, Mapping[str, Decimal]],
    source_weights: Mapping[str, Decimal],
    satisfaction: Decimal | None,
    on_date: date,
) -> Composite:
    """The composite score and grade of an evaluation (RULES §10; seed 003).

    `party_scores` maps each party that submitted (self / purchaser / third_party) to its
    scores of the parties' leaves (0–100). Each leaf combines the parties by `source_weights`
    (`combine_sources`); satisfaction leaves take `satisfaction` (the survey's mean, required
    when the template has such leaves). The composite is Σ leaf score × leaf share / 100,
    rounded half-up to 2 places once, and graded by `grade`.
    """
    leaves = validate_template(indicators)
    validate_source_weights(source_weights)
    by_code = {s.code: s for s in indicators}
    combined: dict[str, Decimal] = {}
    for code in leaves:
        if by_code[code].survey:
            if satisfaction is None:
                raise RuleError(
                    "performance.no_responses",
                    "尚无服务对象提交满意度评价",
                    "No service recipient has answered the survey",
                    COMPOSITE_SOURCE,
                )
            _check_score(code, satisfaction)
            combined[code] = satisfaction
            continue
        scored: dict[str, Decimal] = {}
        for party, scores in party_scores.items():
            if code not in scores:
                raise RuleError(
                    "performance.score_missing",
                    f"{SOURCE_NAMES_ZH.get(party, party)}缺少指标“{by_code[code].name}”的得分",
                    f"{party} did not score {code}",
                    INDICATORS_SOURCE,
                    {"party": party, "code": code},
                )
            _check_score(code, scores[code])
            scored[party] = scores[code]
        combined[code] = combine_sources(scored, source_weights)
    shares = leaf_weights(indicators)
    total = sum((combined[c] * shares[c] for c in leaves), Decimal(0)) / HUNDRED
    score = round_score(total)
    ruled = grade(score, on_date)
    return Composite(score, ruled.value, combined, f"{COMPOSITE_SOURCE}；{ruled.citation}")


# ---------------------------------------------------------------------------------------------
# The credit loop


FailureKind = Literal["grade", "acceptance_failed", "terminated"]


@dataclass(frozen=True, slots=True)
class HistoryFact:
    """One entry of a supplier's performance history."""

    occurred_on: date
    kind: FailureKind
    grade: str = ""
    """For kind ``grade``: 优/良/中/差."""


@dataclass(frozen=True, slots=True)
class CreditDecision:
    flag: bool
    """The newest entry flags the supplier (e.g. a 差 grade)."""
    recommend_listing: bool
    """Enough failures within the window: recommend the registration authority list it."""
    failures: int
    """Failures counted within the window ending on the day of decision."""
    reasons: tuple[Reason, ...]


def is_failure(fact: HistoryFact, policy: CreditPolicy) -> bool:
    """A failure: a flagging grade, a failed acceptance or a termination for cause."""
    return fact.kind != "grade" or fact.grade in policy.flag_grades


def credit_policy(on_date: date) -> EffectiveValue[CreditPolicy]:
    """The credit-loop policy in force on `on_date` (configurable data, [U])."""
    return value_on(CREDIT_POLICY, _since(on_date), rule="performance.credit_consequences")


def credit_window_start(on_date: date, policy: CreditPolicy) -> date:
    """The exclusive start of the window of failures counted on `on_date`: `window_years` before it."""
    return calendar.add_years(on_date, -policy.window_years)


def credit_consequences(
    latest: HistoryFact,
    history: Sequence[HistoryFact],
    on_date: date,
    policy: CreditPolicy | None = None,
) -> CreditDecision:
    """What the credit loop does after `latest` was added to `history` (which includes it).

    A failure (`is_failure`) flags the supplier; when the failures within `window_years` before
    `on_date` reach `failures_to_recommend`, the platform recommends the registration authority
    list the supplier — the authority decides in the registry (财综〔2014〕96号; seed 003) [U].
    """
    entry = credit_policy(on_date)
    used = policy or entry.value
    citation = entry.citation
    since = credit_window_start(on_date, used)
    failures = sum(1 for f in history if since < f.occurred_on <= on_date and is_failure(f, used))
    flag = is_failure(latest, used)
    reasons: list[Reason] = []
    if flag:
        reasons.append(
            Reason(
                "performance.flagged",
                "履约评价不合格，已在供应商履约记录中标注",
                "A failed performance is flagged on the supplier's history",
                citation,
                "flag",
            )
        )
    recommend = flag and failures >= used.failures_to_recommend
    if recommend:
        reasons.append(
            Reason(
                "performance.recommend_listing",
                f"{used.window_years} 年内履约不合格 {failures} 次，建议登记管理机关依法列入信用名录",
                f"{failures} failures within {used.window_years} years: recommend listing",
                citation,
                "block",
            )
        )
    return CreditDecision(flag, recommend, failures, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# Experts' conduct


def expert_conduct_deadline(evaluation_ended_on: date, on_date: date | None = None) -> Ruled[date]:
    """Last day for the purchaser to rate the evaluation experts' conduct: 5 working days after
    the evaluation ended (IR §62; 财库〔2016〕198号 §29) [U]."""
    entry = value_on(
        EXPERT_CONDUCT_DAYS, on_date or evaluation_ended_on, rule="performance.expert_conduct_deadline"
    )
    return Ruled(calendar.add_working_days(evaluation_ended_on, entry.value), entry.citation)


CONDUCT_RATINGS: Mapping[str, str] = {
    "good": "良好",
    "fair": "一般",
    "poor": "较差",
}
"""How the purchaser rates an expert's conduct (履职评价)."""


def conduct_problems(rating: str, note: str) -> tuple[Reason, ...]:
    """A conduct rating is one of `CONDUCT_RATINGS`; 较差 needs the facts written down (IR §62)."""
    if rating not in CONDUCT_RATINGS:
        return (
            Reason(
                "expert_conduct.rating_invalid",
                "履职评价应为良好、一般或较差",
                "A conduct rating is good, fair or poor",
                EXPERT_SOURCE,
                "block",
            ),
        )
    if rating == "poor" and not note.strip():
        return (
            Reason(
                "expert_conduct.note_required",
                "评价为较差时应写明具体情形",
                "A poor rating needs the facts",
                EXPERT_SOURCE,
                "block",
            ),
        )
    return ()


def _show(
    history: Sequence[EffectiveValue[tuple[tuple[K, Decimal], ...]]],
) -> tuple[EffectiveValue[object], ...]:
    return shown_history(
        history, lambda weights: "；".join(f"{SOURCE_NAMES_ZH.get(str(k), str(k))} {v}" for k, v in weights)
    )


def grade_bands_text(bands: tuple[tuple[Decimal, Grade], ...]) -> str:
    """Grade bands as /rules/ shows them, e.g. ``"优 ≥90；良 ≥80；…"`` (cited by `GRADE_BANDS`)."""
    return "；".join(f"{grade} ≥{bound}" for bound, grade in bands)


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="performance.grade",
        title_zh="绩效评价等级",
        title_en="Performance grade",
        values=shown_history(GRADE_BANDS, grade_bands_text),
        summary_zh="综合得分四舍五入保留两位小数后评定等级：优 ≥90，良 80–89，中 60–79，差 <60。",
        summary_en="The composite, rounded half-up to 2 places, is graded 优/良/中/差 at 90/80/60.",
    ),
    RuleInfo(
        name="performance.validate_template",
        title_zh="绩效指标模板",
        title_en="Indicator templates",
        values=(
            *_show(DEFAULT_TOP_WEIGHTS),
            shown_value(_SINCE, "同级指标权重合计 100；最多三级", INDICATORS_SOURCE, "E"),
        ),
        summary_zh="每个目录类别一套指标模板，由财政部门维护；同级权重合计须为 100。",
        summary_en=(
            "One template per catalogue category, edited by the finance department; "
            "sibling weights sum to 100."
        ),
    ),
    RuleInfo(
        name="performance.composite",
        title_zh="综合评价得分",
        title_en="Composite score",
        values=(
            *_show(DEFAULT_SOURCE_WEIGHTS),
            *_show(SATISFACTION_POINTS),
        ),
        summary_zh="各末级指标按评价方权重合成（未提交的评价方按比例剔除），满意度指标取服务对象评价均值，再按指标权重加总。",
        summary_en=(
            "Each leaf combines the parties by weight; satisfaction leaves take the survey mean; "
            "leaves add up by share."
        ),
    ),
    RuleInfo(
        name="performance.credit_consequences",
        title_zh="履约评价结果运用（优胜劣汰）",
        title_en="The credit loop",
        values=shown_history(
            CREDIT_POLICY,
            lambda policy: (
                f"评为{'、'.join(sorted(policy.flag_grades))}即标注；"
                f"{policy.window_years} 年内不合格 {policy.failures_to_recommend} 次建议列入信用名录"
            ),
        ),
        summary_zh="不合格等级、验收不合格和解除合同记入供应商履约记录；建议由登记管理机关决定是否列入。",
        summary_en=(
            "Failures accumulate on the supplier's history; the registration authority decides on listing."
        ),
    ),
    RuleInfo(
        name="performance.expert_conduct_deadline",
        title_zh="评审专家履职评价期限",
        title_en="Rating the experts' conduct",
        values=shown_history(EXPERT_CONDUCT_DAYS, lambda days: f"评审结束后 {days} 个工作日内"),
    ),
)
