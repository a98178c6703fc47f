"""Procurement pages: the list, one procurement's page (with a form per action), the public notice,
PDFs, receipts. The actions themselves are in `actions` (one URL each).

Pages show no bidder, bid content, documents register or count before the deadline (RULES.md §12).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.core import forms as core_forms
from opengps.core.errors import NotFound, ServiceError
from opengps.core.forms import run_service
from opengps.planning import selectors as planning_selectors
from opengps.planning import services as planning_services
from opengps.planning.models import PlanStatus, PurchasePlan
from opengps.procurement import documents, factors, forms, sealing, selectors, services
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


def index(request: HttpRequest) -> HttpResponse:
    """采购公告 — public list; officials also see their drafts and start new procurements from plans."""
    user: Any = request.user
    plans: list[PurchasePlan] = []
    if has_role(user, Role.PURCHASER) and user.unit_id is not None:
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


def _create_page(
    request: HttpRequest, plan: PurchasePlan, form: forms.ProcurementCreateForm, *, status: int = 200
) -> HttpResponse:
    method = Method(plan.method)
    may = planning_services.procurement_may_start_on(plan)
    return render(
        request,
        "procurement/create.html",
        {
            "plan": plan,
            "form": form,
            "failed": form if status != 200 else None,
            "rows": [*form.rows(), ("", ""), ("", "")],
            "asks_factors": factors.asks_factors(method),
            "single_source": method is Method.single_source,
            "method_name": METHOD_NAMES_ZH[method],
            "formula": factors.formula_for(method),
            "may_start": may if may is not None and may[0] > clock.today() else None,
        },
        status=status,
    )


def _create_initial(plan: PurchasePlan) -> dict[str, Any]:
    template = factors.template_for([item.code for item in plan.project.items.all()])
    return {
        "title": plan.title,
        "documents": plan.requirements,
        "price_weight": f"{(template.price_weight * 100).normalize():f}",
        "factor_rows": [(f.name, f"{f.max_points.normalize():f}") for f in template.factors],
    }


@login_required
def create_from_plan(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """创建采购项目 from one of the unit's plans: the form pre-filled from the plan and its
    catalogue category's evaluation factors (GET); the draft created and the plan's procurement
    started (POST). Another unit's plan, or one not ready to procure, is a 404."""
    user = signed_in_user(request)
    try:
        plan = planning_selectors.plan_get(actor=user, pk=plan_pk)
    except NotFound:
        return render(request, "procurement/not_found.html", status=404)
    if plan.unit_id != user.unit_id or plan.status not in (
        PlanStatus.INTENTION_PUBLISHED,
        PlanStatus.IN_PROCUREMENT,
    ):
        return render(request, "procurement/not_found.html", status=404)
    agencies = Unit.objects.filter(kind=Unit.Kind.AGENCY, is_active=True).order_by("name")
    if request.method != "POST":
        form = forms.ProcurementCreateForm(initial=_create_initial(plan), agencies=agencies)
        return _create_page(request, plan, form)
    form = forms.ProcurementCreateForm(request.POST, agencies=agencies)
    if not form.is_valid():
        return _create_page(request, plan, form, status=400)
    uscc = form.cleaned_data["single_source_uscc"].strip()
    supplier = Organization.objects.filter(uscc=uscc).first() if uscc else None
    outcome = run_service(
        form,
        lambda: services.procurement_create(
            actor=user, plan=plan, single_source_supplier=supplier, **form.service_kwargs()
        ),
    )
    if not outcome.ok or outcome.result is None:
        return _create_page(request, plan, form, status=outcome.status)
    procurement = outcome.result
    messages.success(
        request,
        _("采购项目 %(reference)s 已创建，采购已开始；下一步：核对采购文件后发布公告")
        % {"reference": procurement.reference},
    )
    return redirect("procurement:detail", procurement.pk)


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


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One procurement: the announcement for everyone, actions by role (each posts to its own URL)."""
    try:
        procurement = selectors.procurement_get(actor=request.user, pk=pk)
    except ServiceError:
        return render(request, "procurement/not_found.html", status=404)
    return render_detail(request, procurement)


def render_detail(
    request: HttpRequest,
    procurement: Procurement,
    *,
    failed: forms.ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The procurement's page with a form per action (`render_with_forms`)."""
    context = _context(request, procurement)
    empty = _empty_forms(procurement, context["earliest"])
    return render_with_forms(request, "procurement/detail.html", context, empty, failed=failed, status=status)


def render_with_forms(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    empty: Mapping[str, core_forms.ActionForm],
    *,
    failed: core_forms.ActionForm | None,
    status: int,
) -> HttpResponse:
    """A page of many action forms (`empty`, by action), answered with `status`: a refused action's
    bound form `failed` stands in place of its empty one, with its errors; the template gets them
    as ``forms`` and the refused one as ``failed``."""
    page_forms = dict(empty)
    if failed is not None:
        page_forms[failed.action] = failed
    context["forms"] = page_forms
    context["failed"] = failed
    return render(request, template, context, status=status)


def _empty_forms(procurement: Procurement, earliest: Any = None) -> dict[str, forms.ActionForm]:
    """The page's forms, empty; the announcement proposes the earliest lawful deadline (09:30)."""
    terms = services.framework_terms(procurement) if procurement.method == Method.framework_agreement else {}
    deadline = {"bid_deadline": f"{earliest.value.isoformat()}T09:30"} if earliest is not None else {}
    empty: list[forms.ActionForm] = [
        forms.DocumentsForm(initial={"documents": procurement.documents}),
        forms.FrameworkTermsForm(initial=terms),
        forms.DrawForm(),
        forms.AnnounceForm(initial=deadline),
        forms.ClarifyForm(),
        forms.AnswerForm(),
        forms.ObjectionDecideForm(),
        forms.FailedForm(),
        forms.CancelForm(),
        forms.MethodDecisionForm(),
        forms.AskForm(),
        forms.ObjectForm(),
        forms.BidForm(),
        forms.OpenForm(),
        forms.CloseNoticeForm(),
        forms.ObtainForm(),
    ]
    return {form.action: form for form in empty}


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The public announcement (公告) page."""
    procurement = selectors.procurements_visible(actor=AnonymousUser()).filter(pk=pk).first()
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
    procurement = selectors.procurements_visible(actor=AnonymousUser()).filter(pk=pk).first()
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
