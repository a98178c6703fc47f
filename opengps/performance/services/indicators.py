"""Indicator templates (finance department) and the template that applies to a contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    IndicatorTemplate,
)
from opengps.performance.services._common import _decimal, specs_of, weights_of
from opengps.rules import performance as rules
from opengps.rules.base import RuleError


def _clean_indicators(indicators: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for n, item in enumerate(indicators, start=1):
        code = str(item.get("code") or "").strip()
        name = str(item.get("name") or "").strip()
        if not code or not name:
            raise ServiceError(Code.PERFORMANCE_INDICATOR_INCOMPLETE, field="indicators", params={"n": n})
        guide = [
            {
                "minimum": str(_decimal(b.get("minimum"), field="indicators")),
                "points": str(_decimal(b.get("points"), field="indicators")),
                "label": str(b.get("label") or ""),
            }
            for b in item.get("guide") or ()
        ]
        cleaned.append(
            {
                "code": code,
                "name": name,
                "weight": str(_decimal(item.get("weight"), field="indicators")),
                "parent": str(item.get("parent") or "").strip() or None,
                "survey": bool(item.get("survey")),
                "guide": guide,
                "description": str(item.get("description") or ""),
            }
        )
    return cleaned


# ---------------------------------------------------------------------------------------------
# Templates (finance department)


def template_save(
    *,
    actor: Actor,
    name: str,
    indicators: Sequence[Mapping[str, Any]],
    source_weights: Mapping[str, Any],
    category: CatalogItem | None = None,
    template: IndicatorTemplate | None = None,
) -> IndicatorTemplate:
    """Create or edit an indicator template. Weights that do not sum to 100 (first level, each
    indicator's children, the parties) are refused with the rule's code and nothing changes.

    Templates are province-wide (one per catalogue category, for every unit in Hunan), so only
    the provincial finance department (or an administrator) edits them; a city finance bureau
    reads them."""
    require_role(actor, Role.FINANCE, Role.ADMIN)
    scopes.require_provincial(actor)
    name = name.strip()
    if not name:
        raise ServiceError(Code.PERFORMANCE_NAME_REQUIRED, field="name")
    cleaned = _clean_indicators(indicators)
    weights = {str(k): str(_decimal(v, field="source_weights")) for k, v in source_weights.items()}
    try:
        rules.validate_template(specs_of(cleaned))
    except RuleError as exc:
        raise _rule_error(exc, field="indicators") from None
    try:
        rules.validate_source_weights(weights_of(weights))
    except RuleError as exc:
        raise _rule_error(exc, field="source_weights") from None
    with transaction.atomic():
        old: dict[str, Any] | None = None
        if template is None:
            template = IndicatorTemplate(category=category)
        else:
            template = IndicatorTemplate.objects.select_for_update().get(pk=template.pk)
            old = {
                "name": template.name,
                "category": template.category_id,
                "indicators": template.indicators,
                "source_weights": template.source_weights,
            }
            template.category = category
        template.name, template.indicators, template.source_weights = name, cleaned, weights
        template.updated_by = actor
        # NULL categories are distinct to the database constraint: one general template, checked here.
        clash = IndicatorTemplate.objects.filter(category=category, is_active=True).exclude(pk=template.pk)
        if template.is_active and clash.exists():
            raise Conflict(Code.PERFORMANCE_TEMPLATE_EXISTS, field="category")
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:
            raise Conflict(Code.PERFORMANCE_TEMPLATE_EXISTS, field="category") from None
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_TEMPLATE_SAVED,
            obj=template,
            old=old,
            new={
                "name": name,
                "category": category.pk if category else None,
                "indicators": cleaned,
                "source_weights": weights,
            },
        )
    return template


def template_for_contract(contract: Contract) -> IndicatorTemplate | None:
    """The active template of the contract's catalogue category (the item or its nearest parent
    with a template), else the general template."""
    procurement = contract.procurement
    items = (
        list(procurement.plan.project.items.select_related("parent__parent")) if procurement.plan_id else []
    )
    active = {t.category_id: t for t in IndicatorTemplate.objects.filter(is_active=True)}
    for item in items:
        node: CatalogItem | None = item
        while node is not None:
            if node.pk in active:
                return active[node.pk]
            node = node.parent
    return active.get(None)
