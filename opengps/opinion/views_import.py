"""Opinion pages for the monitoring's managers (issue 21 §1): the import of a monitoring contractor's
file — all rows or none, the result with the rows read, stored and folded as duplicates, or every bad
row with its number and reason — and the manual entry of one item. Another role is refused (the error
page, 403) before any form is read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.permissions import require_role
from opengps.core.errors import PermissionDenied
from opengps.core.forms import run_service
from opengps.core.views import error_page
from opengps.opinion import importing, services, uploads
from opengps.opinion.forms import FileImportForm, ItemEntryForm


def _manager(request: HttpRequest) -> Actor:
    """The signed-in user, refused (PermissionDenied) unless one who manages the monitoring."""
    actor = signed_in_user(request)
    require_role(actor, *services.MANAGERS)
    return actor


def _import_page(
    request: HttpRequest,
    form: FileImportForm,
    *,
    errors: list[dict[str, Any]] | None = None,
    result: uploads.ImportResult | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = None
    if result is not None:
        summary = [
            [_("文件"), result.file],
            [_("导入来源"), result.source],
            [_("读取行数"), {"text": result.rows, "kind": "num"}],
            [_("新存入"), {"text": result.stored, "kind": "num"}],
            [_("重复（未另存）"), {"text": result.duplicates, "kind": "num"}],
            [_("产生或归入的预警"), {"text": result.alerts, "kind": "num"}],
        ]
    context = {
        "form": form,
        "headers": [(_(label), "、".join(words)) for label, words in _HEADER_LABELS],
        "summary": summary,
        "summary_columns": [_("项目"), _("数量")],
        "error_columns": [_("行号"), _("列"), _("问题")],
        "error_rows": [[error["row"], error["column"] or "—", error["message"]] for error in errors or []],
    }
    return render(request, "opinion/import.html", context, status=status)


_HEADER_LABELS = [
    ("标题", importing.HEADERS["title"]),
    ("来源", importing.HEADERS["source"]),
    ("链接", importing.HEADERS["url"]),
    ("时间", importing.HEADERS["time"]),
    ("正文", importing.HEADERS["text"]),
]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def file_import(request: HttpRequest) -> HttpResponse:
    """导入监测机构文件 — the form (GET); the import (POST): the result page with the counts, or the
    page again with every bad row (row number, column, reason) and nothing written."""
    try:
        actor = _manager(request)
    except PermissionDenied as exc:
        return error_page(request, exc)
    sources = uploads.import_sources(actor=actor)
    if request.method != "POST":
        return _import_page(request, FileImportForm(sources=sources))
    form = FileImportForm(request.POST, request.FILES, sources=sources)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    outcome = run_service(
        form,
        lambda: uploads.file_import(
            actor=actor, name=upload.name or "", content=upload.read(), source=form.cleaned_data["source"]
        ),
    )
    if outcome.error is not None:
        errors = outcome.error.params.get("errors", [])
        return _import_page(request, form, errors=errors, status=outcome.status)
    return _import_page(request, FileImportForm(sources=sources), result=outcome.result)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_enter(request: HttpRequest) -> HttpResponse:
    """人工录入舆情信息 — the form (GET); the entry (POST), then the item's page (or the desk when it
    repeats an item already collected)."""
    try:
        actor = _manager(request)
    except PermissionDenied as exc:
        return error_page(request, exc)
    if request.method != "POST":
        return render(request, "opinion/enter.html", {"form": ItemEntryForm()})
    form = ItemEntryForm(request.POST)
    if not form.is_valid():
        return render(request, "opinion/enter.html", {"form": form}, status=400)
    data = form.cleaned_data
    outcome = run_service(
        form,
        lambda: uploads.manual_enter(
            actor=actor,
            title=data["title"],
            outlet=data["outlet"],
            url=data["url"],
            published_at=data["published_at"],
            text=data["text"],
        ),
    )
    if outcome.error is not None:
        return render(request, "opinion/enter.html", {"form": form}, status=outcome.status)
    if outcome.result is None:
        messages.info(request, _("与已采集的信息重复，未另存"))
        return redirect("opinion:desk")
    messages.success(request, _("已录入"))
    return redirect("opinion:item", pk=outcome.result.pk)
