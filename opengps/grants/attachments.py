"""Application attachments: a size cap and the type told by the content (PDF, DOCX, XLSX, JPEG, PNG)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opengps.core.uploads import CheckedUpload, UploadRefusals, checked_upload, sniff_among
from opengps.grants.errors import Code

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
KINDS = ("pdf", "docx", "xlsx", "jpg", "png")
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}


def max_bytes() -> int:
    """``OPENGPS_MAX_GRANT_FILE_BYTES`` (default 10 MB)."""
    return int(getattr(settings, "OPENGPS_MAX_GRANT_FILE_BYTES", DEFAULT_MAX_BYTES))


REFUSALS = UploadRefusals(
    Code.GRANTS_FILE_EMPTY,
    Code.GRANTS_FILE_TOO_LARGE,
    Code.GRANTS_FILE_TYPE,
    _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、JPG、PNG，且内容须与扩展名一致"),
)


def detect_kind(content: bytes) -> str | None:
    """The file type read from its first bytes, or None when it is not one we accept."""
    return sniff_among(content, KINDS)


def check_file(name: str, content: bytes) -> CheckedUpload:
    """Refuse an empty, oversized or mistyped file (``grants.file_empty`` / ``file_too_large`` /
    ``file_type``); the extension must agree with the content."""
    return checked_upload(
        name, content, extensions=_EXTENSIONS, limit=max_bytes(), refusals=REFUSALS, field="file"
    )
