"""Excel import: column checks, row-by-row report, all-or-nothing vs valid-only, audit, speed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.testdata import with_wrong_check_digit
from opengps.demo.world import uscc_for
from opengps.registry import importing
from opengps.registry.models import ImportJob, Organization

pytestmark = pytest.mark.django_db

BIG_ROWS = 10_000
# Spreadsheet row numbers (header = row 1) of the three bad rows in the big workbook.
BAD_CHECK_DIGIT_ROW, BAD_DATE_ROW, BAD_REGION_ROW = 1_235, 5_002, 9_877


def row(serial: int, **overrides: Any) -> list[Any]:
    values = {
        "名称": f"长沙市测试社会工作服务中心{serial}",
        "统一社会信用代码": uscc_for(serial + 100_000),
        "类型": "社会服务机构",
        "所在区划代码": "430104",
        "成立登记日期": datetime(2016, 1, 1) if serial % 2 else "2017/03/15",
        "登记层级": "市州级",
        "业务范围": "社会工作服务",
        "法定代表人": "王芳",
        "联系电话": "0731-88880000",
        "住所": "长沙市岳麓区",
        "慈善组织": "否",
        "行业协会商会": "",
        "社区社会组织": "否",
        "社区社会组织类别": "",
    }
    values.update(overrides)
    return [values[h] for h in importing.HEADERS]


def save(rows: list[list[Any]], path: Path, headers: list[str] | None = None) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会组织")
    sheet.append(headers or list(importing.HEADERS))
    for values in rows:
        sheet.append(values)
    workbook.save(path)
    return path


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [row(n) for n in range(BIG_ROWS)]
    rows[BAD_CHECK_DIGIT_ROW - 2][1] = with_wrong_check_digit(rows[BAD_CHECK_DIGIT_ROW - 2][1])
    rows[BAD_DATE_ROW - 2][4] = "2019-02-30"
    rows[BAD_REGION_ROW - 2][3] = "439999"
    return save(rows, tmp_path_factory.mktemp("imports") / "big.xlsx")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def run_import(media: Path, registrar: Any) -> Callable[..., ImportJob]:
    def run(path: Path, mode: str = "all_or_nothing", actor: Any = None) -> ImportJob:
        with path.open("rb") as handle:
            job = importing.import_job_create(
                actor=actor or registrar,
                file=handle,
                filename=path.name,
                size=path.stat().st_size,
                mode=mode,
                start=False,
            )
        return importing.import_job_run(job.pk)

    return run


def errors_of(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["row"], e["field"], e["code"]) for e in job.report["errors"]]


def test_big_workbook_all_or_nothing_reports_exactly_the_three_bad_rows_and_writes_nothing(
    big_workbook: Path, run_import: Callable[..., ImportJob]
) -> None:
    # when
    job = run_import(big_workbook)
    # then
    assert errors_of(job) == [
        (BAD_CHECK_DIGIT_ROW, "uscc", "registry.uscc_check_digit"),
        (BAD_DATE_ROW, "founded_on", "registry.date_invalid"),
        (BAD_REGION_ROW, "region", "registry.region_unknown"),
    ]
    messages = [e["message"] for e in job.report["errors"]]
    assert "校验位错误" in messages[0] and "2019-02-30" in messages[1] and "439999" in messages[2]
    assert job.status == ImportJob.Status.REJECTED and job.total_rows == BIG_ROWS
    assert Organization.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_big_workbook_valid_only_writes_the_other_rows_with_one_audit_event_each(
    big_workbook: Path, run_import: Callable[..., ImportJob]
) -> None:
    # when
    job = run_import(big_workbook, mode="valid_only")
    # then
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.created_count == BIG_ROWS - 3 == Organization.objects.count()
    assert len(job.report["errors"]) == 3
    assert AuditEvent.objects.filter(action="registry.org_created").count() == BIG_ROWS - 3
    summary = AuditEvent.objects.get(action="registry.import_completed")
    assert summary.new_values["created"] == BIG_ROWS - 3 and summary.new_values["errors"] == 3


def test_wrong_columns_name_the_expected_headers(
    tmp_path: Path, run_import: Callable[..., ImportJob]
) -> None:
    # given
    headers = [h for h in importing.HEADERS if h != "成立登记日期"] + ["备注"]
    path = save([[*row(1)[:-1], "x"]], tmp_path / "cols.xlsx", headers=headers)
    # when
    job = run_import(path)
    # then
    codes = [e["code"] for e in job.report["errors"]]
    assert codes == ["registry.import_column_unknown", "registry.import_columns_missing"]
    assert all(e["row"] == 1 for e in job.report["errors"])
    assert "成立登记日期" in job.report["errors"][1]["message"]
    assert "统一社会信用代码" in job.report["errors"][1]["message"]  # names every expected header
    assert job.status == ImportJob.Status.REJECTED and not Organization.objects.exists()


def test_each_bad_cell_is_reported_by_row_and_field(
    tmp_path: Path, run_import: Callable[..., ImportJob], make_org: Callable[..., Any]
) -> None:
    # given
    existing = make_org(serial=900_001)
    rows = [
        row(1, **{"成立登记日期": "去年"}),
        row(2, **{"成立登记日期": "2031-01-01"}),
        row(3, **{"统一社会信用代码": "ABC"}),
        row(4, **{"统一社会信用代码": existing.uscc}),
        row(5),
        row(6, **{"统一社会信用代码": row(5)[1]}),
        row(7, **{"类型": "公司"}),
        row(8, **{"慈善组织": "也许"}),
        row(9, **{"社区社会组织": "是"}),
        row(10, **{"名称": ""}),
        row(11, **{"所在区划代码": 430602}),
    ]
    path = save(rows, tmp_path / "bad.xlsx")
    # when
    job = run_import(path)
    # then
    assert errors_of(job) == [
        (2, "founded_on", "registry.date_invalid"),
        (3, "founded_on", "registry.date_in_future"),
        (4, "uscc", "registry.uscc_format"),
        (5, "uscc", "registry.uscc_duplicate"),
        (7, "uscc", "registry.uscc_duplicate_in_file"),
        (8, "org_type", "registry.org_type_invalid"),
        (9, "is_charity", "registry.bool_invalid"),
        (10, "community_kind", "registry.community_kind_required"),
        (11, "name", "registry.name_required"),
    ]
    assert "与第6行重复" in job.report["errors"][4]["message"]
    assert job.report["errors"][0]["column"] == "成立登记日期"
    assert Organization.objects.count() == 1  # all or nothing: only the pre-existing one


def test_city_registrar_import_checks_the_region_is_in_its_area(
    tmp_path: Path, run_import: Callable[..., ImportJob], cs_registrar: Any
) -> None:
    path = save([row(1, **{"所在区划代码": "430602"}), row(2)], tmp_path / "area.xlsx")
    job = run_import(path, mode="valid_only", actor=cs_registrar)
    assert errors_of(job) == [(2, "region", "registry.region_out_of_scope")]
    assert Organization.objects.get().registration_authority == cs_registrar.unit


def test_non_xlsx_and_oversized_files_are_refused(
    tmp_path: Path, registrar: Any, media: Path, settings: Any
) -> None:
    with pytest.raises(ServiceError) as caught:
        importing.import_job_create(actor=registrar, file=BytesIO(b"name,uscc\n"), filename="a.xlsx", size=10)
    assert caught.value.code == "registry.import_not_xlsx"
    with pytest.raises(ServiceError) as caught:
        importing.import_job_create(
            actor=registrar, file=BytesIO(b"PK\x03\x04junk"), filename="a.xlsx", size=8
        )
    assert caught.value.code == "registry.import_not_xlsx"
    settings.OPENGPS_MAX_WORKBOOK_BYTES = 100
    path = save([row(1)], tmp_path / "a.xlsx")
    with path.open("rb") as handle, pytest.raises(ServiceError) as caught:
        importing.import_job_create(actor=registrar, file=handle, filename="a.xlsx", size=path.stat().st_size)
    assert caught.value.code == "registry.import_too_large"
    assert not ImportJob.objects.exists()


def test_auditor_cannot_import(auditor: Any, media: Path, tmp_path: Path) -> None:
    path = save([row(1)], tmp_path / "a.xlsx")
    with path.open("rb") as handle, pytest.raises(ServiceError) as caught:
        importing.import_job_create(actor=auditor, file=handle, filename="a.xlsx", size=path.stat().st_size)
    assert caught.value.status == 403


def test_management_command_prints_progress_and_report(tmp_path: Path, registrar: Any, media: Path) -> None:
    from django.core.management import CommandError, call_command

    path = save([row(1), row(2, **{"成立登记日期": "2019-13-01"})], tmp_path / "cmd.xlsx")
    out = StringIO()
    with pytest.raises(CommandError, match="导入未完成"):
        call_command("registry_import", str(path), "--user", registrar.username, stdout=out)
    text = out.getvalue()
    assert "第3行 成立登记日期" in text and "2/2" in text and "新建 0，错误 1" in text
    call_command(
        "registry_import", str(path), "--user", registrar.username, "--mode", "valid_only", stdout=out
    )
    assert Organization.objects.count() == 1
