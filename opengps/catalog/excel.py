"""The guidance catalogue as an Excel workbook (openpyxl): export, and parse for import.

Three sheets: 版本 (metadata), 目录 (one row per entry, in order) and 参考价格. Exporting a
version and importing the file gives the same content (tested), so officials can edit offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from opengps.catalog.content import CatalogueContent, ItemRow, PriceRow, catalog_content, yuan
from opengps.catalog.errors import Code
from opengps.catalog.models import CatalogVersion, ItemKind
from opengps.core.errors import ServiceError
from opengps.core.exports import cell_text, format_table, safe_row

FORMAT = "opengps.catalog/2"
"""Version 2 appended 服务计量单位 and 停用 to 目录 and 执行年度 to 参考价格; version 1 still imports."""
META_SHEET, ITEM_SHEET, PRICE_SHEET = "版本", "目录", "参考价格"
ITEM_HEADER = ("编码", "名称", "层级", "上级编码", "类别", "说明", "依据", "服务计量单位", "停用")
PRICE_HEADER = ("事项编码", "事项名称", "计量单位", "参考价格（元）", "说明", "执行年度")
RETIRED_MARK = "是"
KIND_LABELS = {ItemKind.ITEM.value: "目录事项", ItemKind.NEGATIVE.value: "负面清单"}
KIND_CODES = {label: code for code, label in KIND_LABELS.items()} | {code: code for code in KIND_LABELS}


def export_xlsx(version: CatalogVersion) -> bytes:
    """The version as an .xlsx file."""
    content = catalog_content(version)
    names = {row.code: row.name for row in content.items}
    book = Workbook()
    meta = book.active
    assert meta is not None
    meta.title = META_SHEET
    metadata: tuple[tuple[str, object], ...] = (
        ("格式", FORMAT),
        ("年度", version.year),
        ("修订版次", version.revision),
        ("名称", version.title),
        ("发布机关", version.issuer),
        ("文号", version.document_number),
        ("状态", version.get_status_display()),
    )
    _fill(meta, metadata)
    items = _fill(
        book.create_sheet(ITEM_SHEET),
        [ITEM_HEADER],
        (
            [
                row.code,
                row.name,
                row.level,
                row.parent_code,
                KIND_LABELS[row.kind],
                row.description,
                row.citation,
                row.unit_of_service,
                RETIRED_MARK if row.retired else "",
            ]
            for row in content.items
        ),
    )
    prices = _fill(
        book.create_sheet(PRICE_SHEET),
        [PRICE_HEADER],
        (
            [
                price.item_code,
                names.get(price.item_code, ""),
                price.unit_of_measure,
                price.price,
                price.note,
                price.effective_year,
            ]
            for price in content.prices
        ),
    )
    format_table(items)
    format_table(prices, money=[PRICE_HEADER.index("参考价格（元）")])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(sheet: Worksheet, *parts: Iterable[Sequence[object]]) -> Worksheet:
    """Append the rows of `parts` (a header, then the data) to `sheet`, every cell never a formula."""
    for rows in parts:
        for row in rows:
            sheet.append(safe_row(row))
    return sheet


def parse_xlsx(data: bytes) -> tuple[dict[str, str], CatalogueContent]:
    """Metadata and content of a workbook; ServiceError ``catalog.workbook_invalid`` naming the row."""
    if len(data) > settings.OPENGPS_MAX_WORKBOOK_BYTES:
        raise ServiceError(Code.CATALOG_WORKBOOK_TOO_LARGE, field="file")
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise ServiceError(Code.CATALOG_WORKBOOK_INVALID, field="file") from None
    for sheet in (META_SHEET, ITEM_SHEET, PRICE_SHEET):
        if sheet not in book.sheetnames:
            raise ServiceError(
                Code.CATALOG_WORKBOOK_INVALID,
                _("缺少工作表“%(sheet)s”"),
                field="file",
                params={"sheet": sheet},
            )
    meta = {
        cell_text(r[0]): cell_text(r[1])
        for r in book[META_SHEET].iter_rows(values_only=True)
        if len(r) > 1 and r[0]
    }
    items: list[ItemRow] = []
    for number, row in enumerate(book[ITEM_SHEET].iter_rows(min_row=2, values_only=True), 2):
        cells = [cell_text(v) for v in (*row, *([None] * 9))[:9]]
        if not any(cells):
            continue
        code, name, level, parent, kind, description, citation, unit_of_service, retired = cells
        if not level.isdecimal() or kind not in KIND_CODES or retired not in ("", RETIRED_MARK):
            raise ServiceError(
                Code.CATALOG_WORKBOOK_INVALID,
                _("“目录”第%(row)d行的层级或类别无效") % {"row": number},
                field="file",
                params={"row": number},
            )
        items.append(
            ItemRow(
                code,
                name,
                int(level),
                parent,
                KIND_CODES[kind],
                description,
                citation,
                unit_of_service,
                retired == RETIRED_MARK,
            )
        )
    prices: list[PriceRow] = []
    for number, row in enumerate(book[PRICE_SHEET].iter_rows(min_row=2, values_only=True), 2):
        price_cells: list[Any] = list((*row, *([None] * 6))[:6])
        if not any(c not in (None, "") for c in price_cells):
            continue
        year = cell_text(price_cells[5])
        try:
            amount = yuan(Decimal(str(price_cells[3])))
            if year and not year.isdecimal():
                raise ServiceError(Code.CATALOG_WORKBOOK_INVALID, "")
        except (InvalidOperation, ServiceError):
            raise ServiceError(
                Code.CATALOG_WORKBOOK_INVALID,
                _("“参考价格”第%(row)d行的价格或执行年度无效") % {"row": number},
                field="file",
                params={"row": number},
            ) from None
        prices.append(
            PriceRow(
                cell_text(price_cells[0]),
                cell_text(price_cells[2]),
                amount,
                cell_text(price_cells[4]),
                int(year) if year else 0,
            )
        )
    book.close()
    return meta, CatalogueContent(tuple(items), tuple(prices))
