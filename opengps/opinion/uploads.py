"""The upload of a monitoring contractor's file (issue 21 §1) from the desk's import page and the API:
all rows or none, as the platform's other imports (`opengps.capacity.services.imports`).

The file is checked the way the platform checks uploads — empty, over
``settings.OPENGPS_MAX_WORKBOOK_BYTES``, or not the kind its extension names (an .xlsx must be a
workbook; a .csv or .json must be text) — then read by `importing.read_rows`. Every bad row is
reported with its number, column and reason in the user's language, and when there is any, nothing
is written. A clean file goes through the batch ingest (`services.items_collect`: duplicates folded,
matches, alerts and an audit event per item) plus one audit event for the import itself, in one
transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.errors import NotFound, ServiceError
from opengps.core.uploads import CheckedUpload, UploadRefusals, checked_upload, display_name, sniff
from opengps.opinion import services
from opengps.opinion.errors import Code
from opengps.opinion.events import Event
from opengps.opinion.importing import incoming_of, moment_of, read_rows
from opengps.opinion.models import Item, Source, SourceKind

DEFAULT_SOURCE = "监测机构文件"
"""The import source a file goes to when the user names none (created on first use)."""
WRONG_TYPE = _("文件“%(name)s”不是 CSV、Excel（.xlsx）或 JSON 文件")
REFUSALS = UploadRefusals(
    Code.OPINION_FILE_EMPTY, Code.OPINION_FILE_TOO_LARGE, Code.OPINION_FILE_TYPE, WRONG_TYPE
)
TEXT_KINDS = ("csv", "json")


@dataclass(frozen=True)
class RowError:
    """One bad row: its number (`importing.read_rows`), the column's label, the stable code and the
    reason in the user's language."""

    row: int
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    """What a clean import did: rows read, items stored, duplicates folded, alerts raised or fed."""

    file: str
    source: str
    rows: int
    stored: int
    duplicates: int
    alerts: int


def checked_file(name: str, content: bytes) -> CheckedUpload:
    """The file if it is a workbook named .xlsx, or text named .csv or .json, within the size limit;
    else the refusal (`REFUSALS`) on ``file``."""
    clean = display_name(name)
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    limit = settings.OPENGPS_MAX_WORKBOOK_BYTES
    if extension not in TEXT_KINDS:
        return checked_upload(
            name, content, extensions={"xlsx": "xlsx"}, limit=limit, refusals=REFUSALS, field="file"
        )
    if not content or len(content) > limit:
        # the empty and size refusals of any upload (a text file has no kind to sniff)
        checked_upload(name, content, extensions={}, limit=limit, refusals=REFUSALS, field="file")
    if sniff(content) is not None or b"\x00" in content[:4096]:
        # binary content (a PDF, an image, an archive) under a text file's name
        raise ServiceError(
            Code.OPINION_FILE_TYPE,
            WRONG_TYPE % {"name": clean},
            field="file",
            params={"detected": sniff(content) or "binary", "extension": extension},
        )
    return CheckedUpload(clean, extension, content)


def _error(number: int, column: Any, code: Code) -> RowError:
    return RowError(number, str(column), code.value, str(code.message))


def row_errors(number: int, fields: dict[str, Any]) -> list[RowError]:
    """The problems of one row: no title, a malformed link, a time that cannot be read."""
    errors = []
    if not str(fields.get("title") or "").strip():
        errors.append(_error(number, _("标题"), Code.OPINION_TITLE_REQUIRED))
    url = str(fields.get("url") or "").strip()
    if url and (not url.startswith(("http://", "https://")) or len(url) > 500):
        errors.append(_error(number, _("链接"), Code.OPINION_URL_INVALID))
    moment = fields.get("time")
    if str(moment or "").strip() and moment_of(moment) is None:
        errors.append(_error(number, _("时间"), Code.OPINION_TIME_INVALID))
    return errors


def import_sources(*, actor: Actor) -> list[Source]:
    """The import sources a file may go to (the monitoring's managers)."""
    require_role(actor, *services.MANAGERS)
    return list(Source.objects.filter(kind=SourceKind.IMPORT).order_by("name", "id"))


def import_source_get(*, actor: Actor, pk: int) -> Source:
    """One import source by its id (the monitoring's managers)."""
    require_role(actor, *services.MANAGERS)
    found = Source.objects.filter(kind=SourceKind.IMPORT, pk=pk).first()
    if found is None:
        raise NotFound(Code.OPINION_SOURCE_NOT_FOUND, field="source")
    return found


def _source(actor: Actor, source: Source | None) -> Source:
    if source is not None:
        if source.kind != SourceKind.IMPORT:
            raise ServiceError(Code.OPINION_KIND_INVALID, field="source")
        return source
    found = Source.objects.filter(kind=SourceKind.IMPORT, name=DEFAULT_SOURCE).order_by("id").first()
    return found or services.source_create(actor=actor, name=DEFAULT_SOURCE, kind=SourceKind.IMPORT)


def file_import(*, actor: Actor, name: str, content: bytes, source: Source | None = None) -> ImportResult:
    """Import a contractor's file into `source` (an import source; the default one when None), all
    rows or none. ServiceError ``opinion.rows_invalid`` lists every bad row in ``params["errors"]``
    (row, column, code, message)."""
    require_role(actor, *services.MANAGERS)
    upload = checked_file(name, content)
    rows = read_rows(upload.name, upload.content)
    if not rows:
        raise ServiceError(Code.OPINION_FILE_INVALID, field="file")
    errors = [error for number, fields in rows for error in row_errors(number, fields)]
    if errors:
        raise ServiceError(
            Code.OPINION_ROWS_INVALID,
            field="file",
            params={"count": len({error.row for error in errors}), "errors": [asdict(e) for e in errors]},
        )
    with transaction.atomic():
        target = _source(actor, source)
        collected = services.items_collect(
            actor=actor, source=target, incoming=[incoming_of(fields) for _number, fields in rows]
        )
        result = ImportResult(
            file=upload.name,
            source=target.name,
            rows=len(rows),
            stored=len(collected.new),
            duplicates=collected.duplicates,
            alerts=len(collected.alerts),
        )
        audit.record(actor=actor, action=Event.OPINION_FILE_IMPORTED, obj=target, new=asdict(result))
    return result


MANUAL_SOURCE = "人工录入"
"""The manual source an item entered by hand goes to (created on first use)."""


def manual_enter(
    *,
    actor: Actor,
    title: str,
    outlet: str = "",
    url: str = "",
    published_at: datetime | None = None,
    text: str = "",
) -> Item | None:
    """Enter one item by hand (title, the outlet it appeared in, link, time, text) into the manual
    source, as a contractor's row is entered (`importing`): the outlet kept in front of the text. None
    when it repeats an item already collected; a link already collected is refused."""
    require_role(actor, *services.MANAGERS)
    with transaction.atomic():
        source = Source.objects.filter(kind=SourceKind.MANUAL, name=MANUAL_SOURCE).order_by("id").first()
        source = source or services.source_create(actor=actor, name=MANUAL_SOURCE, kind=SourceKind.MANUAL)
        body = incoming_of({"title": title, "source": outlet, "text": text}).text
        return services.item_enter(
            actor=actor, source=source, title=title, text=body, url=url, published_at=published_at
        )
