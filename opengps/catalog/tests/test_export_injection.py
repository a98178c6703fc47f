"""Issue 13: catalogue cells that look like formulas are exported as text and re-import unchanged."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

import pytest

from opengps.catalog.excel import export_xlsx
from opengps.catalog.models import CatalogVersion
from opengps.catalog.services import (
    catalog_content,
    catalog_import_xlsx,
    catalog_item_update,
    catalog_version_create,
)

pytestmark = pytest.mark.django_db


def test_formula_like_text_survives_the_excel_round_trip_as_text(
    finance: Any, small_catalogue: CatalogVersion
) -> None:
    # given a draft whose texts start like formulas
    draft = catalog_version_create(actor=finance, year=2026, title="=修订稿", based_on=small_catalogue)
    item = draft.items.get(code="A0401")
    catalog_item_update(
        actor=finance, item=item, description='=HYPERLINK("http://x")', citation="-《政府购买服务管理办法》"
    )
    original = catalog_content(draft)
    # when exported
    data = export_xlsx(draft)
    # then the workbook holds no formula
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert not any(
            b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )
    # and importing it gives back exactly the same content and title
    imported, changed = catalog_import_xlsx(actor=finance, data=data)
    assert changed and catalog_content(imported) == original
    assert imported.title == "=修订稿"
