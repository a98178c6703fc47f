"""Excel (.xlsx) import of organizations: a row-by-row validation report, then all-or-nothing or valid-only.

Rows are validated with the same checks as `services.organization_create` (`organization_input_errors`,
`uscc_clean`); database checks (regions, existing codes) are batched so 10,000 rows take seconds.
Each created organization gets its own audit event, plus one summary event for the import job.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _g
from openpyxl import load_workbook

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Unit
from opengps.core import audit, clock, tasks
from opengps.core.errors import ServiceError
from opengps.core.exports import cell_text, safe_row
from opengps.registry import derived, services
from opengps.registry.errors import Code
from opengps.registry.events import Event
from opengps.registry.models import CommunityKind, ImportJob, Organization, OrgType, RegistrationLevel

logger = logging.getLogger(__name__)

# The workbook's columns, in the template's order: (Chinese header, OrganizationInput field).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("名称", "name"),
    ("统一社会信用代码", "uscc"),
    ("类型", "org_type"),
    ("所在区划代码", "region"),
    ("成立登记日期", "founded_on"),
    ("登记层级", "registration_level"),
    ("业务范围", "business_scope"),
    ("法定代表人", "legal_representative"),
    ("联系电话", "contact_phone"),
    ("住所", "address"),
    ("慈善组织", "is_charity"),
    ("行业协会商会", "is_industry_association"),
    ("社区社会组织", "is_community_org"),
    ("社区社会组织类别", "community_kind"),
)
HEADERS = tuple(header for header, _field in COLUMNS)
FIELD_HEADER = {field: header for header, field in COLUMNS}
BOOL_FIELDS = frozenset({"is_charity", "is_industry_association", "is_community_org"})
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", ""})
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
PROGRESS_EVERY = 500
ZIP_MAGIC = b"PK\x03\x04"


def _choice_map(choices: list[tuple[str, Any]], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Codes and their Chinese labels (the workbook is Chinese whatever the page language)."""
    with translation.override("zh-hans"):
        mapping = {value: value for value, _label in choices}
        mapping.update({str(label): value for value, label in choices})
        mapping.update({str(label).removesuffix("类"): value for value, label in choices})
    mapping.update(extra or {})
    return mapping


ORG_TYPES = _choice_map(
    OrgType.choices,
    {"社会服务机构": OrgType.SOCIAL_SERVICE_AGENCY, "民办非企业单位": OrgType.SOCIAL_SERVICE_AGENCY},
)
LEVELS = _choice_map(RegistrationLevel.choices)
COMMUNITY_KINDS = _choice_map(CommunityKind.choices)


@dataclass(frozen=True)
class RowError:
    """One problem, named by its spreadsheet row number (the header is row 1) and column."""

    row: int
    field: str
    column: str
    code: str
    message: str


@dataclass
class Validation:
    total: int
    valid: list[tuple[int, services.OrganizationInput]]
    errors: list[RowError]


# ---------------------------------------------------------------------------------------------
# The file


def check_workbook(fileobj: IO[bytes], size: int) -> None:
    """Refuse anything that is not an .xlsx workbook within the size limit, judged by content."""
    limit = settings.OPENGPS_MAX_WORKBOOK_BYTES
    if size > limit:
        raise ServiceError(
            Code.REGISTRY_IMPORT_TOO_LARGE,
            field="file",
            params={"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"},
        )
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    not_xlsx = ServiceError(Code.REGISTRY_IMPORT_NOT_XLSX, field="file")
    if head != ZIP_MAGIC:
        raise not_xlsx
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise not_xlsx from exc
    finally:
        fileobj.seek(0)


def _rows(source: Path | IO[bytes]) -> tuple[int, Iterator[tuple[int, tuple[Any, ...]]], Callable[[], None]]:
    workbook = load_workbook(source, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    estimate = max(0, (sheet.max_row or 1) - 1)

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)

    return estimate, rows(), workbook.close


