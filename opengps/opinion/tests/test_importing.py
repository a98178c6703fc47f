"""The monitoring contractor's files (CSV, Excel, JSON) are read by their headers, Chinese or English,
and collected into an import source through the batch ingest: duplicates folded, rows without a
title refused and counted, an unreadable file refused with a code; only the monitoring's managers
import, and only into an import source."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook

from opengps.accounts.models import User
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.demo.world import Organizations, Users
from opengps.opinion import importing, services
from opengps.opinion.models import Item, Match, Source

ROWS = [
    {
        "标题": "{name}开展敬老活动",
        "来源": "长沙晚报",
        "链接": "https://a.example.cn/1",
        "时间": "2027-03-01 09:30",
        "正文": "{name}组织志愿者走进社区，为独居老人提供上门服务，获得居民好评。",
    },
    {"标题": "重复链接", "来源": "红网", "链接": "https://a.example.cn/1", "时间": "", "正文": "转载"},
    {"标题": "", "来源": "红网", "链接": "https://a.example.cn/3", "时间": "", "正文": "无标题的一行"},
]


def _rows(name: str) -> list[dict[str, str]]:
    return [{key: value.format(name=name) for key, value in row.items()} for row in ROWS]


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _json(rows: list[dict[str, str]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def contractor(registrar: User) -> Source:
    return services.source_create(actor=registrar, name="监测机构日报", kind="import")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_contractors_file_is_collected(
    kind: str, registrar: User, make_org: Organizations, contractor: Source, now: datetime
) -> None:
    # given: a file of three rows about a registered organization (one repeat, one without a title)
    org = make_org()
    rows = _rows(org.name)
    data = {"csv": _csv, "xlsx": _xlsx, "json": _json}[kind](rows)
    # when
    collected = importing.items_import(actor=registrar, source=contractor, name=f"日报.{kind}", data=data)
    # then: one item, matched, the outlet kept in its text, its time read; one repeat, one refused
    assert (len(collected.new), collected.duplicates, collected.refused) == (1, 1, 1)
    item = Item.objects.get()
    assert item.source == contractor and item.url == "https://a.example.cn/1"
    assert item.text.startswith("【长沙晚报】") and item.published_at is not None
    assert timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M") == "2027-03-01 09:30"
    assert Match.objects.get(item=item).organization == org
    assert item.duplicate_count == 1


def test_english_headers_and_an_items_object(registrar: User, contractor: Source, now: datetime) -> None:
    data = json.dumps(
        {
            "items": [
                {"title": "社区活动", "url": "https://b.example.cn/1", "text": "社区组织居民开展读书活动。"}
            ]
        },
        ensure_ascii=False,
    ).encode()
    collected = importing.items_import(actor=registrar, source=contractor, name="daily.JSON", data=data)
    assert len(collected.new) == 1 and Item.objects.get().title == "社区活动"


def test_unreadable_files_and_wrong_sources_are_refused(
    registrar: User, contractor: Source, make_user: Users, now: datetime
) -> None:
    with pytest.raises(ServiceError) as bad:
        importing.items_import(actor=registrar, source=contractor, name="日报.json", data=b"{not json")
    assert bad.value.code == "opinion.file_invalid"
    with pytest.raises(ServiceError) as other:
        importing.items_import(actor=registrar, source=contractor, name="日报.docx", data=b"PK")
    assert other.value.code == "opinion.file_invalid"
    manual = services.source_create(actor=registrar, name="人工录入", kind="manual")
    with pytest.raises(ServiceError) as kind:
        importing.items_import(actor=registrar, source=manual, name="日报.csv", data=_csv(_rows("某组织")))
    assert kind.value.code == "opinion.kind_invalid"
    with pytest.raises(PermissionDenied):
        importing.items_import(
            actor=make_user("auditor", unit="audit"), source=contractor, name="日报.csv", data=b""
        )
    assert Item.objects.count() == 0
