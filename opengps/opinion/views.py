"""Opinion pages for officials: the monitoring desk (the stream of items with filters and the
sources' fetch state), one item with the organizations it names and its evidence, the alert queue
and one alert with the reviewer's decision form. A refusal is the error page with its status; a
refused decision shows the alert again with the error beside its field."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.permissions import has_role
from opengps.core.errors import ServiceError
from opengps.core.views import error_page, one_action, read_through
from opengps.opinion import selectors, services
from opengps.opinion.forms import DecisionForm, FilterForm, ToneCorrectionForm
from opengps.opinion.models import Alert, AlertStatus, Item, ItemTone

TONES = {"negative": "bad", "neutral": "info", "positive": "ok"}
PAGE = 100


def _tone(item: Item) -> dict[str, Any]:
    return {"text": item.get_tone_display(), "kind": "badge", "tone": TONES.get(item.tone, "info")}


def _organizations(item: Item) -> str:
    return "、".join(match.organization.name for match in item.matches.all()) or "—"


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    """舆情监测台 — the newest items (filtered) and the sources with their last success."""
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.Filters(
        tone=data.get("tone") or "",
        topic=data.get("topic") or "",
        organization=data.get("organization"),
        q=data.get("q") or "",
        matched=data.get("matched") or "",
    )
    try:
        found = list(selectors.items(actor=signed_in_user(request), filters=filters)[:PAGE])
    except ServiceError as exc:
        return error_page(request, exc)
    rows = [
        [
            {"text": item.title, "url": reverse("opinion:item", args=[item.pk]), "kind": "name"},
            _tone(item),
            "、".join(item.topic_labels) or "—",
            _organizations(item),
            item.source.name,
            item.published_at.strftime("%Y-%m-%d %H:%M") if item.published_at else "—",
        ]
        for item in found
    ]
    sources = [
        [
            {"text": source.name, "kind": "name"},
            source.get_kind_display(),
            _("每%(minutes)s分钟") % {"minutes": source.interval_minutes},
            source.last_success_at.strftime("%Y-%m-%d %H:%M") if source.last_success_at else "—",
            source.failures,
            source.last_error or "—",
        ]
        for source in selectors.sources(actor=signed_in_user(request))[:50]
    ]
    context = {
        "form": form,
        "columns": [_("标题"), _("倾向"), _("话题"), _("涉及组织"), _("来源"), _("发布时间")],
        "rows": rows,
        "source_columns": [_("来源"), _("类型"), _("抓取间隔"), _("最近成功"), _("连续失败"), _("最近错误")],
        "sources": sources,
        "open_alerts": selectors.alerts(actor=signed_in_user(request)).count(),
        "manages": has_role(signed_in_user(request), *services.MANAGERS),
    }
    return render(request, "opinion/desk.html", context)


def _item_page(
    request: HttpRequest, item: Item, form: ToneCorrectionForm | None = None, status: int = 200
) -> HttpResponse:
    matches = [
        [
            {"text": match.organization.name, "kind": "name"},
            match.name,
            match.get_via_display(),
            match.evidence,
        ]
        for match in item.matches.all()
    ]
    context = {
        "item": item,
        "match_columns": [_("社会组织"), _("匹配名称"), _("名称类型"), _("原文片段")],
        "matches": matches,
        "alerts": list(item.alerts.select_related("organization")),
        "corrections": list(item.tone_corrections.select_related("corrected_by")),
        "form": form or ToneCorrectionForm(),
        "corrects": has_role(signed_in_user(request), *services.MANAGERS),
    }
    return render(request, "opinion/item.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.item_get, "pk")
def item_detail(request: HttpRequest, item: Item) -> HttpResponse:
    """One item: its text, tone and the words that decided it, the organizations it names, and the
    reviewers' tone corrections (with the form, for those who may correct)."""
    return _item_page(request, item)


@one_action(
    actor=signed_in_user,
    scope=selectors.item_get,
    form=lambda request, item: ToneCorrectionForm(request.POST),
    page=lambda request, item, form, status: _item_page(request, item, form, status),
    done=gettext_lazy("倾向已更正"),
    success=lambda item, correction: redirect("opinion:item", pk=item.pk),
    not_found=lambda request, exc: error_page(request, exc),
)
def _correct_tone(request: HttpRequest, actor: Actor, item: Item, form: ToneCorrectionForm) -> Any:
    return services.item_tone_correct(
        actor=actor, item=item, tone=form.cleaned_data["tone"], note=form.cleaned_data["note"]
    )


