"""Administrators enter a year's State Council holiday notice: paste, check the calendar, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opengps.accounts.actors import signed_in_user
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.views import error_page
from opengps.workbench import selectors
from opengps.workbench.errors import Code
from opengps.workbench.services import holiday_year_register

TEXT_MAX = 20_000  # a notice is about 1,000 characters; refuse pasting a whole web page twice over


def _year(request: HttpRequest) -> int | None:
    value = request.POST.get("year", "").strip()
    if not value:
        return None
    if not value.isdecimal() or not 2000 <= int(value) <= 2100:
        raise ServiceError(Code.NOTICE_BAD_YEAR, field="year")
    return int(value)


def _text(request: HttpRequest) -> str:
    text = request.POST.get("text", "")
    if not text.strip():
        raise ServiceError(Code.NOTICE_REQUIRED, field="text")
    if len(text) > TEXT_MAX:
        raise ServiceError(Code.NOTICE_TOO_LONG, field="text")
    return text


def _page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("text", request.POST.get("text", ""))
    context.setdefault("year", request.POST.get("year", ""))
    context["entered"] = selectors.holiday_years_entered(actor=request.user)
    return render(request, "workbench/holiday_notice.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_entry(request: HttpRequest) -> HttpResponse:
    """录入节假日安排: the form; a POST parses the pasted notice and shows its calendar to confirm."""
    try:
        if request.method != "POST":
            return _page(request)
        preview = selectors.holiday_notice_preview(
            actor=request.user, text=_text(request), year=_year(request)
        )
    except PermissionDenied as exc:
        return error_page(request, exc)
    except ServiceError as exc:
        return _page(request, error=exc, status=exc.status)
    return _page(request, preview=preview)


@login_required
@require_POST
def notice_confirm(request: HttpRequest) -> HttpResponse:
    """Store the confirmed notice (audited) and put it in force."""
    try:
        notice = selectors.holiday_notice_preview(
            actor=request.user, text=_text(request), year=_year(request)
        ).notice
        holiday_year_register(
            actor=signed_in_user(request),
            year=notice.year,
            holidays=[day.isoformat() for day in notice.holidays],
            workdays=[day.isoformat() for day in notice.workdays],
            source=notice.source,
        )
    except PermissionDenied as exc:
        return error_page(request, exc)
    except ServiceError as exc:
        return _page(request, error=exc, status=exc.status)
    messages.success(
        request,
        _("已录入 %(year)s 年节假日安排：%(holidays)s 天法定节假日、%(workdays)s 个调休上班日，即时生效")
        % {"year": notice.year, "holidays": len(notice.holidays), "workdays": len(notice.workdays)},
    )
    return redirect("workbench:holiday-notice")
