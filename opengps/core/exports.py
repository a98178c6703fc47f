"""Spreadsheet cells that cannot turn into formulas (CSV/formula injection, OWASP), and the one
formatted-table layout of every Excel export.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run as a
formula by Excel, LibreOffice or WPS (``=1+2+cmd|' /C calc'!A0``). Every Excel and CSV export
passes its cells through `safe_cell`, which prefixes such text with an apostrophe so it stays
text; numbers, dates and booleans are left as they are (a negative number is a number, not a
formula). Imports pass cells through `restore_cell`, the exact inverse, so an exported workbook
re-imports unchanged: text that already starts with apostrophes before one of those characters
gets one more on export and loses one on import.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _quoted_trigger(text: str) -> bool:
    """Text whose first character after any leading apostrophes is a formula trigger."""
    return text.lstrip(QUOTE).startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet cell that is never a formula; non-text values are unchanged."""
    if isinstance(value, str) and _quoted_trigger(value):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """`safe_cell` over a row."""
    return [safe_cell(value) for value in values]


def restore_cell(value: Any) -> Any:
    """The inverse of `safe_cell` for an imported cell: drops the apostrophe it added."""
    if isinstance(value, str) and value.startswith(QUOTE) and _quoted_trigger(value[1:]):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """An imported cell read as text: "" for an empty cell, a whole float without its ".0", a date-time
    as its ISO date, any other value stripped; a cell our export protected (`safe_cell`) is restored."""
    value = restore_cell(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


# ---- formatted tables -----------------------------------------------------------------------------
# Every Excel export is a table: a bold header on a fill, frozen so it stays while scrolling, an
# auto-filter over the data, column widths from the content, money as #,##0.00 and dates as
# yyyy-mm-dd (numbers and dates stay numbers and dates, so they sort and sum). `write_table` streams
# into a write-only worksheet (constant memory: widths come from the header and the first `sample`
# rows, since a write-only sheet fixes its columns before its first row); `format_table` formats a
# normal worksheet already filled.

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "DDE6F0"
MIN_WIDTH, MAX_WIDTH = 6, 60


def _header_style() -> tuple[Any, Any, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return (
        Font(bold=True),
        PatternFill(fill_type="solid", start_color=HEADER_FILL, end_color=HEADER_FILL),
        Alignment(vertical="center"),
    )


def display_width(value: Any) -> int:
    """The width a cell's text takes in Excel's character units: CJK and full-width characters
    count two, as they render twice as wide as Latin ones."""
    if value is None:
        return 0
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = f"{value:,.2f}" if isinstance(value, Decimal | float) else f"{value:,}"
    elif isinstance(value, datetime):
        text = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        text = DATE_FORMAT
    else:
        text = str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in longest)


def column_widths(rows: Iterable[Sequence[Any]]) -> list[float]:
    """Each column's width from its widest cell (header included), with a margin, within bounds."""
    widest: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index == len(widest):
                widest.append(0)
            widest[index] = max(widest[index], display_width(value))
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, width + 2))) for width in widest]


def _number_format(value: Any, index: int, money: set[int]) -> str | None:
    if isinstance(value, datetime):
        return DATE_FORMAT + " hh:mm"
    if isinstance(value, date):
        return DATE_FORMAT
    if index in money and isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return MONEY_FORMAT
    return None


def _finish(sheet: Any, columns: int, rows: int, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def write_table(
    sheet: Any,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    money: Iterable[int] = (),
    sample: int = 500,
) -> int:
    """Stream a formatted table into a write-only worksheet; returns the number of data rows.

    `money` holds the 0-based indexes of the money columns; dates are recognised by type. Every
    cell passes through `safe_cell`.
    """
    from openpyxl.cell import WriteOnlyCell

    money_columns = set(money)
    iterator = iter(rows)
    first = [safe_row(row) for row in itertools.islice(iterator, sample)]
    header_row = safe_row(header)
    _finish(sheet, len(header_row), 0, column_widths([header_row, *first]))
    bold, fill, align = _header_style()
    cells = []
    for value in header_row:
        cell = WriteOnlyCell(sheet, value)
        cell.font, cell.fill, cell.alignment = bold, fill, align
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in itertools.chain(first, (safe_row(row) for row in iterator)):
        out: list[Any] = []
        for index, value in enumerate(row):
            number_format = _number_format(value, index, money_columns)
            if number_format is None:
                out.append(value)
                continue
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = number_format
            out.append(cell)
        sheet.append(out)
        count += 1
    sheet.auto_filter.ref = f"A1:{_last_cell(len(header_row), count)}"
    return count


def _last_cell(columns: int, rows: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(max(columns, 1))}{rows + 1}"


def format_table(sheet: Any, *, money: Iterable[int] = ()) -> None:
    """Format a filled normal worksheet whose first row is the header, like `write_table`."""
    money_columns = set(money)
    bold, fill, align = _header_style()
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    for cell in sheet[1] if sheet.max_row else ():
        cell.font, cell.fill, cell.alignment = bold, fill, align
    for row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row):
            number_format = _number_format(cell.value, index, money_columns)
            if number_format is not None:
                cell.number_format = number_format
    _finish(sheet, sheet.max_column if values else 0, max(len(values) - 1, 0), column_widths(values))
