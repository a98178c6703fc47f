"""Expert pages: the database (finance, agencies, auditors), draw records with their replay check,
and an expert's own invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Region
from opengps.core.errors import ServiceError
from opengps.core.keys import canonical_json
from opengps.core.paging import page_number
from opengps.core.views import error_page
from opengps.experts import selectors, services
from opengps.experts.models import ExpertStatus, MemberStatus


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    """评审专家库: filters and a paged table."""
    filters = selectors.ExpertFilters.from_params(request.GET)
    try:
        page = selectors.expert_page(
            actor=signed_in_user(request), filters=filters, page=page_number(request)
        )
    except ServiceError as exc:
        return error_page(request, exc)
    regions = Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.PREFECTURE]).order_by(
        "code"
    )
    return render(
        request,
        "experts/list.html",
        {"page": page, "filters": filters, "regions": regions, "statuses": ExpertStatus.choices},
    )


@login_required
def expert_detail(request: HttpRequest, expert_id: int) -> HttpResponse:
    try:
        expert = selectors.expert_detail(actor=signed_in_user(request), expert_id=expert_id)
    except ServiceError as exc:
        return error_page(request, exc)
    return render(request, "experts/detail.html", {"expert": expert})


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    draws = list(selectors.draw_list(actor=signed_in_user(request))[:200])
    return render(request, "experts/draws.html", {"draws": draws})


def _reason_text(reason: dict[str, str]) -> str:
    english = (get_language() or "").startswith("en")
    return reason["message_en"] if english else reason["message_zh"]


@login_required
def draw_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    """One draw: public inputs, seed, pool, exclusions with reasons, members, and the replay check."""
    try:
        draw = selectors.draw_detail(actor=request.user, draw_id=draw_id)
    except ServiceError as exc:
        return error_page(request, exc)
    check = services.draw_verify(draw)
    exclusions = [
        (row, [(reason, _reason_text(reason)) for reason in row["reasons"]]) for row in draw.exclusions
    ]
    return render(
        request,
        "experts/draw.html",
        {
            "draw": draw,
            "members": list(draw.members.all()),
            "exclusions": exclusions,
            "check": check,
            "inputs_json": canonical_json(draw.inputs),
            "can_manage": selectors.can_manage_draw(request.user, draw),
            "invited": MemberStatus.INVITED,
        },
    )


@login_required
@require_POST
def member_respond(request: HttpRequest, member_id: int) -> HttpResponse:
    """An expert's answer (own invitation) or the draw manager's record of it (phone, in person)."""
    try:
        member = selectors.member_for_response(actor=signed_in_user(request), member_id=member_id)
        accept = request.POST.get("answer") == "accept"
        _, substitute = services.draw_member_respond(
            actor=signed_in_user(request),
            member=member,
            accept=accept,
            no_conflict_confirmed=request.POST.get("no_conflict_confirmed") == "on",
            reason=request.POST.get("reason", "")[:500],
        )
    except ServiceError as exc:
        return error_page(request, exc)
    if accept:
        messages.success(request, _g("已确认参加评审"))
    elif substitute is not None:
        messages.info(
            request, _g("已记录拒绝，并按抽取顺序通知第 %(order)d 位替补专家") % {"order": substitute.order}
        )
    else:
        messages.warning(request, _g("已记录拒绝；候选专家已用完，请重新抽取"))
    user: Any = request.user
    if member.expert.user_id == user.pk:
        return redirect("experts:invitations")
    return redirect("experts:draw", draw_id=member.draw_id)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """我的评审邀请: an expert confirms having no conflict before seeing the project."""
    rows = selectors.expert_invitations(actor=signed_in_user(request))
    return render(request, "experts/invitations.html", {"rows": rows, "invited": MemberStatus.INVITED})
