"""Evaluation pages: committee scoring, the report with its per-bid breakdown, award confirmation.

POSTs parse fields and call one service; errors are shown with their citation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from opengps.core.errors import ServiceError
from opengps.evaluation import selectors, services
from opengps.evaluation.models import Award, Evaluation
from opengps.procurement.models import BidReadout
from opengps.procurement.services import is_official, local_date


def _act(request: HttpRequest, evaluation: Evaluation) -> None:
    user: Any = request.user
    action = request.POST.get("action", "")
    if action == "conflict":
        services.member_confirm_no_conflict(
            actor=user,
            evaluation=evaluation,
            no_conflict=request.POST.get("no_conflict") == "1",
            reason=request.POST.get("reason", ""),
        )
    elif action == "review":
        services.review_record(
            actor=user,
            evaluation=evaluation,
            readout=BidReadout.objects.select_related("opening").get(
                pk=int(request.POST.get("readout", "0") or 0)
            ),
            kind=request.POST.get("kind", ""),
            requirement=request.POST.get("requirement", ""),
            passed=request.POST.get("passed") == "1",
            reason=request.POST.get("reason", ""),
        )
    elif action == "scores":
        scores: dict[int, dict[str, str]] = {}
        for key, value in request.POST.items():
            if key.startswith("score-"):
                _prefix, readout, factor = key.split("-", 2)
                scores.setdefault(int(readout), {})[factor] = str(value)
        services.scores_submit(actor=user, evaluation=evaluation, scores=scores)
    elif action == "report":
        services.evaluation_report_build(actor=user, evaluation=evaluation)
    elif action == "sign":
        services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    elif action == "confirm":
        services.award_confirm(
            actor=user, award=Award.objects.get(pk=int(request.POST.get("award", "0") or 0))
        )
    elif action == "announce":
        services.award_announce(actor=user, procurement=evaluation.procurement)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """评审 — what the actor may see of one procurement's evaluation, and its actions."""
    evaluation = Evaluation.objects.select_related("procurement").filter(procurement_id=pk).first()
    if evaluation is None or not selectors.can_read_evaluation(request.user, evaluation):
        return render(request, "procurement/not_found.html", status=404)
    if request.method == "POST":
        try:
            _act(request, evaluation)
            messages.success(request, _("已保存"))
        except (ServiceError, BidReadout.DoesNotExist, Award.DoesNotExist, ValueError) as exc:
            messages.error(request, str(exc.message) if isinstance(exc, ServiceError) else _("请求无效"))
        return redirect("evaluation:detail", pk=pk)
    member = selectors.member_for(request.user, evaluation)
    today = local_date(timezone.now())
    awards = [
        (a, selectors.award_effective_winner(a, today=today))
        for a in evaluation.awards.select_related("lot", "first_candidate__organization")
    ]
    bids = services.qualified_readouts(evaluation) if member and member.state == "confirmed" else []
    return render(
        request,
        "evaluation/detail.html",
        {
            "e": evaluation,
            "p": evaluation.procurement,
            "member": member,
            "official": is_official(request.user, evaluation.procurement),
            "factors": list(evaluation.factors.all()),
            "bids": bids,
            "scores": selectors.scores_visible(actor=request.user, evaluation=evaluation),
            "report": getattr(evaluation, "report", None) if hasattr(evaluation, "report") else None,
            "awards": awards,
        },
    )
