"""Writes on budget lines, projects, purchase plans and intentions; each one transaction with its audit.

The single decision "may this plan draw on this budget line?" is `_budget_covers`, called only
with the line's row locked (SELECT … FOR UPDATE), so two plans made at the same moment can
never together overspend a line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import has_role, require_role, require_unit_member
from opengps.catalog.models import CatalogItem, ItemKind, VersionStatus
from opengps.catalog.services import yuan
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.planning.models import (
    ACTIVE_PLAN_STATUSES,
    EDITABLE_PROJECT_STATUSES,
    BudgetLine,
    BudgetStatus,
    DemandSurvey,
    FundSource,
    PlanStatus,
    Project,
    ProjectStatus,
    PurchaseIntention,
    PurchasePlan,
)
from opengps.planning.selectors import budget_usage
from opengps.rules.base import Reason, RuleError
from opengps.rules.compliance import check_requirements
from opengps.rules.deadlines import intention_publication_latest
from opengps.rules.jurisdictions import demand_survey_required
from opengps.rules.methods import (
    MethodDecision,
    PurchaseFacts,
    PurchaseRecord,
    allowed_methods,
    decision_for,
    detect_split_purchases,
)
from opengps.rules.procedures import METHOD_NAMES_ZH, Method, parse_method
from opengps.rules.workflow import check_transition

CATEGORY = "services"  # 政府购买服务: the platform's purchases are services
O102_10 = "政府购买服务管理办法（财政部令第102号）第十条"
O102_24 = "政府购买服务管理办法（财政部令第102号）第二十四条"
C22_10 = "政府采购需求管理办法（财库〔2021〕22号）第十条"
BUDGET_FIRST = "政府购买服务管理办法（财政部令第102号）第二十一条；预算法 第十三条"
FACT_NAMES = frozenset(f.name for f in fields(PurchaseFacts))


def _transition(entity: str, obj: Any, target: str) -> None:
    try:
        check_transition(entity, obj.status, target)
    except RuleError as exc:
        raise Conflict(
            exc.code,
            _("当前状态（%(status)s）不能执行此操作") % {"status": obj.get_status_display()},
            field="status",
            params=exc.params,
        ) from None


def _set_status(
    actor: Any,
    obj: Model,
    target: str,
    action: str,
    *,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    update: Sequence[str] = (),
) -> None:
    entity = {"budgetline": "budget_line", "project": "project", "purchaseplan": "plan"}[
        obj._meta.model_name or ""
    ]
    _transition(entity, obj, target)
    old = getattr(obj, "status")  # noqa: B009 — generic over three models
    setattr(obj, "status", target)  # noqa: B010
    obj.save(update_fields=["status", *update])
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        old={"status": old},
        new={"status": target, **(extra or {})},
        reason=reason,
    )


def _require_unit_staff(actor: Any, unit: Unit) -> None:
    require_role(actor, Role.PURCHASER)
    require_unit_member(actor, unit)


def _require_finance_for(actor: Any, unit: Unit) -> None:
    """The finance department of the unit's own level of government (本级财政部门)."""
    require_role(actor, Role.FINANCE)
    if actor.unit is None or actor.unit.region_id != unit.region_id:
        raise PermissionDenied("planning.finance_other_level", _("只能由本级财政部门审核"))


def _reason_required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError("planning.reason_required", _("请填写理由"), field="reason")
    return reason


def _positive(value: Decimal | str | int, field: str) -> Decimal:
    amount = yuan(value, field=field)
    if amount <= 0:
        raise ServiceError("planning.amount_invalid", _("金额应大于零"), field=field)
    return amount


# --- budget lines ------------------------------------------------------------------------------------


def budget_line_create(
    *, actor: Any, unit: Unit, fiscal_year: int, code: str, name: str, fund_source: str, amount: Decimal | str
) -> BudgetLine:
    """A unit enters a budget line (draft); the finance department of its level may enter one too."""
    if has_role(actor, Role.FINANCE):
        _require_finance_for(actor, unit)
    else:
        _require_unit_staff(actor, unit)
    if fund_source not in FundSource.values:
        raise ServiceError("planning.fund_source_invalid", _("资金来源无效"), field="fund_source")
    if not code.strip() or not name.strip():
        raise ServiceError("planning.budget_code_required", _("请填写预算项目编码和名称"), field="code")
    value = _positive(amount, "amount")
    with transaction.atomic():
        if BudgetLine.objects.filter(unit=unit, fiscal_year=fiscal_year, code=code.strip()).exists():
            raise Conflict("planning.budget_duplicate", _("该年度已有此预算项目编码"), field="code")
        line = BudgetLine.objects.create(
            unit=unit,
            fiscal_year=fiscal_year,
            code=code.strip(),
            name=name.strip(),
            fund_source=fund_source,
            amount=value,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="budget.created",
            obj=line,
            new={
                "unit": unit,
                "fiscal_year": fiscal_year,
                "code": line.code,
                "name": line.name,
                "fund_source": fund_source,
                "amount": value,
            },
        )
    return line


