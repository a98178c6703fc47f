"""Import of the monitoring contractor's files (issue 21 §1: CSV, Excel or JSON with title, source, url,
time and text) into an import source, through the batch ingest (`services.items_collect`): the same
deduplication, matching, tone, alerts and audit events as a fetched feed.

Columns are found by their header, Chinese or English (标题/title, 来源/source, 链接/url, 时间/time,
正文/text); a row without a title is refused and counted, the others collected. The source named in
a row (the news site) is kept in front of the text, since the item's source is the import itself."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.core.errors import ServiceError
from opengps.opinion import services
from opengps.opinion.errors import Code
from opengps.opinion.models import Source, SourceKind

MAX_ROWS = 50_000
"""Rows read from one file (a day of monitoring is a few thousand)."""
HEADERS = {
    "title": ("标题", "title"),
    "source": ("来源", "媒体", "source"),
    "url": ("链接", "网址", "原文地址", "url", "link"),
    "time": ("时间", "发布时间", "time", "published_at", "published"),
    "text": ("正文", "内容", "摘要", "text", "content", "summary"),
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")


def _column(header: str) -> str | None:
    key = (header or "").strip().lower()
    for name, words in HEADERS.items():
        if key in words:
            return name
    return None


def moment_of(value: Any) -> datetime | None:
    """A cell's time: a spreadsheet's datetime, ISO 8601 or one of `TIME_FORMATS`, in Beijing time when
    it names no zone; None when blank or unreadable."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)  # naive: made aware below
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _fields(row: dict[Any, Any]) -> dict[str, Any]:
    return {column: value for key, value in row.items() if (column := _column(str(key)))}


def incoming_of(fields: dict[str, Any]) -> services.Incoming:
    """One item from a row's cells by column (the outlet, when given, leads the text in 【】)."""
    text = str(fields.get("text") or "").strip()
    outlet = str(fields.get("source") or "").strip()
    return services.Incoming(
        title=str(fields.get("title") or ""),
        text=f"【{outlet}】{text}" if outlet else text,
        url=str(fields.get("url") or ""),
        published_at=moment_of(fields.get("time")),
    )


def read_rows(name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a contractor's file by its extension, each with its number as the user counts it
    (CSV and Excel: the line of the sheet, the header being 1; JSON: the object's place, from 1) and
    its cells by column (`HEADERS`): .csv (UTF-8, with or without BOM, or GB18030), .xlsx (the first
    sheet, blank rows skipped) or .json (a list of objects, or {"items": [...]})."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    numbered: Iterable[tuple[int, dict[Any, Any]]]
    try:
        if suffix == "csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            numbered = enumerate(csv.DictReader(io.StringIO(text)), start=2)
        elif suffix == "json":
            loaded = json.loads(data.decode("utf-8-sig"))
            rows = loaded.get("items", []) if isinstance(loaded, dict) else loaded
            if not isinstance(rows, list):
                raise ValueError("not a list")
            numbered = ((n, row if isinstance(row, dict) else {}) for n, row in enumerate(rows, start=1))
        elif suffix == "xlsx":
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            values = sheet.iter_rows(values_only=True)
            headers = [str(cell or "") for cell in next(values, ())]
            numbered = (
                (n, dict(zip(headers, row, strict=False)))
                for n, row in enumerate(values, start=2)
                if any(cell not in (None, "") for cell in row)
            )
        else:
            raise ServiceError(Code.OPINION_FILE_INVALID, field="file")
        made: list[tuple[int, dict[str, Any]]] = []
        for number, row in numbered:
            made.append((number, _fields(row)))
            if len(made) >= MAX_ROWS:
                break
        return made
    except (ValueError, KeyError, OSError, csv.Error, zipfile.BadZipFile) as exc:
        raise ServiceError(Code.OPINION_FILE_INVALID, field="file") from exc


def parse(name: str, data: bytes) -> list[services.Incoming]:
    """The items of a contractor's file (`read_rows`), in order."""
    return [incoming_of(fields) for _number, fields in read_rows(name, data)]


def items_import(*, actor: Actor, source: Source, name: str, data: bytes) -> services.Collected:
    """Collect the items of a contractor's file (`parse`) into `source`, an import source, by the
    batch ingest. Who configures the monitoring may import."""
    require_role(actor, *services.MANAGERS)
    if source.kind != SourceKind.IMPORT:
        raise ServiceError(Code.OPINION_KIND_INVALID, field="source")
    return services.items_collect(actor=actor, source=source, incoming=parse(name, data))
