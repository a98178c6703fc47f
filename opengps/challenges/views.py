"""Challenge and complaint page of a procurement: filings, answers and finance actions, with deadlines.

Each action posts to its own URL (STYLE 14): a form parses the POST, a selector scoped to the actor
fetches the procurement and the challenge or complaint the form names, one service acts (and checks
who may). A refusal re-renders the page with the error beside its field, in the row posted from;
success goes back to the page with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.challenges import selectors, services
from opengps.challenges.forms import (
    ACTION_FORMS,
    AnswerForm,
    ChallengeForm,
    ClockResumeForm,
    ClockStopForm,
    ComplainForm,
    DecideForm,
    ResumeForm,
    SuspendForm,
)
from opengps.challenges.models import Challenge, ChallengeSubject, ClockStopReason, Complaint
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.forms import ActionForm
from opengps.core.views import View, error_page, one_action
from opengps.procurement.models import Procurement
from opengps.procurement.policies import is_official
from opengps.procurement.selectors import procurement_get


def _not_found(request: HttpRequest, exc: NotFound | None = None) -> HttpResponse:
    return render(request, "procurement/not_found.html", status=404)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """质疑与投诉 — both sides see every deadline with its article."""
    try:
        procurement = procurement_get(actor=request.user, pk=pk)
    except NotFound:
        return _not_found(request)
    return _page(request, procurement)


def _page(
    request: HttpRequest, procurement: Procurement, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    """The page with an empty form per action; a refused action's bound form `failed` stands in place
    of its empty one, its errors shown in the row it was posted from (or on top, when that row is not
    on the page)."""
    user: Any = request.user
    today = clock.today()
    challenges = selectors.challenges_visible(actor=user, procurement=procurement)
    rows = [(c, selectors.complaint_due(c), _clock_of(c, today)) for c in challenges]
    page_forms = {form_class.action: form_class() for form_class in ACTION_FORMS}
    if failed is not None:
        page_forms[failed.action] = failed
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
            "forms": page_forms,
            "stray": failed if failed is not None and not _shown(failed, challenges) else None,
        },
        status=status,
    )


def _shown(form: ActionForm, challenges: list[Challenge]) -> bool:
    """Whether the page shows the row `form` was posted from (so its errors appear there)."""
    if form.row_field == "challenge":
        return form.row in {str(c.pk) for c in challenges}
    if form.row_field == "complaint":
        return form.row in {str(c.complaint.pk) for c in challenges if hasattr(c, "complaint")}
    return True


Act = Callable[[Actor, Procurement, Any], Any]


def action(form_class: type[ActionForm], done: Promise) -> Callable[[Act], View]:
    """Make `act` (one service call with the valid form's data) the view of one action URL
    (`one_action`): a refusal shows the page again, success goes back to it."""
    decorate = one_action(
        actor=signed_in_user,
        scope=procurement_get,
        form=lambda request, procurement: form_class(request.POST),
        page=_page,
        done=done,
        success=lambda procurement, result: redirect("challenges:detail", pk=procurement.pk),
        not_found=_not_found,
    )

    def wrap(act: Act) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, procurement: Procurement, form: Any) -> Any:
            return act(actor, procurement, form)

        return decorate(call)

    return wrap


def _challenge(actor: Actor, procurement: Procurement, form: Any) -> Challenge:
    return selectors.challenge_get(actor=actor, procurement=procurement, pk=form.cleaned_data["challenge"])


def _complaint(actor: Actor, procurement: Procurement, form: Any) -> Complaint:
    return selectors.complaint_get(actor=actor, procurement=procurement, pk=form.cleaned_data["complaint"])


@action(ChallengeForm, _("已保存"))
def challenge(actor: Actor, procurement: Procurement, form: ChallengeForm) -> Any:
    """提出质疑 (a supplier that took part, within 7 working days)."""
    data = form.cleaned_data
    return services.challenge_file(
        actor=actor, procurement=procurement, subject=data["subject"], text=data["text"]
    )


@action(AnswerForm, _("已保存"))
def answer(actor: Actor, procurement: Procurement, form: AnswerForm) -> Any:
    """书面答复 (an official of the procurement)."""
    return services.challenge_answer(
        actor=actor, challenge=_challenge(actor, procurement, form), answer=form.cleaned_data["text"]
    )


@action(ComplainForm, _("已保存"))
def complain(actor: Actor, procurement: Procurement, form: ComplainForm) -> Any:
    """提起投诉 (the challenger, after the answer or its deadline)."""
    return services.complaint_file(
        actor=actor, challenge=_challenge(actor, procurement, form), text=form.cleaned_data["text"]
    )


@action(SuspendForm, _("已保存"))
def suspend(actor: Actor, procurement: Procurement, form: SuspendForm) -> Any:
    """暂停采购活动 (finance, at most 30 days)."""
    return services.complaint_suspend(
        actor=actor,
        complaint=_complaint(actor, procurement, form),
        days=form.cleaned_data["days"] or 0,
        reason=form.cleaned_data["reason"],
    )


@action(ResumeForm, _("已保存"))
def resume(actor: Actor, procurement: Procurement, form: ResumeForm) -> Any:
    """恢复采购活动 (finance)."""
    return services.complaint_resume(actor=actor, complaint=_complaint(actor, procurement, form))


@action(DecideForm, _("已保存"))
def decide(actor: Actor, procurement: Procurement, form: DecideForm) -> Any:
    """作出处理决定 (finance)."""
    return services.complaint_decide(
        actor=actor,
        complaint=_complaint(actor, procurement, form),
        upheld=form.cleaned_data["upheld"],
        text=form.cleaned_data["text"],
    )


ACTIONS: dict[str, View] = {
    "challenge": challenge,
    "answer": answer,
    "complain": complain,
    "suspend": suspend,
    "resume": resume,
    "decide": decide,
}
"""The view of each action's URL, by the action's name (`opengps.challenges.urls`)."""


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
