"""Planning pages: units propose and track, finance approves, the public reads intentions.

Each POST parses its fields, calls one service and shows its error (with the citation) or success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role
from opengps.catalog.content import yuan
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version, purchasable_items
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.inputs import as_id, parse_int, parse_year
from opengps.core.timeline import readable
from opengps.planning import selectors, services
from opengps.planning.errors import Code
from opengps.planning.models import DemandSurvey, FundSource, Project, ProjectStatus, PurchaseIntention
from opengps.rules.methods import MethodDecision, PurchaseFacts
from opengps.rules.procedures import METHOD_NAMES_ZH

FACT_LABELS = {
    "complex_or_unspecifiable": _l("技术复杂或者性质特殊，不能确定详细规格或者具体要求"),
    "price_not_computable": _l("不能事先计算出价格总额"),
    "urgent": _l("招标所需时间不能满足紧急需要"),
    "failed_open_tender": _l("公开招标失败"),
    "only_one_supplier": _l("只能从唯一供应商处采购"),
    "limited_suppliers": _l("只能从有限范围的供应商处采购"),
    "recipients_outside_buyer_multiple_suppliers_needed": _l("服务对象为本单位以外，需多家供应商供其选择"),
    "standardized_service": _l("服务标准统一"),
}
PROJECT_ACTIONS = {
    "project.proposed": _l("项目已申报"),
    "project.changed": _l("项目已修改"),
    "project.survey_recorded": _l("记录需求调查"),
    "project.submitted": _l("提交单位负责人审核"),
    "project.unit_approved": _l("单位负责人同意"),
    "project.approved": _l("财政审核通过，入库"),
    "project.returned": _l("退回修改"),
    "project.withdrawn": _l("撤回"),
}
PROJECT_FIELDS = {
    "status": _l("状态"),
    "fiscal_year": _l("预算年度"),
    "name": _l("项目名称"),
    "items": _l("目录事项"),
    "description": _l("服务内容"),
    "quantity": _l("服务数量"),
    "quantity_unit": _l("计量单位"),
    "estimated_amount": _l("预算估算（元）"),
    "recipients": _l("服务对象"),
    "area": _l("服务区域"),
    "term": _l("服务期"),
    "term_start": _l("服务期起"),
    "term_end": _l("服务期止"),
    "term_reason": _l("服务期超过一年的理由"),
    "is_public_service": _l("面向社会公众的公共服务"),
    "method": _l("调查方式"),
    "conducted_on": _l("调查日期"),
    "respondents": _l("调查对象数量"),
    "findings": _l("调查结论"),
}
PROJECT_FORM_FIELDS = [
    "fiscal_year",
    "name",
    "items",
    "description",
    "quantity",
    "quantity_unit",
    "estimated_amount",
    "recipients",
    "area",
    "term_start",
    "term_end",
    "term_reason",
]
PLAN_FORM_FIELDS = ["budget_line", "amount", "method", "facts", "procurement_starts_on", "requirements"]


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(Code.REQUEST_DATE_INVALID, field=field) from None


def _facts(post: QueryDict) -> dict[str, bool]:
    """The checked 适用情形 among those the form offers (unknown names are ignored)."""
    return {name: True for name in post.getlist("facts") if name in FACT_LABELS}


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    try:
        result = call()
    except ServiceError as exc:
        messages.error(request, exc.text())
        return None
    messages.success(request, success)
    return result


def _dispatch(request: HttpRequest, calls: Mapping[str, Callable[[], Any]]) -> None:
    """Run the POSTed `action` among `calls` (an unknown one does nothing); its outcome as a message."""
    action = request.POST.get("action", "")
    if action in calls:
        _run(request, calls[action], _("已处理"))


def _error_page(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


def workbench(request: HttpRequest) -> HttpResponse:
    """项目与计划: a unit's own lines, projects and plans; finance's queue; everything for auditors."""
    if not request.user.is_authenticated:
        return redirect("planning:intentions")
    user: Any = request.user
    return render(
        request,
        "planning/workbench.html",
        {
            "lines": [
                {"line": line, "usage": selectors.usage_of(line)}
                for line in selectors.budget_lines_visible(actor=user)[:200]
            ],
            "projects": selectors.projects_visible(actor=user)[:200],
            "plans": selectors.plans_visible(actor=user)[:200],
            "queue": selectors.finance_queue(actor=user) if has_role(user, Role.FINANCE) else None,
            "is_unit": has_role(user, Role.PURCHASER),
            "fund_sources": FundSource.choices,
        },
    )


def intentions(request: HttpRequest) -> HttpResponse:
    """采购意向公开 — public."""
    return render(request, "planning/intentions.html", {"intentions": selectors.public_intentions()[:300]})


@login_required
@require_POST
def budget_action(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user: Any = request.user
    post = request.POST
    action = post.get("action", "")
    if action == "create":
        _run(
            request,
            lambda: services.budget_line_create(
                actor=user,
                unit=user.unit,
                fiscal_year=parse_year(post.get("fiscal_year"), field="fiscal_year"),
                code=post.get("code", ""),
                name=post.get("name", ""),
                fund_source=post.get("fund_source", ""),
                amount=post.get("amount", ""),
            ),
            _("预算指标已保存"),
        )
        return redirect("planning:workbench")
    try:
        line = selectors.budget_line_get(actor=user, pk=pk)
    except ServiceError as exc:
        messages.error(request, exc.text())
        return redirect("planning:workbench")
    calls: dict[str, Callable[[], Any]] = {
        "submit": lambda: services.budget_line_submit(actor=user, line=line),
        "approve": lambda: services.budget_line_approve(actor=user, line=line, note=post.get("note", "")),
        "reject": lambda: services.budget_line_reject(actor=user, line=line, reason=post.get("reason", "")),
        "reopen": lambda: services.budget_line_reopen(actor=user, line=line),
    }
    _dispatch(request, calls)
    return redirect("planning:workbench")


def _regions(user: Any) -> Any:
    return (
        Region.objects.filter(code__startswith=user.unit.region_id[:4])
        if user.unit
        else Region.objects.none()
    )


def _project_values(project: Project | None, post: QueryDict | None, default_year: int) -> dict[str, Any]:
    """What the project form shows: the posted values after an error, else the project's own."""
    if post is not None:
        values: dict[str, Any] = {key: post.get(key, "") for key in PROJECT_FORM_FIELDS if key != "items"}
        values["items"] = [v for v in post.getlist("items") if as_id(v)]
        values["is_public_service"] = post.get("is_public_service") == "on"
        return values
    if project is None:
        return {"fiscal_year": default_year, "items": [], "is_public_service": True}
    return {
        "fiscal_year": project.fiscal_year,
        "name": project.name,
        "items": [str(item.pk) for item in project.items.all()],
        "description": project.description,
        "quantity": project.quantity.normalize() if project.quantity % 1 == 0 else project.quantity,
        "quantity_unit": project.quantity_unit,
        "estimated_amount": project.estimated_amount,
        "recipients": project.recipients,
        "area": project.area_id,
        "term_start": project.term_start.isoformat(),
        "term_end": project.term_end.isoformat(),
        "term_reason": project.term_reason,
        "is_public_service": project.is_public_service,
    }


