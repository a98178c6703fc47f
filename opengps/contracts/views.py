"""合同与履约验收 pages: the parties' contract lists and pages with their actions, the late list,
and the public contract pages (no login). Views parse and authorize, call one service, render."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.contracts import documents, forms, selectors, services
from opengps.contracts.models import Contract, ContractKind, ContractStatus, ReportAttachment
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.views import error_page
from opengps.procurement.uploads import EXTENSIONS


@dataclass(frozen=True)
class Action:
    """One write on the contract page: its form, who may use it, in which statuses, and the call."""

    title: Any
    form: type[forms.ContractForm]
    call: Callable[[Any, Contract, Any], Any]
    statuses: tuple[str, ...]
    supplier: bool = False
    posts_only: bool = False
    multipart: bool = False


def _on_contract(service: Callable[..., Any]) -> Callable[[Any, Contract, Any], Any]:
    """The call of an action whose one service takes the contract and the form's values."""
    return lambda user, contract, form: service(actor=user, contract=contract, **form.service_kwargs())


def _on_row(service: Callable[..., Any], name: str) -> Callable[[Any, Contract, Any], Any]:
    """The call of an action whose one service takes the form's row (as `name`) and its values."""
    return lambda user, contract, form: service(actor=user, **{name: form.row()}, **form.service_kwargs())


EDITABLE = (ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.PUBLISHED)
PUBLISHED_ON = (ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED)
ACTIONS: dict[str, Action] = {
    "sign": Action(
        _("签订合同"),
        forms.SignForm,
        _on_contract(services.contract_sign),
        (ContractStatus.DRAFT,),
    ),
    "publish": Action(
        _("公告合同"),
        forms.PublishForm,
        _on_contract(services.contract_publish),
        (ContractStatus.SIGNED,),
    ),
    "milestone": Action(
        _("新增履约节点"),
        forms.MilestoneForm,
        _on_contract(services.milestone_add),
        EDITABLE,
    ),
    "milestone_done": Action(
        _("确认节点完成"),
        forms.MilestoneDoneForm,
        _on_row(services.milestone_complete, "milestone"),
        (ContractStatus.PUBLISHED,),
    ),
    "deliverable": Action(
        _("新增交付内容"),
        forms.DeliverableForm,
        _on_contract(services.deliverable_add),
        EDITABLE,
    ),
    "payment": Action(
        _("新增支付计划"),
        forms.PaymentForm,
        _on_contract(services.payment_schedule_add),
        EDITABLE,
    ),
    "paid": Action(
        _("登记支付"),
        forms.PaidForm,
        _on_row(services.payment_record, "payment"),
        PUBLISHED_ON,
    ),
    "post": Action(
        _("新增岗位"),
        forms.PostForm,
        _on_contract(services.post_add),
        EDITABLE,
        posts_only=True,
    ),
    "placement": Action(
        _("登记在岗人员"),
        forms.PlacementForm,
        _on_row(services.placement_record, "post"),
        (ContractStatus.SIGNED, ContractStatus.PUBLISHED),
        supplier=True,
        posts_only=True,
    ),
    "amend": Action(
        _("签订补充合同"),
        forms.AmendForm,
        _on_contract(services.contract_amend),
        (ContractStatus.SIGNED, ContractStatus.PUBLISHED),
    ),
    "acceptance": Action(
        _("记录阶段验收"),
        forms.AcceptanceForm,
        _on_contract(services.acceptance_record),
        (ContractStatus.PUBLISHED,),
    ),
    "acceptance_publish": Action(
        _("公开验收结果"),
        forms.AcceptancePublishForm,
        _on_row(services.acceptance_publish, "acceptance"),
        PUBLISHED_ON,
    ),
    "terminate": Action(
        _("解除合同"),
        forms.TerminateForm,
        _on_contract(services.contract_terminate),
        (ContractStatus.SIGNED, ContractStatus.PUBLISHED),
    ),
    "report": Action(
        _("报送履约报告"),
        forms.ReportForm,
        _on_contract(services.progress_report_submit),
        (ContractStatus.PUBLISHED,),
        supplier=True,
        multipart=True,
    ),
}
SUPPLIER_ONLY = {"report"}


def available_actions(user: Any, contract: Contract) -> list[str]:
    """Names of the actions the user may take on the contract now (the services check again)."""
    purchaser = selectors.can_write(user, contract)
    supplier = selectors.is_supplier_member(user, contract)
    names = []
    for name, action in ACTIONS.items():
        if contract.status not in action.statuses:
            continue
        if action.posts_only and contract.kind != ContractKind.POSTS:
            continue
        if (purchaser and name not in SUPPLIER_ONLY) or (supplier and action.supplier):
            names.append(name)
    return names


def _fetched(request: HttpRequest, fetch: Callable[[], Contract]) -> Contract | HttpResponse:
    """The contract `fetch` (one selector) reads for the caller, or the page of its refusal."""
    try:
        return fetch()
    except ServiceError as exc:
        return error_page(request, exc)


def index(request: HttpRequest) -> HttpResponse:
    """合同与履约验收: the caller's contracts, awards waiting for a contract, and the public list."""
    user: Any = request.user
    contracts = selectors.contract_list(actor=user, status=request.GET.get("status", ""))
    return render(
        request,
        "contracts/index.html",
        {
            "contracts": contracts[:200],
            "awards": selectors.awards_to_contract(user),
            "call_offs": selectors.call_offs_to_contract(user),
            "late_count": len(selectors.late_items(selectors.contract_list(actor=user))),
            "public": selectors.public_contracts()[:50],
            "statuses": ContractStatus.choices,
            "status": request.GET.get("status", ""),
        },
    )


