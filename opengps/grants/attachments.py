"""Application attachments: a size cap and the type told by the content (PDF, DOCX, XLSX, JPEG, PNG)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError
from opengps.core.uploads import display_name, sniff_among
from opengps.grants.errors import Code

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
KINDS = ("pdf", "docx", "xlsx", "jpg", "png")
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}


def max_bytes() -> int:
    """``OPENGPS_MAX_GRANT_FILE_BYTES`` (default 10 MB)."""
    return int(getattr(settings, "OPENGPS_MAX_GRANT_FILE_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    content: bytes


def detect_kind(content: bytes) -> str | None:
    """The file type read from its first bytes, or None when it is not one we accept."""
    return sniff_among(content, KINDS)


def check_file(name: str, content: bytes) -> CheckedFile:
    """Refuse an empty, oversized or mistyped file (``grants.file_empty`` / ``file_too_large`` /
    ``file_type``); the extension must agree with the content."""
    clean = display_name(name)
    if not content:
        raise ServiceError(Code.GRANTS_FILE_EMPTY, field="file", params={"name": clean})
    limit = max_bytes()
    if len(content) > limit:
        raise ServiceError(
            Code.GRANTS_FILE_TOO_LARGE,
            _("文件“%(name)s”超过大小上限 %(limit)s MB") % {"name": clean, "limit": limit // (1024 * 1024)},
            field="file",
            params={"limit": limit, "size": len(content)},
        )
    kind = detect_kind(content)
    extension = _EXTENSIONS.get(clean.rsplit(".", 1)[-1].lower() if "." in clean else "")
    if kind is None or extension != kind:
        raise ServiceError(
            Code.GRANTS_FILE_TYPE,
            _("文件“%(name)s”类型不符：只接受 PDF、DOCX、XLSX、JPG、PNG，且内容须与扩展名一致")
            % {"name": clean},
            field="file",
            params={"detected": kind or "", "extension": extension or ""},
        )
    return CheckedFile(clean, kind, content)
