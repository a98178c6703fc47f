"""The working-day calendar: shipped State Council data, make-up days, unknown years, registration."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import chinese_calendar
import pytest
from chinese_calendar import constants

from opengps.rules import calendar
from opengps.rules.base import RuleError
from opengps.rules.calendar import (
    CalendarUnknown,
    add_working_days,
    is_working_day,
    known_years,
    register_year,
    shipped_years,
    working_days_between,
)

D = date.fromisoformat
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _shipped_calendar() -> Iterator[None]:
    calendar.reset_to_shipped()
    yield
    calendar.reset_to_shipped()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_holidays", REPO / "scripts" / "gen_holidays.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- shipped data ------------------------------------------------------------------------------


def test_shipped_years_are_2004_to_2026() -> None:
    assert known_years() == shipped_years() == frozenset(range(2004, 2027))


def test_every_shipped_day_agrees_with_chinese_calendar() -> None:
    for year in sorted(known_years()):
        day = date(year, 1, 1)
        while day.year == year:
            assert is_working_day(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


def test_holidays_json_is_what_the_generator_writes() -> None:
    generator = _generator()
    assert calendar.DATA_FILE.read_text(encoding="utf-8") == generator.render(generator.build())


def test_each_shipped_year_names_its_source() -> None:
    entry = calendar.calendar_year(2025)
    assert "2025年部分节假日安排" in entry.source
    assert "chinesecalendar" in entry.source


def test_2026_spring_festival_as_chinese_calendar_has_it() -> None:
    # given the package's own data for the 2026 Spring Festival
    festival = sorted(
        day for day, name in constants.holidays.items() if day.year == 2026 and name == "Spring Festival"
    )
    make_up = sorted(day for day in constants.workdays if D("2026-02-01") <= day <= D("2026-03-01"))
    # then it is the arrangement of the State Council notice, as the table below assumes
    assert festival == [D("2026-02-15") + timedelta(days=offset) for offset in range(9)]
    assert make_up == [D("2026-02-14"), D("2026-02-28")]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 National Day + Mid-autumn: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 worked
        ("2025-09-26", True),
        ("2025-09-27", False),
        ("2025-09-28", True),
        ("2025-09-30", True),
        ("2025-10-01", False),
        ("2025-10-04", False),
        ("2025-10-06", False),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),
        ("2025-10-12", False),
        # 2026 Spring Festival: 02-15..02-23 off; Saturdays 02-14 and 02-28 worked
        ("2026-02-13", True),
        ("2026-02-14", True),
        ("2026-02-15", False),
        ("2026-02-17", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),
        ("2026-03-01", False),
        # 2026 New Year: 01-01..01-03 off; Sunday 01-04 worked
        ("2026-01-02", False),
        ("2026-01-04", True),
        # ordinary days
        ("2025-03-05", True),
        ("2025-03-08", False),
    ],
    ids=lambda value: str(value),
)
def test_is_working_day(day: str, working: bool) -> None:
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2025-10-01", "国庆节"),
        ("2025-10-08", "国庆节"),
        ("2026-02-17", "春节"),
        ("2025-10-09", None),
        ("2025-10-11", None),
    ],
    ids=["national-day", "national-day-last", "spring-festival", "after-holiday", "make-up-day"],
)
def test_holiday_name(day: str, name: str | None) -> None:
    assert calendar.holiday_name(D(day)) == name


# --- counting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-03-05", 1, "2025-03-06"),
        ("2025-03-07", 1, "2025-03-10"),
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-28", 1, "2025-09-29"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 2, "2025-10-10"),
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 4, "2025-10-13"),
        ("2025-10-03", 1, "2025-10-09"),
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        ("2025-01-02", 247, "2025-12-31"),
        ("2025-01-02", 248, "2026-01-04"),
        ("2025-10-04", 0, "2025-10-09"),
        ("2025-10-09", 0, "2025-10-09"),
        ("2025-10-09", -1, "2025-09-30"),
        ("2025-10-13", -1, "2025-10-11"),
        ("2026-01-04", -1, "2025-12-31"),
        ("2026-02-24", -2, "2026-02-13"),
    ],
    ids=lambda value: str(value),
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2025-09-30", "2025-10-09", 1),
        ("2025-09-26", "2025-10-12", 6),
        ("2025-10-12", "2025-09-26", -6),
        ("2025-10-01", "2025-10-08", 0),
        ("2025-10-09", "2025-10-09", 0),
        ("2025-12-31", "2026-01-04", 1),
        ("2025-01-01", "2025-12-31", 248),
    ],
    ids=lambda value: str(value),
)
def test_working_days_between_counts_a_excluded_b_included(a: str, b: str, expected: int) -> None:
    assert working_days_between(D(a), D(b)) == expected


def test_working_days_between_inverts_add_working_days() -> None:
    for offset in range(0, 365, 3):
        start = D("2025-01-01") + timedelta(days=offset)
        for n in (1, 2, 5, 7, 15):
            assert working_days_between(start, add_working_days(start, n)) == n


def test_2025_has_as_many_working_days_as_the_package_says() -> None:
    expected = len(chinese_calendar.get_workdays(D("2025-01-01"), D("2025-12-31")))
    assert working_days_between(D("2024-12-31"), D("2025-12-31")) == expected


def test_next_and_previous_working_day() -> None:
    assert calendar.next_working_day(D("2025-10-01")) == D("2025-10-09")
    assert calendar.next_working_day(D("2025-10-09")) == D("2025-10-09")
    assert calendar.previous_working_day(D("2025-10-08")) == D("2025-09-30")
    assert calendar.previous_working_day(D("2026-02-23")) == D("2026-02-14")
    assert calendar.add_days(D("2025-09-12"), 20) == D("2025-10-02")


def test_counting_hundreds_of_working_days_round_trips() -> None:
    # Long walks across the 2024–2025 holiday notices: n working days forward is exactly n working
    # days in between, and the day reached is itself a working day (timing lives in benchmarks/).
    for offset in range(0, 200, 7):
        start = D("2024-01-01") + timedelta(days=offset)
        end = add_working_days(start, 300)
        assert calendar.working_days_between(start, end) == 300
        assert calendar.is_working_day(end)


# --- unknown years and registration ------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day(D("2027-03-01")),
        lambda: is_working_day(D("2003-12-31")),
        lambda: add_working_days(D("2026-12-31"), 1),
        lambda: add_working_days(D("2026-12-25"), 10),
        lambda: add_working_days(D("2004-01-05"), -5),
        lambda: working_days_between(D("2026-12-01"), D("2027-01-10")),
        lambda: calendar.next_working_day(D("2027-01-01")),
    ],
    ids=["2027", "2003", "into-2027", "across-new-year", "back-into-2003", "between", "roll-forward"],
)
def test_a_year_without_data_raises_calendar_unknown(call: object) -> None:
    with pytest.raises(CalendarUnknown) as caught:
        call()  # type: ignore[operator]
    error = caught.value
    assert isinstance(error, RuleError)
    assert error.code == "calendar.unknown_year"
    assert str(error.params["year"]) in error.message("zh-hans")
    assert "No holiday data" in error.message("en")
    assert error.year in (2003, 2027)


def _register_2027() -> calendar.CalendarYear:
    new_year = {D("2027-01-01"): "元旦"}
    spring = {D("2027-02-06") + timedelta(days=offset): "春节" for offset in range(8)}
    return register_year(
        2027, {**new_year, **spring}, [D("2027-02-20")], "国务院办公厅关于2027年部分节假日安排的通知"
    )


def test_register_year_makes_an_unknown_year_work() -> None:
    # given 2027 is unknown
    assert 2027 not in known_years()
    # when an administrator enters its notice
    entry = _register_2027()
    # then days of 2027 can be counted, across the year boundary too
    assert 2027 in known_years()
    assert entry.source.startswith("国务院办公厅")
    assert add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert is_working_day(D("2027-02-20")) is True
    assert is_working_day(D("2027-02-08")) is False
    assert calendar.holiday_name(D("2027-02-08")) == "春节"
    # and resetting forgets it again
    calendar.reset_to_shipped()
    assert 2027 not in known_years()


def test_register_year_accepts_plain_dates_and_may_replace_a_shipped_year() -> None:
    register_year(2025, [D("2025-03-05")], [], "更正通知")
    assert is_working_day(D("2025-03-05")) is False
    assert is_working_day(D("2025-10-01")) is True
    assert calendar.holiday_name(D("2025-03-05")) == "法定节假日"


@pytest.mark.parametrize(
    ("holidays", "workdays", "source"),
    [
        ([D("2026-12-31")], [], "通知"),
        ([], [D("2028-01-01")], "通知"),
        ([D("2027-02-06")], [D("2027-02-06")], "通知"),
        ([D("2027-02-06")], [], "  "),
    ],
    ids=["holiday-outside-year", "workday-outside-year", "both", "no-source"],
)
def test_register_year_refuses_inconsistent_data(
    holidays: list[date], workdays: list[date], source: str
) -> None:
    with pytest.raises(RuleError) as caught:
        register_year(2027, holidays, workdays, source)
    assert caught.value.code == "calendar.invalid_year"
    assert 2027 not in known_years()
    with pytest.raises(RuleError):
        calendar.validate_year(2027, holidays, workdays, source)


def test_validate_year_does_not_register() -> None:
    entry = calendar.validate_year(2027, [D("2027-01-01")], [], "通知")
    assert entry.holidays == {D("2027-01-01"): "法定节假日"}
    assert 2027 not in known_years()


def test_rules_describe_the_calendar() -> None:
    assert [rule.name for rule in calendar.RULES] == ["calendar.working_day"]
    assert "调休" in calendar.RULES[0].summary_zh


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        ("2024-02-29", -3, "2021-02-28"),
        ("2024-02-29", -4, "2020-02-29"),
        ("2024-02-29", 1, "2025-02-28"),
        ("2025-06-30", -3, "2022-06-30"),
    ],
)
def test_add_years_moves_29_february_to_28_february_in_a_common_year(
    day: str, years: int, expected: str
) -> None:
    assert calendar.add_years(date.fromisoformat(day), years) == date.fromisoformat(expected)
