"""Procurement pages: officials run the procedure, suppliers bid, the public reads announcements.

Each POST parses its fields, calls one service and shows its error (with the citation) or success.
Pages show no bidder, bid content, documents register or count before the deadline (RULES.md §12).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.inputs import BIGINT_MAX, check_deadline, parse_int
from opengps.planning.models import PlanStatus, PurchasePlan
from opengps.procurement import documents, sealing, selectors, services
from opengps.procurement.api import bid_content, bid_source
from opengps.procurement.errors import Code
from opengps.procurement.models import Clarification, Procurement, ProcurementStatus
from opengps.registry.models import Organization
from opengps.rules.deadlines import earliest_bid_deadline
from opengps.rules.procedures import METHOD_NAMES_ZH, Method
from opengps.rules.procurement_flow import AWARD_BASIS_ZH, min_valid_bids, procedure_for


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    try:
        result = call()
    except ServiceError as exc:
        messages.error(request, exc.text())
        return None
    messages.success(request, success)
    return result


def _datetime(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ServiceError(Code.REQUEST_DATETIME_INVALID, field=field) from None
    return check_deadline(
        moment.replace(tzinfo=clock.BEIJING) if timezone.is_naive(moment) else moment, field=field
    )


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ServiceError(Code.REQUEST_DATE_INVALID, field=field) from None


def index(request: HttpRequest) -> HttpResponse:
    """采购公告 — public list; officials also see their drafts and start new procurements from plans."""
    user: Any = request.user
    plans: list[PurchasePlan] = []
    if has_role(user, Role.PURCHASER):
        plans = list(
            PurchasePlan.objects.filter(
                unit_id=user.unit_id, status__in=[PlanStatus.INTENTION_PUBLISHED, PlanStatus.IN_PROCUREMENT]
            ).order_by("-created_at")[:100]
        )
    return render(
        request,
        "procurement/index.html",
        {
            "procurements": selectors.procurements_visible(actor=user)[:200],
            "plans": plans,
            "agencies": Unit.objects.filter(kind=Unit.Kind.AGENCY, is_active=True).order_by("name")
            if plans
            else [],
            "method_names": {m.value: n for m, n in METHOD_NAMES_ZH.items()},
        },
    )


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    post = request.POST
    plan = PurchasePlan.objects.filter(pk=post.get("plan") or 0, unit_id=user.unit_id).first()
    if plan is None:
        messages.error(request, _("请选择本单位的采购计划"))
        return redirect("procurement:index")
    agency = Unit.objects.filter(pk=post.get("agency") or 0, kind=Unit.Kind.AGENCY).first()
    supplier = Organization.objects.filter(uscc=post.get("single_source_uscc", "").strip()).first()
    procurement = _run(
        request,
        lambda: services.procurement_create(
            actor=user,
            plan=plan,
            title=post.get("title", ""),
            documents=post.get("documents", ""),
            agency=agency,
            single_source_supplier=supplier,
            single_source_reason=post.get("single_source_reason", ""),
        ),
        _("采购项目已创建"),
    )
    return redirect("procurement:detail", procurement.pk) if procurement else redirect("procurement:index")


def _context(request: HttpRequest, procurement: Procurement) -> dict[str, Any]:
    user: Any = request.user
    now = clock.now()
    procedure = procedure_for(procurement.method)
    official = services.is_official(user, procurement)
    sealed = selectors.is_sealed(procurement, now)
    register = None
    if not sealed and (official or selectors.supervises(user, procurement)):
        register = selectors.documents_register(actor=user, procurement=procurement, now=now)
    opening = selectors.opening_of(actor=user, procurement=procurement)
    earliest = None
    if official and procurement.status == ProcurementStatus.DRAFT and procedure.bid_period_applies:
        earliest = earliest_bid_deadline(procurement.method, timezone.localdate(now))
    return {
        "earliest": earliest,
        "p": procurement,
        "lots": selectors.lots_of(procurement),
        "clarifications": selectors.clarifications_of(procurement),
        "award_basis": AWARD_BASIS_ZH[procedure.award_basis],
        "min_bids": min_valid_bids(procedure, purchase_of_services=procurement.purchase_of_services),
        "procedure": procedure,
        "official": official,
        "supervisor": selectors.supervises(user, procurement),
        "is_supplier": has_role(user, Role.SUPPLIER),
        "sealed": sealed,
        "open_for_bids": procurement.status == ProcurementStatus.ANNOUNCED and sealed,
        "obtained": selectors.has_obtained(actor=user, procurement=procurement),
        "may_read_documents": selectors.may_read_documents(actor=user, procurement=procurement),
        "own_bids": selectors.own_bids(actor=user, procurement=procurement),
        "invitations": selectors.invitations_of(actor=user, procurement=procurement),
        "enquiries": selectors.enquiries_for(actor=user, procurement=procurement, now=now),
        "objections": selectors.objections_of(actor=user, procurement=procurement),
        "register": register,
        "opening": opening,
        "clarification_kinds": Clarification.Kind.choices,
        "preferences": services.PREFERENCES,
        "next_step_labels": [
            services.NEXT_STEP_LABELS[s] for s in procurement.next_steps if s in services.NEXT_STEP_LABELS
        ],
        "methods": [
            (m.value, n)
            for m, n in METHOD_NAMES_ZH.items()
            if m not in (Method.emall, Method(procurement.method))
        ],
        "is_finance": has_role(user, Role.FINANCE),
        "framework_terms": services.framework_terms(procurement)
        if procurement.method == Method.framework_agreement
        else None,
        "framework_labels": services.FRAMEWORK_STAGE_LABELS,
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One procurement: the announcement for everyone, actions by role."""
    try:
        procurement = selectors.procurement_get(actor=request.user, pk=pk)
    except ServiceError:
        return render(request, "procurement/not_found.html", status=404)
    if request.method == "POST":
        return _act(request, procurement)
    return render(request, "procurement/detail.html", _context(request, procurement))


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The public announcement (公告) page."""
    procurement = selectors.procurements_visible(actor=None).filter(pk=pk).first()
    if procurement is None:
        return render(request, "procurement/not_found.html", status=404)
    procedure = procedure_for(procurement.method)
    return render(
        request,
        "procurement/notice.html",
        {
            "p": procurement,
            "lots": selectors.lots_of(procurement),
            "clarifications": selectors.clarifications_of(procurement),
            "award_basis": AWARD_BASIS_ZH[procedure.award_basis],
        },
    )


def pdf_response(document: documents.Document, filename: str) -> HttpResponse:
    """A rendered document as an inline PDF download named `filename` (ASCII, safe in any browser)."""
    response = HttpResponse(documents.render(document), content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The public announcement as PDF, once announced (drafts are not public)."""
    procurement = selectors.procurements_visible(actor=None).filter(pk=pk).first()
    if procurement is None:
        return render(request, "procurement/not_found.html", status=404)
    document = documents.announcement(
        procurement=procurement,
        lots=selectors.lots_of(procurement),
        clarifications=list(selectors.clarifications_of(procurement)),
        award_basis=str(AWARD_BASIS_ZH[procedure_for(procurement.method).award_basis]),
    )
    return pdf_response(document, f"announcement-{procurement.reference}.pdf")


