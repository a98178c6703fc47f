"""Home page (with the user's reminders), the rules index, health check and the auditors' timeline screens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import User
from opengps.accounts.permissions import has_role
from opengps.core import calendar_sync, clock
from opengps.core.errors import NotFound, PermissionDenied
from opengps.registry.selectors import registry_overview
from opengps.rules.catalog import all_rules
from opengps.workbench import selectors, services


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"overview": registry_overview()}
    if has_role(request.user, *selectors.HOLIDAY_NOTICE_WATCHERS):
        context["holiday_notice_missing"] = calendar_sync.holiday_notice_missing(clock.today())
    if isinstance(request.user, User) and request.user.is_authenticated:
        context["reminders"] = selectors.reminders_open(actor=request.user)
        context["today"] = clock.today()
    return render(request, "workbench/home.html", context)


@login_required
@require_POST
def reminder_read(request: HttpRequest, pk: int) -> HttpResponse:
    """标为已读: one of the user's own reminders (anyone else's is a 404)."""
    try:
        services.reminder_mark_read(actor=signed_in_user(request), reminder_id=pk)
    except NotFound as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    return redirect(reverse("workbench:home") + "#reminders")


def rules_index(request: HttpRequest) -> HttpResponse:
    """Every legal rule with its value, effective dates and citation — generated from the rules code."""
    english = (request.LANGUAGE_CODE or "").startswith("en")
    groups: dict[str, list[dict[str, object]]] = {}
    for rule in all_rules():
        groups.setdefault(rule.name.split(".")[0], []).append(
            {
                "name": rule.name,
                "title": rule.title_en if english else rule.title_zh,
                "summary": rule.summary_en if english else rule.summary_zh,
                "values": rule.values,
            }
        )
    return render(request, "workbench/rules.html", {"groups": groups})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    try:
        events = selectors.audit_recent(
            actor=request.user,
            action=request.GET.get("action", "").strip()[:80],
            object_type=request.GET.get("object_type", "").strip()[:80],
        )
    except PermissionDenied as exc:
        return render(request, "core/error.html", {"error": exc}, status=403)
    return render(request, "workbench/audit_list.html", {"events": events, "query": request.GET})


@login_required
def audit_timeline(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    try:
        events = list(
            selectors.audit_timeline(actor=request.user, object_type=object_type, object_id=object_id)
        )
    except PermissionDenied as exc:
        return render(request, "core/error.html", {"error": exc}, status=403)
    return render(
        request,
        "workbench/audit_timeline.html",
        {"events": events, "object_type": object_type, "object_id": object_id},
    )
