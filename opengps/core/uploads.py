"""Uploaded files: the type read from the content (never from the name) and a safe display name.

Each app decides which kinds it accepts, how large a file may be and which codes refuse it; this
module says what a file is and runs the one check (`checked_upload`). Office files are zip archives
told apart by their main part.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError

_ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def sniff(content: bytes) -> str | None:
    """``"pdf"``, ``"jpg"``, ``"png"``, ``"docx"``, ``"xlsx"`` or ``"zip"`` from the first bytes
    (and, for zip archives, their parts); None for anything else or a broken archive."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    return next((kind for kind, marker in _ZIP_MARKERS.items() if marker in names), "zip")


def sniff_among(content: bytes, accepted: Collection[str]) -> str | None:
    """The sniffed kind if it is one of `accepted`, else None."""
    kind = sniff(content)
    return kind if kind in accepted else None


def display_name(name: str | None) -> str:
    """The last path segment, trimmed to 200 characters ("file" when empty)."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed `checked_upload`: its display name, sniffed kind and content."""

    name: str
    kind: str
    content: bytes

    def stored(self) -> dict[str, Any]:
        """The columns a stored file keeps: name, kind, size, SHA-256 of the content, content."""
        return {
            "name": self.name,
            "kind": self.kind,
            "size": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
            "content": self.content,
        }


@dataclass(frozen=True)
class UploadRefusals:
    """An app's codes for refusing a file: empty, over its size limit, of a kind it does not take."""

    empty: str
    too_large: str
    wrong_type: str
    wrong_type_message: Promise | str
    """The wrong-type text, with ``%(name)s`` for the file's name (it lists the kinds accepted)."""


def checked_upload(
    name: str,
    content: bytes,
    *,
    extensions: Mapping[str, str],
    limit: int,
    refusals: UploadRefusals,
    field: str,
) -> CheckedUpload:
    """Refuse an empty file, one over `limit` bytes, or one whose content is not the kind its
    extension names: `extensions` maps each accepted extension (lower case) to that kind, e.g.
    ``{"jpeg": "jpg"}``. The refusals carry `refusals`' codes on `field`."""
    clean = display_name(name)
    if not content:
        raise ServiceError(refusals.empty, field=field, params={"name": clean})
    if len(content) > limit:
        raise ServiceError(
            refusals.too_large,
            _("文件“%(name)s”超过大小上限 %(limit)s MB") % {"name": clean, "limit": limit // (1024 * 1024)},
            field=field,
            params={"limit": limit, "size": len(content)},
        )
    kind = sniff_among(content, set(extensions.values()))
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if kind is None or extensions.get(extension) != kind:
        raise ServiceError(
            refusals.wrong_type,
            refusals.wrong_type_message % {"name": clean},
            field=field,
            params={"detected": kind or "", "extension": extension},
        )
    return CheckedUpload(clean, kind, content)
