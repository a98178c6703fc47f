"""The State Council holiday notice parser: the real 2024–2026 notices, other wordings, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants

from opengps.rules.base import RuleError
from opengps.rules.holiday_notice import HOLIDAYS, parse_notice

D = date.fromisoformat
DATA = Path(__file__).resolve().parent / "data"

# chinese_calendar's Chinese names are partly the short forms (清明, 端午, 中秋).
CANONICAL = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
CHINESE_NAME = {holiday.value: holiday.chinese for holiday in constants.Holiday}


def _notice(year: int) -> str:
    return (DATA / f"holiday_notice_{year}.txt").read_text(encoding="utf-8")


# --- the real notices agree with chinese_calendar -----------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_each_real_notice_gives_exactly_chinese_calendars_days(year: int) -> None:
    # given chinese_calendar's days for the year: every day of each holiday block (weekends inside
    # a block included, "与周末连休" weekends not) and the make-up working days
    expected_holidays = {
        day: CANONICAL.get(CHINESE_NAME[name], CHINESE_NAME[name])
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    }
    expected_workdays = sorted(day for day in chinese_calendar.workdays if day.year == year)
    # when
    notice = parse_notice(_notice(year))
    # then
    assert notice.year == year
    assert set(notice.holidays) == set(expected_holidays)
    assert list(notice.workdays) == expected_workdays
    for day, name in expected_holidays.items():
        assert name in notice.holidays[day].split("、"), day  # combined blocks carry both names
    assert list(notice.holidays) == sorted(notice.holidays)


@pytest.mark.parametrize(
    ("year", "reference", "items"),
    [
        (2024, "国办发明电〔2023〕7号", 7),
        (2025, "国办发明电〔2024〕12号", 6),
        (2026, "国办发明电〔2025〕7号", 7),
    ],
)
def test_the_notice_names_its_source_and_the_lines_it_read(year: int, reference: str, items: int) -> None:
    notice = parse_notice(_notice(year), year=year)
    assert notice.reference == reference
    assert notice.source == f"国务院办公厅关于{year}年部分节假日安排的通知（{reference}）"
    assert [number for number, _ in notice.lines] == list(range(6, 6 + items))
    assert notice.lines[0][1].startswith("一、元旦：")


def test_2025_national_day_and_mid_autumn_are_one_block() -> None:
    item = parse_notice(_notice(2025)).items[-1]
    assert item.names == ("国庆节", "中秋节") and item.name == "国庆节、中秋节"
    assert (item.first, item.last, item.days) == (D("2025-10-01"), D("2025-10-08"), 8)
    assert item.workdays == (D("2025-09-28"), D("2025-10-11"))


def test_2026_spring_festival_is_nine_days() -> None:
    spring = parse_notice(_notice(2026)).items[1]
    assert (spring.name, spring.first, spring.last, spring.days) == (
        "春节",
        D("2026-02-15"),
        D("2026-02-23"),
        9,
    )
    assert spring.workdays == (D("2026-02-14"), D("2026-02-28"))


def test_names_are_the_statutory_holidays() -> None:
    names = {name for year in (2024, 2026) for name in parse_notice(_notice(year)).holidays.values()}
    assert names == set(HOLIDAYS)


# --- other wordings -----------------------------------------------------------------------------


def test_items_pasted_on_one_line_with_the_year_given() -> None:
    text = (
        "一、元旦：1月1日（周三）放假1天。二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）"
        "放假调休，共8天。1月26日（周日）、2月8日（周六）上班。"
    )
    notice = parse_notice(text, year=2025)
    assert notice.year == 2025
    assert notice.reference == "" and notice.source == "国务院办公厅关于2025年部分节假日安排的通知"
    assert len(notice.holidays) == 9 and notice.holidays[D("2025-02-01")] == "春节"
    assert notice.workdays == (D("2025-01-26"), D("2025-02-08"))
    assert [number for number, _ in notice.lines] == [1, 1]
    assert notice.lines[1][1].startswith("二、春节：")


def test_the_make_up_days_may_follow_on_the_next_line() -> None:
    text = (
        "国务院办公厅关于2024年部分节假日安排的通知\n"
        "二、春节：2月10日至17日放假调休，共8天。\n"
        "\n"
        "2月4日（星期日）、2月18日（星期日）上班。\n"
    )
    notice = parse_notice(text)
    assert notice.workdays == (D("2024-02-04"), D("2024-02-18"))
    assert notice.lines == (
        (2, "二、春节：2月10日至17日放假调休，共8天。 2月4日（星期日）、2月18日（星期日）上班。"),
    )


def test_full_width_digits_spaces_aliases_and_unnumbered_items() -> None:
    text = (
        "关于２０２３年部分节假日安排的通知\n"
        "中秋、国庆 ： ９月２９日 （星期五） 至 １０月６日 （星期五） 放假调休 ， 共８天 。"
        "10月7日（星期六）、10月8日（星期日）上班。"
    )
    notice = parse_notice(text)
    assert notice.items[0].names == ("中秋节", "国庆节")
    assert len(notice.holidays) == 8 and notice.workdays == (D("2023-10-07"), D("2023-10-08"))


def test_a_block_may_name_its_years_and_reach_into_the_previous_one() -> None:
    # 2019's notice: New Year's Day from 2018-12-30; days outside the year are kept as written.
    text = "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。"
    notice = parse_notice(text, year=2019)
    assert list(notice.holidays) == [D("2018-12-30"), D("2018-12-31"), D("2019-01-01")]
    assert notice.workdays == (D("2018-12-29"),)


def test_a_note_may_hold_a_comma_and_the_total_may_follow_without_one() -> None:
    notice = parse_notice("二、春节：1月28日（农历除夕，周二）至2月4日放假调休共8天。", year=2025)
    assert notice.items[0].days == 8


# --- refusals -----------------------------------------------------------------------------------

TITLE = "国务院办公厅关于2025年部分节假日安排的通知\n"


@pytest.mark.parametrize(
    ("body", "code", "line"),
    [
        ("一、元旦：1月1日放假。\n二、春季：1月28日至2月4日放假调休，共8天。", "calendar.notice_unparsed", 3),
        ("1月26日（周日）、2月8日（周六）上班。", "calendar.notice_unparsed", 2),
        ("一、元旦：另行通知。", "calendar.notice_unparsed", 2),
        ("一、元旦：1月1日放假。1月2日放假。", "calendar.notice_unparsed", 2),
        ("三、清明节：4月4日至6日放假，共3天。4月7日（周一）上午班。", "calendar.notice_unparsed", 2),
        ("一、元旦：共1天，1月1日放假。", "calendar.notice_unparsed", 2),
        ("一、元旦：1月1日放假\n二、春节：1月28日至2月4日放假调休，共9天。", "calendar.notice_day_count", 3),
        ("一、元旦：1月1日放假2天。", "calendar.notice_day_count", 2),
        ("一、元旦：1月1日（周二）放假1天。", "calendar.notice_weekday", 2),
        ("一、元旦：2月30日放假。", "calendar.notice_invalid_date", 2),
        ("七、国庆节：10月8日至1日放假调休。", "calendar.notice_invalid_date", 2),
        ("一、元旦：1月1日放假。\n二、春节：1月1日放假。", "calendar.notice_overlap", 3),
        ("四、劳动节：5月1日至5日放假，共5天。4月27日、4月27日上班。", "calendar.notice_overlap", 2),
        ("四、劳动节：5月1日至5日放假，共5天。5月5日上班。", "calendar.notice_overlap", 2),
    ],
    ids=[
        "unknown-holiday",
        "workdays-without-item",
        "item-without-block",
        "two-blocks",
        "garbled-workdays",
        "total-before-block",
        "wrong-total",
        "wrong-single-day-count",
        "wrong-weekday",
        "no-such-date",
        "ends-before-start",
        "day-in-two-blocks",
        "workday-twice",
        "workday-inside-block",
    ],
)
def test_a_bad_item_is_refused_naming_its_line(body: str, code: str, line: int) -> None:
    with pytest.raises(RuleError) as err:
        parse_notice(TITLE + body)
    assert err.value.code == code
    assert err.value.params["line"] == line
    text = body.splitlines()[line - 2]
    assert err.value.params["text"] == text
    assert f"第 {line} 行" in err.value.message_zh and text in err.value.message_zh
    assert err.value.message_zh.startswith(f"第 {line} 行“{text}”：")
    assert err.value.message("en").startswith(f"Line {line} (“{text}”): ")


def test_the_year_must_be_known_and_agree_with_the_title() -> None:
    with pytest.raises(RuleError) as missing:
        parse_notice("一、元旦：1月1日放假。")
    assert missing.value.code == "calendar.notice_year_missing"
    with pytest.raises(RuleError) as mismatch:
        parse_notice(_notice(2025), year=2026)
    assert mismatch.value.code == "calendar.notice_year_mismatch"
    assert mismatch.value.params == {"year": 2026, "title_year": 2025}


def test_a_notice_without_any_holiday_is_refused() -> None:
    with pytest.raises(RuleError) as err:
        parse_notice(TITLE + "节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。")
    assert err.value.code == "calendar.notice_empty"
