"""Helpers shared by the performance services: numbers from input, stored indicators as rule
specs, and the purchaser check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.contracts.models import Contract
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.performance.errors import Code
from opengps.rules import performance as rules


def _decimal(value: Any, *, field: str, code: str = "performance.number_invalid") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(code, _("请输入数字"), field=field) from None
    if not number.is_finite():
        raise ServiceError(code, _("请输入数字"), field=field)
    return number


def specs_of(indicators: Sequence[Mapping[str, Any]]) -> list[rules.IndicatorSpec]:
    """Stored indicator dicts as rule specs."""
    return [
        rules.IndicatorSpec(
            code=str(i["code"]),
            name=str(i.get("name") or i["code"]),
            weight=Decimal(str(i["weight"])),
            parent=(str(i["parent"]) if i.get("parent") else None),
            survey=bool(i.get("survey")),
            guide=tuple(
                rules.GuideBand(
                    Decimal(str(b["minimum"])), Decimal(str(b["points"])), str(b.get("label", ""))
                )
                for b in i.get("guide") or ()
            ),
        )
        for i in indicators
    ]


def weights_of(source_weights: Mapping[str, Any]) -> dict[str, Decimal]:
    return {str(k): Decimal(str(v)) for k, v in source_weights.items()}


def _require_purchaser(actor: Actor, contract: Contract) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != contract.purchaser_id:
        raise PermissionDenied(Code.PERM_OTHER_UNIT)
