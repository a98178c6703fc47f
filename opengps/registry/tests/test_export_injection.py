"""Issue 13: an organization named like a formula is exported as text, and imported back unchanged."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from opengps.core.exports import cell_text

pytestmark = pytest.mark.django_db

PAYLOAD = "=1+2+cmd|' /C calc'!A0"


def test_a_formula_like_name_is_text_in_the_public_export(make_org: Callable[..., Any]) -> None:
    # given an organization whose name is a formula
    make_org(name=PAYLOAD, address="-长沙市岳麓区", legal_representative="@张伟")
    # when the public downloads /registry/export.xlsx
    response = Client().get("/registry/export.xlsx")
    data = response.getvalue()
    # then no cell of the workbook is a formula
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(
            b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets
        )
    # and the name, address and representative are text with the leading apostrophe
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    row = {header[n]: cell for n, cell in enumerate(rows[0])}
    assert row["名称"].value == "'" + PAYLOAD and row["名称"].data_type == "s"
    assert row["住所"].value == "'-长沙市岳麓区"
    assert row["法定代表人"].value == "'@张伟"
    # while dates stay dates
    assert isinstance(row["成立登记日期"].value, datetime)


def test_the_import_reads_the_protected_cells_back(regions: None) -> None:
    assert cell_text("'" + PAYLOAD) == PAYLOAD
    assert cell_text("'-1") == "-1"
    assert cell_text("'plain") == "'plain"
