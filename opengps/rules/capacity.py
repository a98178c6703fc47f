"""Capacity building of the providers: township social-work stations and their postings and monthly
service logs, station coverage, incubation and community-organization filing dates, a base's yearly
assessment and the outcome of its graduates, and the status table of a station.

Sources: seed 003 (湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》, 2024年5月20日), part 三:
（一）incubation bases built since 2016 with the provincial subsidy fund; （二）township (street)
social-work stations built to full coverage under 湘民发〔2018〕10号, staffed by social workers
that social organizations send there; （四）community social organizations in five priority kinds
under 湘民发〔2022〕42号. Neither 湘民发 document is in ``../shared/law``: where a rule below goes
beyond what seed 003 states, it is a platform rule marked [U] in its citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from opengps.rules.base import RuleError
from opengps.rules.transitions import EntityTransitions, Transitions

SEED_STATIONS = "湘民发〔2018〕10号（据湖南省民政厅第0258号建议答复 三之（二））"
"""Stations built to cover every township, staffed by social workers that organizations send there."""
SEED_BASES = "孵化基地建设省级补助资金（据湖南省民政厅第0258号建议答复 三之（一））"
SEED_COMMUNITY = "湘民发〔2022〕42号（据湖南省民政厅第0258号建议答复 三之（四））"

POSTING_CITATION = f"{SEED_STATIONS}；同一社会工作者不得同时专职派驻两个站点为平台规则 [U]"
LOG_CITATION = f"{SEED_STATIONS}；服务台账按月填报、自站点开放之月起为平台规则 [U]"
COVERAGE_CITATION = f"{SEED_STATIONS}：全覆盖建成乡镇（街道）社会工作服务站"

PERCENT = Decimal("0.1")


def month_of(day: date) -> date:
    """The first day of `day`'s month: the key of a monthly service log."""
    return day.replace(day=1)


def check_log_month(month: date, *, opened_on: date, closed_on: date | None, today: date) -> date:
    """The month (its first day) a station may log services for: not before the month it opened,
    not after the month it closed, not a month that has not begun. RuleError
    ``capacity.log_before_opening`` / ``capacity.log_after_closing`` / ``capacity.log_future_month``."""
    month = month_of(month)
    params: dict[str, object] = {"month": month.strftime("%Y-%m")}
    if month < month_of(opened_on):
        raise RuleError(
            "capacity.log_before_opening",
            f"站点于 {opened_on.isoformat()} 开放，不能填报此前月份的服务台账",
            f"The station opened on {opened_on.isoformat()}; no log for an earlier month",
            LOG_CITATION,
            {**params, "opened_on": opened_on.isoformat()},
        )
    if closed_on is not None and month > month_of(closed_on):
        raise RuleError(
            "capacity.log_after_closing",
            f"站点已于 {closed_on.isoformat()} 撤销，不能填报此后月份的服务台账",
            f"The station closed on {closed_on.isoformat()}; no log for a later month",
            LOG_CITATION,
            {**params, "closed_on": closed_on.isoformat()},
        )
    if month > month_of(today):
        raise RuleError(
            "capacity.log_future_month",
            "不能填报尚未开始的月份的服务台账",
            "No log for a month that has not begun",
            LOG_CITATION,
            params,
        )
    return month


@dataclass(frozen=True, slots=True)
class Span:
    """A posting's days, `ends_on` included (None: open-ended), and whether it is full-time."""

    starts_on: date
    ends_on: date | None
    full_time: bool = True
    label: str = ""
    """What a refusal names (the other station)."""


def overlaps(a: Span, b: Span) -> bool:
    """Whether two postings share at least one day (both ends included)."""
    a_before_b = a.ends_on is not None and a.ends_on < b.starts_on
    b_before_a = b.ends_on is not None and b.ends_on < a.starts_on
    return not (a_before_b or b_before_a)


