"""Bid file checks: size cap and type by magic bytes (PDF, DOCX, XLSX, ZIP), never by the name alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opengps.core.uploads import UploadRefusals, checked_upload, sniff_among
from opengps.procurement.errors import Code

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def max_bytes() -> int:
    """``OPENGPS_MAX_BID_FILE_BYTES`` (default 20 MB)."""
    return int(getattr(settings, "OPENGPS_MAX_BID_FILE_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: its name, detected type and content."""

    name: str
    kind: str
    content_type: str
    content: bytes


def detect_kind(content: bytes) -> str | None:
    """``"pdf"``, ``"docx"``, ``"xlsx"``, ``"zip"`` from the content, or None."""
    return sniff_among(content, EXTENSIONS.keys())


REFUSALS = UploadRefusals(
    Code.BID_FILE_EMPTY,
    Code.BID_FILE_TOO_LARGE,
    Code.BID_FILE_TYPE,
    _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、ZIP，且内容须与扩展名一致"),
)


def check_file(name: str, content: bytes, *, field: str = "files") -> CheckedFile:
    """Refuse an empty, oversized or disallowed file with ``bid.file_too_large``/``bid.file_type``."""
    checked = checked_upload(
        name,
        content,
        extensions={kind: kind for kind in EXTENSIONS},
        limit=max_bytes(),
        refusals=REFUSALS,
        field=field,
    )
    return CheckedFile(checked.name, checked.kind, EXTENSIONS[checked.kind], content)
