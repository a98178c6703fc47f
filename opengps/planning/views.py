"""Planning pages: units propose and track, finance approves, the public reads intentions.

Each POST parses its fields, calls one service and shows its error (with the citation) or success.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version, purchasable_items
from opengps.core.errors import ServiceError
from opengps.planning import selectors, services
from opengps.planning.models import DemandSurvey, FundSource, PurchaseIntention
from opengps.rules.methods import PurchaseFacts
from opengps.rules.procedures import METHOD_NAMES_ZH

FACT_LABELS = {
    "complex_or_unspecifiable": "技术复杂或者性质特殊，不能确定详细规格或者具体要求",
    "price_not_computable": "不能事先计算出价格总额",
    "urgent": "招标所需时间不能满足紧急需要",
    "failed_open_tender": "公开招标失败",
    "only_one_supplier": "只能从唯一供应商处采购",
    "limited_suppliers": "只能从有限范围的供应商处采购",
    "recipients_outside_buyer_multiple_suppliers_needed": "服务对象为本单位以外，需多家供应商供其选择",
    "standardized_service": "服务标准统一",
}


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError("request.date_invalid", _("日期格式应为 YYYY-MM-DD"), field=field) from None


def _facts(post: QueryDict) -> dict[str, bool]:
    return {name: True for name in post.getlist("facts") if name in FACT_LABELS}


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    try:
        result = call()
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, success)
    return result


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
                fiscal_year=int(post.get("fiscal_year") or 0),
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
        messages.error(request, str(exc.message))
        return redirect("planning:workbench")
    calls: dict[str, Callable[[], Any]] = {
        "submit": lambda: services.budget_line_submit(actor=user, line=line),
        "approve": lambda: services.budget_line_approve(actor=user, line=line, note=post.get("note", "")),
        "reject": lambda: services.budget_line_reject(actor=user, line=line, reason=post.get("reason", "")),
        "reopen": lambda: services.budget_line_reopen(actor=user, line=line),
    }
    if action in calls:
        _run(request, calls[action], _("已处理"))
    return redirect("planning:workbench")


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    version = current_version()
    items = purchasable_items(version) if version else CatalogItem.objects.none()
    if request.method == "POST":
        post = request.POST
        try:
            project = services.project_propose(
                actor=user,
                fiscal_year=int(post.get("fiscal_year") or 0),
                name=post.get("name", ""),
                items=list(items.filter(pk__in=[int(v) for v in post.getlist("items") if v.isdigit()])),
                description=post.get("description", ""),
                quantity=post.get("quantity", ""),
                quantity_unit=post.get("quantity_unit", ""),
                estimated_amount=post.get("estimated_amount", ""),
                recipients=post.get("recipients", ""),
                area=Region.objects.filter(pk=post.get("area", "")).first() or user.unit.region,
                term_start=_date(post.get("term_start", ""), "term_start"),
                term_end=_date(post.get("term_end", ""), "term_end"),
                term_reason=post.get("term_reason", ""),
                is_public_service=post.get("is_public_service") == "on",
            )
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        except ValueError:
            messages.error(request, _("输入有误"))
        else:
            messages.success(request, _("项目已保存为草稿"))
            return redirect("planning:project", pk=project.pk)
    regions = (
        Region.objects.filter(code__startswith=user.unit.region_id[:4])
        if user.unit
        else Region.objects.none()
    )
    return render(
        request,
        "planning/project_new.html",
        {"items": items, "regions": regions, "post": request.POST, "today": services.today()},
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        project = selectors.project_get(actor=user, pk=pk)
    except ServiceError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    if request.method == "POST":
        post = request.POST
        calls: dict[str, Callable[[], Any]] = {
            "survey": lambda: services.demand_survey_record(
                actor=user,
                project=project,
                method=post.get("method", ""),
                conducted_on=_date(post.get("conducted_on", ""), "conducted_on"),
                respondents=int(post.get("respondents") or 0),
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
        action = post.get("action", "")
        if action in calls:
            _run(request, calls[action], _("已处理"))
        return redirect("planning:project", pk=pk)
    required, citation = services.project_survey_required(project)
    survey = DemandSurvey.objects.filter(project=project).first()
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
        },
    )


@login_required
@require_POST
def plan_new(request: HttpRequest, project_pk: int) -> HttpResponse:
    user: Any = request.user
    post = request.POST
    try:
        project = selectors.project_get(actor=user, pk=project_pk)
        line = selectors.budget_line_get(actor=user, pk=int(post.get("budget_line") or 0))
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
        messages.error(request, str(exc.message))
        return redirect("planning:project", pk=project_pk)
    messages.success(request, _("采购实施计划已保存"))
    return redirect("planning:plan", pk=plan.pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        plan = selectors.plan_get(actor=user, pk=pk)
    except ServiceError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
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
        action = post.get("action", "")
        if action in calls:
            _run(request, calls[action], _("已处理"))
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
        },
    )
