"""Whether a social organization may supply purchased services: status, credit lists, reports, rating.

Time-driven states (an abnormal listing turning serious, a serious listing expiring, a rating
lapsing, an annual report falling overdue) are derived from the recorded dates on the day asked
about, never stored by a scheduled job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from opengps.rules.base import (
    EffectiveValue,
    Reason,
    RuleError,
    RuleInfo,
    shown_history,
    shown_table,
    value_on,
)
from opengps.rules.calendar import add_months as add_months
from opengps.rules.calendar import add_years as add_years
from opengps.rules.jurisdictions import shown_value

M60 = "社会组织信用信息管理办法（民政部令第60号）"
M39 = "社会组织评估管理办法（民政部令第39号）"
C2016_125 = "关于在政府采购活动中查询及使用信用记录有关问题的通知（财库〔2016〕125号）"
GPL_22 = "政府采购法 第二十二条"
GPL_22_5 = "政府采购法 第二十二条第一款第（五）项"
IR_19_1 = "政府采购法实施条例 第十九条第一款"
IR_19_2 = "政府采购法实施条例 第十九条第二款"
C2022_3 = (
    "关于《中华人民共和国政府采购法实施条例》第十九条第一款“较大数额罚款”具体适用问题的意见"
    "（财库〔2022〕3号）"
)
CIVIL_201_202 = "民法典 第二百零一条、第二百零二条"
O102_6 = "政府购买服务管理办法（财政部令第102号）第六条"
SEED_003 = "湖南省财政厅 湘财综〔2022〕28号（同等条件下优先向行业协会商会购买服务）"
CIVIL_202 = "民法典 第二百零二条"

OrgStatus = Literal["normal", "deregistered", "revoked"]
OrgType = Literal["social_group", "social_service_agency", "foundation"]
CreditKind = Literal["abnormal", "serious"]
OtherListKind = Literal["judgment_defaulter", "major_tax_violation", "procurement_blacklist"]
CreditLevel = Literal["normal", "abnormal", "serious"]


# ---------------------------------------------------------------------------------------------
# Facts


@dataclass(frozen=True, slots=True)
class RatingFact:
    """An evaluation grade (评估等级) 1A–5A awarded on a date, possibly revoked later.

    `ends_on` is an end set by a decision (the first day no longer in force), e.g. a lower grade a
    downgrade records keeps the end of the grade it replaced: the validity is 5 years (M39), and a
    downgrade does not extend it.
    """

    level: int
    awarded_on: date
    revoked_on: date | None = None
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 5:
            raise RuleError(
                "eligibility.rating_level",
                f"评估等级应为1A至5A（收到 {self.level}）",
                f"A rating is 1A to 5A (got {self.level})",
                M39,
                {"level": self.level},
            )


@dataclass(frozen=True, slots=True)
class CreditEntry:
    """A listing on the 活动异常名录 ("abnormal") or 严重违法失信名单 ("serious") (M60)."""

    kind: CreditKind
    listed_on: date
    removed_on: date | None = None
    """The day the registration authority removed it (rectification verified, or otherwise)."""
    reason: str = ""
    """Why it was listed; one of `ABNORMAL_REASONS` / `SERIOUS_REASONS` codes or free text."""


@dataclass(frozen=True, slots=True)
class OtherListEntry:
    """A listing on another national list checked in procurement (财库〔2016〕125号)."""

    kind: OtherListKind
    listed_on: date
    removed_on: date | None = None


class PenaltyKind(StrEnum):
    """The kind of a penalty recorded against a supplier (IR §19)."""

    criminal = "criminal"
    """刑事处罚 — always a major illegal record."""
    suspension = "suspension"
    """责令停产停业 — always a major illegal record."""
    licence_revoked = "licence_revoked"
    """吊销许可证或者执照 — always a major illegal record."""
    fine = "fine"
    """罚款 — a major illegal record when it is a 较大数额罚款."""
    debarment = "debarment"
    """禁止在一定期限内参加政府采购活动 (GPL §77): excluded until it ends (IR §19 ¶2)."""
    warning = "warning"
    """警告 or another minor penalty — not a major illegal record."""


PENALTY_KIND_NAMES_ZH: dict[PenaltyKind, str] = {
    PenaltyKind.criminal: "刑事处罚",
    PenaltyKind.suspension: "责令停产停业",
    PenaltyKind.licence_revoked: "吊销许可证或者执照",
    PenaltyKind.fine: "罚款",
    PenaltyKind.debarment: "禁止参加政府采购活动",
    PenaltyKind.warning: "警告等其他行政处罚",
}


@dataclass(frozen=True, slots=True)
class PenaltyFact:
    """An administrative penalty or criminal judgment against the supplier (IR §19).

    `large_by_issuer` records that the issuer treated a fine as 较大数额 (e.g. it was subject to a
    hearing): before 财库〔2022〕3号 that was the test; since, a fine of 200万 or more is one too.
    """

    kind: PenaltyKind
    decided_on: date
    issuer: str
    amount: Decimal | None = None
    """Fine amount in yuan (罚款)."""
    for_business: bool = True
    """Imposed for illegal business conduct (因违法经营); other penalties are not counted."""
    ends_on: date | None = None
    """Debarment: the last day of the ban."""
    large_by_issuer: bool = False


@dataclass(frozen=True, slots=True)
class OrganizationFacts:
    status: OrgStatus
    org_type: OrgType
    founded_on: date
    is_industry_association: bool
    ratings: tuple[RatingFact, ...]
    credit_entries: tuple[CreditEntry, ...]
    annual_reports_filed: frozenset[int]
    """Years whose annual work report (年度工作报告) was filed."""
    other_lists: tuple[OtherListEntry, ...] = ()
    penalties: tuple[PenaltyFact, ...] = ()
    """Administrative penalties and criminal judgments (IR §19), screened for the last 3 years."""


ABNORMAL_REASONS: dict[str, str] = {
    "annual_report_missing": "未按规定时限和要求报送年度工作报告",
    "no_party_organization": "未按照有关规定设立党组织",
    "rectification_overdue": "未按期完成整改",
    "fundraising_platform": "公开募捐平台服务违规情形",
    "warning_or_small_fine": "受到警告或者不满5万元罚款处罚",
    "unreachable": "通过登记的住所无法与社会组织取得联系",
}
"""Grounds for the abnormal list (M60); registries store the code in `CreditEntry.reason`."""

SERIOUS_REASONS: dict[str, str] = {
    "abnormal_two_years": "被列入活动异常名录满2年",
    "false_registration_change": "弄虚作假办理变更登记，被撤销变更登记",
    "suspension": "受到限期停止活动行政处罚",
    "fine_50000_plus": "受到5万元以上罚款处罚",
    "repeat_penalties": "3年内2次以上受到警告或者不满5万元罚款处罚",
    "judgment_defaulter": "被司法机关纳入失信被执行人名单",
    "registration_revoked": "被吊销登记证书或撤销成立登记",
}

NOTHING_TO_RECTIFY_REASONS: frozenset[str] = frozenset({"warning_or_small_fine"})
"""Abnormal listings with nothing to rectify: removed after 6 months without an application (M60)."""

_SINCE_M60 = date(2018, 1, 24)

ABNORMAL_AUTO_REMOVAL_MONTHS: tuple[EffectiveValue[int], ...] = (EffectiveValue(_SINCE_M60, 6, M60, "E"),)
ABNORMAL_TO_SERIOUS_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(_SINCE_M60, 2, M60, "E"),)
SERIOUS_CLEAN_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(_SINCE_M60, 2, M60, "E"),)
RATING_VALID_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(date(2011, 3, 1), 5, M39, "E"),)
PRIORITY_MIN_RATING: tuple[EffectiveValue[int], ...] = (EffectiveValue(date(2011, 3, 1), 3, M39, "E"),)

ANNUAL_REPORT_DUE: dict[OrgType, tuple[EffectiveValue[tuple[int, int]], ...]] = {
    "social_group": (EffectiveValue(date(1998, 10, 25), (5, 31), "社会团体登记管理条例 第二十八条", "T"),),
    "social_service_agency": (
        EffectiveValue(date(1998, 10, 25), (5, 31), "民办非企业单位登记管理暂行条例 第二十三条", "T"),
    ),
    "foundation": (EffectiveValue(date(2004, 6, 1), (3, 31), "基金会管理条例 第三十六条", "T"),),
}
"""(month, day) of the next year by which the report on a year is due at the registration authority."""

ORG_TYPE_NAMES_ZH: dict[OrgType, str] = {
    "social_group": "社会团体",
    "social_service_agency": "社会服务机构（民办非企业单位）",
    "foundation": "基金会",
}

OTHER_LIST_NAMES: dict[OtherListKind, tuple[str, str]] = {
    "judgment_defaulter": ("失信被执行人名单", "judgment-defaulter list"),
    "major_tax_violation": ("重大税收违法失信主体名单", "major tax-violation list"),
    "procurement_blacklist": ("政府采购严重违法失信行为记录名单", "government-procurement blacklist"),
}


def _years(history: tuple[EffectiveValue[int], ...], on_date: date, rule: str) -> EffectiveValue[int]:
    # Periods that predate their rule (an old listing) use the earliest known value.
    return value_on(history, max(on_date, history[0].effective_from), rule=rule)


# ---------------------------------------------------------------------------------------------
# Major illegal records in the last three years (GPL §22(五), IR §19)

LOOKBACK_YEARS: tuple[EffectiveValue[int], ...] = (EffectiveValue(date(2003, 1, 1), 3, GPL_22_5),)
"""参加政府采购活动前三年内 (GPL §22 ¶1(五))."""
LARGE_FINE: tuple[EffectiveValue[Decimal | None], ...] = (
    EffectiveValue(date(2015, 3, 1), None, IR_19_1, "U"),
    EffectiveValue(date(2022, 1, 5), Decimal("2000000"), f"{IR_19_1}；{C2022_3}", "E"),
)
"""较大数额罚款: before 财库〔2022〕3号 as the issuer determined (None); since, 200万元 or more
(a higher standard set by law for a field applies instead — record it with `large_by_issuer`)."""

_ALWAYS_MAJOR = frozenset({PenaltyKind.criminal, PenaltyKind.suspension, PenaltyKind.licence_revoked})


def record_counts_until(penalty: PenaltyFact, on_date: date) -> date:
    """The last day a record decided on `decided_on` is still within the 3 years (民法典 §201-§202:
    the start day is not counted, the period ends on the corresponding day three years later)."""
    years = value_on(
        LOOKBACK_YEARS, max(on_date, LOOKBACK_YEARS[0].effective_from), rule="eligibility.lookback"
    )
    return add_years(penalty.decided_on, years.value)


def is_major_illegal_record(penalty: PenaltyFact, on_date: date) -> bool:
    """Whether `penalty` is a 重大违法记录 (IR §19 ¶1): criminal penalty, suspension, licence
    revoked, or a large fine, each for illegal business conduct."""
    if not penalty.for_business:
        return False
    if penalty.kind in _ALWAYS_MAJOR:
        return True
    if penalty.kind is not PenaltyKind.fine:
        return False
    if penalty.large_by_issuer:
        return True
    line = value_on(
        LARGE_FINE, max(penalty.decided_on, LARGE_FINE[0].effective_from), rule="eligibility.large_fine"
    )
    return line.value is not None and penalty.amount is not None and penalty.amount >= line.value


def _penalty_text(penalty: PenaltyFact) -> str:
    amount = f"{penalty.amount:,.2f} 元" if penalty.amount is not None else ""
    return f"{penalty.decided_on.isoformat()} {penalty.issuer}作出{PENALTY_KIND_NAMES_ZH[penalty.kind]}" + (
        f"（{amount}）" if amount else ""
    )


def penalty_reasons(penalties: Iterable[PenaltyFact], on_date: date) -> tuple[list[Reason], list[date]]:
    """Blocking reasons for major illegal records within 3 years and debarments in force, and the
    days after which they stop counting (GPL §22(五), IR §19)."""
    reasons: list[Reason] = []
    changes: list[date] = []
    for penalty in penalties:
        if penalty.decided_on > on_date:
            continue
        if penalty.kind is PenaltyKind.debarment:
            ends = penalty.ends_on
            if ends is not None and ends < on_date:
                continue  # IR §19 ¶2: the ban has ended, the supplier may take part again
            until_zh, until_en = ("", "")
            if ends is not None:
                changes.append(ends + timedelta(days=1))
                until_zh, until_en = (f"至 {ends.isoformat()}", f" until {ends.isoformat()}")
            reasons.append(
                Reason(
                    "eligibility.debarred",
                    f"{_penalty_text(penalty)}，禁止参加政府采购活动{until_zh}",
                    f"Debarred from government procurement by {penalty.issuer} on "
                    f"{penalty.decided_on.isoformat()}{until_en}",
                    f"{IR_19_2}；政府采购法 第七十七条",
                    "block",
                )
            )
            continue
        last = record_counts_until(penalty, on_date)
        if on_date > last or not is_major_illegal_record(penalty, on_date):
            continue
        changes.append(last + timedelta(days=1))
        citation = f"{GPL_22_5}；{IR_19_1}；{CIVIL_201_202}"
        if penalty.kind is PenaltyKind.fine and not penalty.large_by_issuer:
            citation += f"；{C2022_3}"
        reasons.append(
            Reason(
                "eligibility.major_illegal_record",
                f"参加政府采购活动前三年内有重大违法记录：{_penalty_text(penalty)}，"
                f"至 {last.isoformat()} 期满",
                f"Major illegal record within the last three years: {penalty.kind.value} by "
                f"{penalty.issuer} on {penalty.decided_on.isoformat()}, counting until {last.isoformat()}",
                citation,
                "block",
            )
        )
    return reasons, changes


def penalty_effect(penalty: PenaltyFact, on_date: date) -> Reason:
    """What one recorded penalty does to eligibility on `on_date`, with its article — the registry
    lists it beside each penalty. A ``"block"`` reason is the one `penalty_reasons` gives; otherwise
    an ``"info"`` reason says why it does not (or no longer) count (GPL §22(五), IR §19)."""
    blocking, _changes = penalty_reasons((penalty,), on_date)
    if blocking:
        return blocking[0]
    if penalty.decided_on > on_date:
        return Reason(
            "eligibility.penalty_not_yet",
            f"处罚决定日期 {penalty.decided_on.isoformat()} 在审查日之后，自该日起审查",
            f"Decided on {penalty.decided_on.isoformat()}, after the day judged",
            f"{GPL_22_5}；{IR_19_1}",
        )
    if penalty.kind is PenaltyKind.debarment:
        ends = penalty.ends_on.isoformat() if penalty.ends_on else ""
        return Reason(
            "eligibility.debarment_ended",
            f"禁止参加政府采购活动的期限已于 {ends} 届满，可以参加政府采购活动",
            f"The debarment ended on {ends}",
            IR_19_2,
        )
    if not penalty.for_business:
        return Reason(
            "eligibility.penalty_not_business",
            "非因违法经营受到的处罚，不属于重大违法记录",
            "Not imposed for illegal business conduct: not a major illegal record",
            IR_19_1,
        )
    if is_major_illegal_record(penalty, on_date):
        last = record_counts_until(penalty, on_date)
        return Reason(
            "eligibility.penalty_expired",
            f"重大违法记录已于 {last.isoformat()} 满三年，不再影响资格",
            f"Major illegal record older than three years (counted until {last.isoformat()})",
            f"{GPL_22_5}；{IR_19_1}；{CIVIL_201_202}",
        )
    if penalty.kind is PenaltyKind.fine:
        line = value_on(
            LARGE_FINE, max(penalty.decided_on, LARGE_FINE[0].effective_from), rule="eligibility.large_fine"
        )
        threshold_zh = f"（{line.value:,.0f} 元）" if line.value is not None else "（以处罚机关认定为准）"
        return Reason(
            "eligibility.penalty_not_major",
            f"罚款未达较大数额{threshold_zh}，不属于重大违法记录",
            "A fine below the large-fine line: not a major illegal record",
            line.citation,
        )
    return Reason(
        "eligibility.penalty_not_major",
        f"{PENALTY_KIND_NAMES_ZH[penalty.kind]}不属于重大违法记录",
        f"A {penalty.kind.value} is not a major illegal record",
        IR_19_1,
    )


# ---------------------------------------------------------------------------------------------
# Ratings


def _rating_end(rating: RatingFact) -> date:
    """The first day `rating` is no longer in force: the earliest of the 5-year end (M39: 评估等级
    有效期为5年), the end a decision set (`ends_on`: a downgrade keeps the replaced grade's end, it
    does not extend the validity) and the revocation."""
    valid = _years(RATING_VALID_YEARS, rating.awarded_on, "eligibility.rating_valid_years")
    ends = (add_years(rating.awarded_on, valid.value), rating.ends_on, rating.revoked_on)
    return min(end for end in ends if end is not None)


def _rating_fact_in_force(ratings: Iterable[RatingFact], on_date: date) -> RatingFact | None:
    in_force = [r for r in ratings if r.awarded_on <= on_date < _rating_end(r)]
    return max(in_force, key=lambda r: r.awarded_on, default=None)


def rating_in_force(ratings: Iterable[RatingFact], on_date: date) -> int | None:
    """The grade (1–5) in force on `on_date`: awarded ≤ on_date < awarded + 5 years, not revoked,
    and before any end a decision set (`RatingFact.ends_on`).

    Where several are in force (a re-evaluation), the latest awarded counts (M39).
    """
    rating = _rating_fact_in_force(ratings, on_date)
    return None if rating is None else rating.level


# ---------------------------------------------------------------------------------------------
# Credit lists


@dataclass(frozen=True, slots=True)
class ListingPeriod:
    """One stretch of time an entry puts the organization on a list (derived, not stored)."""

    level: CreditKind
    start: date
    end: date | None
    """First day off the list; None = until removed by the authority."""
    entry: CreditEntry
    promoted: bool = False
    """An abnormal entry not removed within 2 years, hence on the serious list (M60)."""

    def in_force(self, on_date: date) -> bool:
        return self.start <= on_date and (self.end is None or on_date < self.end)


@dataclass(frozen=True, slots=True)
class CreditStatus:
    level: CreditLevel
    periods: tuple[ListingPeriod, ...]
    """The listing periods in force on the day."""
    next_change: date | None
    """The next day the derived status changes if nothing new is recorded (None: no change due)."""
    reasons: tuple[Reason, ...]


def listing_periods(entries: Iterable[CreditEntry], on_date: date) -> tuple[ListingPeriod, ...]:
    """All listing periods derived from the entries recorded by `on_date` (listed_on ≤ on_date)."""
    known = sorted((e for e in entries if e.listed_on <= on_date), key=lambda e: (e.listed_on, e.kind))
    periods: list[ListingPeriod] = []
    for entry in known:
        if entry.kind == "abnormal":
            periods.extend(_abnormal_periods(entry))
        else:
            periods.append(ListingPeriod("serious", entry.listed_on, _serious_end(entry, known), entry))
    return tuple(periods)


def _abnormal_periods(entry: CreditEntry) -> list[ListingPeriod]:
    promote_after = _years(ABNORMAL_TO_SERIOUS_YEARS, entry.listed_on, "eligibility.abnormal_to_serious")
    promotion = add_years(entry.listed_on, promote_after.value)
    end = entry.removed_on
    if entry.reason in NOTHING_TO_RECTIFY_REASONS:
        months = _years(ABNORMAL_AUTO_REMOVAL_MONTHS, entry.listed_on, "eligibility.abnormal_auto_removal")
        automatic = add_months(entry.listed_on, months.value)
        end = automatic if end is None else min(end, automatic)
    if end is not None and end <= promotion:
        return [ListingPeriod("abnormal", entry.listed_on, end, entry)]
    # Not removed within 2 years: on the serious list from then on. Leaving it needs the
    # overdue obligation fulfilled (M60), so it lasts until the authority records a removal.
    return [
        ListingPeriod("abnormal", entry.listed_on, promotion, entry),
        ListingPeriod("serious", promotion, end, entry, promoted=True),
    ]


def _serious_end(entry: CreditEntry, known: list[CreditEntry]) -> date | None:
    """A serious listing ends when removed, or after 2 years with no new entry (each new one restarts)."""
    if entry.removed_on is not None:
        return entry.removed_on
    clean = _years(SERIOUS_CLEAN_YEARS, entry.listed_on, "eligibility.serious_clean_years")
    end = add_years(entry.listed_on, clean.value)
    for other in known:  # sorted by listed_on, so one pass reaches the fixed point
        if other is not entry and entry.listed_on < other.listed_on < end:
            end = max(end, add_years(other.listed_on, clean.value))
    return end


def effective_credit_status(facts: OrganizationFacts, on_date: date) -> CreditStatus:
    """The organization's credit status on `on_date`, derived from the recorded entries (M60)."""
    periods = listing_periods(facts.credit_entries, on_date)
    active = tuple(p for p in periods if p.in_force(on_date))
    level: CreditLevel = "normal"
    if any(p.level == "serious" for p in active):
        level = "serious"
    elif active:
        level = "abnormal"
    boundaries = [d for p in periods for d in (p.start, p.end) if d is not None and d > on_date]
    reasons: list[Reason] = []
    for period in active:
        since = period.start.isoformat()
        why = ABNORMAL_REASONS.get(period.entry.reason) or SERIOUS_REASONS.get(
            period.entry.reason, period.entry.reason
        )
        if period.level == "serious":
            zh = f"自 {since} 起列入严重违法失信名单"
            en = f"On the serious-violation list since {since}"
            if period.promoted:
                zh += f"（活动异常名录满{_promotion_years(period)}年未移出）"
                en += " (abnormal listing not removed within the period)"
            zh += "：不得向其购买服务、不得给予资助"
            en += ": no purchase of services from it, no grants"
            severity = "block"
        else:
            zh = f"自 {since} 起列入活动异常名录"
            en = f"On the abnormal-activity list since {since}"
            severity = "flag"
        if why:
            zh += f"（{why}）"
        if period.end is not None:
            zh += f"；如无新情况，于 {period.end.isoformat()} 移出"
            en += f"; off the list on {period.end.isoformat()} unless something new is recorded"
        reasons.append(Reason(f"eligibility.{period.level}_list", zh, en, M60, severity))
    return CreditStatus(level, active, min(boundaries, default=None), tuple(reasons))


