"""Uploaded files: the type read from the content (never from the name) and a safe display name.

Each app decides which kinds it accepts and how large a file may be; this module only says what a
file is. Office files are zip archives told apart by their main part.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection

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
