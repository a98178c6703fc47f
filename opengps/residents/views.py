"""Residents' pages (/residents/, public, phone first): the service finder, one service with its
rating and complaint forms, the lookup by tracking number; and, signed in, the purchasing unit's
list of complaints to answer (the finance department sees those escalated to it). Actions: one URL
each (STYLE 14) — a form parses the POST, one service acts; a refusal re-renders the page with the
error beside its field and the refusal's status (429 when throttled)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.core import ratelimit
from opengps.core.errors import NotFound, ServiceError
from opengps.core.forms import ActionForm, run_service
from opengps.residents import forms, selectors, services
from opengps.residents.models import Feedback, FeedbackStatus

LAST = "residents_last_tracking"
"""The session key holding the tracking number just issued, shown once on the done page."""


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/not_found.html", status=404)


@require_safe
def finder(request: HttpRequest) -> HttpResponse:
    """找服务 — pick a county and a need; the services delivered there now."""
    form = forms.FinderForm(request.GET or None)
    cards: list[selectors.ServiceCard] = []
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                cards = selectors.find_services(
                    county=form.cleaned_data["county"], need=form.cleaned_data["need"]
                )
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                status = 200
    return render(
        request,
        "residents/finder.html",
        {"form": form, "cards": cards, "searched": form.is_bound and status == 200},
        status=status,
    )


def _service_page(
    request: HttpRequest, source: str, pk: int, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        card = selectors.service_get(source, pk)
    except NotFound:
        return _not_found(request)
    context: dict[str, Any] = {"card": card, "rate": forms.RateForm(), "file": forms.FileForm()}
    context.update(bound or {})
    return render(request, "residents/service.html", context, status=status)


@require_safe
def service(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    """One service: what, who, how rated; rate it, complain or suggest."""
    return _service_page(request, source, pk)


def _submitted(
    request: HttpRequest, form: ActionForm, call: Callable[[], Feedback], source: str, pk: int
) -> HttpResponse:
    if not form.is_valid():
        return _service_page(request, source, pk, {form.action: form}, 400)
    outcome = run_service(form, call)
    if not outcome.ok:
        if outcome.status == 404:
            return _not_found(request)
        return _service_page(request, source, pk, {form.action: form}, outcome.status)
    assert outcome.result is not None
    request.session[LAST] = outcome.result.tracking
    return redirect("residents:done")


@require_POST
def rate(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    form = forms.RateForm(request.POST)
    return _submitted(
        request,
        form,
        lambda: services.feedback_rate(
            source=source,
            pk=pk,
            stars=form.cleaned_data["stars"],
            text=form.cleaned_data["text"],
            code=form.cleaned_data["code"],
            client=ratelimit.client_ip(request),
        ),
        source,
        pk,
    )


@require_POST
def file(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    form = forms.FileForm(request.POST)
    return _submitted(
        request,
        form,
        lambda: services.feedback_file(
            source=source,
            pk=pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            client=ratelimit.client_ip(request),
        ),
        source,
        pk,
    )


@require_safe
def done(request: HttpRequest) -> HttpResponse:
    """Thanks, and the tracking number (shown here once; the resident keeps it)."""
    tracking = request.session.get(LAST, "")
    if not tracking:
        return redirect("residents:track")
    item = selectors.feedback_by_tracking(tracking)
    return render(request, "residents/done.html", {"item": item, "tracking": tracking})


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """查进度 — a feedback item by its tracking number: its status, deadline and answer."""
    form = forms.TrackForm(request.GET or None)
    item = None
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                item = selectors.feedback_by_tracking(form.cleaned_data["tracking"])
            except NotFound as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                status = 200
    return render(
        request,
        "residents/track.html",
        {
            "form": form,
            "item": item,
            "title": selectors.service_title(item) if item is not None else "",
            "overdue": item is not None and selectors.overdue(item),
        },
        status=status,
    )


def _inbox_page(
    request: HttpRequest, bound: forms.AnswerForm | None = None, bound_pk: int = 0, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    rows = []
    for item in selectors.inbox(actor=actor)[:200]:
        form = bound if bound is not None and item.pk == bound_pk else None
        form = form or forms.AnswerForm(auto_id=f"answer-{item.pk}-%s")
        rows.append((item, selectors.service_title(item), selectors.overdue(item), form))
    context: dict[str, Any] = {
        "rows": rows,
        "can_answer": actor.role == Role.PURCHASER,
        "waiting": (FeedbackStatus.OPEN, FeedbackStatus.ESCALATED),
    }
    return render(request, "residents/inbox.html", context, status=status)


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """居民反馈 — the purchasing unit's complaints and suggestions to answer, oldest deadline first."""
    return _inbox_page(request)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        item = selectors.inbox_item(actor=actor, pk=pk)
    except NotFound:
        return _not_found(request)
    form = forms.AnswerForm(request.POST, auto_id=f"answer-{pk}-%s")
    if not form.is_valid():
        return _inbox_page(request, form, pk, 400)
    outcome = run_service(
        form, lambda: services.feedback_answer(actor=actor, feedback=item, answer=form.cleaned_data["answer"])
    )
    if not outcome.ok:
        return _inbox_page(request, form, pk, outcome.status)
    messages.success(request, _("已答复，居民可凭查询编号查看"))
    return redirect("residents:inbox")
