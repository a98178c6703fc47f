"""Challenge and complaint page of a procurement: filings, answers and finance actions, with deadlines."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opengps.accounts.models import Role
from opengps.challenges import selectors, services
from opengps.challenges.models import Challenge, ChallengeSubject, Complaint
from opengps.core.errors import ServiceError
from opengps.procurement.models import Procurement
from opengps.procurement.services import is_official


def _act(request: HttpRequest, procurement: Procurement) -> None:
    user: Any = request.user
    data = request.POST
    action = data.get("action", "")
    if action == "challenge":
        services.challenge_file(
            actor=user, procurement=procurement, subject=data.get("subject", ""), text=data.get("text", "")
        )
        return
    if action in ("answer", "complain"):
        challenge = Challenge.objects.get(pk=int(data.get("challenge", "0") or 0), procurement=procurement)
        if action == "answer":
            services.challenge_answer(actor=user, challenge=challenge, answer=data.get("text", ""))
        else:
            services.complaint_file(actor=user, challenge=challenge, text=data.get("text", ""))
        return
    complaint = Complaint.objects.get(pk=int(data.get("complaint", "0") or 0), procurement=procurement)
    if action == "suspend":
        services.complaint_suspend(
            actor=user,
            complaint=complaint,
            days=int(data.get("days", "0") or 0),
            reason=data.get("reason", ""),
        )
    elif action == "resume":
        services.complaint_resume(actor=user, complaint=complaint)
    elif action == "decide":
        services.complaint_decide(
            actor=user, complaint=complaint, upheld=data.get("upheld") == "1", text=data.get("text", "")
        )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """质疑与投诉 — both sides see every deadline with its article."""
    procurement = Procurement.objects.filter(pk=pk).first()
    if procurement is None:
        return render(request, "procurement/not_found.html", status=404)
    if request.method == "POST":
        try:
            _act(request, procurement)
            messages.success(request, _("已保存"))
        except (ServiceError, Challenge.DoesNotExist, Complaint.DoesNotExist, ValueError) as exc:
            messages.error(request, str(exc.message) if isinstance(exc, ServiceError) else _("请求无效"))
        return redirect("challenges:detail", pk=pk)
    user: Any = request.user
    rows = [
        (c, selectors.complaint_due(c))
        for c in selectors.challenges_visible(actor=user, procurement=procurement)
    ]
    return render(
        request,
        "challenges/detail.html",
        {
            "p": procurement,
            "rows": rows,
            "subjects": ChallengeSubject.choices,
            "supplier": user.role == Role.SUPPLIER,
            "official": is_official(user, procurement),
            "finance": user.role == Role.FINANCE,
        },
    )
