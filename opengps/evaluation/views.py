"""Evaluation pages: committee scoring, the report with its per-bid breakdown, award confirmation.

POSTs parse fields and call one service; errors are shown with their citation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opengps.accounts import scopes
from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.core.clock import local_date
from opengps.core.errors import NotFound, ServiceError
from opengps.evaluation import hooks, selectors, services
from opengps.evaluation.forms import CallOffPublishForm
from opengps.evaluation.models import Award, DepositReturn, Evaluation, FrameworkMember, FrameworkShortlist
from opengps.procurement import documents
from opengps.procurement.models import BidReadout
from opengps.procurement.policies import is_official
from opengps.procurement.selectors import procurements_visible
from opengps.procurement.views import pdf_response
from opengps.rules.deadlines import contract_sign_deadline


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
    elif action == "shortlist_announce":
        services.framework_shortlist_announce(actor=user, procurement=evaluation.procurement)
    elif action == "call_off":
        shortlist = FrameworkShortlist.objects.get(
            evaluation=evaluation, pk=int(request.POST.get("shortlist", "0") or 0)
        )
        rank = request.POST.get("member_rank", "")
        services.framework_call_off_pick(
            actor=user,
            shortlist=shortlist,
            description=request.POST.get("description", ""),
            amount=request.POST.get("amount", ""),
            chosen=shortlist.members.get(rank=int(rank)) if rank else None,
        )
    elif action == "deposit_returned":
        signed = request.POST.get("contract_signed_on", "")
        services.deposit_return_record(
            actor=user,
            deposit=DepositReturn.objects.select_related("award__evaluation__procurement").get(
                pk=int(request.POST.get("deposit", "0") or 0), award__evaluation=evaluation
            ),
            returned_on=date.fromisoformat(request.POST.get("returned_on", "")),
            contract_signed_on=date.fromisoformat(signed) if signed else None,
        )


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
        except (
            ServiceError,
            BidReadout.DoesNotExist,
            Award.DoesNotExist,
            DepositReturn.DoesNotExist,
            FrameworkShortlist.DoesNotExist,
            FrameworkMember.DoesNotExist,
            ValueError,
        ) as exc:
            messages.error(request, exc.text() if isinstance(exc, ServiceError) else _("请求无效"))
        return redirect("evaluation:detail", pk=pk)
    member = selectors.member_for(request.user, evaluation)
    today = local_date(clock.now())
    awards = [
        (a, selectors.award_effective_winner(a, today=today))
        for a in evaluation.awards.select_related("lot", "first_candidate__organization")
    ]
    bids = services.qualified_readouts(evaluation) if member and member.state == "confirmed" else []
    histories = (
        _bidder_histories(evaluation) if is_official(request.user, evaluation.procurement) or bids else []
    )
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
            "shortlists": list(
                FrameworkShortlist.objects.filter(evaluation=evaluation)
                .select_related("lot")
                .prefetch_related("members__organization", "call_offs__member__organization")
                .order_by("lot__number")
            ),
            "deposits": selectors.deposits_of(evaluation=evaluation, today=today),
            "histories": histories,
            "history_template": hooks.bidder_history_template(),
            "today": today,
        },
    )


def _bidder_histories(evaluation: Evaluation) -> list[tuple[Any, Any]]:
    """Each bidder's performance history (public record), for officials and confirmed members."""
    if hooks.bidder_history_template() is None:
        return []
    seen: dict[int, Any] = {}
    for readout in BidReadout.objects.filter(opening__procurement=evaluation.procurement).select_related(
        "organization"
    ):
        seen.setdefault(readout.organization_id, readout.organization)
    return hooks.bidder_histories(sorted(seen.values(), key=lambda o: o.name))


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "procurement/not_found.html", status=404)


def _announced_awards(procurement_id: int) -> list[Award]:
    """The lots' awards once the result is announced (every lot has its winner), else []."""
    awards = list(
        Award.objects.filter(evaluation__procurement_id=procurement_id)
        .select_related("lot__procurement", "evaluation", "winner__organization")
        .order_by("lot__number")
    )
    if not awards or any(a.announced_at is None or a.winner_id is None for a in awards):
        return []
    return awards


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """评审报告 as PDF: whoever may read the evaluation, once the report is built."""
    evaluation = Evaluation.objects.select_related("procurement").filter(procurement_id=pk).first()
    if evaluation is None or not selectors.can_read_evaluation(request.user, evaluation):
        return _not_found(request)
    report = getattr(evaluation, "report", None) if hasattr(evaluation, "report") else None
    if report is None:
        return _not_found(request)
    document = documents.evaluation_report(
        procurement=evaluation.procurement,
        report=report,
        members=list(evaluation.members.order_by("pk")),
        factors=list(evaluation.factors.all()),
    )
    return pdf_response(document, f"evaluation-report-{evaluation.procurement.reference}.pdf")


@login_required
def award_notice_pdf(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    """中标（成交）通知书 for one lot, after the announcement: the officials, supervisors and the winner."""
    award = next((a for a in _announced_awards(pk) if a.lot.number == lot), None)
    if award is None or award.winner is None:
        return _not_found(request)
    procurement = award.lot.procurement
    user: Any = request.user
    allowed = (
        is_official(user, procurement)
        or scopes.supervises(user, procurement.purchaser, roles=selectors.FINANCE_ONLY)
        or (has_role(user, Role.SUPPLIER) and user.organization_id == award.winner.organization_id)
    )
    if not allowed:
        return _not_found(request)
    assert award.announced_at is not None
    sign = contract_sign_deadline(local_date(award.announced_at))
    document = documents.award_notice(
        procurement=procurement,
        award=award,
        winner=award.winner,
        sign_due=sign.value,
        sign_citation=str(sign.citation),
    )
    return pdf_response(document, f"award-notice-{procurement.reference}-lot{lot}.pdf")


def result_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """中标（成交）结果公告 as PDF: public once announced."""
    procurement = procurements_visible(actor=None).filter(pk=pk).first()
    awards = _announced_awards(pk) if procurement is not None else []
    if procurement is None or not awards:
        return _not_found(request)
    members = list(awards[0].evaluation.members.filter(state="confirmed").order_by("pk"))
    document = documents.result_announcement(procurement=procurement, awards=awards, members=members)
    return pdf_response(document, f"result-{procurement.reference}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def call_off_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """逐笔发布第二阶段成交结果公告 — within 2 working days of a re-bid or rotation result (O110
    §35); later needs its reason, shown beside the field when missing."""
    try:
        call_off = selectors.call_off_for_official(actor=request.user, call_off_id=pk)
    except NotFound as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    form = CallOffPublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.framework_call_off_publish(
                    actor=signed_in_user(request), call_off=call_off, **form.cleaned_data
                )
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已发布成交结果公告"))
                procurement_id = call_off.shortlist.evaluation.procurement_id
                return redirect(reverse("evaluation:detail", args=[procurement_id]) + f"#call-off-{pk}")
        status = 400
    return render(
        request,
        "evaluation/call_off_publish.html",
        {"call_off": call_off, "form": form, "today": clock.today()},
        status=status,
    )
