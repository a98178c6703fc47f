"""The formatted table of every Excel export: bold filled header, frozen header row, auto-filter,
widths from the content, money and date formats — streamed (`write_table`, write-only sheets such
as the registry export) or applied to a filled sheet (`format_table`, the catalogue export) — with
the formula neutralisation kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from opengps.core.exports import (
    DATE_FORMAT,
    HEADER_FILL,
    MONEY_FORMAT,
    display_width,
    format_table,
    write_table,
)

HEADER = ["名称", "金额（元）", "成立登记日期", "备注", "份数"]
ROWS: list[list[Any]] = [
    [
        "长沙市示例养老服务中心（一个很长的名称用来撑开列宽）",
        Decimal("6018000.00"),
        date(2018, 5, 20),
        "=1+2",
        3,
    ],
    ["岳麓区社工站", Decimal("12.5"), date(2020, 1, 2), "@SUM(A1)", 12],
]


def _streamed(header: Sequence[Any], rows: list[list[Any]]) -> Any:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    assert write_table(sheet, header, rows, money=[1]) == len(rows)
    buffer = BytesIO()
    book.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))["表"]


def _formatted(header: Sequence[Any], rows: list[list[Any]]) -> Any:
    from opengps.core.exports import safe_row

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "表"
    for row in [header, *rows]:
        sheet.append(safe_row(row))
    format_table(sheet, money=[1])
    buffer = BytesIO()
    book.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))["表"]


BUILDERS: dict[str, Callable[[Sequence[Any], list[list[Any]]], Any]] = {
    "write_table": _streamed,
    "format_table": _formatted,
}
pytestmark = pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())


def test_the_header_is_bold_on_a_fill(build: Callable[..., Any]) -> None:
    sheet = build(HEADER, ROWS)
    for cell in sheet[1]:
        assert cell.font.bold
        assert cell.fill.fill_type == "solid" and cell.fill.start_color.rgb.endswith(HEADER_FILL)
    # and the data rows are not
    assert not sheet["A2"].font.bold and sheet["A2"].fill.fill_type is None


def test_the_header_row_is_frozen(build: Callable[..., Any]) -> None:
    assert build(HEADER, ROWS).freeze_panes == "A2"


def test_the_filter_covers_the_header_and_every_row(build: Callable[..., Any]) -> None:
    assert build(HEADER, ROWS).auto_filter.ref == "A1:E3"
    assert build(HEADER, []).auto_filter.ref == "A1:E1"


def test_column_widths_follow_the_content_with_chinese_counted_double(build: Callable[..., Any]) -> None:
    sheet = build(HEADER, ROWS)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    # the long Chinese name is the widest, two units a character (26 characters → 52, plus a margin)
    assert widths["A"] == display_width(ROWS[0][0]) + 2 == 54
    # within a cap: a very long text does not make a column wider than a screen
    assert build(HEADER, [["很长" * 40, 1, None, "", 1]]).column_dimensions["A"].width == 60
    # money is as wide as its formatted text; a short column keeps room for its header
    assert widths["B"] == max(display_width("6,018,000.00"), display_width("金额（元）")) + 2
    assert widths["E"] == display_width("份数") + 2 == 6
    assert display_width("社工") == 4 and display_width("ab") == 2


def test_money_is_a_number_shown_with_grouping_and_two_decimals(build: Callable[..., Any]) -> None:
    sheet = build(HEADER, ROWS)
    assert sheet["B2"].value == 6018000 and sheet["B2"].number_format == MONEY_FORMAT == "#,##0.00"
    assert sheet["B3"].value == 12.5 and sheet["B3"].number_format == MONEY_FORMAT
    # a count is a plain number, not money
    assert sheet["E2"].value == 3 and sheet["E2"].number_format == "General"


def test_dates_stay_dates_shown_as_year_month_day(build: Callable[..., Any]) -> None:
    sheet = build(HEADER, ROWS)
    assert sheet["C2"].value == datetime(2018, 5, 20) and sheet["C2"].number_format == DATE_FORMAT
    assert sheet["C2"].is_date


def test_formula_neutralisation_is_kept(build: Callable[..., Any]) -> None:
    sheet = build(HEADER, ROWS)
    assert sheet["D2"].value == "'=1+2" and sheet["D2"].data_type == "s"
    assert sheet["D3"].value == "'@SUM(A1)"
