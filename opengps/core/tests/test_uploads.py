"""core.uploads: the type of an uploaded file is read from its content, never from its name."""

from __future__ import annotations

import io
import zipfile

import pytest

from opengps.core.uploads import display_name, sniff, sniff_among


def _zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\xff\xd8\xff\xe0JFIF", "jpg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (_zip("word/document.xml", "[Content_Types].xml"), "docx"),
        (_zip("xl/workbook.xml"), "xlsx"),
        (_zip("readme.txt"), "zip"),
        (b"PK\x03\x04 but not really an archive", None),
        (b"MZ\x90\x00 an executable", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_content(content: bytes, kind: str | None) -> None:
    assert sniff(content) == kind


def test_sniff_among_refuses_kinds_the_caller_does_not_accept() -> None:
    assert sniff_among(b"\x89PNG\r\n\x1a\n", {"pdf", "docx"}) is None
    assert sniff_among(_zip("readme.txt"), ("pdf", "docx", "xlsx", "jpg", "png")) is None
    assert sniff_among(b"%PDF-1.4", frozenset({"pdf"})) == "pdf"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("C:\\Users\\a\\投标文件.pdf", "投标文件.pdf"),
        ("../../etc/passwd", "passwd"),
        ("", "file"),
        (None, "file"),
    ],
)
def test_display_name_keeps_only_the_last_segment(name: str | None, shown: str) -> None:
    assert display_name(name) == shown
