"""The core helpers several apps call instead of keeping their own copy: the refusal page of a view,
the page number of a paged list, an imported spreadsheet cell read as text, and the check of an
uploaded file."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.exports import cell_text, safe_cell
from opengps.core.paging import page_number
from opengps.core.uploads import CheckedUpload, UploadRefusals, checked_upload
from opengps.core.views import error_page

PDF = b"%PDF-1.7\n..."
PNG = b"\x89PNG\r\n\x1a\n...."
JPG = b"\xff\xd8\xff\xe0JFIF"
REFUSALS = UploadRefusals("test.empty", "test.too_large", "test.type", "文件“%(name)s”类型不符")
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg"}


def _request() -> HttpRequest:
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    return request


def _code(html: str) -> str:
    found = re.search(r'data-error-code="([^"]*)"', html)
    assert found is not None
    return found.group(1)


# --- error_page ----------------------------------------------------------------------------------


def test_error_page_shows_a_refusal_with_its_status_and_code() -> None:
    response = error_page(_request(), PermissionDenied("test.denied", "不可以"))
    assert response.status_code == 403
    assert _code(response.content.decode()) == "test.denied"
    conflict = error_page(_request(), ServiceError("test.refused", "不行"))
    assert conflict.status_code == 400 and "不行" in conflict.content.decode()


def test_error_page_answers_not_found_with_the_sites_404_unless_told_otherwise() -> None:
    with pytest.raises(Http404):
        error_page(_request(), NotFound("test.missing", "没有这一项"))
    shown = error_page(_request(), NotFound("test.missing", "没有这一项"), not_found_raises=False)
    assert shown.status_code == 404
    assert _code(shown.content.decode()) == "test.missing"


# --- page_number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("", 1),
        ("?page=3", 3),
        ("?page=0", 1),
        ("?page=-2", 1),
        ("?page=abc", 1),
        ("?page=²", 1),
        ("?page=99999", 99999),
        ("?page=100000", 1),
    ],
)
def test_page_number_takes_a_sane_page_or_the_first(query: str, page: int) -> None:
    assert page_number(RequestFactory().get("/list/" + query)) == page


# --- cell_text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("  长沙市  ", "长沙市"),
        (3.0, "3"),
        (2.5, "2.5"),
        (42, "42"),
        (datetime(2024, 3, 1, 0, 0), "2024-03-01"),
        (safe_cell("=1+2"), "=1+2"),  # what our export protected comes back as typed
        ("'plain", "'plain"),
    ],
)
def test_cell_text_reads_an_imported_cell(cell: object, text: str) -> None:
    assert cell_text(cell) == text


# --- checked_upload ------------------------------------------------------------------------------


def _check(name: str, content: bytes, limit: int = 1024) -> CheckedUpload:
    return checked_upload(name, content, extensions=EXTENSIONS, limit=limit, refusals=REFUSALS, field="file")


def test_checked_upload_keeps_a_file_whose_content_matches_its_extension() -> None:
    assert _check("C:\\docs\\申报书.pdf", PDF) == CheckedUpload("申报书.pdf", "pdf", PDF)
    assert _check("photo.JPEG", JPG).kind == "jpg"  # an extension may name the kind another way


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.pdf", b"", "test.empty"),
        ("big.pdf", PDF + b"x" * 2048, "test.too_large"),
        ("renamed.pdf", PNG, "test.type"),  # a kind the app does not take
        ("photo.pdf", JPG, "test.type"),  # a kind it takes, under another kind's extension
        ("no-extension", PDF, "test.type"),
        ("macro.exe", b"MZ\x90\x00", "test.type"),
    ],
)
def test_checked_upload_refuses_with_the_apps_codes(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        _check(name, content)
    assert refused.value.code == code and refused.value.field == "file"


def test_checked_upload_names_the_file_and_the_limit() -> None:
    with pytest.raises(ServiceError) as refused:
        _check("report.pdf", PDF + b"x" * (3 * 1024 * 1024), limit=2 * 1024 * 1024)
    assert "report.pdf" in refused.value.text() and "2 MB" in refused.value.text()
    assert refused.value.params == {"limit": 2 * 1024 * 1024, "size": len(PDF) + 3 * 1024 * 1024}
    with pytest.raises(ServiceError) as mistyped:
        _check("x.jpeg", PDF)
    assert mistyped.value.text() == "文件“x.jpeg”类型不符"
    assert mistyped.value.params == {"detected": "pdf", "extension": "jpeg"}


def test_a_zip_that_is_an_office_file_is_its_office_kind() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "x")
    with pytest.raises(ServiceError) as refused:
        _check("letter.pdf", buffer.getvalue())
    assert refused.value.params["detected"] == ""  # docx is not among the kinds taken
