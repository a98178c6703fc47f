"""Residents' pages (/residents/, public, phone first): the service finder, one service with its
rating and complaint forms, the lookup by tracking number; and, signed in, the purchasing unit's
list of complaints to answer (the finance department sees those escalated to it) with their photos
(served to them and to administrators only), and the platform administrators' page of partner
API keys. The web app manifest, the service worker (served from
/residents/ so its scope is these pages) and the offline page make the pages installable. Actions:
one URL each (STYLE 14) — a form parses the POST, one service acts; a refusal re-renders the page
with the error beside its field and the refusal's status (429 when throttled)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.core import ratelimit
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.forms import ActionForm, run_service
from opengps.core.views import error_page
from opengps.residents import forms, photos, selectors, services
from opengps.residents.models import Feedback, FeedbackStatus

OFFLINE_KEEP = 10
"""How many viewed service pages the service worker keeps for offline reading."""
LAST = "residents_last_tracking"
"""The session key holding the tracking number just issued, shown once on the done page."""


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/not_found.html", status=404)


@require_safe
def finder(request: HttpRequest) -> HttpResponse:
    """找服务 — pick a county (then, optionally, a township) and a need; the services delivered there
    now: the township's social-work station, contracts, e-mall orders and grants."""
    form = forms.FinderForm(request.GET or None)
    cards: list[selectors.ServiceCard] = []
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                cards = selectors.find_services(
                    county=form.cleaned_data["county"],
                    township=form.cleaned_data["township"],
                    need=form.cleaned_data["need"],
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
    form = forms.FileForm(request.POST, request.FILES)
    return _submitted(
        request,
        form,
        lambda: services.feedback_file(
            source=source,
            pk=pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            client=ratelimit.client_ip(request),
            photos=form.photo_list(),
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


@login_required
@require_safe
def photo(request: HttpRequest, feedback: int, pk: int) -> HttpResponse:
    """A resident's photo, for the staff answering its item and administrators only (404 for
    anyone else): private, never cached by a shared cache, never sniffed as anything but an image."""
    try:
        item = selectors.photo_get(actor=signed_in_user(request), feedback=feedback, pk=pk)
    except NotFound:
        return _not_found(request)
    response = HttpResponse(bytes(item.content), content_type=photos.CONTENT_TYPES[item.kind])
    response["Content-Disposition"] = f'inline; filename="photo-{item.feedback_id}-{item.pk}.{item.kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- installable and offline (issue 23, item 4) -------------------------------------------------


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: residents' pages install on a phone's home screen."""
    home = reverse("residents:finder")
    data = {
        "name": _("政府为您买的服务"),
        "short_name": _("找服务"),
        "description": _("查找政府为居民购买的服务，评价、投诉并查看答复"),
        "lang": "en" if (get_language() or "").startswith("en") else "zh-CN",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#003a8c",
        "icons": [{"src": static("residents/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
@cache_control(no_cache=True)
def worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /residents/ so that its scope is the residents' pages (from
    /static/ it could only control /static/, unless every static answer carried a
    Service-Worker-Allowed header). Its first file is the offline page."""
    shell = [
        reverse("residents:offline"),
        static("css/opengps.css"),
        static("residents/residents.css"),
        static("residents/residents.js"),
        static("residents/icon.svg"),
    ]
    shell_json = json.dumps(shell)
    services_prefix = reverse("residents:finder") + "services/"
    context = {
        "shell_json": shell_json,
        "version": hashlib.sha256(shell_json.encode()).hexdigest()[:12],
        "keep": OFFLINE_KEEP,
        "service_pattern_json": json.dumps(f"^{re.escape(services_prefix)}(contract|order)/[0-9]+/$"),
    }
    return render(request, "residents/sw.js", context, content_type="text/javascript; charset=utf-8")


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows offline for a page it did not keep."""
    return render(request, "residents/offline.html")


# --- partner keys (platform administrators) -----------------------------------------------------


def _partners_page(
    request: HttpRequest,
    *,
    form: forms.PartnerKeyForm | None = None,
    issued: services.IssuedKey | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        keys = list(selectors.partner_keys(actor=actor))
        calls = selectors.partner_calls(actor=actor)
    except PermissionDenied as exc:
        return error_page(request, exc)
    context = {
        "keys": keys,
        "calls": calls,
        "form": form or forms.PartnerKeyForm(),
        "issued": issued,
        "revoke": forms.PartnerRevokeForm(),
    }
    response = render(request, "residents/partners.html", context, status=status)
    if issued is not None:
        response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
    return response


@login_required
@require_safe
def partners(request: HttpRequest) -> HttpResponse:
    """合作方接口密钥 — the partner apps' keys, their scopes, rates and latest calls."""
    return _partners_page(request)


@login_required
@require_POST
def partner_create(request: HttpRequest) -> HttpResponse:
    """Create a key; the answer shows its secret this once (never stored, never shown again)."""
    actor = signed_in_user(request)
    form = forms.PartnerKeyForm(request.POST)
    if not form.is_valid():
        return _partners_page(request, form=form, status=400)
    outcome = run_service(
        form,
        lambda: services.partner_key_create(
            actor=actor,
            partner=form.cleaned_data["partner"],
            scopes=form.cleaned_data["scopes"],
            rate_per_minute=form.cleaned_data["rate_per_minute"],
        ),
    )
    if not outcome.ok:
        return _partners_page(request, form=form, status=outcome.status)
    return _partners_page(request, issued=outcome.result)


@login_required
@require_POST
def partner_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        key = selectors.partner_key_get(actor=actor, pk=pk)
    except ServiceError as exc:
        return error_page(request, exc, not_found_raises=False)
    form = forms.PartnerRevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.partner_key_revoke(actor=actor, key=key, reason=reason)
    messages.success(request, _("已吊销，这个密钥的调用将被拒绝"))
    return redirect("residents:partners")