# ---------------------------------------------------------------------------------------------
# One row


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_row(
    number: int, index: dict[str, int], values: tuple[Any, ...], *, today: date | None = None
) -> tuple[services.OrganizationInput, list[RowError]]:
    """The row as OrganizationInput, plus the errors of every field (parsing and shared validation)."""

    def cell(field: str) -> Any:
        position = index[field]
        return values[position] if position < len(values) else None

    def error(field: str, exc: ServiceError) -> RowError:
        return RowError(number, field, FIELD_HEADER.get(field, field), exc.code, exc.text())

    errors: list[RowError] = []
    parsed: dict[str, Any] = {}
    for field in (
        "name",
        "uscc",
        "region",
        "business_scope",
        "legal_representative",
        "contact_phone",
        "address",
    ):
        parsed[field] = cell_text(cell(field))
    for field, mapping in (
        ("org_type", ORG_TYPES),
        ("registration_level", LEVELS),
        ("community_kind", COMMUNITY_KINDS),
    ):
        raw = cell_text(cell(field))
        parsed[field] = mapping.get(raw, raw)
    try:
        parsed["founded_on"] = _date(cell("founded_on"))
    except ValueError as exc:
        parsed["founded_on"] = date.min  # placeholder: the parse error below is the one reported
        errors.append(
            error(
                "founded_on",
                ServiceError(Code.REGISTRY_DATE_INVALID, params={"value": str(exc)[:40]}),
            )
        )
    for field in BOOL_FIELDS:
        raw = cell_text(cell(field)).lower()
        if raw in TRUE_WORDS or raw in FALSE_WORDS:
            parsed[field] = raw in TRUE_WORDS
        else:
            parsed[field] = False
            errors.append(
                error(
                    field,
                    ServiceError(Code.REGISTRY_BOOL_INVALID, params={"value": raw[:20]}),
                )
            )
    data = services.OrganizationInput(**parsed).normalized()
    failed = {e.field for e in errors}
    for problem in services.organization_input_errors(data, today=today):
        if problem.field not in failed:
            errors.append(error(problem.field or "", problem))
    return data, errors


def _header_errors(header: tuple[Any, ...]) -> tuple[dict[str, int], list[RowError]]:
    names = [cell_text(v) for v in header]
    index: dict[str, int] = {}
    errors: list[RowError] = []
    expected = "、".join(HEADERS)
    for position, name in enumerate(names):
        if not name:
            continue
        field = dict(COLUMNS).get(name)
        if field is None:
            errors.append(
                RowError(
                    1,
                    "",
                    name,
                    "registry.import_column_unknown",
                    _g("无法识别的列“%(name)s”。应有的列为：%(expected)s")
                    % {"name": name, "expected": expected},
                )
            )
        elif field in index:
            errors.append(
                RowError(
                    1,
                    field,
                    name,
                    "registry.import_column_duplicate",
                    _g("列“%(name)s”重复") % {"name": name},
                )
            )
        else:
            index[field] = position
    missing = [header for header, field in COLUMNS if field not in index]
    if missing:
        errors.append(
            RowError(
                1,
                "",
                "、".join(missing),
                "registry.import_columns_missing",
                _g("缺少列：%(missing)s。应有的列为：%(expected)s")
                % {"missing": "、".join(missing), "expected": expected},
            )
        )
    return index, errors


# ---------------------------------------------------------------------------------------------
# The whole workbook