def _promotion_years(period: ListingPeriod) -> int:
    return _years(ABNORMAL_TO_SERIOUS_YEARS, period.entry.listed_on, "eligibility.abnormal_to_serious").value


# ---------------------------------------------------------------------------------------------
# Annual reports


def latest_report_due(org_type: OrgType, on_date: date) -> tuple[int, date, str]:
    """(year, due date, citation) of the latest annual report whose due date has passed by `on_date`.

    A report due "5月31日前" may still be filed on 31 May; it is overdue from 1 June.
    """
    entry = value_on(ANNUAL_REPORT_DUE[org_type], on_date, rule="eligibility.annual_report_due")
    month, day = entry.value
    due_this_year = date(on_date.year, month, day)
    year = on_date.year - 1 if on_date > due_this_year else on_date.year - 2
    return year, date(year + 1, month, day), entry.citation


def _next_report_change(facts: OrganizationFacts, on_date: date) -> date | None:
    """The day after the next due date on or after `on_date`, if that report is due and not filed."""
    entry = value_on(ANNUAL_REPORT_DUE[facts.org_type], on_date, rule="eligibility.annual_report_due")
    month, day = entry.value
    due = date(on_date.year, month, day)
    if due < on_date:
        due = date(on_date.year + 1, month, day)
    year = due.year - 1
    if year in facts.annual_reports_filed or facts.founded_on > date(year, 1, 1):
        return None
    return due + timedelta(days=1)