def budget_line_submit(*, actor: Any, line: BudgetLine) -> BudgetLine:
    _require_unit_staff(actor, line.unit)
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        _set_status(actor, line, BudgetStatus.SUBMITTED, "budget.submitted")
    return line


def budget_line_approve(*, actor: Any, line: BudgetLine, note: str = "") -> BudgetLine:
    """批复: the finance department approves; from now on plans may draw on the line."""
    _require_finance_for(actor, line.unit)
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        line.approved_by, line.approved_at, line.review_note = actor, clock.now(), note
        _set_status(
            actor,
            line,
            BudgetStatus.APPROVED,
            "budget.approved",
            reason=note,
            extra={"amount": line.amount},
            update=["approved_by", "approved_at", "review_note"],
        )
    return line


def budget_line_reject(*, actor: Any, line: BudgetLine, reason: str) -> BudgetLine:
    _require_finance_for(actor, line.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        line.review_note = reason
        _set_status(
            actor, line, BudgetStatus.REJECTED, "budget.rejected", reason=reason, update=["review_note"]
        )
    return line


def budget_line_reopen(*, actor: Any, line: BudgetLine) -> BudgetLine:
    """A returned line goes back to draft so the unit can correct and resubmit it."""
    _require_unit_staff(actor, line.unit)
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        _set_status(actor, line, BudgetStatus.DRAFT, "budget.reopened")
    return line


def budget_line_adjust(*, actor: Any, line: BudgetLine, amount: Decimal | str, reason: str) -> BudgetLine:
    """预算调整: change an approved line's amount; never below what its plans already commit."""
    _require_finance_for(actor, line.unit)
    reason = _reason_required(reason)
    value = _positive(amount, "amount")
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if line.status != BudgetStatus.APPROVED:
            raise Conflict("planning.budget_not_approved", _("只能调整已批复的预算指标"), field="status")
        if value == line.amount:
            return line
        committed = budget_usage(line).committed
        if value < committed:
            raise Conflict(
                "planning.budget_below_committed",
                _("预算指标“%(line)s”已占用 %(committed)s 元，调整后的金额不能低于该数")
                % {"line": line, "committed": committed},
                field="amount",
                params={"committed": str(committed)},
            )
        old = line.amount
        line.amount = value
        line.save(update_fields=["amount"])
        audit.record(
            actor=actor,
            action="budget.adjusted",
            obj=line,
            old={"amount": old},
            new={"amount": value},
            reason=reason,
        )
    return line


def _budget_covers(line: BudgetLine, amount: Decimal, *, unit: Unit, fiscal_year: int) -> None:
    """THE budget decision (先有预算、后购买服务): an approved line of the unit and year covering `amount`.

    Must be called with `line` locked in the current transaction.
    """
    if line.unit_id != unit.pk:
        raise ServiceError(
            "planning.budget_other_unit",
            _("预算指标“%(line)s”不属于本单位") % {"line": line},
            field="budget_line",
            params={"line": line.code},
        )
    if line.status != BudgetStatus.APPROVED:
        raise ServiceError(
            "planning.budget_not_approved",
            _(
                "预算指标“%(line)s”尚未经财政部门批复（当前状态：%(status)s），不能据以采购（依据：%(citation)s）"
            )
            % {"line": line, "status": line.get_status_display(), "citation": BUDGET_FIRST},
            field="budget_line",
            params={"line": line.code, "status": line.status, "citation": BUDGET_FIRST},
        )
    if line.fiscal_year != fiscal_year:
        raise ServiceError(
            "planning.budget_other_year",
            _("预算指标“%(line)s”属于 %(line_year)s 年度，项目属于 %(year)s 年度")
            % {"line": line, "line_year": line.fiscal_year, "year": fiscal_year},
            field="budget_line",
            params={"line": line.code},
        )
    usage = budget_usage(line)
    if usage.available < amount:
        shortfall = amount - usage.available
        raise ServiceError(
            "planning.budget_insufficient",
            _(
                "预算指标“%(line)s”可用余额 %(available)s 元（批复 %(amount)s 元，已占用 %(committed)s 元），"
                "本计划需 %(needed)s 元，尚缺 %(shortfall)s 元（依据：%(citation)s）"
            )
            % {
                "line": line,
                "available": usage.available,
                "amount": usage.amount,
                "committed": usage.committed,
                "needed": amount,
                "shortfall": shortfall,
                "citation": BUDGET_FIRST,
            },
            field="budget_line",
            params={
                "line": line.code,
                "available": str(usage.available),
                "needed": str(amount),
                "shortfall": str(shortfall),
                "citation": BUDGET_FIRST,
            },
        )


# --- project library -------------------------------------------------------------------------------


def _catalogue_items(items: Iterable[CatalogItem]) -> list[CatalogItem]:
    chosen = list(items)
    if not chosen:
        raise ServiceError("planning.items_required", _("请至少选择一个指导性目录事项"), field="items")
    for item in chosen:
        if item.kind == ItemKind.NEGATIVE:
            raise ServiceError(
                "planning.negative_list",
                _("“%(item)s”属于政府购买服务负面清单，不得购买（依据：%(citation)s）")
                % {"item": item.name, "citation": O102_10},
                field="items",
                params={"item": item.code, "citation": O102_10},
            )
        if item.level != 3 or item.retired or item.version.status != VersionStatus.PUBLISHED:
            raise ServiceError(
                "planning.item_not_purchasable",
                _("“%(item)s”不是现行指导性目录中的三级事项") % {"item": item.name},
                field="items",
                params={"item": item.code},
            )
    return chosen


def _check_term(term_start: date, term_end: date, term_reason: str) -> None:
    """Term ≤1 year; up to 3 years with a stated reason (政府购买服务管理办法 第二十四条)."""
    if term_end < term_start:
        raise ServiceError("planning.term_invalid", _("服务期止不能早于服务期起"), field="term_end")
    one_year = date(term_start.year + 1, term_start.month, min(term_start.day, 28))
    three_years = date(term_start.year + 3, term_start.month, min(term_start.day, 28))
    if term_end >= three_years:
        raise ServiceError(
            "planning.term_too_long",
            _("服务期限最长不超过3年（依据：%(citation)s）") % {"citation": O102_24},
            field="term_end",
            params={"citation": O102_24},
        )
    if term_end >= one_year and not term_reason.strip():
        raise ServiceError(
            "planning.term_reason_required",
            _("服务期限超过1年的，须说明服务稳定、持续、资金有保障且价格稳定的理由（依据：%(citation)s）")
            % {"citation": O102_24},
            field="term_reason",
            params={"citation": O102_24},
        )


def project_propose(
    *,
    actor: Any,
    fiscal_year: int,
    name: str,
    items: Iterable[CatalogItem],
    description: str,
    quantity: Decimal | str,
    quantity_unit: str,
    estimated_amount: Decimal | str,
    recipients: str,
    area: Region,
    term_start: date,
    term_end: date,
    term_reason: str = "",
    is_public_service: bool = True,
) -> Project:
    """A unit proposes a project for the library (draft, visible to the unit only)."""
    require_role(actor, Role.PURCHASER)
    if actor.unit is None:
        raise PermissionDenied("perm.no_unit", _("您的账户未关联单位"))
    if not name.strip() or not description.strip() or not recipients.strip():
        raise ServiceError(
            "planning.project_incomplete", _("请填写项目名称、服务内容和服务对象"), field="name"
        )
    chosen = _catalogue_items(items)
    amount = _positive(estimated_amount, "estimated_amount")
    qty = _positive(quantity, "quantity")
    _check_term(term_start, term_end, term_reason)
    with transaction.atomic():
        project = Project.objects.create(
            unit=actor.unit,
            fiscal_year=fiscal_year,
            name=name.strip(),
            description=description.strip(),
            quantity=qty,
            quantity_unit=quantity_unit.strip(),
            estimated_amount=amount,
            recipients=recipients.strip(),
            area=area,
            term_start=term_start,
            term_end=term_end,
            term_reason=term_reason.strip(),
            is_public_service=is_public_service,
            proposed_by=actor,
        )
        project.items.set(chosen)
        audit.record(
            actor=actor,
            action="project.proposed",
            obj=project,
            new={
                "name": project.name,
                "fiscal_year": fiscal_year,
                "items": [i.code for i in chosen],
                "estimated_amount": amount,
                "area": area.code,
                "term": [term_start, term_end],
            },
        )
    return project


def _project_state(project: Project) -> dict[str, Any]:
    """The proposal's fields as audited values (items as codes, the area as its code)."""
    return {
        "fiscal_year": project.fiscal_year,
        "name": project.name,
        "items": sorted(item.code for item in project.items.all()),
        "description": project.description,
        "quantity": project.quantity,
        "quantity_unit": project.quantity_unit,
        "estimated_amount": project.estimated_amount,
        "recipients": project.recipients,
        "area": project.area_id,
        "term_start": project.term_start,
        "term_end": project.term_end,
        "term_reason": project.term_reason,
        "is_public_service": project.is_public_service,
    }


def project_update(
    *,
    actor: Any,
    project: Project,
    fiscal_year: int | None = None,
    name: str | None = None,
    items: Iterable[CatalogItem] | None = None,
    description: str | None = None,
    quantity: Decimal | str | None = None,
    quantity_unit: str | None = None,
    estimated_amount: Decimal | str | None = None,
    recipients: str | None = None,
    area: Region | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
    term_reason: str | None = None,
    is_public_service: bool | None = None,
) -> Project:
    """The unit changes its proposal while it is a draft or after it was returned for changes.

    Arguments left as None keep their value; the same checks as a proposal apply to the result.
    The audit event holds only the fields that changed, old → new, so the unit head and the
    finance department see in the project's timeline what was changed since they returned it.
    """
    _require_unit_staff(actor, project.unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in EDITABLE_PROJECT_STATUSES:
            raise Conflict(
                "planning.project_not_editable",
                _("项目当前状态（%(status)s）不能修改；只有草稿或被退回修改的项目可以修改")
                % {"status": project.get_status_display()},
                field="status",
                params={"status": project.status},
            )
        before = _project_state(project)
        chosen = _catalogue_items(items) if items is not None else None
        if name is not None:
            project.name = name.strip()
        if description is not None:
            project.description = description.strip()
        if recipients is not None:
            project.recipients = recipients.strip()
        if not project.name or not project.description or not project.recipients:
            raise ServiceError(
                "planning.project_incomplete", _("请填写项目名称、服务内容和服务对象"), field="name"
            )
        if fiscal_year is not None:
            project.fiscal_year = fiscal_year
        if quantity is not None:
            project.quantity = _positive(quantity, "quantity")
        if quantity_unit is not None:
            project.quantity_unit = quantity_unit.strip()
        if estimated_amount is not None:
            project.estimated_amount = _positive(estimated_amount, "estimated_amount")
        if area is not None:
            project.area = area
        if term_start is not None:
            project.term_start = term_start
        if term_end is not None:
            project.term_end = term_end
        if term_reason is not None:
            project.term_reason = term_reason.strip()
        if is_public_service is not None:
            project.is_public_service = is_public_service
        _check_term(project.term_start, project.term_end, project.term_reason)
        after = {
            **_project_state(project),
            "items": sorted(item.code for item in chosen) if chosen is not None else before["items"],
        }
        old, new = audit.diff(before, after)
        if not new:
            return project
        fields = [f for f in new if f != "items"]
        if fields:
            project.save(update_fields=fields)
        if chosen is not None and "items" in new:
            project.items.set(chosen)
        audit.record(actor=actor, action="project.changed", obj=project, old=old, new=new)
    return project


def project_survey_required(project: Project, on_date: date | None = None) -> tuple[bool, str]:
    """Whether the project needs a demand survey, and the clause (需求管理办法 第十一条)."""
    try:
        ruled = demand_survey_required(
            project.estimated_amount,
            CATEGORY,
            on_date or clock.today(),
            public_service=project.is_public_service,
        )
    except RuleError as exc:
        raise _rule_error(exc) from None
    return ruled.value, ruled.citation


def demand_survey_record(
    *, actor: Any, project: Project, method: str, conducted_on: date, respondents: int, findings: str
) -> DemandSurvey:
    """Record (or correct) the project's demand survey before it is submitted."""
    _require_unit_staff(actor, project.unit)
    if method not in DemandSurvey.Method.values:
        raise ServiceError("planning.survey_method_invalid", _("调查方式无效"), field="method")
    if not findings.strip():
        raise ServiceError("planning.survey_findings_required", _("请填写调查结论"), field="findings")
    if method == DemandSurvey.Method.MARKET and respondents < 3:
        raise ServiceError(
            "planning.survey_too_few",
            _("面向市场主体开展需求调查时，调查对象一般不少于3个（依据：%(citation)s）")
            % {"citation": C22_10},
            field="respondents",
            params={"citation": C22_10},
        )
    if respondents < 1:
        raise ServiceError("planning.survey_too_few", _("请填写调查对象数量"), field="respondents")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in EDITABLE_PROJECT_STATUSES:
            raise Conflict(
                "planning.project_not_draft", _("只能在草稿或退回修改状态记录需求调查"), field="status"
            )
        values = {
            "method": method,
            "conducted_on": conducted_on,
            "respondents": respondents,
            "findings": findings.strip(),
        }
        survey, _created = DemandSurvey.objects.update_or_create(
            project=project, defaults={**values, "recorded_by": actor}
        )
        audit.record(actor=actor, action="project.survey_recorded", obj=project, new=values)
    return survey


def project_submit(*, actor: Any, project: Project) -> Project:
    """Send a draft to the unit head; refused without the demand survey C22 §11 requires."""
    _require_unit_staff(actor, project.unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        required, citation = project_survey_required(project)
        if required and not DemandSurvey.objects.filter(project=project).exists():
            raise ServiceError(
                "planning.demand_survey_required",
                _("本项目须先开展需求调查并记录结果（依据：%(citation)s）") % {"citation": citation},
                field="demand_survey",
                params={"citation": citation},
            )
        _set_status(
            actor, project, ProjectStatus.SUBMITTED, "project.submitted", extra={"survey_required": required}
        )
    return project


def project_approve_unit(*, actor: Any, project: Project, note: str = "") -> Project:
    """The head of the unit approves — someone other than the proposer (four eyes)."""
    _require_unit_staff(actor, project.unit)
    if project.proposed_by_id == actor.pk:
        raise PermissionDenied("planning.same_person", _("申报人不能审核自己申报的项目"))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.unit_approved_by = actor
        _set_status(
            actor,
            project,
            ProjectStatus.UNIT_APPROVED,
            "project.unit_approved",
            reason=note,
            update=["unit_approved_by"],
        )
    return project


def project_approve(*, actor: Any, project: Project, note: str = "") -> Project:
    """The finance department of the unit's level enters the project in the library."""
    _require_finance_for(actor, project.unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.approved_by, project.approved_at, project.review_note = actor, clock.now(), note
        _set_status(
            actor,
            project,
            ProjectStatus.APPROVED,
            "project.approved",
            reason=note,
            update=["approved_by", "approved_at", "review_note"],
        )
    return project


def project_return(*, actor: Any, project: Project, reason: str) -> Project:
    """Return for changes: by the unit head while submitted, by the finance department when unit-approved."""
    reason = _reason_required(reason)
    if project.status == ProjectStatus.UNIT_APPROVED:
        _require_finance_for(actor, project.unit)
    else:
        _require_unit_staff(actor, project.unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.review_note = reason
        _set_status(
            actor, project, ProjectStatus.RETURNED, "project.returned", reason=reason, update=["review_note"]
        )
    return project


def project_withdraw(*, actor: Any, project: Project, reason: str) -> Project:
    _require_unit_staff(actor, project.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        _set_status(actor, project, ProjectStatus.WITHDRAWN, "project.withdrawn", reason=reason)
    return project


# --- purchase plans --------------------------------------------------------------------------------


def purchase_facts(values: Mapping[str, bool] | None) -> PurchaseFacts:
    """`PurchaseFacts` from a mapping of fact names; ServiceError for an unknown name."""
    values = dict(values or {})
    unknown = sorted(set(values) - FACT_NAMES)
    if unknown:
        raise ServiceError(
            "planning.fact_unknown",
            _("未知的适用情形：%(names)s") % {"names": "、".join(unknown)},
            field="facts",
            params={"unknown": unknown},
        )
    return PurchaseFacts(**{k: bool(v) for k, v in values.items()})


def method_options(amount: Decimal, facts: PurchaseFacts, on_date: date) -> tuple[MethodDecision, ...]:
    """Every method's decision for a purchase of services (reasons and needed approvals)."""
    try:
        return allowed_methods(amount, CATEGORY, facts, on_date)
    except RuleError as exc:
        raise _rule_error(exc) from None


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, str]]:
    return [asdict(reason) for reason in reasons]


def _findings(text: str, on_date: date) -> list[dict[str, str]]:
    return [
        {
            "sentence": f.sentence,
            "rule_code": f.rule_code,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "citation": f.citation,
            "matched": f.matched,
        }
        for f in check_requirements(text, on_date)
    ]


def _split_flags(plan: PurchasePlan) -> list[dict[str, Any]]:
    """Split-purchase groups (化整为零) this plan belongs to, among the unit's plans of its year."""
    year = plan.procurement_starts_on.year
    others = (
        PurchasePlan.objects.filter(unit=plan.unit, procurement_starts_on__year=year)
        .exclude(status=PlanStatus.CANCELLED)
        .select_related("budget_line")
        .prefetch_related("project__items")
    )
    records = []
    for other in others:
        items = sorted(item.code for item in other.project.items.all())
        records.append(
            PurchaseRecord(
                reference=str(other.pk),
                unit=str(other.unit_id),
                catalogue_item=items[0] if items else "",
                amount=other.amount,
                purchased_on=other.procurement_starts_on,
                method=Method(other.method),
                category=CATEGORY,
                budget_project=other.budget_line.code,
                approved_non_open=other.method_approved_at is not None and other.method != Method.open_tender,
            )
        )
    flags = []
    try:
        groups = detect_split_purchases(records)
    except RuleError as exc:
        raise _rule_error(exc) from None
    for group in groups:
        if str(plan.pk) in {record.reference for record in group.purchases}:
            flags.append(
                {
                    **asdict(group.reason),
                    "total": str(group.total),
                    "threshold": str(group.threshold),
                    "plans": [record.reference for record in group.purchases],
                }
            )
    return flags


def plan_create(
    *,
    actor: Any,
    project: Project,
    budget_line: BudgetLine,
    method: str,
    procurement_starts_on: date,
    facts: Mapping[str, bool] | None = None,
    amount: Decimal | str | None = None,
    title: str = "",
    requirements: str = "",
) -> PurchasePlan:
    """Plan the procurement of an approved project against a budget line that covers it.

    The method must be allowed by `allowed_methods` on the planned start date; the requirements
    are checked for discriminatory clauses; split purchases are flagged. The line is locked while
    its remaining amount is checked and the plan is written.
    """
    _require_unit_staff(actor, project.unit)
    if project.status != ProjectStatus.APPROVED:
        raise Conflict(
            "planning.project_not_approved",
            _("项目尚未经财政部门审核入库，不能编制采购计划"),
            field="project",
        )
    value = _positive(amount if amount is not None else project.estimated_amount, "amount")
    try:
        chosen = parse_method(method)
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    purchase = purchase_facts(facts)
    decision = decision_for(method_options(value, purchase, procurement_starts_on), chosen)
    if not decision.allowed:
        blocking = [r for r in decision.reasons if r.severity == "block"] or list(decision.reasons[:1])
        raise ServiceError(
            "planning.method_not_allowed",
            _("不能采用%(method)s：%(reason)s（依据：%(citation)s）")
            % {
                "method": METHOD_NAMES_ZH[chosen],
                "reason": blocking[0].message_zh,
                "citation": blocking[0].citation,
            },
            field="method",
            params={"reasons": reasons_json(decision.reasons)},
        )
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
        _budget_covers(line, value, unit=project.unit, fiscal_year=project.fiscal_year)
        plan = PurchasePlan.objects.create(
            project=project,
            budget_line=line,
            unit=project.unit,
            title=(title or project.name).strip(),
            amount=value,
            method=chosen.value,
            method_facts={k: bool(v) for k, v in (facts or {}).items()},
            method_reasons=reasons_json(decision.reasons),
            approval_needed=decision.approval_needed,
            procurement_starts_on=procurement_starts_on,
            requirements=requirements.strip(),
            compliance_findings=_findings(requirements, procurement_starts_on),
            created_by=actor,
        )
        plan.split_flags = _split_flags(plan)
        plan.save(update_fields=["split_flags"])
        audit.record(
            actor=actor,
            action="plan.created",
            obj=plan,
            new={
                "project": project,
                "budget_line": line.code,
                "amount": value,
                "method": chosen.value,
                "approval_needed": decision.approval_needed,
                "starts_on": procurement_starts_on,
                "findings": len(plan.compliance_findings),
                "split_flags": len(plan.split_flags),
            },
        )
    return plan


def _lock_plan(plan: PurchasePlan) -> PurchasePlan:
    return (
        PurchasePlan.objects.select_for_update(of=("self",))
        .select_related("unit", "budget_line")
        .get(pk=plan.pk)
    )


def plan_update_requirements(*, actor: Any, plan: PurchasePlan, requirements: str) -> PurchasePlan:
    """Fix the requirement text: the check runs again and any earlier confirmation lapses."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict("planning.plan_not_draft", _("只能修改草稿状态的采购需求"), field="status")
        text = requirements.strip()
        if text == plan.requirements:
            return plan
        old = {"findings": len(plan.compliance_findings), "confirmed": bool(plan.compliance_confirmed_reason)}
        plan.requirements = text
        plan.compliance_findings = _findings(text, plan.procurement_starts_on)
        plan.compliance_confirmed_reason, plan.compliance_confirmed_by = "", None
        plan.save(
            update_fields=[
                "requirements",
                "compliance_findings",
                "compliance_confirmed_reason",
                "compliance_confirmed_by",
            ]
        )
        audit.record(
            actor=actor,
            action="plan.requirements_changed",
            obj=plan,
            old=old,
            new={"findings": len(plan.compliance_findings), "confirmed": False},
        )
    return plan


def plan_confirm_compliance(*, actor: Any, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """The purchaser keeps the flagged sentences and says why (recorded in the audit trail)."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict("planning.plan_not_draft", _("只能在草稿状态确认"), field="status")
        if not plan.compliance_findings:
            raise Conflict("planning.nothing_to_confirm", _("采购需求没有合规提示，无需确认"))
        plan.compliance_confirmed_reason, plan.compliance_confirmed_by = reason, actor
        plan.save(update_fields=["compliance_confirmed_reason", "compliance_confirmed_by"])
        audit.record(
            actor=actor,
            action="plan.compliance_confirmed",
            obj=plan,
            new={"findings": [(f["rule_code"], f["sentence"]) for f in plan.compliance_findings]},
            reason=reason,
        )
    return plan


def plan_submit(*, actor: Any, plan: PurchasePlan) -> PurchasePlan:
    """Submit: to the finance department when its approval is needed, else straight to ready."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.compliance_findings and not plan.compliance_confirmed_reason:
            raise ServiceError(
                "planning.compliance_unconfirmed",
                _(
                    "采购需求有 %(count)s 处可能构成差别歧视的条款，请修改或说明理由后确认"
                    "（首条：%(first)s，依据：%(citation)s）"
                )
                % {
                    "count": len(plan.compliance_findings),
                    "first": plan.compliance_findings[0]["sentence"],
                    "citation": plan.compliance_findings[0]["citation"],
                },
                field="requirements",
                params={"findings": plan.compliance_findings},
            )
        needs_finance = plan.approval_needed or bool(plan.split_flags)
        target = PlanStatus.PENDING_APPROVAL if needs_finance else PlanStatus.READY
        _set_status(
            actor,
            plan,
            target,
            "plan.submitted",
            extra={"approval_needed": plan.approval_needed, "split_flags": len(plan.split_flags)},
        )
    return plan


def plan_approve_method(*, actor: Any, plan: PurchasePlan, note: str) -> PurchasePlan:
    """The finance department approves the method (IR §23) or clears a split-purchase flag."""
    _require_finance_for(actor, plan.unit)
    note = _reason_required(note)
    with transaction.atomic():
        plan = _lock_plan(plan)
        plan.method_approved_by, plan.method_approved_at, plan.method_approval_note = (
            actor,
            clock.now(),
            note,
        )
        _set_status(
            actor,
            plan,
            PlanStatus.READY,
            "plan.method_approved",
            reason=note,
            extra={"method": plan.method},
            update=["method_approved_by", "method_approved_at", "method_approval_note"],
        )
    return plan


def plan_reject_method(*, actor: Any, plan: PurchasePlan, reason: str) -> PurchasePlan:
    _require_finance_for(actor, plan.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        plan = _lock_plan(plan)
        plan.method_approval_note = reason
        _set_status(
            actor,
            plan,
            PlanStatus.DRAFT,
            "plan.method_rejected",
            reason=reason,
            update=["method_approval_note"],
        )
    return plan


_BUDGET_LEVELS = {"province": "provincial", "prefecture": "city", "county": "county"}
"""Region level of the purchasing unit → budget-unit level of 财库〔2020〕10号's phase-in."""


def _intention_deadline(starts_on: date, unit: Any = None) -> tuple[date, str]:
    """The latest publication day; a unit not yet bound by the phase-in has none (date.max)."""
    region = getattr(unit, "region", None)
    level = _BUDGET_LEVELS.get(getattr(region, "level", ""), "central")
    try:
        ruled = intention_publication_latest(starts_on, level=level)
    except RuleError as exc:
        if exc.code == "intention.not_required":
            return date.max, exc.citation
        raise _rule_error(exc, field="procurement_starts_on") from None
    return ruled.value, ruled.citation


def intention_publish(*, actor: Any, plan: PurchasePlan, summary: str = "") -> PurchaseIntention:
    """Publish the intention today; refused when today is less than 30 days before the start."""
    _require_unit_staff(actor, plan.unit)
    published_on = clock.today()
    latest, citation = _intention_deadline(plan.procurement_starts_on, plan.unit)
    if published_on > latest:
        raise ServiceError(
            "planning.intention_too_late",
            _(
                "采购意向应当在采购活动开始前至少30日公开（依据：%(citation)s）：计划 %(start)s 开始采购，"
                "最迟应于 %(latest)s 公开，今天（%(today)s）已不能公开；请推迟采购开始日期"
            )
            % {
                "citation": citation,
                "start": plan.procurement_starts_on,
                "latest": latest,
                "today": published_on,
            },
            field="procurement_starts_on",
            params={
                "citation": citation,
                "latest": latest.isoformat(),
                "starts_on": plan.procurement_starts_on.isoformat(),
            },
        )
    with transaction.atomic():
        plan = _lock_plan(plan)
        _transition("plan", plan, PlanStatus.INTENTION_PUBLISHED)
        intention = PurchaseIntention.objects.create(
            plan=plan,
            title=plan.title,
            summary=(summary or plan.project.description).strip(),
            budget_amount=plan.amount,
            expected_month=plan.procurement_starts_on.strftime("%Y-%m"),
            published_on=published_on,
            latest_allowed_on=latest,
            citation=citation,
            published_by=actor,
        )
        _set_status(
            actor,
            plan,
            PlanStatus.INTENTION_PUBLISHED,
            "plan.intention_published",
            extra={"published_on": published_on, "latest": latest, "citation": citation},
        )
    return intention


def plan_reschedule(
    *, actor: Any, plan: PurchasePlan, procurement_starts_on: date, reason: str
) -> PurchasePlan:
    """Move the planned start (before the intention is published): the method and text are rechecked."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status not in (PlanStatus.DRAFT, PlanStatus.READY):
            raise Conflict("planning.plan_locked", _("采购意向公开后不能再修改采购开始日期"), field="status")
        decision = decision_for(
            method_options(plan.amount, purchase_facts(plan.method_facts), procurement_starts_on),
            Method(plan.method),
        )
        if not decision.allowed or (decision.approval_needed and plan.method_approved_at is None):
            raise ServiceError(
                "planning.method_recheck",
                _("新的开始日期下采购方式须重新审批，请取消后重新编制计划"),
                field="procurement_starts_on",
            )
        old = plan.procurement_starts_on
        plan.procurement_starts_on = procurement_starts_on
        plan.compliance_findings = _findings(plan.requirements, procurement_starts_on)
        plan.save(update_fields=["procurement_starts_on", "compliance_findings"])
        audit.record(
            actor=actor,
            action="plan.rescheduled",
            obj=plan,
            old={"starts_on": old},
            new={"starts_on": procurement_starts_on},
            reason=reason,
        )
    return plan


def plan_start_procurement(*, actor: Any, plan: PurchasePlan) -> PurchasePlan:
    """Start the procurement today: only once the intention has been public for the full period."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        intention = PurchaseIntention.objects.filter(plan=plan).first()
        if intention is None:
            raise Conflict("planning.intention_missing", _("请先公开采购意向"), field="status")
        latest, citation = _intention_deadline(clock.today(), plan.unit)
        if intention.published_on > latest:
            raise ServiceError(
                "planning.intention_period_short",
                _("采购意向于 %(published)s 公开，须满30日后方可开始采购（依据：%(citation)s）")
                % {"published": intention.published_on, "citation": citation},
                params={"citation": citation},
            )
        _set_status(
            actor, plan, PlanStatus.IN_PROCUREMENT, "plan.procurement_started", extra={"on": clock.today()}
        )
    return plan


def plan_record_contract(*, actor: Any, plan: PurchasePlan, contract_amount: Decimal | str) -> PurchasePlan:
    """The contract is signed: its amount is what the budget line has spent."""
    _require_unit_staff(actor, plan.unit)
    value = _positive(contract_amount, "contract_amount")
    with transaction.atomic():
        plan = _lock_plan(plan)
        if value > plan.amount:
            raise ServiceError(
                "planning.contract_over_budget",
                _("合同金额不能超过采购预算 %(amount)s 元") % {"amount": plan.amount},
                field="contract_amount",
            )
        plan.contract_amount = value
        _set_status(
            actor,
            plan,
            PlanStatus.CONTRACTED,
            "plan.contracted",
            extra={"contract_amount": value},
            update=["contract_amount"],
        )
    return plan


def plan_cancel(*, actor: Any, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """Cancel a plan; its amount becomes available on the budget line again."""
    _require_unit_staff(actor, plan.unit)
    reason = _reason_required(reason)
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status not in ACTIVE_PLAN_STATUSES:
            raise Conflict("planning.plan_closed", _("该计划已结束"), field="status")
        _set_status(actor, plan, PlanStatus.CANCELLED, "plan.cancelled", reason=reason)
    return plan
