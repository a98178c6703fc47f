"""Home page — the public front page, or a signed-in user's workbench (to-do queues, reminders) —
the notification centre, the deadline calendar, the rules index, health check and the auditors'
timeline screens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import User
from opengps.accounts.permissions import has_role
from opengps.core import calendar_sync, clock
from opengps.core.errors import NotFound, PermissionDenied
from opengps.core.views import error_page
from opengps.registry.selectors import registry_overview
from opengps.rules.catalog import all_rules
from opengps.workbench import agenda, queues, selectors, services
from opengps.workbench.errors import Code
from opengps.workbench.forms import MonthForm, ReminderFilterForm


def home(request: HttpRequest) -> HttpResponse:
    """首页: the public front page for visitors; a signed-in user's workbench — the role's to-do
    queues (`workbench.queues`), its open reminders and, for a supplier, its eligibility today."""
    context: dict[str, Any] = {}
    if has_role(request.user, *selectors.HOLIDAY_NOTICE_WATCHERS):
        context["holiday_notice_missing"] = calendar_sync.holiday_notice_missing(clock.today())
    user = request.user
    if not (isinstance(user, User) and user.is_authenticated):
        context["overview"] = registry_overview()
        return render(request, "workbench/home.html", context)
    work = queues.Context.current()
    context.update(
        {
            "queues": queues.queues_for(actor=user, ctx=work),
            "reminders": selectors.reminders_open(actor=user),
            "today": work.today,
            "horizon": work.horizon,
            "horizon_days": queues.HORIZON_WORKING_DAYS,
            "eligibility": queues.eligibility_of(user, work.today),
        }
    )
    return render(request, "workbench/workbench.html", context)


@login_required
def queue(request: HttpRequest, key: str) -> HttpResponse:
    """查看全部: one of the actor's queues in full (its first `queues.FULL_LIMIT` items)."""
    found = queues.queue_get(actor=signed_in_user(request), key=key)
    if found is None:
        return error_page(request, NotFound(Code.QUEUE_NOT_FOUND), not_found_raises=False)
    return render(
        request,
        "workbench/queue.html",
        {"queue": found, "limit": queues.FULL_LIMIT, "today": clock.today()},
    )


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """通知中心: every reminder the user was sent, newest due first, paged, with 标为已读 and 全部标为已读."""
    form = ReminderFilterForm(request.GET)
    page = form.page_number()
    if page is None:
        return render(request, "workbench/reminders.html", {"form": form, "listing": None}, status=400)
    unread_only = bool(form.cleaned_data.get("unread"))
    listing = selectors.reminders_page(actor=signed_in_user(request), page=page, unread_only=unread_only)
    return render(
        request,
        "workbench/reminders.html",
        {"form": form, "listing": listing, "unread_only": unread_only, "today": clock.today()},
    )


@login_required
@require_POST
def reminders_read_all(request: HttpRequest) -> HttpResponse:
    """全部标为已读: every open reminder of the user."""
    count = services.reminders_mark_all_read(actor=signed_in_user(request))
    messages.success(request, _("已将 %(count)s 条提醒标为已读") % {"count": count})
    return redirect("workbench:reminders")


@login_required
def agenda_month(request: HttpRequest) -> HttpResponse:
    """日程: a month of the user's dated items (server-rendered, no script)."""
    form = MonthForm(request.GET)
    today = clock.today()
    month = form.month_or(today)
    if month is None:
        return render(request, "workbench/agenda.html", {"form": form, "month": None}, status=400)
    return render(
        request,
        "workbench/agenda.html",
        {"form": form, "month": agenda.month_agenda(actor=signed_in_user(request), month=month, today=today)},
    )


def _back(request: HttpRequest, default: str) -> str:
    """Where a POST returns to: its own ``next`` when it is a path on this site, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def reminder_read(request: HttpRequest, pk: int) -> HttpResponse:
    """标为已读: one of the user's own reminders (anyone else's is a 404)."""
    try:
        services.reminder_mark_read(actor=signed_in_user(request), reminder_id=pk)
    except NotFound as exc:
        return error_page(request, exc, not_found_raises=False)
    return redirect(_back(request, reverse("workbench:home") + "#reminders"))


RULE_MODULES = {
    "calendar": gettext_lazy("工作日与节假日"),
    "procedures": gettext_lazy("采购程序"),
    "deadlines": gettext_lazy("法定期限"),
    "jurisdictions": gettext_lazy("采购限额与集中采购"),
    "methods": gettext_lazy("采购方式"),
    "scoring": gettext_lazy("评审与评分"),
    "committee": gettext_lazy("评审委员会"),
    "framework": gettext_lazy("框架协议"),
    "deposits": gettext_lazy("保证金"),
    "contracts": gettext_lazy("合同与履约"),
    "eligibility": gettext_lazy("承接主体资格"),
    "emall": gettext_lazy("电子卖场"),
    "residents": gettext_lazy("居民服务与反馈"),
    "compliance": gettext_lazy("合规审查"),
    "grants": gettext_lazy("公益创投与资助"),
    "performance": gettext_lazy("绩效评价"),
    "redflags": gettext_lazy("风险预警"),
}
"""Section headings of /rules/, one per rules module (the module's code stays in the anchor)."""


def rules_index(request: HttpRequest) -> HttpResponse:
    """Every legal rule with its value, effective dates and citation — generated from the rules code."""
    english = (request.LANGUAGE_CODE or "").startswith("en")
    groups: dict[str, dict[str, Any]] = {}
    for rule in all_rules():
        module = rule.name.split(".")[0]
        group = groups.setdefault(
            module, {"code": module, "label": RULE_MODULES.get(module, module), "rules": []}
        )
        group["rules"].append(
            {
                "name": rule.name,
                "title": rule.title_en if english else rule.title_zh,
                "summary": rule.summary_en if english else rule.summary_zh,
                "values": rule.values,
            }
        )
    return render(request, "workbench/rules.html", {"groups": list(groups.values())})


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
        return error_page(request, exc)
    return render(request, "workbench/audit_list.html", {"events": events, "query": request.GET})


@login_required
def audit_timeline(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    try:
        events = list(
            selectors.audit_timeline(actor=request.user, object_type=object_type, object_id=object_id)
        )
    except PermissionDenied as exc:
        return error_page(request, exc)
    return render(
        request,
        "workbench/audit_timeline.html",
        {"events": events, "object_type": object_type, "object_id": object_id},
    )