@wraps(_correct_tone)
def correct_tone(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """更正倾向 (POST). A role that reads no item is refused by the selector before any form is read."""
    try:
        return _correct_tone(request, **kwargs)
    except ServiceError as exc:
        return error_page(request, exc)


@login_required
@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    """倾向更正统计 — how many items reviewers corrected, from which tone to which, the latest ones."""
    try:
        report = selectors.tone_corrections(actor=signed_in_user(request))
    except ServiceError as exc:
        return error_page(request, exc)
    labels = dict(ItemTone.choices)
    pairs = [[labels[classified], labels[tone], count] for classified, tone, count in report.pairs]
    latest = [
        [
            {"text": c.item.title, "url": reverse("opinion:item", args=[c.item_id]), "kind": "name"},
            c.get_classified_display(),
            c.get_previous_display(),
            c.get_tone_display(),
            c.note,
            str(c.corrected_by),
            c.corrected_at.strftime("%Y-%m-%d %H:%M"),
        ]
        for c in report.latest
    ]
    context = {
        "report": report,
        "share": f"{report.corrected_share:.1%}",
        "pair_columns": [_("分类器判定倾向"), _("更正后倾向"), _("信息条数")],
        "pairs": pairs,
        "latest_columns": [
            _("标题"),
            _("分类器判定倾向"),
            _("更正前倾向"),
            _("更正后倾向"),
            _("更正理由"),
            _("更正人"),
            _("更正时间"),
        ],
        "latest": latest,
    }
    return render(request, "opinion/corrections.html", context)


@login_required
@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    """预警队列 — the open alerts of the reviewer's (or purchaser's) organizations, or the decided ones."""
    status = request.GET.get("status", AlertStatus.OPEN)
    status = status if status in AlertStatus.values else AlertStatus.OPEN
    try:
        found = list(selectors.alerts(actor=signed_in_user(request), status=status)[:PAGE])
    except ServiceError as exc:
        return error_page(request, exc)
    rows = [
        [
            {
                "text": alert.organization.name,
                "url": reverse("opinion:alert", args=[alert.pk]),
                "kind": "name",
            },
            alert.get_topic_display(),
            {"text": len(alert.items.all()), "kind": "num"},
            "、".join(tie["ref"] for tie in alert.ties) or "—",
            alert.opened_at.strftime("%Y-%m-%d %H:%M"),
            {"text": alert.get_status_display(), "kind": "badge", "tone": "warn" if alert.is_open else "ok"},
        ]
        for alert in found
    ]
    context = {
        "status": status,
        "columns": [_("社会组织"), _("话题"), _("信息条数"), _("合同、资助或商品"), _("预警时间"), _("状态")],
        "rows": rows,
    }
    return render(request, "opinion/alerts.html", context)


def _alert_page(
    request: HttpRequest, alert: Alert, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    items = [
        [
            {"text": item.title, "url": reverse("opinion:item", args=[item.pk]), "kind": "name"},
            _tone(item),
            item.source.name,
            item.published_at.strftime("%Y-%m-%d %H:%M") if item.published_at else "—",
        ]
        for item in alert.items.select_related("source").order_by("-fetched_at")
    ]
    context = {
        "alert": alert,
        "item_columns": [_("标题"), _("倾向"), _("来源"), _("发布时间")],
        "items": items,
        "decision": getattr(alert, "decision", None),
        "form": form or DecisionForm(),
        "decides": alert.is_open and has_role(actor, *selectors.REVIEWERS),
    }
    return render(request, "opinion/alert.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.alert_get, "pk")
def alert_detail(request: HttpRequest, alert: Alert) -> HttpResponse:
    """One alert: the organization, its ties to public money, the items, and the decision (form)."""
    return _alert_page(request, alert)


@one_action(
    actor=signed_in_user,
    scope=selectors.alert_get,
    form=lambda request, alert: DecisionForm(request.POST),
    page=lambda request, alert, form, status: _alert_page(request, alert, form, status),
    done=gettext_lazy("处理决定已记录"),
    success=lambda alert, decision: redirect("opinion:alert", pk=alert.pk),
    not_found=lambda request, exc: error_page(request, exc),
)
def _decide(request: HttpRequest, actor: Actor, alert: Alert, form: DecisionForm) -> Any:
    data = form.cleaned_data
    return services.alert_decide(
        actor=actor,
        alert=alert,
        kind=data["kind"],
        note=data["note"],
        decision_document=data["decision_document"],
    )


@wraps(_decide)
def decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """作出处理决定 (POST). A role that reads no alert is refused by the selector before any form is
    read: the error page with its status (403)."""
    try:
        return _decide(request, **kwargs)
    except ServiceError as exc:
        return error_page(request, exc)