def validate_workbook(
    source: Path | IO[bytes], *, authority: Unit, progress: Callable[[int, int], None] | None = None
) -> Validation:
    """Every row checked; database lookups batched (regions once, existing codes in chunks).
    `source` is a path or an open binary file (seekable: a workbook is a zip)."""
    estimate, rows, close = _rows(source)
    try:
        first = next(rows, None)
        if first is None:
            return Validation(0, [], [RowError(1, "", "", "registry.import_empty", _g("工作簿是空的"))])
        index, errors = _header_errors(first[1])
        if errors:
            return Validation(0, [], errors)
        all_regions = set(Region.objects.values_list("code", flat=True))
        in_scope = (
            all_regions
            if authority.region.level == Region.Level.PROVINCE
            else services.region_codes_within(authority.region)
        )
        today = clock.today()
        candidates: list[tuple[int, services.OrganizationInput]] = []
        first_row_of: dict[str, int] = {}
        total = 0
        for number, values in rows:
            if all(v is None or cell_text(v) == "" for v in values):
                continue
            total += 1
            data, row_errors = parse_row(number, index, values, today=today)
            failed = {e.field for e in row_errors}
            if "region" not in failed:
                if data.region not in all_regions:
                    row_errors.append(
                        RowError(
                            number,
                            "region",
                            FIELD_HEADER["region"],
                            "registry.region_unknown",
                            _g("区划代码“%(code)s”不存在") % {"code": data.region},
                        )
                    )
                elif data.region not in in_scope:
                    row_errors.append(
                        RowError(
                            number,
                            "region",
                            FIELD_HEADER["region"],
                            "registry.region_out_of_scope",
                            _g("区划“%(code)s”不在登记管理机关“%(unit)s”的辖区内")
                            % {"code": data.region, "unit": authority.name},
                        )
                    )
            if "uscc" not in failed:
                seen = first_row_of.get(data.uscc)
                if seen is not None:
                    row_errors.append(
                        RowError(
                            number,
                            "uscc",
                            FIELD_HEADER["uscc"],
                            "registry.uscc_duplicate_in_file",
                            _g("统一社会信用代码%(uscc)s与第%(row)d行重复")
                            % {"uscc": data.uscc, "row": seen},
                        )
                    )
                else:
                    first_row_of[data.uscc] = number
            errors.extend(row_errors)
            if not row_errors:
                candidates.append((number, data))
            if progress and total % PROGRESS_EVERY == 0:
                progress(total, max(estimate, total))
        if total == 0:
            errors.append(RowError(2, "", "", "registry.import_no_rows", _g("工作簿中没有数据行")))
        existing = _existing_codes([data.uscc for _n, data in candidates])
        valid: list[tuple[int, services.OrganizationInput]] = []
        for number, data in candidates:
            if data.uscc in existing:
                errors.append(
                    RowError(
                        number,
                        "uscc",
                        FIELD_HEADER["uscc"],
                        "registry.uscc_duplicate",
                        _g("统一社会信用代码%(uscc)s已被“%(name)s”使用")
                        % {"uscc": data.uscc, "name": existing[data.uscc]},
                    )
                )
            else:
                valid.append((number, data))
        errors.sort(
            key=lambda e: (e.row, list(FIELD_HEADER).index(e.field) if e.field in FIELD_HEADER else 99)
        )
        if progress:
            progress(total, total)
        return Validation(total, valid, errors)
    finally:
        close()


def _existing_codes(codes: list[str], chunk: int = 900) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(codes), chunk):
        found.update(
            Organization.objects.filter(uscc__in=codes[start : start + chunk]).values_list("uscc", "name")
        )
    return found


def write_organizations(
    *, actor: Actor, authority: Unit, rows: list[tuple[int, services.OrganizationInput]]
) -> list[Organization]:
    """Create the validated rows; the caller holds the transaction. One audit event per organization."""
    regions = Region.objects.in_bulk({data.region for _n, data in rows})
    orgs = [
        services.organization_build(data, authority=authority, region=regions[data.region])
        for _n, data in rows
    ]
    created = Organization.objects.bulk_create(orgs, batch_size=500)
    derived.refresh([org.pk for org in created])
    audit.record_many(
        actor=actor,
        action=Event.REGISTRY_ORG_CREATED,
        changes=[(org, None, services.organization_created_values(org)) for org in created],
        reason=_g("批量导入"),
    )
    return created


# ---------------------------------------------------------------------------------------------
# Jobs


def import_job_create(
    *,
    actor: Actor,
    file: IO[bytes],
    filename: str,
    size: int,
    mode: str = ImportJob.Mode.ALL_OR_NOTHING,
    registration_authority: Unit | None = None,
    start: bool = True,
) -> ImportJob:
    """Accept an upload (checked by size and content), keep it in the default storage (imports/), queue it.

    A worker runs the job as a task enqueued with it (`import_job_task`; `start=False`
    leaves it for the caller, as the management command does).
    """
    services.require_writer(actor)
    if mode not in ImportJob.Mode.values:
        raise ServiceError(Code.REGISTRY_IMPORT_MODE_INVALID, field="mode")
    authority = registration_authority or actor.unit
    if authority is None:
        raise ServiceError(Code.REGISTRY_AUTHORITY_REQUIRED, field="registration_authority")
    managed = services.managed_unit_ids(actor)
    if managed is not None and authority.pk not in managed:
        raise ServiceError(Code.REGISTRY_OUT_OF_SCOPE, field="registration_authority")
    check_workbook(file, size)
    with transaction.atomic():
        job = ImportJob(
            mode=mode,
            created_by=actor,
            registration_authority=authority,
            original_name=Path(filename).name[:200],
        )
        job.file.save(f"{clock.now():%Y%m%d%H%M%S}.xlsx", File(file), save=False)
        job.save()
        if start:
            tasks.enqueue(import_job_task, job.pk)
    return job


