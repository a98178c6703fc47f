"""Spreadsheet cells never become formulas (OWASP CSV injection), and imports undo the protection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.core.exports import restore_cell, safe_cell, safe_row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2+cmd|' /C calc'!A0", "'=1+2+cmd|' /C calc'!A0"),
        ("+8613800000000", "'+8613800000000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already quoted by hand: one more, so the import gives it back unchanged
        ("长沙市养老服务中心", "长沙市养老服务中心"),
        ("a=b", "a=b"),
        ("'plain", "'plain"),
        ("", ""),
        (None, None),
        (-5, -5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (3.5, 3.5),
        (True, True),
        (date(2026, 1, 1), date(2026, 1, 1)),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written
    assert type(safe_cell(value)) is type(value)
    # and the import gives back exactly what was exported
    assert restore_cell(safe_cell(value)) == value


@pytest.mark.parametrize("typed", ["'plain", "'", "''", "名称", "'名称"])
def test_restore_leaves_cells_our_export_never_writes(typed: str) -> None:
    assert restore_cell(typed) == typed


def test_safe_row() -> None:
    assert safe_row(("=A1", 1, "x")) == ["'=A1", 1, "x"]
