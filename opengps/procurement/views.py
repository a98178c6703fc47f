"""Procurement pages: officials run the procedure, suppliers bid, the public reads announcements.

Each POST parses its fields, calls one service and shows its error (with the citation) or success.
Pages show no bidder, bid content, documents register or count before the deadline (RULES.md §12).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role
from opengps.core import clock, ratelimit
from opengps.core.errors import ServiceError
from opengps.core.inputs import BIGINT_MAX, check_deadline, parse_int
from opengps.planning.models import PlanStatus, PurchasePlan
from opengps.procurement import documents, sealing, selectors, services
from opengps.procurement.api import bid_inputs, device_of
from opengps.procurement.models import Clarification, Procurement, ProcurementStatus
from opengps.registry.models import Organization
from opengps.rules.deadlines import earliest_bid_deadline
from opengps.rules.procedures import METHOD_NAMES_ZH, Method
from opengps.rules.procurement_flow import AWARD_BASIS_ZH, min_valid_bids, procedure_for

BEIJING = ZoneInfo("Asia/Shanghai")


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    try:
        result = call()
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, success)
    return result


def _datetime(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ServiceError(
            "request.datetime_invalid", _("时间格式应为 YYYY-MM-DD HH:MM"), field=field
        ) from None
    return check_deadline(
        moment.replace(tzinfo=BEIJING) if timezone.is_naive(moment) else moment, field=field
    )


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ServiceError("request.date_invalid", _("日期格式应为 YYYY-MM-DD"), field=field) from None


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


def _act(request: HttpRequest, procurement: Procurement) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user: Any = request.user
    post: QueryDict = request.POST
    action = post.get("action", "")
    back = redirect("procurement:detail", procurement.pk)

    def lot() -> Any:
        return selectors.lot_get(
            actor=user, procurement=procurement, number=parse_int(post.get("lot"), field="lot", default=0)
        )

    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "documents": (
            lambda: services.procurement_update_documents(
                actor=user, procurement=procurement, documents=post.get("documents", "")
            ),
            _("采购文件已保存"),
        ),
        "framework_terms": (
            lambda: services.framework_terms_set(
                actor=user,
                procurement=procurement,
                first_stage=post.get("first_stage", "price_first"),
                second_stage=post.get("second_stage", "direct"),
                elimination_rate=post.get("elimination_rate", "1/5"),
                max_members=parse_int(post.get("max_members"), field="max_members", default=0) or None,
            ),
            _("框架协议约定已保存"),
        ),
        "draw": (
            lambda: services.procurement_invite_draw(
                actor=user,
                procurement=procurement,
                count=parse_int(post.get("count"), field="count", high=99, default=3),
                region=post.get("region", ""),
                keyword=post.get("keyword", ""),
            ),
            _("已随机抽取受邀供应商"),
        ),
        "announce": (
            lambda: services.procurement_announce(
                actor=user,
                procurement=procurement,
                bid_deadline=_datetime(post.get("bid_deadline", ""), "bid_deadline"),
                opening_place=post.get("opening_place", ""),
                bid_deposit=post.get("bid_deposit") or None,
                documents_until=_date(post.get("documents_until", ""), "documents_until"),
            ),
            _("公告已发布"),
        ),
        "clarify": (
            lambda: services.procurement_clarify(
                actor=user,
                procurement=procurement,
                kind=post.get("kind", ""),
                text=post.get("text", ""),
                affects_bids=bool(post.get("affects_bids")),
                new_deadline=_datetime(post.get("new_deadline", ""), "new_deadline")
                if post.get("new_deadline")
                else None,
            ),
            _("澄清或修改已发布"),
        ),
        "answer": (
            lambda: services.enquiry_answer(
                actor=user,
                enquiry=selectors.enquiry_get(
                    actor=user, procurement=procurement, enquiry_id=post.get("enquiry", "")
                ),
                answer=post.get("answer", ""),
            ),
            _("已答复"),
        ),
        "decide_objection": (
            lambda: services.objection_decide(
                actor=user,
                objection=selectors.objection_get(
                    actor=user,
                    procurement=procurement,
                    pk=parse_int(post.get("objection"), field="objection", high=BIGINT_MAX, default=0),
                ),
                uphold=post.get("uphold") == "1",
                text=post.get("text", ""),
            ),
            _("异议已处理"),
        ),
        "close_notice": (
            lambda: services.procurement_notice_close(actor=user, procurement=procurement),
            _("公示已结束"),
        ),
        "open": (lambda: services.procurement_open(actor=user, procurement=procurement), _("已开标")),
        "retender": (
            lambda: services.procurement_retender(
                actor=user, procurement=procurement, reason=post.get("reason", "")
            ),
            _("已创建重新招标项目"),
        ),
        "method_change": (
            lambda: services.procurement_request_method_change(
                actor=user,
                procurement=procurement,
                method=post.get("method", ""),
                reason=post.get("reason", ""),
            ),
            _("已提交变更采购方式申请"),
        ),
        "decide_method_change": (
            lambda: services.procurement_decide_method_change(
                actor=user,
                procurement=procurement,
                approve=post.get("approve") == "1",
                note=post.get("note", ""),
            ),
            _("已审核"),
        ),
        "cancel": (
            lambda: services.procurement_cancel(
                actor=user, procurement=procurement, reason=post.get("reason", "")
            ),
            _("采购项目已终止"),
        ),
        "obtain": (
            lambda: services.documents_obtain(actor=user, procurement=procurement),
            _("已获取采购文件"),
        ),
        "ask": (
            lambda: services.enquiry_ask(
                actor=user, procurement=procurement, question=post.get("question", "")
            ),
            _("询问已提交"),
        ),
        "object": (
            lambda: services.objection_raise(actor=user, procurement=procurement, text=post.get("text", "")),
            _("异议已提交"),
        ),
        "bid": (
            lambda: services.bid_submit(
                actor=user,
                lot=lot(),
                price_total=post.get("price_total", ""),
                files=bid_inputs(request),
                preferences=post.getlist("preferences"),
                contact_name=post.get("contact_name", ""),
                contact_phone=post.get("contact_phone", ""),
                source_ip=ratelimit.client_ip(request),
                source_device=device_of(request),
            ),
            _("投标文件已密封递交"),
        ),
        "modify": (
            lambda: services.bid_modify(
                actor=user,
                lot=lot(),
                price_total=post.get("price_total", ""),
                files=bid_inputs(request),
                preferences=post.getlist("preferences"),
                contact_name=post.get("contact_name", ""),
                contact_phone=post.get("contact_phone", ""),
                source_ip=ratelimit.client_ip(request),
                source_device=device_of(request),
            ),
            _("投标文件已修改（新版本已密封）"),
        ),
        "withdraw": (
            lambda: services.bid_withdraw(
                actor=user,
                lot=lot(),
                source_ip=ratelimit.client_ip(request),
                source_device=device_of(request),
            ),
            _("投标已撤回"),
        ),
    }
    if action not in calls:
        messages.error(request, _("未知操作"))
        return back
    call, success = calls[action]
    result = _run(request, call, success)
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