def check_posting_dates(starts_on: date, ends_on: date | None) -> None:
    """A posting ends on or after the day it starts; RuleError ``capacity.posting_dates_invalid``."""
    if ends_on is not None and ends_on < starts_on:
        raise RuleError(
            "capacity.posting_dates_invalid",
            "派驻结束日期不能早于开始日期",
            "A posting cannot end before it starts",
            POSTING_CITATION,
            {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )


def check_posting_in_station(
    starts_on: date, ends_on: date | None, *, opened_on: date, closed_on: date | None
) -> None:
    """A posting lies within the station's open days: it starts on or after the opening and, when
    the station has closed, ends by the closing day. RuleError ``capacity.posting_outside_station``."""
    ends_late = closed_on is not None and (ends_on is None or ends_on > closed_on)
    if starts_on < opened_on or ends_late:
        raise RuleError(
            "capacity.posting_outside_station",
            "派驻期间应在站点开放期间之内",
            "A posting must lie within the days the station is open",
            POSTING_CITATION,
            {"opened_on": opened_on.isoformat(), "closed_on": closed_on.isoformat() if closed_on else None},
        )


def check_posting(new: Span, existing: Sequence[Span]) -> None:
    """A social worker is never posted to two stations at once: a new posting may not share a day
    with another posting of the same worker when either of the two is full-time (two part-time
    postings may run side by side). RuleError ``capacity.worker_double_booked`` naming the first
    clash."""
    for other in existing:
        if (new.full_time or other.full_time) and overlaps(new, other):
            raise RuleError(
                "capacity.worker_double_booked",
                f"该社会工作者在此期间已派驻{other.label or '其他站点'}，不能同时专职派驻两个站点",
                "The social worker is already posted elsewhere in this period",
                POSTING_CITATION,
                {
                    "station": other.label,
                    "starts_on": other.starts_on.isoformat(),
                    "ends_on": other.ends_on.isoformat() if other.ends_on else None,
                },
            )


def check_graduation(entered_on: date, graduated_on: date | None) -> None:
    """An incubatee graduates (出壳) on or after the day it entered; RuleError
    ``capacity.graduation_before_entry``."""
    if graduated_on is not None and graduated_on < entered_on:
        raise RuleError(
            "capacity.graduation_before_entry",
            "出壳日期不能早于入驻日期",
            "Graduation cannot precede entry",
            SEED_BASES,
            {"entered_on": entered_on.isoformat(), "graduated_on": graduated_on.isoformat()},
        )


def check_registration(filed_on: date, registered_on: date) -> None:
    """A filed community organization registers on or after its filing day; RuleError
    ``capacity.registered_before_filing``."""
    if registered_on < filed_on:
        raise RuleError(
            "capacity.registered_before_filing",
            "登记日期不能早于备案日期",
            "Registration cannot precede the filing",
            SEED_COMMUNITY,
            {"filed_on": filed_on.isoformat(), "registered_on": registered_on.isoformat()},
        )


def is_operating(status: str, opened_on: date, closed_on: date | None, on: date) -> bool:
    """Whether a station counts as serving its township on `on`: open by then (a station registered
    ahead of its opening counts from it) and operating now, or closed since but not yet on `on`
    (it serves through its closing day, as its postings do). A suspension is a present state whose
    dates are in the audit trail, not the row: a suspended station counts on no day."""
    if opened_on > on:
        return False
    return status == "operating" or (status == "closed" and closed_on is not None and on <= closed_on)


def share(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, one decimal, half up; None when `whole` is 0 (nothing to
    cover is no 0 %). RuleError ``capacity.share_invalid`` when part is negative or over whole."""
    if part < 0 or part > whole:
        raise RuleError(
            "capacity.share_invalid",
            "覆盖数不能为负，也不能超过总数",
            "A covered count must lie between 0 and the total",
            COVERAGE_CITATION,
            {"part": part, "whole": whole},
        )
    if whole == 0:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Station coverage of an area (a county, a city, the province) on a day.

    `townships` all townships and streets; `with_station` those with an operating station;
    `staffed` those whose operating station has at least one social worker posted that day;
    `workers` the social workers posted at operating stations that day, `certified` those of them
    with a qualification (助理社会工作师 or above)."""

    townships: int
    with_station: int
    staffed: int
    workers: int
    certified: int

    @property
    def station_share(self) -> Decimal | None:
        """Townships with an operating station, percent of all (全覆盖: 100.0)."""
        return share(self.with_station, self.townships)

    @property
    def staffed_share(self) -> Decimal | None:
        """Townships with a staffed operating station, percent of all."""
        return share(self.staffed, self.townships)

    @property
    def certified_share(self) -> Decimal | None:
        """Certified social workers, percent of the workers posted."""
        return share(self.certified, self.workers)

    @property
    def gaps(self) -> int:
        """Townships with no operating station."""
        return self.townships - self.with_station


# ---------------------------------------------------------------------------------------------
# Incubation bases: the yearly assessment and the outcome of their graduates

ASSESSMENT_CITATION = f"{SEED_BASES}；年度评估按指标百分制计分、分四个等次为平台规则 [U]"
ASSESSMENT_POINTS = Decimal(100)
"""The indicators' full marks add up to 100 (百分制)."""
GRADE_FLOORS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "excellent"),
    (Decimal(75), "good"),
    (Decimal(60), "pass"),
)
"""The lowest total of each grade, best first; below the last is ``fail`` (优秀/良好/合格/不合格)."""
POINT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of a base's yearly assessment: its name, full marks and the marks given."""

    name: str
    full_marks: Decimal
    score: Decimal


