"""The project library (项目库): a unit proposes and edits its projects and records their demand surveys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import require_role
from opengps.catalog.models import CatalogItem, ItemKind, VersionStatus
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import EDITABLE_PROJECT_STATUSES, DemandSurvey, Project
from opengps.planning.services._common import (
    C22_10,
    CATEGORY,
    O102_10,
    O102_24,
    _positive,
    _require_unit_staff,
)
from opengps.rules.base import RuleError
from opengps.rules.jurisdictions import demand_survey_required


def _catalogue_items(items: Iterable[CatalogItem]) -> list[CatalogItem]:
    chosen = list(items)
    if not chosen:
        raise ServiceError(Code.PLANNING_ITEMS_REQUIRED, field="items")
    for item in chosen:
        if item.kind == ItemKind.NEGATIVE:
            raise ServiceError(
                Code.PLANNING_NEGATIVE_LIST,
                _("“%(item)s”属于政府购买服务负面清单，不得购买（依据：%(citation)s）")
                % {"item": item.name, "citation": O102_10},
                field="items",
                params={"item": item.code, "citation": O102_10},
            )
        if item.level != 3 or item.retired or item.version.status != VersionStatus.PUBLISHED:
            raise ServiceError(
                Code.PLANNING_ITEM_NOT_PURCHASABLE,
                _("“%(item)s”不是现行指导性目录中的三级事项") % {"item": item.name},
                field="items",
                params={"item": item.code},
            )
    return chosen


def _check_term(term_start: date, term_end: date, term_reason: str) -> None:
    """Term ≤1 year; up to 3 years with a stated reason (政府购买服务管理办法 第二十四条)."""
    if term_end < term_start:
        raise ServiceError(Code.PLANNING_TERM_INVALID, field="term_end")
    one_year = date(term_start.year + 1, term_start.month, min(term_start.day, 28))
    three_years = date(term_start.year + 3, term_start.month, min(term_start.day, 28))
    if term_end >= three_years:
        raise ServiceError(
            Code.PLANNING_TERM_TOO_LONG,
            _("服务期限最长不超过3年（依据：%(citation)s）") % {"citation": O102_24},
            field="term_end",
            params={"citation": O102_24},
        )
    if term_end >= one_year and not term_reason.strip():
        raise ServiceError(
            Code.PLANNING_TERM_REASON_REQUIRED,
            _("服务期限超过1年的，须说明服务稳定、持续、资金有保障且价格稳定的理由（依据：%(citation)s）")
            % {"citation": O102_24},
            field="term_reason",
            params={"citation": O102_24},
        )


def project_propose(
    *,
    actor: Actor,
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
        raise PermissionDenied(Code.PERM_NO_UNIT)
    if not name.strip() or not description.strip() or not recipients.strip():
        raise ServiceError(Code.PLANNING_PROJECT_INCOMPLETE, field="name")
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
            action=Event.PROJECT_PROPOSED,
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


def project_state(project: Project) -> dict[str, Any]:
    """The proposal's fields as audited values (items as codes, the area as its code); the project
    form starts from them too (`views.pages`), so a field added here is both audited and edited."""
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
    actor: Actor,
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
                Code.PLANNING_PROJECT_NOT_EDITABLE,
                _("项目当前状态（%(status)s）不能修改；只有草稿或被退回修改的项目可以修改")
                % {"status": project.get_status_display()},
                field="status",
                params={"status": project.status},
            )
        before = project_state(project)
        chosen = _catalogue_items(items) if items is not None else None
        if name is not None:
            project.name = name.strip()
        if description is not None:
            project.description = description.strip()
        if recipients is not None:
            project.recipients = recipients.strip()
        if not project.name or not project.description or not project.recipients:
            raise ServiceError(Code.PLANNING_PROJECT_INCOMPLETE, field="name")
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
            **project_state(project),
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
        audit.record(actor=actor, action=Event.PROJECT_CHANGED, obj=project, old=old, new=new)
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
    *, actor: Actor, project: Project, method: str, conducted_on: date, respondents: int, findings: str
) -> DemandSurvey:
    """Record (or correct) the project's demand survey before it is submitted."""
    _require_unit_staff(actor, project.unit)
    if method not in DemandSurvey.Method.values:
        raise ServiceError(Code.PLANNING_SURVEY_METHOD_INVALID, field="method")
    if not findings.strip():
        raise ServiceError(Code.PLANNING_SURVEY_FINDINGS_REQUIRED, field="findings")
    if method == DemandSurvey.Method.MARKET and respondents < 3:
        raise ServiceError(
            Code.PLANNING_SURVEY_TOO_FEW,
            _("面向市场主体开展需求调查时，调查对象一般不少于3个（依据：%(citation)s）")
            % {"citation": C22_10},
            field="respondents",
            params={"citation": C22_10},
        )
    if respondents < 1:
        raise ServiceError(Code.PLANNING_SURVEY_TOO_FEW, _("请填写调查对象数量"), field="respondents")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in EDITABLE_PROJECT_STATUSES:
            raise Conflict(Code.PLANNING_PROJECT_NOT_DRAFT, field="status")
        values = {
            "method": method,
            "conducted_on": conducted_on,
            "respondents": respondents,
            "findings": findings.strip(),
        }
        survey, _created = DemandSurvey.objects.update_or_create(
            project=project, defaults={**values, "recorded_by": actor}
        )
        audit.record(actor=actor, action=Event.PROJECT_SURVEY_RECORDED, obj=project, new=values)
    return survey
