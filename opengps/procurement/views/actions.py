"""The actions on one procurement, one URL each (STYLE 14): a form parses the POST, a selector scoped
to the actor fetches the procurement (404 for anyone outside its scope), one service acts.

A refusal re-renders the procurement's page with the error beside its field and the refusal's
status (400, 403, 404, 409); success redirects to the page (or the receipt) with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, signed_in_user
from opengps.core.errors import NotFound
from opengps.core.views import View, one_action
from opengps.procurement import forms, selectors, services
from opengps.procurement.api import bid_content, bid_source
from opengps.procurement.models import Procurement
from opengps.procurement.views.pages import render_detail

Scope = Callable[..., Procurement]
"""A selector ``(*, actor, pk) -> Procurement`` that raises NotFound outside the actor's scope."""

Act = Callable[[HttpRequest, Actor, Procurement, Any], Any]


def action(
    form_class: type[forms.ActionForm], done: Promise, *, scope: Scope = selectors.procurement_run_by
) -> Callable[[Act], View]:
    """Make `act` (which calls one service with the valid form's data) the view of one action URL:
    a refusal shows the procurement's page again, success goes back to it (`one_action`)."""
    return one_action(
        actor=signed_in_user,
        scope=scope,
        form=lambda request, procurement: form_class(request.POST, request.FILES),
        page=_page,
        done=done,
        success=_success,
        not_found=_not_found,
    )


def _page(
    request: HttpRequest, procurement: Procurement, form: forms.ActionForm, status: int
) -> HttpResponse:
    return render_detail(request, procurement, failed=form, status=status)


def _success(procurement: Procurement, result: Any) -> HttpResponse:
    """A bid's receipt, the new procurement a service made (a retender), else the procurement's page."""
    if isinstance(result, services.BidAck):
        return redirect("procurement:receipt", result.version.pk)
    if isinstance(result, Procurement) and result.pk != procurement.pk:
        return redirect("procurement:detail", result.pk)
    return redirect("procurement:detail", procurement.pk)


def _not_found(request: HttpRequest, exc: NotFound | None = None) -> HttpResponse:
    """The 404 page of a procurement outside the actor's scope."""
    return render(request, "procurement/not_found.html", status=404)


# --- the purchaser's or agency's staff ---------------------------------------------------------------


@action(forms.DocumentsForm, _("采购文件已保存"))
def save_documents(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.DocumentsForm
) -> Any:
    return services.procurement_update_documents(
        actor=actor, procurement=procurement, documents=form.cleaned_data["documents"]
    )


@action(forms.FrameworkTermsForm, _("框架协议约定已保存"))
def framework_terms(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.FrameworkTermsForm
) -> Any:
    return services.framework_terms_set(actor=actor, procurement=procurement, **form.service_kwargs())


@action(forms.DrawForm, _("已随机抽取受邀供应商"))
def draw(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.DrawForm) -> Any:
    return services.procurement_invite_draw(actor=actor, procurement=procurement, **form.service_kwargs())


@action(forms.AnnounceForm, _("公告已发布"))
def announce(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.AnnounceForm) -> Any:
    return services.procurement_announce(actor=actor, procurement=procurement, **form.service_kwargs())


@action(forms.ClarifyForm, _("澄清或修改已发布"))
def clarify(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ClarifyForm) -> Any:
    return services.procurement_clarify(actor=actor, procurement=procurement, **form.cleaned_data)


@action(forms.AnswerForm, _("已答复"))
def answer(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.AnswerForm) -> Any:
    data = form.cleaned_data
    enquiry = selectors.enquiry_get(actor=actor, procurement=procurement, enquiry_id=data["enquiry"])
    return services.enquiry_answer(actor=actor, enquiry=enquiry, answer=data["answer"])


@action(forms.ObjectionDecideForm, _("异议已处理"))
def decide_objection(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ObjectionDecideForm
) -> Any:
    data = form.cleaned_data
    objection = selectors.objection_get(actor=actor, procurement=procurement, pk=data["objection"])
    return services.objection_decide(
        actor=actor, objection=objection, uphold=data["uphold"], text=data["text"]
    )


@action(forms.CloseNoticeForm, _("公示已结束"))
def close_notice(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ConfirmForm
) -> Any:
    return services.procurement_notice_close(actor=actor, procurement=procurement)


@action(forms.OpenForm, _("已开标"))
def open_bids(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ConfirmForm) -> Any:
    return services.procurement_open(actor=actor, procurement=procurement)


@action(forms.FailedForm, _("已创建重新招标项目"))
def retender(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.FailedForm) -> Any:
    return services.procurement_retender(
        actor=actor, procurement=procurement, reason=form.cleaned_data["reason"]
    )


@action(forms.FailedForm, _("已提交变更采购方式申请"))
def method_change(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.FailedForm
) -> Any:
    return services.procurement_request_method_change(
        actor=actor,
        procurement=procurement,
        method=form.cleaned_data["method"],
        reason=form.cleaned_data["reason"],
    )


@action(forms.CancelForm, _("采购项目已终止"))
def cancel(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.CancelForm) -> Any:
    return services.procurement_cancel(
        actor=actor, procurement=procurement, reason=form.cleaned_data["reason"]
    )


# --- the finance department that oversees the purchaser ---------------------------------------------


@action(forms.MethodDecisionForm, _("已审核"), scope=selectors.procurement_supervised)
def decide_method_change(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.MethodDecisionForm
) -> Any:
    return services.procurement_decide_method_change(
        actor=actor,
        procurement=procurement,
        approve=form.cleaned_data["approve"],
        note=form.cleaned_data["note"],
    )


# --- suppliers (a published procurement; the services check the supplier) ---------------------------


@action(forms.ObtainForm, _("已获取采购文件"), scope=selectors.procurement_for)
def obtain(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ConfirmForm) -> Any:
    return services.documents_obtain(actor=actor, procurement=procurement)


@action(forms.AskForm, _("询问已提交"), scope=selectors.procurement_for)
def ask(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.AskForm) -> Any:
    return services.enquiry_ask(actor=actor, procurement=procurement, question=form.cleaned_data["question"])


@action(forms.ObjectForm, _("异议已提交"), scope=selectors.procurement_for)
def raise_objection(
    request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.ObjectForm
) -> Any:
    return services.objection_raise(actor=actor, procurement=procurement, text=form.cleaned_data["text"])


def _lot(actor: Actor, procurement: Procurement, form: forms.LotForm) -> Any:
    return selectors.lot_get(actor=actor, procurement=procurement, number=form.cleaned_data["lot"])


@action(forms.BidForm, _("投标文件已密封递交"), scope=selectors.procurement_for)
def bid(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.BidForm) -> Any:
    content = bid_content(request, preferences=form.cleaned_data["preferences"])
    return services.bid_submit(actor=actor, lot=_lot(actor, procurement, form), **content)


@action(forms.BidForm, _("投标文件已修改（新版本已密封）"), scope=selectors.procurement_for)
def modify(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.BidForm) -> Any:
    content = bid_content(request, preferences=form.cleaned_data["preferences"])
    return services.bid_modify(actor=actor, lot=_lot(actor, procurement, form), **content)


@action(forms.LotForm, _("投标已撤回"), scope=selectors.procurement_for)
def withdraw(request: HttpRequest, actor: Actor, procurement: Procurement, form: forms.LotForm) -> Any:
    return services.bid_withdraw(actor=actor, lot=_lot(actor, procurement, form), **bid_source(request))
