"""The contractor's file uploaded through the desk's import page and `POST /api/v1/opinion/imports`
(issue 21 §1): a CSV, a workbook and a JSON file stored with their repeats counted and audited; a file
with bad rows refused whole with every bad row (number, column, reason) reported, nothing written; a
file too large or of another kind refused with a clear 400; the manual entry of one item; other roles
refused (403) before any file is read. Times are derived from the pinned clock."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from opengps.accounts.models import User
from opengps.core.models import AuditEvent
from opengps.demo.world import Organizations, Users
from opengps.opinion.models import Item, Source

IMPORT_URL = "/opinion/import/"
API_URL = "/api/v1/opinion/imports"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(name: str, when: datetime) -> list[dict[str, str]]:
    stamp = timezone.localtime(when - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    return [
        {
            "标题": f"{name}开展敬老活动",
            "来源": "长沙晚报",
            "链接": "https://a.example.cn/1",
            "时间": stamp,
            "正文": f"{name}组织志愿者走进社区，为独居老人提供上门服务，获得居民好评。",
        },
        {"标题": "重复链接", "来源": "红网", "链接": "https://a.example.cn/1", "时间": "", "正文": "转载"},
        {
            "标题": "社区读书会",
            "来源": "红网",
            "链接": "https://a.example.cn/2",
            "时间": stamp,
            "正文": "读书",
        },
    ]


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


MAKERS = {"csv": _csv, "xlsx": _xlsx, "json": _json}


def _imports(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since, action="opinion_file.imported"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_file_through_the_page(kind: str, registrar: User, make_org: Organizations, now: datetime) -> None:
    # given: three rows, the second repeating the first's link
    org = make_org()
    client = _client(registrar)
    desk = client.get("/opinion/").content.decode()
    assert IMPORT_URL in desk and "导入监测机构文件" in desk
    assert client.get(IMPORT_URL).status_code == 200
    since = _last_seq()
    upload = SimpleUploadedFile(f"日报.{kind}", MAKERS[kind](_rows(org.name, now)))
    # when
    answer = client.post(IMPORT_URL, {"file": upload})
    # then: the result page with the counts; two items stored in the default import source
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "导入结果" in page and "读取行数" in page and "重复（未另存）" in page
    assert Item.objects.count() == 2
    item = Item.objects.get(url="https://a.example.cn/1")
    assert item.source.name == "监测机构文件" and item.source.kind == "import"
    assert item.text.startswith("【长沙晚报】") and item.published_at == (now - timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    (event,) = _imports(since)
    assert (
        event.new_values["rows"] == 3
        and event.new_values["stored"] == 2
        and event.new_values["duplicates"] == 1
    )
    assert AuditEvent.objects.filter(seq__gt=since, action="opinion_item.collected").count() == 2


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_file_through_the_api(kind: str, registrar: User, now: datetime) -> None:
    client = _client(registrar)
    since = _last_seq()
    upload = SimpleUploadedFile(f"daily.{kind}", MAKERS[kind](_rows("某社区服务中心", now)))
    answer = client.post(API_URL, {"file": upload})
    assert answer.status_code == 201, answer.content
    assert answer.json() == {
        "file": f"daily.{kind}",
        "source": "监测机构文件",
        "rows": 3,
        "stored": 2,
        "duplicates": 1,
        "alerts": 0,
    }
    assert len(_imports(since)) == 1
    # the same file again: every row a repeat, nothing new
    again = client.post(
        API_URL, {"file": SimpleUploadedFile("daily.csv", _csv(_rows("某社区服务中心", now)))}
    )
    assert again.status_code == 201 and (again.json()["stored"], again.json()["duplicates"]) == (0, 3)
    assert Item.objects.count() == 2


def test_a_named_import_source_and_an_unknown_one(registrar: User, now: datetime) -> None:
    from opengps.opinion import services

    daily = services.source_create(actor=registrar, name="监测机构日报", kind="import")
    manual = services.source_create(actor=registrar, name="人工", kind="manual")
    client = _client(registrar)
    data = _csv(_rows("某组织", now))
    named = client.post(API_URL, {"file": SimpleUploadedFile("d.csv", data), "source": daily.pk})
    assert named.status_code == 201 and named.json()["source"] == "监测机构日报"
    wrong = client.post(API_URL, {"file": SimpleUploadedFile("d.csv", data), "source": manual.pk})
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "opinion.source_not_found"
    page = client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.csv", data), "source": manual.pk})
    assert page.status_code == 400 and Source.objects.filter(name="监测机构文件").count() == 0


BAD = [
    {"标题": "好的一行", "链接": "https://c.example.cn/1", "时间": "", "正文": "x"},
    {"标题": "", "链接": "https://c.example.cn/2", "时间": "", "正文": "无标题"},
    {"标题": "链接有误", "链接": "ftp://c.example.cn/3", "时间": "", "正文": "x"},
    {"标题": "时间有误", "链接": "", "时间": "上周三", "正文": "x"},
    {"标题": "", "链接": "c.example.cn/5", "时间": "", "正文": "两处有误"},
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_bad_rows_are_all_reported_and_nothing_is_written(kind: str, registrar: User, now: datetime) -> None:
    client = _client(registrar)
    since = _last_seq()
    first = 2 if kind in ("csv", "xlsx") else 1  # the sheet's line (header = 1) or the object's place
    expected = [
        (first + 1, "标题", "opinion.title_required"),
        (first + 2, "链接", "opinion.url_invalid"),
        (first + 3, "时间", "opinion.time_invalid"),
        (first + 4, "标题", "opinion.title_required"),
        (first + 4, "链接", "opinion.url_invalid"),
    ]
    answer = client.post(API_URL, {"file": SimpleUploadedFile(f"bad.{kind}", MAKERS[kind](BAD))})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "opinion.rows_invalid" and error["params"]["count"] == 4
    assert [(e["row"], e["column"], e["code"]) for e in error["params"]["errors"]] == expected
    assert all(e["message"] and "opinion." not in e["message"] for e in error["params"]["errors"])
    # the page: every bad row with its number and reason beside it
    page = client.post(IMPORT_URL, {"file": SimpleUploadedFile(f"bad.{kind}", MAKERS[kind](BAD))})
    assert page.status_code == 400
    text = page.content.decode()
    assert "有误的行（未导入任何数据）" in text and "请填写标题" in text and "无法识别的时间" in text
    for row, _column, _code in expected:
        assert f">{row}<" in text
    assert "opinion.rows_invalid" not in text
    assert Item.objects.count() == 0 and not _imports(since) and not Source.objects.exists()


def test_too_large_empty_and_wrong_kinds_are_refused(
    registrar: User, now: datetime, settings: object
) -> None:
    client = _client(registrar)
    data = _csv(_rows("某组织", now))
    settings.OPENGPS_MAX_WORKBOOK_BYTES = len(data) - 1  # type: ignore[attr-defined]
    large = client.post(API_URL, {"file": SimpleUploadedFile("d.csv", data)})
    assert large.status_code == 400 and large.json()["error"]["code"] == "opinion.file_too_large"
    assert "超过大小上限" in large.json()["error"]["message"]
    page = client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.csv", data)})
    assert page.status_code == 400 and "超过大小上限" in page.content.decode()
    settings.OPENGPS_MAX_WORKBOOK_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    cases = [
        ("d.pdf", b"%PDF-1.7 ...", "opinion.file_type"),
        ("d.csv", b"%PDF-1.7 ...", "opinion.file_type"),  # a PDF named .csv
        ("d.xlsx", data, "opinion.file_type"),  # text named .xlsx
        ("d.json", b"{not json", "opinion.file_invalid"),
        ("d.csv", "标题,链接\n".encode(), "opinion.file_invalid"),  # a header and no row
    ]
    for name, content, code in cases:
        answer = client.post(API_URL, {"file": SimpleUploadedFile(name, content)})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == code, (name, answer.content)
        assert answer.json()["error"]["message"]
    wrong = client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.pdf", b"%PDF-1.7")})
    assert wrong.status_code == 400 and "不是 CSV、Excel（.xlsx）或 JSON 文件" in wrong.content.decode()
    empty = client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.csv", b"")})
    assert empty.status_code == 400
    assert Item.objects.count() == 0


def test_manual_entry_through_the_page_and_the_api(registrar: User, now: datetime) -> None:
    client = _client(registrar)
    assert client.get("/opinion/items/new/").status_code == 200
    when = timezone.localtime(now - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    entered = client.post(
        "/opinion/items/new/",
        {
            "title": "社区开展义诊",
            "outlet": "红网",
            "url": "https://d.example.cn/1",
            "published_at": when,
            "text": "社区卫生服务中心开展义诊。",
        },
    )
    item = Item.objects.get()
    assert entered.status_code == 302 and entered["Location"] == f"/opinion/items/{item.pk}/"
    assert item.source.kind == "manual" and item.text.startswith("【红网】")
    assert item.published_at == (now - timedelta(hours=3)).replace(second=0, microsecond=0)
    missing = client.post("/opinion/items/new/", {"title": "", "url": "https://d.example.cn/2"})
    assert missing.status_code == 400 and Item.objects.count() == 1
    repeat = client.post("/opinion/items/new/", {"title": "又一条", "url": "https://d.example.cn/1"})
    assert repeat.status_code == 409 and "该地址的信息已采集" in repeat.content.decode()
    api = client.post(
        "/api/v1/opinion/items",
        {"title": "街道开展普法", "outlet": "长沙晚报", "url": "https://d.example.cn/3"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["duplicate"] is False
    assert Item.objects.get(pk=api.json()["item"]).source == item.source
    assert AuditEvent.objects.filter(action="opinion_item.collected").count() == 2


def test_other_roles_are_refused_before_any_file_is_read(
    make_user: Users, make_org: Organizations, now: datetime
) -> None:
    org = make_org()
    data = _csv(_rows("某组织", now))
    since = _last_seq()
    for user in (make_user("auditor", unit="audit"), make_user("supplier", unit=None, organization=org)):
        client = _client(user)
        assert client.get(IMPORT_URL).status_code == 403
        assert client.get("/opinion/items/new/").status_code == 403
        assert client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.csv", data)}).status_code == 403
        # refused before the file is looked at: a broken file and an unknown source are still 403
        assert client.post(IMPORT_URL, {"file": SimpleUploadedFile("d.pdf", b"")}).status_code == 403
        api = client.post(API_URL, {"file": SimpleUploadedFile("d.pdf", b"%PDF"), "source": 999999})
        assert api.status_code == 403 and api.json()["error"]["code"]
        assert client.post(API_URL, {"file": SimpleUploadedFile("d.csv", data)}).status_code == 403
        entry = client.post("/api/v1/opinion/items", {"title": "x"}, content_type="application/json")
        assert entry.status_code == 403
        assert client.post("/opinion/items/new/", {"title": "x"}).status_code == 403
    auditor_desk = _client(make_user("auditor", unit="audit")).get("/opinion/").content.decode()
    assert IMPORT_URL not in auditor_desk
    assert Item.objects.count() == 0 and not Source.objects.exists() and not _imports(since)
