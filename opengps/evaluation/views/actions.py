"""The actions on one evaluation, one URL each (STYLE 14): a form parses the POST, a selector scoped
to the actor fetches the evaluation (404 for anyone outside its scope) and every object the action
names (an award, a bid, a shortlist, a deposit — of this evaluation only), one service acts.

A refusal re-renders the evaluation's page with the error beside its field and the refusal's
status (400, 403, 404, 409); success redirects to the page with a message saying what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, signed_in_user
from opengps.core.views import View, one_action
from opengps.evaluation import forms, selectors, services
from opengps.evaluation.models import Evaluation
from opengps.evaluation.views.pages import not_found, render_detail

Scope = Callable[..., Evaluation]
"""A selector ``(*, actor, pk) -> Evaluation`` that raises NotFound outside the actor's scope."""

Act = Callable[[HttpRequest, Actor, Evaluation, Any], Any]


def action(
    form_class: type[forms.ActionForm], done: Promise, *, scope: Scope = selectors.evaluation_run_by
) -> Callable[[Act], View]:
    """Make `act` (which calls one service with the valid form's data) the view of one action URL:
    a refusal shows the evaluation's page again, success goes back to it (`one_action`)."""
    return one_action(
        actor=signed_in_user,
        scope=scope,
        form=lambda request, evaluation: form_class(request.POST, evaluation=evaluation),
        page=_page,
        done=done,
        success=lambda evaluation, result: redirect("evaluation:detail", evaluation.procurement_id),
        not_found=not_found,
    )


def _page(request: HttpRequest, evaluation: Evaluation, form: forms.ActionForm, status: int) -> HttpResponse:
    return render_detail(request, evaluation, failed=form, status=status)


# --- committee members (the evaluation whose committee the actor sits on) -----------------------------


@action(forms.ConflictForm, _("回避情况已确认"), scope=selectors.evaluation_of_member)
def conflict(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ConflictForm) -> Any:
    return services.member_confirm_no_conflict(
        actor=actor,
        evaluation=evaluation,
        no_conflict=form.cleaned_data["no_conflict"],
        reason=form.cleaned_data["reason"],
    )


@action(forms.ReviewForm, _("审查结论已记录"), scope=selectors.evaluation_of_member)
def review(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ReviewForm) -> Any:
    data = form.cleaned_data
    return services.review_record(
        actor=actor,
        evaluation=evaluation,
        readout=selectors.readout_get(actor=actor, evaluation=evaluation, readout_id=data["readout"]),
        kind=data["kind"],
        requirement=data["requirement"],
        passed=data["passed"],
        reason=data["reason"],
    )


@action(forms.ScoresForm, _("评分已提交"), scope=selectors.evaluation_of_member)
def scores(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ScoresForm) -> Any:
    return services.scores_submit(actor=actor, evaluation=evaluation, scores=form.scores())


@action(forms.SignForm, _("已确认评审报告"), scope=selectors.evaluation_of_member)
def sign(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ConfirmForm) -> Any:
    return services.evaluation_report_confirm(actor=actor, evaluation=evaluation)


# --- members or officials (whoever may read the evaluation; the service checks which may act) ---------


@action(forms.ReportForm, _("评审报告已生成"), scope=selectors.evaluation_get)
def report(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ConfirmForm) -> Any:
    return services.evaluation_report_build(actor=actor, evaluation=evaluation)


# --- the purchaser's or agency's staff (the evaluation of a procurement they run) ----------------------


@action(forms.AwardConfirmForm, _("已确认中标（成交）供应商"))
def confirm(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.AwardConfirmForm) -> Any:
    award = selectors.award_get(actor=actor, evaluation=evaluation, award_id=form.cleaned_data["award"])
    return services.award_confirm(actor=actor, award=award)


@action(forms.AnnounceForm, _("结果公告和中标（成交）通知书已发布"))
def announce(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ConfirmForm) -> Any:
    return services.award_announce(actor=actor, procurement=evaluation.procurement)


@action(forms.ShortlistAnnounceForm, _("入围结果公告已发布"))
def shortlist_announce(
    request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.ConfirmForm
) -> Any:
    return services.framework_shortlist_announce(actor=actor, procurement=evaluation.procurement)


@action(forms.CallOffForm, _("已确定第二阶段成交供应商"))
def call_off(request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.CallOffForm) -> Any:
    data = form.cleaned_data
    shortlist = selectors.shortlist_get(actor=actor, evaluation=evaluation, shortlist_id=data["shortlist"])
    rank = data["member_rank"]
    return services.framework_call_off_pick(
        actor=actor,
        shortlist=shortlist,
        description=data["description"],
        amount=data["amount"],
        chosen=None
        if rank is None
        else selectors.shortlist_member_get(actor=actor, shortlist=shortlist, rank=rank),
    )


@action(forms.DepositReturnForm, _("投标保证金退还已登记"))
def deposit_returned(
    request: HttpRequest, actor: Actor, evaluation: Evaluation, form: forms.DepositReturnForm
) -> Any:
    data = form.cleaned_data
    return services.deposit_return_record(
        actor=actor,
        deposit=selectors.deposit_get(actor=actor, evaluation=evaluation, deposit_id=data["deposit"]),
        returned_on=data["returned_on"],
        contract_signed_on=data["contract_signed_on"],
    )