@login_required
def late(request: HttpRequest) -> HttpResponse:
    """逾期事项: unsigned, unpublished, overdue milestones, missing reports, unpaid instalments."""
    items = selectors.late_items(selectors.contract_list(actor=request.user))
    return render(request, "contracts/late.html", {"items": items, "labels": selectors.KIND_LABELS})


@login_required
def create(request: HttpRequest, award_id: int) -> HttpResponse:
    """Draft the contract of an announced award of the caller's unit."""
    award = get_object_or_404(selectors.awards_to_contract(request.user), pk=award_id)
    return _create_page(
        request,
        forms.CreateForm(request.POST or None),
        {"award": award},
        lambda values: services.contract_create_from_award(
            actor=signed_in_user(request), award=award, **values
        ),
    )


@login_required
def create_call_off(request: HttpRequest, call_off_id: int) -> HttpResponse:
    """Draft the contract of a framework call-off of the caller's unit."""
    call_off = get_object_or_404(selectors.call_offs_to_contract(request.user), pk=call_off_id)
    form = forms.CreateForm(request.POST or None, initial={"kind": ContractKind.CALL_OFF})
    form.fields["kind"].disabled = True

    def draft(values: dict[str, Any]) -> Contract:
        values.pop("kind", None)  # a call-off contract is always of that kind
        return services.contract_create_from_call_off(
            actor=signed_in_user(request), call_off=call_off, **values
        )

    return _create_page(request, form, {"call_off": call_off}, draft)


def _create_page(
    request: HttpRequest,
    form: forms.CreateForm,
    context: dict[str, Any],
    draft: Callable[[dict[str, Any]], Contract],
) -> HttpResponse:
    """The form drafting a contract; posted and valid, `draft` (one service, given the form's values)
    makes it and the contract's page follows, a refusal shows beside its field."""
    if request.method == "POST" and form.is_valid():
        try:
            contract = draft(form.service_kwargs())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("合同已创建，请在期限内签订"))
            return redirect("contracts:detail", contract.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/create.html", {**context, "form": form}, status=status)


def _detail(
    request: HttpRequest, contract: Contract, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    names = available_actions(request.user, contract)
    action_forms = [
        (name, ACTIONS[name], (bound or {}).get(name) or ACTIONS[name].form(contract=contract, prefix=name))
        for name in names
    ]
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "summary": selectors.contract_summary(contract),
            "missing_reports": selectors.missing_reports(contract, clock.today()),
            "overdue_payments": selectors.overdue_payments(contract),
            "actions": action_forms,
            "posts": contract.posts.prefetch_related("placements"),
            "reports": contract.reports.prefetch_related("attachments").select_related("submitted_by"),
            "acceptances": contract.acceptances.prefetch_related("items__deliverable"),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _fetched(request, lambda: selectors.contract_get(actor=request.user, contract_id=contract_id))
    if isinstance(contract, HttpResponse):
        return contract
    return _detail(request, contract)


@login_required
@require_POST
def action(request: HttpRequest, contract_id: int, name: str) -> HttpResponse:
    """Run one action of the contract page; on refusal, show the error beside its field."""
    contract = _fetched(request, lambda: selectors.contract_get(actor=request.user, contract_id=contract_id))
    if isinstance(contract, HttpResponse):
        return contract
    chosen = ACTIONS.get(name)
    if chosen is None:
        raise Http404
    form = chosen.form(request.POST, request.FILES, contract=contract, prefix=name)
    if form.is_valid():
        try:
            chosen.call(request.user, contract, form)
        except ServiceError as exc:
            if name not in available_actions(request.user, contract) and exc.status == 403:
                return error_page(request, exc)
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存：%(action)s") % {"action": chosen.title})
            return redirect("contracts:detail", contract.pk)
    contract.refresh_from_db()
    if name not in available_actions(request.user, contract):
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("contracts:detail", contract.pk)
    return _detail(request, contract, bound={name: form}, status=400)


@login_required
def attachment(request: HttpRequest, contract_id: int, attachment_id: int) -> HttpResponse:
    """Download a progress-report attachment (readers of the contract only)."""
    contract = _fetched(request, lambda: selectors.contract_get(actor=request.user, contract_id=contract_id))
    if isinstance(contract, HttpResponse):
        return contract
    file = get_object_or_404(ReportAttachment, pk=attachment_id, report__contract=contract)
    response = HttpResponse(
        bytes(file.content), content_type=EXTENSIONS.get(file.kind, "application/octet-stream")
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    """合同公告: every published contract, without login."""
    return render(request, "contracts/public_list.html", {"contracts": selectors.public_contracts()[:500]})


def public_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    """One published contract: the public fields and the published acceptance results."""
    contract = _fetched(request, lambda: selectors.public_contract_get(contract_id))
    if isinstance(contract, HttpResponse):
        return contract
    return render(
        request,
        "contracts/public_detail.html",
        {
            "contract": contract,
            "acceptances": selectors.public_acceptances(contract).prefetch_related("items__deliverable"),
            "amendments": contract.amendments.all(),
        },
    )


def notice_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    """合同公告 as PDF, for published contracts only (the same facts as the public page)."""
    contract = _fetched(request, lambda: selectors.public_contract_get(contract_id))
    if isinstance(contract, HttpResponse):
        return contract
    document = documents.contract_notice(
        contract=contract,
        amendments=list(contract.amendments.order_by("number")),
        acceptances=list(selectors.public_acceptances(contract)),
    )
    response = HttpResponse(documents.render(document), content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"contract-notice-{contract.reference}.pdf")
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