def _assessment_refusal(reason_zh: str, reason_en: str, params: dict[str, object]) -> RuleError:
    return RuleError(
        "capacity.assessment_invalid",
        f"评估指标有误：{reason_zh}",
        f"The assessment's indicators are invalid: {reason_en}",
        ASSESSMENT_CITATION,
        params,
    )


def assessment_total(indicators: Sequence[Indicator]) -> Decimal:
    """The base's total marks: the indicators' scores added, to the cent. Each indicator is named
    once, has full marks above 0 and a score from 0 to its full marks (to the cent); the full marks
    add up to 100. RuleError ``capacity.assessment_invalid`` naming the first problem."""
    if not indicators:
        raise _assessment_refusal("至少需要一项指标", "at least one indicator is needed", {})
    names: set[str] = set()
    for item in indicators:
        params: dict[str, object] = {"indicator": item.name}
        if not item.name.strip() or item.name in names:
            raise _assessment_refusal("指标名称为空或重复", "an indicator is unnamed or repeated", params)
        names.add(item.name)
        if item.full_marks <= 0 or not Decimal(0) <= item.score <= item.full_marks:
            raise _assessment_refusal(
                f"“{item.name}”的得分应在0到满分之间",
                f"{item.name}: the score must lie within 0 and full marks",
                params,
            )
        if item.score != item.score.quantize(POINT) or item.full_marks != item.full_marks.quantize(POINT):
            raise _assessment_refusal(
                f"“{item.name}”的分值最多两位小数", f"{item.name}: at most two decimals", params
            )
    full = sum((item.full_marks for item in indicators), Decimal(0))
    if full != ASSESSMENT_POINTS:
        raise _assessment_refusal(
            f"各项满分合计应为100分（现为{full}分）",
            f"full marks must add up to 100 (now {full})",
            {"full": str(full)},
        )
    return sum((item.score for item in indicators), Decimal(0)).quantize(POINT)


def assessment_grade(total: Decimal) -> str:
    """The grade of a total: ``excellent`` from 90, ``good`` from 75, ``pass`` from 60, else ``fail``."""
    return next((grade for floor, grade in GRADE_FLOORS if total >= floor), "fail")


def won_after(graduated_on: date | None, wins: Sequence[date]) -> bool:
    """Whether a graduate counts as an outcome that won a purchase: it graduated (出壳) and won an
    awarded lot or an e-mall order on or after that day (a win while still incubated is the base's
    support at work, not yet its outcome) [U]."""
    return graduated_on is not None and any(day >= graduated_on for day in wins)


# ---------------------------------------------------------------------------------------------
# Status table

STATION: Transitions = {
    "operating": frozenset({"suspended", "closed"}),
    "suspended": frozenset({"operating", "closed"}),
    "closed": frozenset(),
}
"""乡镇（街道）社会工作服务站: operating from its opening, suspended and resumed (e.g. between two
operators' contracts), closed for good; a closed station's township may get a new station."""

TABLES = EntityTransitions({"capacity_station": STATION})

can_transition = TABLES.can_transition
check_transition = TABLES.check_transition
