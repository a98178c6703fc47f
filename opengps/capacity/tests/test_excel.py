"""Excel import of stations, social workers and monthly logs (all rows or none: every bad row reported
with its row number, column and reason; a clean file written with its audit events), and the
exports of the coverage table and the station list (text cells never formulas)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from opengps.accounts.models import User
from opengps.capacity import excel, selectors, services
from opengps.capacity.models import ServiceLog, SocialWorker, Station, Township
from opengps.contracts.models import Contract
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.experts.identity import make_id_number
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat
STATION_HEADER = [column.header for column in excel.STATION_COLUMNS]
WORKER_HEADER = [column.header for column in excel.WORKER_COLUMNS]
LOG_HEADER = [column.header for column in excel.LOG_COLUMNS]


def _book(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(actor: User, kind: str, header: list[str], rows: list[list[Any]]) -> services.ImportResult:
    return services.capacity_import(actor=actor, kind=kind, name=f"{kind}.xlsx", content=_book(header, rows))


def _refused(actor: User, kind: str, header: list[str], rows: list[list[Any]]) -> list[tuple[int, str, str]]:
    with pytest.raises(ServiceError) as refused:
        _import(actor, kind, header, rows)
    assert refused.value.code == "capacity.import_rows_invalid"
    return [(e["row"], e["column"], e["code"]) for e in refused.value.params["errors"]]


def _id(n: int, region: str = "430104") -> str:
    return make_id_number(region_code=region, birth_date=date(1991, 2, 1 + n % 27), serial=n)


def _station_row(township: str, operator: Organization, **kw: Any) -> list[Any]:
    values = {
        "township": township,
        "name": f"{township}社工站",
        "operator": operator.uscc,
        "opened_on": "2026-01-05",
        **kw,
    }
    return [values.get(column.field, "") for column in excel.STATION_COLUMNS]


def test_an_import_with_bad_rows_reports_every_bad_row_and_writes_nothing(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    # given a file of six stations: two good, four bad in different ways
    events = AuditEvent.objects.count()
    rows = [
        _station_row("430104001", operator),
        _station_row("430104999", operator),  # row 3: no such township
        _station_row("430104002", operator, name="", opened_on="2026-13-01"),  # row 4: two cells
        _station_row("430104001", operator, name="重复"),  # row 5: the township of row 2 again
        _station_row("430321100", operator),  # row 6: outside Changsha
        _station_row("430104100", operator, annual_amount="120000"),  # row 7: amount without funding
        _station_row("430104002", operator, address="=HYPERLINK(1)"),  # row 8: good (text stays text)
    ]
    # when the Changsha registration official imports it
    errors = _refused(cs_registrar, "stations", STATION_HEADER, rows)
    # then every bad row is reported with its column and code, in row order
    assert errors == [
        (3, "乡镇（街道）区划代码", "capacity.township_not_found"),
        (4, "站点名称", "capacity.value_required"),
        (4, "建成开放日期", "capacity.date_invalid"),
        (5, "乡镇（街道）区划代码", "capacity.station_exists"),
        (6, "", "capacity.out_of_region"),
        (7, "每年金额（元）", "capacity.amount_without_funding"),
    ]
    # and nothing is written, not even the good rows, nor any audit event
    assert Station.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_refusal_reads_in_chinese_with_the_count_of_bad_rows(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    rows = [_station_row("430104999", operator), _station_row("430104001", operator, opened_on="昨天")]
    with pytest.raises(ServiceError) as refused:
        _import(cs_registrar, "stations", STATION_HEADER, rows)
    assert refused.value.text() == "共 2 行有误，未导入任何数据；请逐行修改后重新导入"
    messages = [e["message"] for e in refused.value.params["errors"]]
    assert messages == ["没有找到该区划代码的乡镇（街道）", "日期无效，应写作 2026-01-31"]


def test_a_clean_station_import_writes_every_row_with_its_audit_events(
    today: date, cs_registrar: User, townships: dict[str, Township], contract: Contract
) -> None:
    # given the contract's supplier runs two stations, one paid by the contract 120,000 a year
    operator = contract.supplier
    rows = [
        _station_row(
            "430104001", operator, contract=contract.reference, annual_amount="120000", phone="0731-1"
        ),
        _station_row("430104002", operator, opened_on=D("2026-03-01"), opening_hours="周一至周五"),
    ]
    # when imported
    result = _import(cs_registrar, "stations", STATION_HEADER, rows)
    # then both are open, with their funding and amount, each with its own audit event
    assert (result.kind, result.rows) == ("stations", 2)
    first, second = Station.objects.order_by("township_id")
    assert (first.contract_id, first.annual_amount, first.phone) == (
        contract.pk,
        Decimal("120000.00"),
        "0731-1",
    )
    assert (second.opened_on, second.opening_hours, second.contract_id) == (
        D("2026-03-01"),
        "周一至周五",
        None,
    )
    opened = AuditEvent.objects.filter(action="capacity_station.opened").order_by("seq")
    assert [e.object_id for e in opened] == [str(first.pk), str(second.pk)]
    assert opened[0].new_values["annual_amount"] == "120000.00"
    summary = AuditEvent.objects.get(action="capacity.imported")
    assert summary.new_values == {"kind": "stations", "file": "stations.xlsx", "rows": 2}


def _worker_row(n: int, **kw: Any) -> list[Any]:
    values = {"name": f"社工{n}", "id_number": _id(n), "region": "430104", **kw}
    return [values.get(column.field, "") for column in excel.WORKER_COLUMNS]


def test_a_worker_import_checks_every_row_against_the_others(
    today: date, cs_registrar: User, regions: None, operator: Organization
) -> None:
    rows = [
        _worker_row(1, level="社会工作师", certificate_no="ZS1", certified_year=2020, employer=operator.uscc),
        _worker_row(1, name="同一人"),  # row 3: the number of row 2 again
        _worker_row(3, id_number="430104199102300000"),  # row 4: not a valid number
        _worker_row(4, level="大师"),  # row 5: no such level
        _worker_row(5, level="助理社会工作师"),  # row 6: certified without a certificate
        _worker_row(6, certified_year="二〇二〇", region="430321"),  # row 7: two cells
        _worker_row(7, employer="91430000000000000X"),  # row 8: no such organization
    ]
    errors = _refused(cs_registrar, "workers", WORKER_HEADER, rows)
    assert errors == [
        (3, "身份证号", "capacity.worker_duplicate"),
        (4, "身份证号", "capacity.id_number_invalid"),
        (5, "职业资格等级", "capacity.choice_invalid"),
        (6, "证书编号", "capacity.certificate_required"),
        (7, "取得年度", "capacity.year_invalid"),
        (8, "所在社会组织统一社会信用代码", "capacity.organization_not_found"),
    ]
    assert SocialWorker.objects.count() == 0


def test_a_clean_worker_import_registers_them_masked(
    today: date, cs_registrar: User, regions: None, operator: Organization
) -> None:
    rows = [
        _worker_row(1, level="社会工作师", certificate_no="ZS1", certified_year=2020, employer=operator.uscc),
        _worker_row(2, level="assistant", certificate_no="ZS2", certified_year="2021"),
        _worker_row(3),
    ]
    _import(cs_registrar, "workers", WORKER_HEADER, rows)
    workers = list(SocialWorker.objects.order_by("name"))
    assert [(w.name, w.level, w.certified_year) for w in workers] == [
        ("社工1", "intermediate", 2020),
        ("社工2", "assistant", 2021),
        ("社工3", "none", None),
    ]
    assert workers[0].employer_id == operator.pk and workers[0].id_number == _id(1)
    events = AuditEvent.objects.filter(action="capacity_worker.registered")
    assert events.count() == 3
    assert all(_id(n) not in str(e.new_values) for e in events for n in (1, 2, 3))


def _log_row(township: str, month: Any, **kw: Any) -> list[Any]:
    values = {"township": township, "month": month, **kw}
    return [values.get(column.field, "") for column in excel.LOG_COLUMNS]


@pytest.fixture
def station(today: date, registrar: User, townships: dict[str, Township], operator: Organization) -> Station:
    return services.station_open(
        actor=registrar,
        township=townships["430104001"],
        name="岳麓街道社会工作服务站",
        operator=operator,
        opened_on=D("2026-03-10"),
    )


def test_a_log_import_refuses_months_before_the_opening_and_bad_counts(
    station: Station, cs_registrar: User
) -> None:
    rows = [
        _log_row("430104001", "2026-03", elderly=10, people_served=4),
        _log_row("430104001", "2026-02", elderly=3),  # row 3: before the opening
        _log_row("430104002", "2026-04"),  # row 4: no station there
        _log_row("430104001", "2026-05", children="很多", other=-1),  # row 5: not a number, negative
        _log_row("430104001", "三月"),  # row 6: no month
    ]
    errors = _refused(cs_registrar, "logs", LOG_HEADER, rows)
    assert errors == [
        (3, "月份", "capacity.log_before_opening"),
        (4, "乡镇（街道）区划代码", "capacity.no_station"),
        (5, "儿童关爱（人次）", "capacity.count_invalid"),
        (6, "月份", "capacity.month_invalid"),
    ]
    assert ServiceLog.objects.count() == 0


def test_a_clean_log_import_enters_and_corrects_months(station: Station, cs_registrar: User) -> None:
    services.service_log_enter(actor=cs_registrar, station=station, month=D("2026-03-01"), elderly=1)
    rows = [
        _log_row("430104001", D("2026-03-01"), elderly=10, people_served=4),
        _log_row("430104001", "2026年4月", children=7, community="2", people_served=6),
    ]
    _import(cs_registrar, "logs", LOG_HEADER, rows)
    logs = {log.month: log for log in ServiceLog.objects.all()}
    assert (logs[D("2026-03-01")].elderly, logs[D("2026-04-01")].services) == (10, 9)
    actions = list(
        AuditEvent.objects.filter(object_type="capacity.servicelog").values_list("action", flat=True)
    )
    assert sorted(actions) == ["capacity_log.corrected", "capacity_log.entered", "capacity_log.entered"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.xlsx", b"", "capacity.import_file_empty"),
        ("a.xlsx", b"%PDF-1.4 not a workbook", "capacity.import_file_type"),
        ("a.csv", _book(STATION_HEADER, [["x"]]), "capacity.import_file_type"),
        ("a.xlsx", _book(STATION_HEADER[:3], [["x"]]), "capacity.import_header_invalid"),
        ("a.xlsx", _book(STATION_HEADER, []), "capacity.import_no_rows"),
    ],
)
def test_a_file_that_is_no_import_is_refused_whole(
    today: date, cs_registrar: User, name: str, content: bytes, code: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.capacity_import(actor=cs_registrar, kind="stations", name=name, content=content)
    assert (refused.value.code, refused.value.field) == (code, "file")


def test_an_unknown_kind_and_a_role_without_the_right_are_refused(
    today: date, cs_registrar: User, finance: User
) -> None:
    content = _book(STATION_HEADER, [["x"]])
    with pytest.raises(ServiceError) as refused:
        services.capacity_import(actor=cs_registrar, kind="bases", name="a.xlsx", content=content)
    assert refused.value.code == "capacity.import_kind_invalid"
    with pytest.raises(PermissionDenied):
        services.capacity_import(actor=finance, kind="stations", name="a.xlsx", content=content)


def test_too_many_rows_are_refused(
    today: date, cs_registrar: User, monkeypatch: pytest.MonkeyPatch, operator: Organization
) -> None:
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    rows = [_station_row("430104001", operator)] * 3
    with pytest.raises(ServiceError) as refused:
        _import(cs_registrar, "stations", STATION_HEADER, rows)
    assert (refused.value.code, refused.value.params) == ("capacity.import_too_many_rows", {"limit": 2})


# --- screens and API ----------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_import_page_lists_every_bad_row_and_a_clean_file_goes_to_the_stations(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    client = _client(cs_registrar)
    page = client.get(reverse("capacity:imports"))
    assert page.status_code == 200 and "乡镇（街道）区划代码 *" in page.content.decode()
    bad = _book(STATION_HEADER, [_station_row("430104999", operator), _station_row("430104001", operator)])
    answer = client.post(
        reverse("capacity:import-run"),
        {"kind": "stations", "file": SimpleUploadedFile("s.xlsx", bad)},
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert "共 1 行有误，未导入任何数据" in body and "没有找到该区划代码的乡镇（街道）" in body
    assert Station.objects.count() == 0
    good = _book(STATION_HEADER, [_station_row("430104001", operator)])
    answer = client.post(
        reverse("capacity:import-run"),
        {"kind": "stations", "file": SimpleUploadedFile("s.xlsx", good)},
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("capacity:stations")
    assert Station.objects.count() == 1
    template = client.get(reverse("capacity:import-template", args=["workers"]))
    header = next(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert list(header) == WORKER_HEADER
    assert client.get(reverse("capacity:import-template", args=["bases"])).status_code == 404
    missing = client.post(reverse("capacity:import-run"), {"kind": "stations"})
    assert missing.status_code == 400


@pytest.mark.parametrize("role", ["finance", "auditor", "purchaser"])
def test_only_the_registration_authority_imports(today: date, make_user: Any, role: str) -> None:
    client = _client(make_user(role))
    assert client.get(reverse("capacity:imports")).status_code == 403
    assert client.get(reverse("capacity:import-template", args=["logs"])).status_code == 403
    answer = client.post(reverse("capacity:import-run"), {"kind": "logs"})
    assert answer.status_code == 403


def test_the_api_import_answers_every_bad_row(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    client = _client(cs_registrar)
    bad = _book(STATION_HEADER, [_station_row("430104001", operator, opened_on="x")])
    answer = client.post("/api/v1/capacity/import/stations", {"file": SimpleUploadedFile("s.xlsx", bad)})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["code"] == "capacity.import_rows_invalid"
    assert error["params"]["errors"] == [
        {
            "row": 2,
            "column": "建成开放日期",
            "code": "capacity.date_invalid",
            "message": "日期无效，应写作 2026-01-31",
        }
    ]
    good = _book(STATION_HEADER, [_station_row("430104001", operator)])
    answer = client.post("/api/v1/capacity/import/stations", {"file": SimpleUploadedFile("s.xlsx", good)})
    assert answer.json() == {"kind": "stations", "rows": 1}


def _sheet(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_exports_equal_the_pages_and_never_carry_a_formula(
    station: Station, registrar: User, cs_registrar: User, finance: User, townships: dict[str, Township]
) -> None:
    # given a station whose name and address an operator typed as formulas
    Station.objects.filter(pk=station.pk).update(name="=1+2", address="@SUM(A1)")
    client = _client(finance)
    # when the finance official exports the stations and the coverage of Changsha
    for url in (reverse("capacity:stations-export"), "/api/v1/capacity/stations.xlsx"):
        answer = client.get(url)
        assert answer["Content-Type"] == excel.XLSX
        rows = _sheet(answer.content)
        # then the formulas stay text, the dates stay dates
        assert rows[0][:5] == ["站点编号", "乡镇（街道）区划代码", "乡镇（街道）", "县市区", "站点名称"]
        assert rows[1][4] == "'=1+2" and rows[1][14] == "'@SUM(A1)" and rows[1][10].date() == D("2026-03-10")
    table = selectors.coverage(actor=cs_registrar)
    for url in (reverse("capacity:coverage-export"), "/api/v1/capacity/coverage.xlsx"):
        rows = _sheet(_client(cs_registrar).get(url).content)
        assert [row[:4] for row in rows[1:]] == [["430104", "岳麓区", 3, 1], [None, "合计", 3, 1]]
        assert Decimal(str(rows[1][4])) == table.rows[0].figures.station_share == Decimal("33.3")
    assert client.get(reverse("capacity:coverage-export") + "?region=43x").status_code == 400
    assert client.get(reverse("capacity:stations-export") + "?region=43x").status_code == 400