@tasks.background(attempts=3, timeout=1800, backoff=30)
def import_job_task(job_id: int) -> str:
    """The import as a task: runs the job unless it already ended (a retried or reclaimed task may
    find it done), and says how it ended."""
    job = ImportJob.objects.filter(pk=job_id).only("status").first()
    if job is None or job.status in ENDED:
        return "skipped"
    return str(import_job_run(job_id).status)


ROW_FIELDS = ("total_rows", "processed_rows", "created_count", "error_count")
ENDED = (ImportJob.Status.SUCCEEDED, ImportJob.Status.REJECTED, ImportJob.Status.FAILED)


def _job_end(
    job: ImportJob,
    status: str,
    report: dict[str, Any],
    total: int,
    created: int,
    errors: int,
    *,
    keep_rows: bool = False,
) -> None:
    job.status, job.report, job.finished_at = status, report, clock.now()
    if not keep_rows:
        job.total_rows, job.processed_rows = total, total
        job.created_count, job.error_count = created, errors
    job.save(update_fields=["status", "report", "finished_at", *ROW_FIELDS])


def import_job_run(job_id: int, *, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Validate the workbook, then write (or not, by mode); the job row shows progress throughout."""
    job = ImportJob.objects.select_related("created_by", "registration_authority__region").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
        job.processed_rows, job.total_rows = done, total
        if on_progress:
            on_progress(job)

    try:
        # Read through the storage (a folder or object storage), never a path on this node.
        with job.file.storage.open(job.file.name, "rb") as workbook:
            result = validate_workbook(workbook, authority=job.registration_authority, progress=progress)
        report: dict[str, Any] = {
            "total_rows": result.total,
            "valid_rows": len(result.valid),
            "errors": [asdict(e) for e in result.errors],
            "created": 0,
        }
        write = bool(result.valid) and (job.mode == ImportJob.Mode.VALID_ONLY or not result.errors)
        created = 0
        if write:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING)
            if on_progress:
                job.status = ImportJob.Status.WRITING
                on_progress(job)
            with transaction.atomic():
                orgs = write_organizations(
                    actor=job.created_by, authority=job.registration_authority, rows=result.valid
                )
                created = len(orgs)
                report["created"] = created
                audit.record(
                    actor=job.created_by,
                    action=Event.REGISTRY_IMPORT_COMPLETED,
                    obj=job,
                    new={
                        "file": job.original_name,
                        "mode": job.mode,
                        "total_rows": result.total,
                        "created": created,
                        "errors": len(result.errors),
                    },
                )
                # the organizations and the job's end commit together: a task run again after its
                # worker died finds the job ended and writes nothing twice
                _job_end(job, ImportJob.Status.SUCCEEDED, report, result.total, created, len(result.errors))
        else:
            _job_end(job, ImportJob.Status.REJECTED, report, result.total, created, len(result.errors))
    except Exception as exc:  # the job must end visibly, whatever went wrong
        logger.exception("registry import job %s failed", job.pk)
        message = exc.text() if isinstance(exc, ServiceError) else _g("处理失败，未写入任何数据")
        report = {"errors": [], "failure": str(message), "created": 0}
        _job_end(job, ImportJob.Status.FAILED, report, job.total_rows, 0, 0, keep_rows=True)
    if on_progress:
        on_progress(job)
    return job


def template_workbook_bytes() -> bytes:
    """An empty workbook with the expected headers and one example row."""
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_g("社会组织"))
    sheet.append(safe_row(HEADERS))
    sheet.append(
        safe_row(
            [
                "长沙市示例养老服务中心",
                "52430100MJG1195365",
                "社会服务机构",
                "430104",
                "2018-05-20",
                "市州级",
                "居家养老服务",
                "张伟",
                "0731-88888888",
                "长沙市岳麓区麓山路1号",
                "否",
                "否",
                "否",
                "",
            ]
        )
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
