"""信息公开 pages: anonymous, phone-friendly lists, search, notices, unit and supplier histories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from opengps.core import transparency
from opengps.core.errors import NotFound
from opengps.core.inputs import as_id
from opengps.emall import selectors_public as emall_notices
from opengps.portal import selectors


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return as_id(value) or 1


def _filter_context(filters: selectors.PortalFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "regions": selectors.region_choices(),
        "units": selectors.unit_choices(),
        "kinds": selectors.KINDS,
    }


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/not_found.html", status=404)


def index(request: HttpRequest) -> HttpResponse:
    """信息公开 — the latest of each kind, with the search box, and the e-mall's 成交公告."""
    sections = [(kind, selectors.latest(key)) for key, kind in selectors.KINDS.items()]
    context = {
        "sections": sections,
        "emall_notices": emall_notices.latest(),
        **_filter_context(selectors.PortalFilters()),
    }
    return render(request, "portal/index.html", context)


def checkpoints(request: HttpRequest) -> HttpResponse:
    """透明日志检查点 — the signed heads of the bid transparency log and the audit chain, newest first."""

    recent = list(reversed(transparency.checkpoints_stored()))[:CHECKPOINTS_SHOWN]
    rows = [
        {"checkpoint": c, "signed_at": datetime.fromisoformat(c.timestamp.replace("Z", "+00:00"))}
        for c in recent
    ]
    return render(request, "portal/checkpoints.html", {"rows": rows})


CHECKPOINTS_SHOWN = 60


def search(request: HttpRequest) -> HttpResponse:
    """全文检索 — every kind at once."""
    filters = selectors.PortalFilters.from_params(request.GET)
    results = selectors.search(filters) if filters.active else None
    return render(request, "portal/search.html", {"results": results, **_filter_context(filters)})


def kind(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind of notice, filtered by unit, region, category, dates and search terms."""
    try:
        spec = selectors.kind_or_404(kind)
    except NotFound:
        return _not_found(request)
    filters = selectors.PortalFilters.from_params(request.GET)
    page = selectors.notice_page(kind, filters, _page_number(request))
    return render(request, "portal/kind.html", {"kind": spec, "page": page, **_filter_context(filters)})


def notice(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One notice at a stable URL: /portal/<kind>/<id>/."""
    try:
        spec, obj = selectors.notice(kind, pk)
    except NotFound:
        return _not_found(request)
    context: dict[str, Any] = {"kind": spec, "obj": obj, "item": selectors.to_item(spec, obj)}
    if kind in selectors.PROCUREMENT_KINDS:
        context["opening"] = selectors.opening_of(obj)
        context["lots"] = list(obj.lots.all())
        context["clarifications"] = list(obj.clarifications.all())
    elif kind == "shortlist":
        context["members"] = selectors.shortlist_members(obj)
    return render(request, f"portal/notice_{_template(kind)}.html", context)


def _template(kind: str) -> str:
    return "procurement" if kind in selectors.PROCUREMENT_KINDS else kind


def _history_page(
    request: HttpRequest,
    history_of: Callable[[int], tuple[Any, dict[str, list[selectors.NoticeItem]]]],
    pk: int,
    template: str,
    name: str,
) -> HttpResponse:
    """A public history page: the subject (as `name` in the context) and its notices by kind."""
    try:
        subject, history = history_of(pk)
    except NotFound:
        return _not_found(request)
    sections = [(selectors.KINDS[key], items) for key, items in history.items()]
    return render(request, template, {name: subject, "sections": sections})


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """A purchasing unit's public history: intentions, announcements, results, contracts, acceptance."""
    return _history_page(request, selectors.unit_history, pk, "portal/unit.html", "unit")


def organization(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's public history: results won, contracts, acceptance and performance results."""
    return _history_page(request, selectors.organization_history, pk, "portal/organization.html", "org")
