"""The Excel import of stations, social workers and monthly service logs: all rows or none.

Every row goes through the same service as the pages (`station_open`, `worker_register`,
`service_log_enter`), each in its own savepoint inside one transaction, so a row is checked against
the database and against the rows before it (two rows with one identity number, two stations for
one township). Every bad row is reported — its spreadsheet row number, column and the reason in the
user's language — and when there is any, the transaction is rolled back: nothing is written. A clean
import keeps every row with its own audit event, plus one event for the import itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.accounts.permissions import require_role
from opengps.capacity import excel
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import Station, Township
from opengps.capacity.services._common import MANAGERS
from opengps.capacity.services.stations import service_log_enter, station_open
from opengps.capacity.services.workers import worker_register
from opengps.contracts.models import Contract
from opengps.core import audit, clock
from opengps.core.errors import ServiceError
from opengps.core.exports import cell_text
from opengps.core.uploads import UploadRefusals, checked_upload
from opengps.grants.models import Agreement
from opengps.registry.models import Organization

REFUSALS = UploadRefusals(
    Code.CAPACITY_IMPORT_FILE_EMPTY,
    Code.CAPACITY_IMPORT_FILE_TOO_LARGE,
    Code.CAPACITY_IMPORT_FILE_TYPE,
    _("文件“%(name)s”不是 Excel 工作簿（.xlsx）"),
)


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: the spreadsheet row (the header is row 1), the column's header ("" when
    the reason is the whole row's), the stable code and the reason in the user's language."""

    row: int
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int


