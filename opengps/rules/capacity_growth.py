"""Capacity building, second part: the service points (社工室) under a township station, trainings
and the yearly training hours they give social workers, and the support, awards and activities of
filed community social organizations.

Sources: seed 003 (湖南省民政厅《对省十四届人大二次会议第0258号建议的答复》, 2024年5月20日), part 三:
（一）incubation bases give staff training; （二）stations staffed by social workers, with service
points in villages and communities where the county sets them up (湘民发〔2018〕10号); （四）community
social organizations supported with funding and awards (湘民发〔2022〕42号). Where a rule goes beyond
what seed 003 states, it is a platform rule marked [U] in its citation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from opengps.rules.base import RuleError
from opengps.rules.capacity import SEED_BASES, SEED_COMMUNITY, SEED_STATIONS

POINT_CITATION = (
    f"{SEED_STATIONS}；社工室设在站点所在乡镇（街道）的村（社区）、在站点开放期间设立为平台规则 [U]"
)
TRAINING_CITATION = f"{SEED_BASES}：提供人员培训；每个培训日最多计8学时、按结业年度计入为平台规则 [U]"
COMMUNITY_CITATION = f"{SEED_COMMUNITY}：对社区社会组织给予资助、奖励；活动与资助在备案之后为平台规则 [U]"

HALF_HOUR = Decimal("0.5")
HOURS_A_DAY = Decimal(8)
"""The most training hours one day of a training may give (a full working day) [U]."""


def check_point_village(village_code: str, township_code: str) -> None:
    """A service point sits in a village or community (a 12-digit statistical division code) of
    the station's township: the code's first nine digits are the township's. RuleError
    ``capacity.point_village_invalid``."""
    if not (len(village_code) == 12 and village_code.isdigit() and village_code.startswith(township_code)):
        raise RuleError(
            "capacity.point_village_invalid",
            "村（社区）区划代码应为12位数字，前9位为站点所在乡镇（街道）代码",
            "The village or community code must be 12 digits beginning with the station's township code",
            POINT_CITATION,
            {"village_code": village_code, "township": township_code},
        )


def check_point_in_station(
    opened_on: date, *, station_opened_on: date, station_closed_on: date | None
) -> None:
    """A service point opens while its station is open: on or after the station's opening and, when
    the station has closed, not after its closing. RuleError ``capacity.point_outside_station``."""
    if opened_on < station_opened_on or (station_closed_on is not None and opened_on > station_closed_on):
        raise RuleError(
            "capacity.point_outside_station",
            "社工室的设立日期应在站点开放期间之内",
            "A service point opens while its station is open",
            POINT_CITATION,
            {
                "opened_on": opened_on.isoformat(),
                "station_opened_on": station_opened_on.isoformat(),
                "station_closed_on": station_closed_on.isoformat() if station_closed_on else None,
            },
        )


def point_open_on(opened_on: date, closed_on: date | None, on: date) -> bool:
    """Whether a service point serves on `on`: opened by then and not closed before it (it serves
    through its closing day, as a station does)."""
    return opened_on <= on and (closed_on is None or on <= closed_on)


def training_days(starts_on: date, ends_on: date) -> int:
    """The calendar days of a training, both ends included."""
    return (ends_on - starts_on).days + 1


def check_training(starts_on: date, ends_on: date, hours: Decimal) -> None:
    """A training ends on or after its first day and gives more than 0 hours, in half hours, at most
    8 a day of the training. RuleError ``capacity.training_dates_invalid`` or
    ``capacity.training_hours_invalid``."""
    if ends_on < starts_on:
        raise RuleError(
            "capacity.training_dates_invalid",
            "培训结束日期不能早于开始日期",
            "A training cannot end before it starts",
            TRAINING_CITATION,
            {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )
    most = HOURS_A_DAY * training_days(starts_on, ends_on)
    if not hours.is_finite() or hours <= 0 or hours > most or hours % HALF_HOUR != 0:
        raise RuleError(
            "capacity.training_hours_invalid",
            f"培训学时应大于0、以0.5为单位，且每个培训日最多8学时（本次最多{most}学时）",
            f"Training hours must be over 0, in half hours, at most 8 a day ({most} here)",
            TRAINING_CITATION,
            {"hours": str(hours), "most": str(most)},
        )


def check_attendance(hours: Decimal, *, training_hours: Decimal, starts_on: date, today: date) -> None:
    """A worker's attendance is recorded once the training has begun, crediting more than 0 and at
    most the training's hours, in half hours (part attendance credits less). RuleError
    ``capacity.training_not_started`` or ``capacity.attendance_hours_invalid``."""
    if starts_on > today:
        raise RuleError(
            "capacity.training_not_started",
            "培训尚未开始，不能登记参训",
            "The training has not begun: attendance cannot be recorded yet",
            TRAINING_CITATION,
            {"starts_on": starts_on.isoformat()},
        )
    if not hours.is_finite() or hours <= 0 or hours > training_hours or hours % HALF_HOUR != 0:
        raise RuleError(
            "capacity.attendance_hours_invalid",
            f"计入学时应大于0、以0.5为单位，且不超过本次培训的{training_hours}学时",
            f"Credited hours must be over 0, in half hours, at most the training's {training_hours}",
            TRAINING_CITATION,
            {"hours": str(hours), "training_hours": str(training_hours)},
        )


@dataclass(frozen=True, slots=True)
class Attended:
    """One attendance as the yearly sum reads it: which training, the day it ended, hours credited."""

    training: int
    ends_on: date
    hours: Decimal


def hours_by_year(attended: Iterable[Attended]) -> dict[int, Decimal]:
    """A worker's training hours per year: each training counted once (a training listed twice
    credits its largest entry, never the sum), in the year it ended — a training across the new
    year counts in the year it closed, never split or in both."""
    best: dict[int, Attended] = {}
    for item in attended:
        kept = best.get(item.training)
        if kept is None or item.hours > kept.hours:
            best[item.training] = item
    years: dict[int, Decimal] = {}
    for item in best.values():
        years[item.ends_on.year] = years.get(item.ends_on.year, Decimal(0)) + item.hours
    return dict(sorted(years.items()))


def check_after_filing(day: date, *, filed_on: date, today: date, field: str) -> None:
    """A filed community organization's support, award or activity falls on or after its filing and
    not after today. RuleError ``capacity.before_filing`` or ``capacity.future_date``."""
    if day < filed_on:
        raise RuleError(
            "capacity.before_filing",
            "日期不能早于该组织的备案日期",
            "The date cannot precede the organization's filing",
            COMMUNITY_CITATION,
            {field: day.isoformat(), "filed_on": filed_on.isoformat()},
        )
    if day > today:
        raise RuleError(
            "capacity.future_date",
            "日期不能晚于今天",
            "The date cannot be in the future",
            COMMUNITY_CITATION,
            {field: day.isoformat()},
        )