def opening_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The opening minutes as PDF: only whom `opening_of` allows, and never before the deadline."""
    try:
        procurement = selectors.procurement_get(actor=request.user, pk=pk)
    except ServiceError:
        return render(request, "procurement/not_found.html", status=404)
    opening = (
        None
        if selectors.is_sealed(procurement)
        else selectors.opening_of(actor=request.user, procurement=procurement)
    )
    if opening is None:
        return render(request, "procurement/not_found.html", status=404)
    record, readouts = opening
    document = documents.opening_minutes(procurement=procurement, record=record, readouts=readouts)
    return pdf_response(document, f"opening-minutes-{procurement.reference}.pdf")


# --- actions on one procurement: one small handler each, dispatched on the POST "action" field -----


def _lot(request: HttpRequest, procurement: Procurement) -> Any:
    number = parse_int(request.POST.get("lot"), field="lot", default=0)
    return selectors.lot_get(actor=request.user, procurement=procurement, number=number)


def _documents(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_update_documents(
        actor=request.user, procurement=procurement, documents=request.POST.get("documents", "")
    )


def _framework_terms(request: HttpRequest, procurement: Procurement) -> Any:
    post = request.POST
    return services.framework_terms_set(
        actor=request.user,
        procurement=procurement,
        first_stage=post.get("first_stage", "price_first"),
        second_stage=post.get("second_stage", "direct"),
        elimination_rate=post.get("elimination_rate", "1/5"),
        max_members=parse_int(post.get("max_members"), field="max_members", default=0) or None,
    )


def _draw(request: HttpRequest, procurement: Procurement) -> Any:
    post = request.POST
    return services.procurement_invite_draw(
        actor=request.user,
        procurement=procurement,
        count=parse_int(post.get("count"), field="count", high=99, default=3),
        region=post.get("region", ""),
        keyword=post.get("keyword", ""),
    )


def _announce(request: HttpRequest, procurement: Procurement) -> Any:
    post = request.POST
    return services.procurement_announce(
        actor=request.user,
        procurement=procurement,
        bid_deadline=_datetime(post.get("bid_deadline", ""), "bid_deadline"),
        opening_place=post.get("opening_place", ""),
        bid_deposit=post.get("bid_deposit") or None,
        documents_until=_date(post.get("documents_until", ""), "documents_until"),
    )


def _clarify(request: HttpRequest, procurement: Procurement) -> Any:
    post = request.POST
    return services.procurement_clarify(
        actor=request.user,
        procurement=procurement,
        kind=post.get("kind", ""),
        text=post.get("text", ""),
        affects_bids=bool(post.get("affects_bids")),
        new_deadline=_datetime(post.get("new_deadline", ""), "new_deadline")
        if post.get("new_deadline")
        else None,
    )


def _answer(request: HttpRequest, procurement: Procurement) -> Any:
    user, post = request.user, request.POST
    enquiry = selectors.enquiry_get(actor=user, procurement=procurement, enquiry_id=post.get("enquiry", ""))
    return services.enquiry_answer(actor=user, enquiry=enquiry, answer=post.get("answer", ""))


def _decide_objection(request: HttpRequest, procurement: Procurement) -> Any:
    user, post = request.user, request.POST
    pk = parse_int(post.get("objection"), field="objection", high=BIGINT_MAX, default=0)
    objection = selectors.objection_get(actor=user, procurement=procurement, pk=pk)
    return services.objection_decide(
        actor=user, objection=objection, uphold=post.get("uphold") == "1", text=post.get("text", "")
    )


def _close_notice(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_notice_close(actor=request.user, procurement=procurement)


def _open(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_open(actor=request.user, procurement=procurement)


def _retender(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_retender(
        actor=request.user, procurement=procurement, reason=request.POST.get("reason", "")
    )


def _method_change(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_request_method_change(
        actor=request.user,
        procurement=procurement,
        method=request.POST.get("method", ""),
        reason=request.POST.get("reason", ""),
    )


def _decide_method_change(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_decide_method_change(
        actor=request.user,
        procurement=procurement,
        approve=request.POST.get("approve") == "1",
        note=request.POST.get("note", ""),
    )


def _cancel(request: HttpRequest, procurement: Procurement) -> Any:
    return services.procurement_cancel(
        actor=request.user, procurement=procurement, reason=request.POST.get("reason", "")
    )


def _obtain(request: HttpRequest, procurement: Procurement) -> Any:
    return services.documents_obtain(actor=request.user, procurement=procurement)


def _ask(request: HttpRequest, procurement: Procurement) -> Any:
    return services.enquiry_ask(
        actor=request.user, procurement=procurement, question=request.POST.get("question", "")
    )


def _object(request: HttpRequest, procurement: Procurement) -> Any:
    return services.objection_raise(
        actor=request.user, procurement=procurement, text=request.POST.get("text", "")
    )


def _bid(request: HttpRequest, procurement: Procurement) -> Any:
    content = bid_content(request, preferences=request.POST.getlist("preferences"))
    return services.bid_submit(actor=request.user, lot=_lot(request, procurement), **content)


def _modify(request: HttpRequest, procurement: Procurement) -> Any:
    content = bid_content(request, preferences=request.POST.getlist("preferences"))
    return services.bid_modify(actor=request.user, lot=_lot(request, procurement), **content)


def _withdraw(request: HttpRequest, procurement: Procurement) -> Any:
    return services.bid_withdraw(actor=request.user, lot=_lot(request, procurement), **bid_source(request))


ACTIONS: dict[str, tuple[Callable[[HttpRequest, Procurement], Any], Any]] = {
    "documents": (_documents, gettext_lazy("采购文件已保存")),
    "framework_terms": (_framework_terms, gettext_lazy("框架协议约定已保存")),
    "draw": (_draw, gettext_lazy("已随机抽取受邀供应商")),
    "announce": (_announce, gettext_lazy("公告已发布")),
    "clarify": (_clarify, gettext_lazy("澄清或修改已发布")),
    "answer": (_answer, gettext_lazy("已答复")),
    "decide_objection": (_decide_objection, gettext_lazy("异议已处理")),
    "close_notice": (_close_notice, gettext_lazy("公示已结束")),
    "open": (_open, gettext_lazy("已开标")),
    "retender": (_retender, gettext_lazy("已创建重新招标项目")),
    "method_change": (_method_change, gettext_lazy("已提交变更采购方式申请")),
    "decide_method_change": (_decide_method_change, gettext_lazy("已审核")),
    "cancel": (_cancel, gettext_lazy("采购项目已终止")),
    "obtain": (_obtain, gettext_lazy("已获取采购文件")),
    "ask": (_ask, gettext_lazy("询问已提交")),
    "object": (_object, gettext_lazy("异议已提交")),
    "bid": (_bid, gettext_lazy("投标文件已密封递交")),
    "modify": (_modify, gettext_lazy("投标文件已修改（新版本已密封）")),
    "withdraw": (_withdraw, gettext_lazy("投标已撤回")),
}
"""The actions of the detail page's forms: the handler (parses the POST, calls one service) and
the message shown on success."""


def _act(request: HttpRequest, procurement: Procurement) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    back = redirect("procurement:detail", procurement.pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("未知操作"))
        return back
    handler, success = action
    result = _run(request, lambda: handler(request, procurement), str(success))
    if isinstance(result, services.BidAck):
        return redirect("procurement:receipt", result.version.pk)
    if isinstance(result, Procurement) and result.pk != procurement.pk:
        return redirect("procurement:detail", result.pk)
    return back


@login_required
def receipt(request: HttpRequest, version_id: str) -> HttpResponse:
    """A supplier's receipt with the platform public key, to keep and verify later."""
    try:
        version = selectors.own_version(actor=request.user, version_id=version_id)
    except (ServiceError, ValueError):
        return render(request, "procurement/not_found.html", status=404)
    receipt_obj = sealing.Receipt.from_json(version.receipt)
    return render(
        request,
        "procurement/receipt.html",
        {
            "version": version,
            "receipt": receipt_obj,
            "receipt_json": version.receipt,
            "valid": sealing.receipt_verify(receipt_obj, sealing.platform_public_key()),
            "public_key_pem": sealing.platform_public_key_pem(),
            "leaf": selectors.receipt_leaves([version])[version.pk],
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone pastes a receipt and checks the platform signature."""
    result = None
    text = ""
    if request.method == "POST":
        text = request.POST.get("receipt", "")
        parsed, valid = selectors.receipt_check(text)
        result = {"parsed": parsed, "valid": valid}
    return render(
        request,
        "procurement/verify.html",
        {"result": result, "text": text, "public_key_pem": sealing.platform_public_key_pem()},
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(
        request, "procurement/notifications.html", {"items": selectors.notifications_for(actor=request.user)}
    )