def missing_annual_report(facts: OrganizationFacts, on_date: date) -> Reason | None:
    """A flag when the report for the latest overdue year is missing (only years fully existed)."""
    year, due, citation = latest_report_due(facts.org_type, on_date)
    if facts.founded_on > date(year, 1, 1) or year in facts.annual_reports_filed:
        return None
    return Reason(
        "eligibility.annual_report_missing",
        f"未在 {due.isoformat()} 前报送 {year} 年度工作报告（{ORG_TYPE_NAMES_ZH[facts.org_type]}）",
        f"The {year} annual work report was due by {due.isoformat()} and is missing",
        citation,
        "flag",
    )


# ---------------------------------------------------------------------------------------------
# Eligibility


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    flagged: bool
    priority: bool
    rating_in_force: int | None
    reasons: tuple[Reason, ...]
    next_change: date | None = None
    """The next day the result may change from recorded dates alone (credit, rating, report)."""


def supplier_eligibility(facts: OrganizationFacts, on_date: date) -> Eligibility:
    """Whether the organization may be a supplier of purchased services on `on_date` (RULES §9).

    Blocks: registration not normal; serious-violation list in force (M60: no purchase of
    services, no grants); judgment-defaulter, major tax-violation or procurement blacklist in
    force (财库〔2016〕125号); a major illegal record within the last 3 years or a debarment in
    force (GPL §22(五), IR §19). Flags: abnormal list; missing annual report. Priority: a 3A+
    grade in force (M39). Every reason carries its citation.
    """
    reasons: list[Reason] = []
    changes: list[date] = []
    if facts.status != "normal":
        state_zh = {"deregistered": "已注销", "revoked": "已被撤销登记或吊销登记证书"}[facts.status]
        reasons.append(
            Reason(
                "eligibility.not_registered",
                f"登记状态{state_zh}，不具备承接主体资格",
                f"Registration is {facts.status}: not a lawful supplier",
                f"{GPL_22}；{O102_6}",
                "block",
            )
        )
    credit = effective_credit_status(facts, on_date)
    reasons.extend(credit.reasons)
    if credit.next_change is not None:
        changes.append(credit.next_change)
    for listing in facts.other_lists:
        if listing.listed_on > on_date:
            continue
        if listing.removed_on is not None and listing.removed_on <= on_date:
            continue
        if listing.removed_on is not None:
            changes.append(listing.removed_on)
        zh, en = OTHER_LIST_NAMES[listing.kind]
        reasons.append(
            Reason(
                f"eligibility.{listing.kind}",
                f"自 {listing.listed_on.isoformat()} 起列入{zh}，拒绝其参与政府采购活动",
                f"On the {en} since {listing.listed_on.isoformat()}: excluded from procurement",
                f"{C2016_125}；{GPL_22}",
                "block",
            )
        )
    penalty_blocks, penalty_changes = penalty_reasons(facts.penalties, on_date)
    reasons.extend(penalty_blocks)
    changes.extend(penalty_changes)
    report = missing_annual_report(facts, on_date)
    if report is not None:
        reasons.append(report)
    report_change = _next_report_change(facts, on_date)
    if report_change is not None:
        changes.append(report_change)
    rating = _rating_fact_in_force(facts.ratings, on_date)
    minimum = value_on(PRIORITY_MIN_RATING, on_date, rule="eligibility.priority_min_rating")
    priority = rating is not None and rating.level >= minimum.value
    if rating is not None:
        end = _rating_end(rating)
        changes.append(end)
        reasons.append(
            Reason(
                "eligibility.rating_priority" if priority else "eligibility.rating",
                f"评估等级 {rating.level}A（{rating.awarded_on.isoformat()} 评定，"
                f"有效至 {end.isoformat()} 前）" + ("，可优先获得政府购买服务" if priority else ""),
                f"Rated {rating.level}A on {rating.awarded_on.isoformat()}, valid until {end.isoformat()}"
                + ("; priority in purchase of services" if priority else ""),
                M39,
                "priority" if priority else "info",
            )
        )
    if facts.is_industry_association:
        reasons.append(
            Reason(
                "eligibility.industry_association",
                "行业协会商会：同等条件下优先购买",
                "Industry association: preferred under equal conditions",
                SEED_003,
                "info",
            )
        )
    eligible = not any(r.severity == "block" for r in reasons)
    flagged = any(r.severity == "flag" for r in reasons)
    future = [d for d in changes if d > on_date]
    return Eligibility(
        eligible,
        flagged,
        priority,
        None if rating is None else rating.level,
        tuple(reasons),
        min(future, default=None),
    )


