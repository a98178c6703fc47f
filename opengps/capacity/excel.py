"""Capacity workbooks (.xlsx, openpyxl): the columns of the three imports (stations, social workers,
monthly service logs) and reading their rows, and the exports of the coverage table and the station
list as formatted tables whose text cells never turn into formulas (`opengps.core.exports`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from opengps.capacity.errors import Code
from opengps.capacity.models import CertificateLevel, Station
from opengps.core.errors import ServiceError
from opengps.core.exports import cell_text, write_table
from opengps.rules.capacity import Coverage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
"""Rows one import takes (a county's stations, workers or a year of logs fit many times over)."""
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m", *DATE_FORMATS)


@dataclass(frozen=True)
class Column:
    """One column of an import: its Chinese header (the workbook is Chinese whatever the page
    language), the service argument it feeds and whether a row must fill it."""

    header: str
    field: str
    required: bool = False


STATION_COLUMNS = (
    Column("乡镇（街道）区划代码", "township", True),
    Column("站点名称", "name", True),
    Column("运营机构统一社会信用代码", "operator", True),
    Column("建成开放日期", "opened_on", True),
    Column("购买服务合同编号", "contract"),
    Column("资助协议编号", "grant"),
    Column("每年金额（元）", "annual_amount"),
    Column("地址", "address"),
    Column("开放时间", "opening_hours"),
    Column("联系电话", "phone"),
)
WORKER_COLUMNS = (
    Column("姓名", "name", True),
    Column("身份证号", "id_number", True),
    Column("登记县市区代码", "region", True),
    Column("职业资格等级", "level"),
    Column("证书编号", "certificate_no"),
    Column("取得年度", "certified_year"),
    Column("所在社会组织统一社会信用代码", "employer"),
)
LOG_COLUMNS = (
    Column("乡镇（街道）区划代码", "township", True),
    Column("月份", "month", True),
    Column("养老服务（人次）", "elderly"),
    Column("儿童关爱（人次）", "children"),
    Column("社会救助（人次）", "assistance"),
    Column("社区建设（人次）", "community"),
    Column("其他（人次）", "other"),
    Column("服务人数", "people_served"),
)
KINDS: dict[str, tuple[Column, ...]] = {
    "stations": STATION_COLUMNS,
    "workers": WORKER_COLUMNS,
    "logs": LOG_COLUMNS,
}
"""Each import by its name in the URL and the API."""
KIND_LABELS = {
    "stations": _("社会工作服务站"),
    "workers": _("社会工作者"),
    "logs": _("月度服务台账"),
}
COUNT_FIELDS = ("elderly", "children", "assistance", "community", "other", "people_served")


def header_of(kind: str, field: str | None) -> str:
    """The column header of `field` in the import `kind` ("" when the field is no column)."""
    return next((column.header for column in KINDS[kind] if column.field == field), "")


def levels() -> dict[str, str]:
    """The qualification levels by code and by Chinese label; an empty cell is no qualification."""
    with override("zh-hans"):
        mapping = {str(label): value for value, label in CertificateLevel.choices}
    return {"": CertificateLevel.NONE, **{value: value for value in CertificateLevel.values}, **mapping}


@dataclass(frozen=True)
class Sheet:
    """The rows of an import's first worksheet by spreadsheet row number (the header is row 1), each
    a mapping of field to raw cell value; blank rows are skipped."""

    rows: list[tuple[int, dict[str, Any]]]


def read(content: bytes, kind: str) -> Sheet:
    """The data rows of workbook `content` for import `kind`, found by their headers (any order,
    extra columns ignored). ServiceError when the file is no workbook, a column is missing, there
    is no row or more than `MAX_ROWS`."""
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError):
        raise ServiceError(Code.CAPACITY_IMPORT_FILE_TYPE, field="file") from None
    try:
        lines: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(value) for value in next(lines, ())]
        index = {
            column.field: header.index(column.header) for column in KINDS[kind] if column.header in header
        }
        missing = [column.header for column in KINDS[kind] if column.field not in index]
        if missing:
            raise ServiceError(
                Code.CAPACITY_IMPORT_HEADER_INVALID, field="file", params={"missing": "、".join(missing)}
            )
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(lines, start=2):
            if not any(cell_text(value) for value in values):
                continue
            if len(rows) == MAX_ROWS:
                raise ServiceError(
                    Code.CAPACITY_IMPORT_TOO_MANY_ROWS, field="file", params={"limit": MAX_ROWS}
                )
            rows.append(
                (number, {field: values[at] if at < len(values) else None for field, at in index.items()})
            )
    finally:
        book.close()
    if not rows:
        raise ServiceError(Code.CAPACITY_IMPORT_NO_ROWS, field="file")
    return Sheet(rows)


