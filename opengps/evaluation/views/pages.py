"""Evaluation pages: committee scoring, the report with its per-bid breakdown, award confirmation,
the PDFs, the call-off publication screen. The actions themselves are in `actions` (one URL each).

Every evaluation, award or call-off is fetched through a selector scoped to the actor: anyone
outside its scope gets the 404 page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opengps.accounts.actors import signed_in_user
from opengps.core import clock
from opengps.core.clock import local_date
from opengps.core.errors import NotFound
from opengps.core.forms import run_service
from opengps.core.views import error_page
from opengps.evaluation import forms, hooks, selectors, services
from opengps.evaluation.models import Evaluation, MemberState
from opengps.procurement import documents
from opengps.procurement.policies import is_official
from opengps.procurement.selectors import procurements_visible
from opengps.procurement.views import pdf_response, render_with_forms
from opengps.rules.deadlines import contract_sign_deadline


def not_found(request: HttpRequest, exc: NotFound | None = None) -> HttpResponse:
    """The 404 page of an evaluation (or award, call-off) outside the actor's scope."""
    return render(request, "procurement/not_found.html", status=404)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """评审 — what the actor may see of one procurement's evaluation, and its actions (each posts
    to its own URL)."""
    try:
        evaluation = selectors.evaluation_get(actor=request.user, pk=pk)
    except NotFound:
        return not_found(request)
    return render_detail(request, evaluation)


def render_detail(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    failed: forms.ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The evaluation's page with a form per action (`render_with_forms`)."""
    context = _context(request, evaluation)
    empty = _empty_forms(evaluation, scoring=bool(context["bids"]))
    return render_with_forms(request, "evaluation/detail.html", context, empty, failed=failed, status=status)


def _context(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    user: Any = request.user
    procurement = evaluation.procurement
    member = selectors.member_for(user, evaluation)
    official = is_official(user, procurement)
    today = local_date(clock.now())
    bids = services.qualified_readouts(evaluation) if member and member.state == MemberState.CONFIRMED else []
    history_template = hooks.bidder_history_template()
    histories = (
        hooks.bidder_histories(selectors.bidders_of(evaluation))
        if history_template is not None and (official or bids)
        else []
    )
    return {
        "e": evaluation,
        "p": procurement,
        "member": member,
        "official": official,
        "factors": list(evaluation.factors.all()),
        "bids": bids,
        "scores": selectors.scores_visible(actor=user, evaluation=evaluation),
        "report": selectors.report_of(evaluation),
        "awards": [
            (a, selectors.award_effective_winner(a, today=today)) for a in selectors.awards_of(evaluation)
        ],
        "shortlists": selectors.shortlists_of(evaluation),
        "deposits": selectors.deposits_of(evaluation=evaluation, today=today),
        "histories": histories,
        "history_template": history_template,
        "today": today,
    }


def _empty_forms(evaluation: Evaluation, *, scoring: bool) -> dict[str, forms.ActionForm]:
    empty: list[forms.ActionForm] = [
        forms.ConflictForm(),
        forms.ReviewForm(),
        forms.ScoresForm(evaluation=evaluation if scoring else None),
        forms.ReportForm(),
        forms.SignForm(),
        forms.AwardConfirmForm(),
        forms.AnnounceForm(),
        forms.ShortlistAnnounceForm(),
        forms.CallOffForm(),
        forms.DepositReturnForm(),
    ]
    return {form.action: form for form in empty}


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """评审报告 as PDF: whoever may read the evaluation, once the report is built."""
    try:
        evaluation = selectors.evaluation_get(actor=request.user, pk=pk)
    except NotFound:
        return not_found(request)
    report = selectors.report_of(evaluation)
    if report is None:
        return not_found(request)
    document = documents.evaluation_report(
        procurement=evaluation.procurement,
        report=report,
        members=list(evaluation.members.order_by("pk")),
        factors=list(evaluation.factors.all()),
    )
    return pdf_response(document, f"evaluation-report-{evaluation.procurement.reference}.pdf")


@login_required
@require_safe
def award_notice_pdf(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    """中标（成交）通知书 for one lot, after the announcement: the officials, supervisors and the winner."""
    try:
        award = selectors.award_notice_get(actor=request.user, procurement_id=pk, lot=lot)
    except NotFound:
        return not_found(request)
    assert award.announced_at is not None and award.winner is not None
    procurement = award.lot.procurement
    sign = contract_sign_deadline(local_date(award.announced_at))
    document = documents.award_notice(
        procurement=procurement,
        award=award,
        winner=award.winner,
        sign_due=sign.value,
        sign_citation=str(sign.citation),
    )
    return pdf_response(document, f"award-notice-{procurement.reference}-lot{lot}.pdf")


@require_safe
def result_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """中标（成交）结果公告 as PDF: public once announced."""
    procurement = procurements_visible(actor=None).filter(pk=pk).first()
    awards = selectors.announced_awards(pk) if procurement is not None else []
    if procurement is None or not awards:
        return not_found(request)
    members = list(awards[0].evaluation.members.filter(state=MemberState.CONFIRMED).order_by("pk"))
    document = documents.result_announcement(procurement=procurement, awards=awards, members=members)
    return pdf_response(document, f"result-{procurement.reference}.pdf")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_off_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """逐笔发布第二阶段成交结果公告 — within 2 working days of a re-bid or rotation result (O110
    §35); later needs its reason, shown beside the field when missing."""
    try:
        call_off = selectors.call_off_for_official(actor=request.user, call_off_id=pk)
    except NotFound as exc:
        return error_page(request, exc, not_found_raises=False)
    form = forms.CallOffPublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            actor = signed_in_user(request)
            outcome = run_service(
                form,
                lambda: services.framework_call_off_publish(
                    actor=actor, call_off=call_off, **form.cleaned_data
                ),
            )
            if outcome.ok:
                messages.success(request, _("已发布成交结果公告"))
                procurement_id = call_off.shortlist.evaluation.procurement_id
                return redirect(reverse("evaluation:detail", args=[procurement_id]) + f"#call-off-{pk}")
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "evaluation/call_off_publish.html",
        {"call_off": call_off, "form": form, "today": clock.today()},
        status=status,
    )