# ---------------------------------------------------------------------------------------------


def _period_value(
    history: tuple[EffectiveValue[int], ...], unit_zh: str, text: str
) -> tuple[EffectiveValue[object], ...]:
    return shown_history(history, lambda value: f"{text}{value}{unit_zh}")


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="eligibility.credit_lists",
        title_zh="社会组织信用名单",
        title_en="Social-organization credit lists",
        values=(
            *_period_value(ABNORMAL_AUTO_REMOVAL_MONTHS, "个月", "无需整改的活动异常名录自动移出："),
            *_period_value(ABNORMAL_TO_SERIOUS_YEARS, "年", "活动异常名录未移出转入严重违法失信名单："),
            *_period_value(SERIOUS_CLEAN_YEARS, "年", "严重违法失信名单期满且无新情况移出："),
        ),
        summary_zh="列入严重违法失信名单期间不得向其购买服务、不得给予资助；活动异常名录予以提示。",
        summary_en="While on the serious list: no purchase of services, no grants; the abnormal list "
        "is flagged.",
    ),
    RuleInfo(
        name="eligibility.other_lists",
        title_zh="其他信用记录",
        title_en="Other credit lists",
        values=(
            shown_value(
                date(2016, 8, 1),
                "失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单：拒绝参与",
                C2016_125,
                "E",
            ),
        ),
    ),
    RuleInfo(
        name="eligibility.major_illegal_records",
        title_zh="近三年内重大违法记录",
        title_en="Major illegal records in the last three years",
        values=(
            *_period_value(LOOKBACK_YEARS, "年", "参加政府采购活动前无重大违法记录的期间："),
            shown_value(
                date(2015, 3, 1),
                "重大违法记录：刑事处罚、责令停产停业、吊销许可证或者执照、较大数额罚款（因违法经营）",
                IR_19_1,
            ),
            *shown_history(
                LARGE_FINE,
                lambda fine: (
                    "较大数额罚款：由作出处罚的机关认定"
                    if fine is None
                    else f"较大数额罚款：{int(fine) // 10000}万元以上（另有更高标准的从其规定）"
                ),
            ),
            shown_value(date(2015, 3, 1), "被禁止参加政府采购活动的，期限届满后可以参加", IR_19_2),
        ),
        summary_zh="处罚记录自作出之日起三年内（至三年后的对应日）拒绝其参加政府采购活动。",
        summary_en="A major illegal record excludes the supplier for three years from the decision "
        "(through the corresponding day three years later).",
    ),
    RuleInfo(
        name="eligibility.annual_report",
        title_zh="年度工作报告",
        title_en="Annual work report",
        values=shown_table(
            ANNUAL_REPORT_DUE,
            lambda org_type, due: f"{ORG_TYPE_NAMES_ZH[org_type]}：次年{due[0]}月{due[1]}日前",
        ),
        summary_zh="只检查最近一个已过报送期限、且组织全年存续的年度。",
        summary_en="Only the latest overdue year the organization existed for in full is checked.",
    ),
    RuleInfo(
        name="eligibility.rating",
        title_zh="评估等级",
        title_en="Evaluation grade",
        values=(
            *_period_value(RATING_VALID_YEARS, "年", "评估等级有效期："),
            *_period_value(PRIORITY_MIN_RATING, "A", "优先购买服务的最低等级："),
        ),
    ),
)