def _project_fields(post: QueryDict, items: Any, user: Any) -> dict[str, Any]:
    """The proposal's fields parsed from a form (ServiceError for a malformed date or year)."""
    return {
        "fiscal_year": parse_year(post.get("fiscal_year"), field="fiscal_year"),
        "name": post.get("name", ""),
        "items": list(items.filter(pk__in=[i for v in post.getlist("items") if (i := as_id(v))])),
        "description": post.get("description", ""),
        "quantity": post.get("quantity", ""),
        "quantity_unit": post.get("quantity_unit", ""),
        "estimated_amount": post.get("estimated_amount", ""),
        "recipients": post.get("recipients", ""),
        "area": Region.objects.filter(pk=post.get("area", "")).first() or user.unit.region,
        "term_start": _date(post.get("term_start", ""), "term_start"),
        "term_end": _date(post.get("term_end", ""), "term_end"),
        "term_reason": post.get("term_reason", ""),
        "is_public_service": post.get("is_public_service") == "on",
    }


def _project_form(
    request: HttpRequest,
    *,
    project: Project | None,
    items: Any,
    error: ServiceError | None,
) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "planning/project_form.html",
        {
            "project": project,
            "items": items,
            "regions": _regions(user),
            "values": _project_values(
                project, request.POST if request.method == "POST" else None, clock.today().year
            ),
            "error": error,
            "form_fields": PROJECT_FORM_FIELDS,
        },
        status=error.status if error else 200,
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    version = current_version()
    items = purchasable_items(version) if version else CatalogItem.objects.none()
    error: ServiceError | None = None
    if request.method == "POST":
        try:
            project = services.project_propose(actor=user, **_project_fields(request.POST, items, user))
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("项目已保存为草稿"))
            return redirect("planning:project", pk=project.pk)
    return _project_form(request, project=None, items=items, error=error)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改项目: the unit's own project while a draft or returned for changes."""
    user: Any = request.user
    try:
        project = selectors.project_get(actor=user, pk=pk)
    except ServiceError as exc:
        return _error_page(request, exc)
    version = current_version()
    current = set(project.items.values_list("pk", flat=True))
    items = (
        (purchasable_items(version) if version else CatalogItem.objects.none())
        | CatalogItem.objects.filter(pk__in=current)
    ).distinct()
    error: ServiceError | None = None
    if request.method == "POST":
        try:
            fields = _project_fields(request.POST, items, user)
            if {item.pk for item in fields["items"]} == current:
                fields["items"] = None  # unchanged, even if an item has since left the catalogue
            services.project_update(actor=user, project=project, **fields)
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("项目已修改"))
            return redirect("planning:project", pk=project.pk)
    elif not project.is_editable:
        error = ServiceError(
            Code.PLANNING_PROJECT_NOT_EDITABLE, params={"status": project.get_status_display()}
        )
    return _project_form(request, project=project, items=items, error=error)