class _Lookups:
    """The townships, organizations, contracts, agreements and counties a file names, read in one
    query each (not one per row)."""

    def __init__(self, kind: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        def values(field: str) -> set[str]:
            return {cell_text(cells.get(field)) for _number, cells in rows} - {""}

        self.townships = Township.objects.in_bulk(list(values("township")))
        self.organizations = {
            org.uscc: org
            for org in Organization.objects.filter(uscc__in=values("operator") | values("employer"))
        }
        self.contracts = {c.reference: c for c in Contract.objects.filter(reference__in=values("contract"))}
        self.grants = {
            g.number: g
            for g in Agreement.objects.filter(number__in=values("grant")).select_related("application")
        }
        self.counties = Region.objects.filter(level=Region.Level.COUNTY).in_bulk(list(values("region")))
        self.stations: dict[str, list[Station]] = {}
        if kind == "logs":
            for station in Station.objects.filter(township__in=list(self.townships)).select_related(
                "township", "operator"
            ):
                self.stations.setdefault(station.township_id, []).append(station)


def _found(mapping: dict[str, Any], value: Any, code: Code) -> Any:
    key = cell_text(value)
    if key not in mapping:
        raise ServiceError(code)
    return mapping[key]


def _optional(mapping: dict[str, Any], value: Any, code: Code) -> Any:
    return _found(mapping, value, code) if cell_text(value) else None


def _station_of(stations: list[Station], month: date) -> Station:
    """The township's station serving in `month` (open by its end, not closed before it began); else
    the latest one, whose service then refuses the month with the rule's own reason."""
    if not stations:
        raise ServiceError(Code.CAPACITY_NO_STATION, field="township")
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    serving = [s for s in stations if s.opened_on < end and (s.closed_on is None or s.closed_on >= month)]
    return sorted(serving or stations, key=lambda s: (s.closed_on is not None, -s.opened_on.toordinal()))[0]


Parsers = dict[str, Callable[[Any], Any]]


def _parsers(kind: str, found: _Lookups) -> Parsers:
    """Each column's parser: raw cell → the service's argument, or ServiceError on the cell."""
    text = cell_text
    if kind == "stations":
        return {
            "township": lambda v: _found(found.townships, v, Code.CAPACITY_TOWNSHIP_NOT_FOUND),
            "name": text,
            "operator": lambda v: _found(found.organizations, v, Code.CAPACITY_ORGANIZATION_NOT_FOUND),
            "opened_on": excel.parse_date,
            "contract": lambda v: _optional(found.contracts, v, Code.CAPACITY_CONTRACT_NOT_FOUND),
            "grant": lambda v: _optional(found.grants, v, Code.CAPACITY_GRANT_NOT_FOUND),
            "annual_amount": text,
            "address": text,
            "opening_hours": text,
            "phone": text,
        }
    if kind == "workers":
        levels = excel.levels()

        def level(value: Any) -> str:
            raw = text(value)
            if raw not in levels:
                choices = "、".join(label for label in levels if label and label not in levels.values())
                raise ServiceError(Code.CAPACITY_CHOICE_INVALID, params={"value": raw, "choices": choices})
            return levels[raw]

        return {
            "name": text,
            "id_number": text,
            "region": lambda v: _found(found.counties, v, Code.CAPACITY_COUNTY_INVALID),
            "level": level,
            "certificate_no": text,
            "certified_year": excel.parse_year,
            "employer": lambda v: _optional(found.organizations, v, Code.CAPACITY_ORGANIZATION_NOT_FOUND),
        }
    return {
        "township": lambda v: _found(found.townships, v, Code.CAPACITY_TOWNSHIP_NOT_FOUND),
        "month": excel.parse_month,
        **dict.fromkeys(excel.COUNT_FIELDS, excel.parse_count),
    }


def _write(kind: str, actor: Actor, values: dict[str, Any], found: _Lookups) -> None:
    if kind == "stations":
        station_open(actor=actor, **values)
    elif kind == "workers":
        worker_register(actor=actor, **values)
    else:
        township = values.pop("township")
        station = _station_of(found.stations.get(township.code, []), values["month"])
        service_log_enter(actor=actor, station=station, **values)


def _row(kind: str, actor: Actor, number: int, cells: dict[str, Any], found: _Lookups) -> list[RowError]:
    """The row's problems: every cell that does not parse or is missing; when all parse, the
    service's refusal (written in a savepoint, so a refused row leaves nothing behind)."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    required = {column.field for column in excel.KINDS[kind] if column.required}
    for field, parse in _parsers(kind, found).items():
        raw = cells.get(field)
        if field in required and not cell_text(raw):
            problem: ServiceError = ServiceError(Code.CAPACITY_VALUE_REQUIRED)
        else:
            try:
                values[field] = parse(raw)
                continue
            except ServiceError as exc:
                problem = exc
        errors.append(RowError(number, excel.header_of(kind, field), problem.code, problem.text()))
    if errors:
        return errors
    try:
        with transaction.atomic():
            _write(kind, actor, values, found)
    except ServiceError as exc:
        return [RowError(number, excel.header_of(kind, exc.field), exc.code, exc.text())]
    except IntegrityError:
        return [RowError(number, "", Code.CAPACITY_ROW_CONFLICT, str(Code.CAPACITY_ROW_CONFLICT.message))]
    return []


def capacity_import(*, actor: Actor, kind: str, name: str, content: bytes) -> ImportResult:
    """Import workbook `content` (file `name`) of `kind` — ``stations``, ``workers`` or ``logs`` (see
    `opengps.capacity.excel.KINDS` for the columns) — all rows or none. ServiceError
    ``capacity.import_rows_invalid`` lists every bad row in ``params["errors"]`` (row, column, code,
    message); each row is also checked for the actor's region by its service."""
    require_role(actor, *MANAGERS)
    if kind not in excel.KINDS:
        raise ServiceError(Code.CAPACITY_IMPORT_KIND_INVALID, field="kind")
    upload = checked_upload(
        name,
        content,
        extensions={"xlsx": "xlsx"},
        limit=settings.OPENGPS_MAX_WORKBOOK_BYTES,
        refusals=REFUSALS,
        field="file",
    )
    sheet = excel.read(upload.content, kind)
    found = _Lookups(kind, sheet.rows)
    with transaction.atomic():
        errors = [error for number, cells in sheet.rows for error in _row(kind, actor, number, cells, found)]
        if errors:
            # raised inside the transaction: the rows that passed are rolled back with it
            raise ServiceError(
                Code.CAPACITY_IMPORT_ROWS_INVALID,
                field="file",
                params={
                    "count": len({error.row for error in errors}),
                    "errors": [asdict(error) for error in errors],
                },
            )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_IMPORTED,
            obj=("capacity.import", f"{kind}-{clock.now():%Y%m%d%H%M%S}"),
            new={"kind": kind, "file": upload.name, "rows": len(sheet.rows)},
        )
    return ImportResult(kind=kind, rows=len(sheet.rows))
