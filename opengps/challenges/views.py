"""Challenge and complaint page of a procurement: filings, answers and finance actions, with deadlines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.challenges import selectors, services
from opengps.challenges.forms import ClockResumeForm, ClockStopForm
from opengps.challenges.models import Challenge, ChallengeSubject, ClockStopReason, Complaint
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.views import error_page
from opengps.procurement.models import Procurement
from opengps.procurement.policies import is_official


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
    today = clock.today()
    rows = [
        (c, selectors.complaint_due(c), _clock_of(c, today))
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
            "clock_reasons": ClockStopReason.choices,
        },
    )


def _clock_of(challenge: Challenge, today: Any) -> selectors.ComplaintClock | None:
    complaint = getattr(challenge, "complaint", None) if hasattr(challenge, "complaint") else None
    return selectors.complaint_clock(complaint, today) if complaint is not None else None


def _complaint_page(complaint: Complaint) -> str:
    return reverse("challenges:detail", args=[complaint.procurement_id]) + f"#complaint-{complaint.pk}"


def _clock_form(
    request: HttpRequest, complaint: Complaint, form: forms.Form, *, stopping: bool, status: int
) -> HttpResponse:
    """The stop or resume form beside the complaint's decision clock."""
    return render(
        request,
        "challenges/clock_form.html",
        {
            "complaint": complaint,
            "form": form,
            "clock": selectors.complaint_clock(complaint),
            "stopping": stopping,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def clock_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """中止计算投诉处理期限 — finance sends a request for inspection, testing, appraisal, expert
    review or a notice to supplement (O94 §27); the error shows beside its field."""
    try:
        complaint = selectors.complaint_for_finance(actor=request.user, complaint_id=pk)
    except (PermissionDenied, NotFound) as exc:
        return error_page(request, exc, not_found_raises=False)
    form = ClockStopForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_clock_stop(
                    actor=signed_in_user(request), complaint=complaint, **form.cleaned_data
                )
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已中止计算投诉处理期限"))
                return redirect(_complaint_page(complaint))
        status = 400
    return _clock_form(request, complaint, form, stopping=True, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def clock_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """恢复计算投诉处理期限 — finance received the answer or the material (O94 §27 ¶2); the decision
    deadline moves later by the working days the clock stood still."""
    try:
        complaint = selectors.complaint_for_finance(actor=request.user, complaint_id=pk)
    except (PermissionDenied, NotFound) as exc:
        return error_page(request, exc, not_found_raises=False)
    form = ClockResumeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_clock_resume(actor=signed_in_user(request), complaint=complaint)
        except ServiceError as exc:
            form.add_service_error(exc)
            status = exc.status if isinstance(exc, PermissionDenied) else 400
        else:
            messages.success(
                request,
                _("已恢复计算投诉处理期限，处理期限为 %(due)s") % {"due": complaint.decision_due.isoformat()},
            )
            return redirect(_complaint_page(complaint))
    return _clock_form(request, complaint, form, stopping=False, status=status)
