"""监督预警 pages: the flag list (filterable), a flag with its evidence, thresholds, runs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opengps.accounts.gates import role_page
from opengps.accounts.models import Region, Unit
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.core.clock import local_date
from opengps.core.errors import ServiceError
from opengps.oversight import selectors, services
from opengps.oversight.models import FLAG_CHOICES
from opengps.rules import redflags

readers_only = role_page(services.READERS, "oversight/denied.html")


@readers_only
def index(request: HttpRequest) -> HttpResponse:
    """风险预警 — flags of the latest run, filterable by type, unit and region."""
    user: Any = request.user
    if request.method == "POST":
        try:
            run = services.redflags_compute(actor=user)
            messages.success(request, _("已完成预警计算，共 %(n)s 条") % {"n": sum(run.counts.values())})
        except ServiceError as exc:
            messages.error(request, exc.text())
        return redirect("oversight:index")
    filters = selectors.FlagFilters.from_params(request.GET)
    context = {
        "flags": selectors.flag_list(actor=user, filters=filters),
        "run": selectors.latest_run(actor=user),
        "filters": filters,
        "flag_choices": FLAG_CHOICES,
        "units": Unit.objects.filter(is_active=True).only("pk", "name").order_by("name"),
        "regions": Region.objects.exclude(level="county").only("code", "name").order_by("code"),
        "can_compute": has_role(user, *services.WRITERS),
    }
    return render(request, "oversight/index.html", context)


@readers_only
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A flag with its explanation, citation, evidence and links to the pages behind it."""
    try:
        flag = selectors.flag_detail(actor=request.user, pk=pk)
    except ServiceError:
        return render(request, "oversight/not_found.html", status=404)
    return render(
        request,
        "oversight/detail.html",
        {
            "flag": flag,
            "links": selectors.flag_links(flag),
            "bids": flag.evidence.get("bids", []),
            "evidence_json": json.dumps(flag.evidence, ensure_ascii=False, indent=2, sort_keys=True),
        },
    )


@readers_only
def thresholds(request: HttpRequest) -> HttpResponse:
    """预警阈值 — defaults with their justification, values in force, and dated overrides."""
    user: Any = request.user
    if request.method == "POST":
        try:
            services.threshold_set(
                actor=user,
                key=request.POST.get("key", ""),
                value=request.POST.get("value", ""),
                effective_from=date.fromisoformat(request.POST.get("effective_from", "")),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已保存"))
        except ServiceError as exc:
            messages.error(request, exc.text())
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
        return redirect("oversight:thresholds")

    today = local_date(clock.now())
    context = {
        "rows": selectors.threshold_table(actor=user, on_date=today),
        "today": today,
        "can_edit": has_role(user, *services.WRITERS),
        "specs": redflags.THRESHOLDS,
        "runs": selectors.run_list(actor=user),
    }
    return render(request, "oversight/thresholds.html", context)
