"""Spreadsheet cells that cannot turn into formulas (CSV/formula injection, OWASP).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run as a
formula by Excel, LibreOffice or WPS (``=1+2+cmd|' /C calc'!A0``). Every Excel and CSV export
passes its cells through `safe_cell`, which prefixes such text with an apostrophe so it stays
text; numbers, dates and booleans are left as they are (a negative number is a number, not a
formula). Imports pass cells through `restore_cell`, the exact inverse, so an exported workbook
re-imports unchanged: text that already starts with apostrophes before one of those characters
gets one more on export and loses one on import.
"""

from __future__ import annotations

from collections.abc import Iterable
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