def _preview(
    amount: str, starts_on: str, facts: dict[str, bool]
) -> tuple[tuple[MethodDecision, ...], ServiceError | None]:
    """Every method's decision for the values typed so far, or why they cannot be evaluated yet."""
    try:
        value = yuan(amount)
        if value <= 0:
            raise ServiceError(Code.PLANNING_AMOUNT_INVALID, field="amount")
        on_date = _date(starts_on, "procurement_starts_on") if starts_on.strip() else clock.today()
        return services.method_options(value, services.purchase_facts(facts), on_date), None
    except ServiceError as exc:
        return (), exc


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    plan_values: QueryDict | None = None,
    plan_error: ServiceError | None = None,
) -> HttpResponse:
    user: Any = request.user
    required, citation = services.project_survey_required(project)
    survey = DemandSurvey.objects.filter(project=project).first()
    values: dict[str, Any] = {
        "amount": str(project.estimated_amount),
        "method": "",
        "facts": [],
        "procurement_starts_on": "",
        "requirements": "",
        "budget_line": "",
    }
    if plan_values is not None:
        values.update({key: plan_values.get(key, "") for key in values if key != "facts"})
        values["facts"] = list(_facts(plan_values))
    decisions, preview_error = _preview(
        values["amount"], values["procurement_starts_on"], dict.fromkeys(values["facts"], True)
    )
    return render(
        request,
        "planning/project_detail.html",
        {
            "project": project,
            "survey": survey,
            "survey_required": required,
            "survey_citation": citation,
            "survey_methods": DemandSurvey.Method.choices,
            "plans": project.plans.all(),
            "lines": selectors.budget_lines_visible(actor=user).filter(
                unit=project.unit, fiscal_year=project.fiscal_year, status="approved"
            ),
            "is_unit": has_role(user, Role.PURCHASER) and user.unit_id == project.unit_id,
            "is_finance": has_role(user, Role.FINANCE),
            "methods": METHOD_NAMES_ZH.items(),
            "fact_labels": FACT_LABELS.items(),
            "plan": values,
            "plan_error": plan_error,
            "plan_fields": PLAN_FORM_FIELDS,
            "decisions": decisions,
            "preview_error": preview_error,
            "suppliers": selectors.supplier_context(project),
            "timeline": readable(
                selectors.project_timeline(actor=user, project=project),
                actions=PROJECT_ACTIONS,
                fields=PROJECT_FIELDS,
                choices={
                    "status": dict(ProjectStatus.choices),
                    "method": dict(DemandSurvey.Method.choices),
                    "is_public_service": {},
                },
            ),
        },
        status=plan_error.status if plan_error else 200,
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        project = selectors.project_get(actor=user, pk=pk)
    except ServiceError as exc:
        return _error_page(request, exc)
    if request.method == "POST":
        post = request.POST
        calls: dict[str, Callable[[], Any]] = {
            "survey": lambda: services.demand_survey_record(
                actor=user,
                project=project,
                method=post.get("method", ""),
                conducted_on=_date(post.get("conducted_on", ""), "conducted_on"),
                respondents=parse_int(post.get("respondents"), field="respondents", default=0),
                findings=post.get("findings", ""),
            ),
            "submit": lambda: services.project_submit(actor=user, project=project),
            "approve_unit": lambda: services.project_approve_unit(
                actor=user, project=project, note=post.get("note", "")
            ),
            "approve": lambda: services.project_approve(
                actor=user, project=project, note=post.get("note", "")
            ),
            "return": lambda: services.project_return(
                actor=user, project=project, reason=post.get("reason", "")
            ),
            "withdraw": lambda: services.project_withdraw(
                actor=user, project=project, reason=post.get("reason", "")
            ),
        }
        _dispatch(request, calls)
        return redirect("planning:project", pk=pk)
    return _project_page(request, project)


def method_preview(request: HttpRequest) -> HttpResponse:
    """The method decisions for the plan form's amount, start date and facts (htmx partial, GET)."""
    decisions, error = _preview(
        request.GET.get("amount", ""), request.GET.get("procurement_starts_on", ""), _facts(request.GET)
    )
    return render(
        request,
        "planning/_method_preview.html",
        {"decisions": decisions, "preview_error": error, "chosen": request.GET.get("method", "")},
    )


@login_required
@require_POST
def plan_new(request: HttpRequest, project_pk: int) -> HttpResponse:
    """Save a plan; on an error, or when only previewing (no JS), show the form again with the decisions."""
    user: Any = request.user
    post = request.POST
    try:
        project = selectors.project_get(actor=user, pk=project_pk)
    except ServiceError as exc:
        return _error_page(request, exc)
    if post.get("preview"):
        return _project_page(request, project, plan_values=post)
    try:
        line_pk = post.get("budget_line", "")
        if not as_id(line_pk):
            raise ServiceError(Code.PLANNING_BUDGET_REQUIRED, field="budget_line")
        line = selectors.budget_line_get(actor=user, pk=int(line_pk))
        plan = services.plan_create(
            actor=user,
            project=project,
            budget_line=line,
            method=post.get("method", ""),
            procurement_starts_on=_date(post.get("procurement_starts_on", ""), "procurement_starts_on"),
            facts=_facts(post),
            amount=post.get("amount") or None,
            requirements=post.get("requirements", ""),
        )
    except ServiceError as exc:
        return _project_page(request, project, plan_values=post, plan_error=exc)
    messages.success(request, _("采购实施计划已保存"))
    return redirect("planning:plan", pk=plan.pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        plan = selectors.plan_get(actor=user, pk=pk)
    except ServiceError as exc:
        return _error_page(request, exc)
    if request.method == "POST":
        post = request.POST
        calls: dict[str, Callable[[], Any]] = {
            "requirements": lambda: services.plan_update_requirements(
                actor=user, plan=plan, requirements=post.get("requirements", "")
            ),
            "confirm": lambda: services.plan_confirm_compliance(
                actor=user, plan=plan, reason=post.get("reason", "")
            ),
            "submit": lambda: services.plan_submit(actor=user, plan=plan),
            "approve_method": lambda: services.plan_approve_method(
                actor=user, plan=plan, note=post.get("note", "")
            ),
            "reject_method": lambda: services.plan_reject_method(
                actor=user, plan=plan, reason=post.get("reason") or post.get("note", "")
            ),
            "intention": lambda: services.intention_publish(
                actor=user, plan=plan, summary=post.get("summary", "")
            ),
            "start": lambda: services.plan_start_procurement(actor=user, plan=plan),
            "cancel": lambda: services.plan_cancel(actor=user, plan=plan, reason=post.get("reason", "")),
        }
        _dispatch(request, calls)
        return redirect("planning:plan", pk=pk)
    facts = services.purchase_facts(plan.method_facts) if plan.method_facts else PurchaseFacts()
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "usage": selectors.budget_usage(plan.budget_line),
            "decisions": services.method_options(plan.amount, facts, plan.procurement_starts_on),
            "method_name": {m.value: name for m, name in METHOD_NAMES_ZH.items()}.get(
                plan.method, plan.method
            ),
            "intention": PurchaseIntention.objects.filter(plan=plan).first(),
            "is_unit": has_role(user, Role.PURCHASER) and user.unit_id == plan.unit_id,
            "is_finance": has_role(user, Role.FINANCE),
            "suppliers": selectors.supplier_context(plan.project),
        },
    )