# --- cells ---------------------------------------------------------------------------------------


def parse_date(
    value: Any, formats: tuple[str, ...] = DATE_FORMATS, code: Code = Code.CAPACITY_DATE_INVALID
) -> date:
    """A date cell (a spreadsheet date, or text in one of `formats`); ServiceError `code`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ServiceError(code)


def parse_month(value: Any) -> date:
    """A month cell: its first day (``2026-01``, ``2026年1月`` or any day of the month)."""
    return parse_date(value, MONTH_FORMATS, Code.CAPACITY_MONTH_INVALID).replace(day=1)


def parse_count(value: Any) -> int:
    """A count cell: a whole number (blank is 0; the service refuses a negative one)."""
    text = cell_text(value)
    if not text:
        return 0
    if not text.lstrip("-").isdigit():
        raise ServiceError(Code.CAPACITY_COUNT_INVALID)
    return int(text)


def parse_year(value: Any) -> int | None:
    """A year cell: four digits, or None when blank."""
    text = cell_text(value)
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise ServiceError(Code.CAPACITY_YEAR_INVALID)
    return int(text)


# --- exports -------------------------------------------------------------------------------------


def _book(title: str, header: list[str], rows: Iterable[list[Any]], money: Iterable[int] = ()) -> bytes:
    book = Workbook(write_only=True)
    write_table(book.create_sheet(title), header, rows, money=money)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _share(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def coverage_xlsx(
    rows: Iterable[tuple[str, str, Coverage]], total: Coverage, points: Mapping[str, int] | None = None
) -> bytes:
    """The coverage table: one row per county (code, name, figures), then the area's total; the
    last column the service points (社工室) serving, by county code ("" the total)."""
    served = points or {}
    header = [
        _g("区划代码"),
        _g("县市区"),
        _g("乡镇（街道）数"),
        _g("有运营站点"),
        _g("站点覆盖率（%）"),
        _g("有驻站社工"),
        _g("驻站社工"),
        _g("持证社工"),
        _g("持证比例（%）"),
        _g("未覆盖"),
        _g("社工室"),
    ]

    def line(code: str, name: str, figures: Coverage) -> list[Any]:
        return [
            code,
            name,
            figures.townships,
            figures.with_station,
            _share(figures.station_share),
            figures.staffed,
            figures.workers,
            figures.certified,
            _share(figures.certified_share),
            figures.gaps,
            served.get(code, 0),
        ]

    lines = [line(code, name, figures) for code, name, figures in rows]
    return _book(_g("社工站覆盖"), header, [*lines, line("", _g("合计"), total)])


def stations_xlsx(stations: Iterable[Station]) -> bytes:
    """The station list (as the import reads it, plus status and today's workers): township code,
    name, operator, funding with its yearly amount, dates, contact."""
    header = [
        _g("站点编号"),
        _g("乡镇（街道）区划代码"),
        _g("乡镇（街道）"),
        _g("县市区"),
        _g("站点名称"),
        _g("运营机构"),
        _g("运营机构统一社会信用代码"),
        _g("购买服务合同编号"),
        _g("资助协议编号"),
        _g("每年金额（元）"),
        _g("建成开放日期"),
        _g("撤销日期"),
        _g("状态"),
        _g("驻站社工"),
        _g("地址"),
        _g("开放时间"),
        _g("联系电话"),
    ]
    rows = (
        [
            station.pk,
            station.township_id,
            station.township.name,
            station.township.county.name,
            station.name,
            station.operator.name,
            station.operator.uscc,
            station.contract.reference if station.contract else "",
            station.grant.number if station.grant else "",
            station.annual_amount if station.annual_amount is not None else "",
            station.opened_on,
            station.closed_on or "",
            str(station.get_status_display()),
            getattr(station, "workers", 0),
            station.address,
            station.opening_hours,
            station.phone,
        ]
        for station in stations
    )
    return _book(_g("社会工作服务站"), header, rows, money=[9])


def template_xlsx(kind: str) -> bytes:
    """An empty import workbook of `kind`: the header row only."""
    return _book(str(KIND_LABELS[kind]), [column.header for column in KINDS[kind]], [])
