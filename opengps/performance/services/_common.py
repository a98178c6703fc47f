"""Helpers shared by the performance services: numbers from input, stored indicators as rule
specs, the purchaser check and the status-checked row lock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.contracts.kit import require_party
from opengps.contracts.models import Contract
from opengps.core.errors import Conflict, ServiceError
from opengps.performance.errors import Code
from opengps.performance.models import ListingRecommendation, PerformanceEvaluation
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
    require_party(actor, Role.PURCHASER, contract.purchaser_id, Code.PERM_OTHER_UNIT)


LockedT = TypeVar("LockedT", PerformanceEvaluation, ListingRecommendation)


def locked_in_status(
    row: LockedT, status: str, code: str, *, field: str = "status", related: tuple[str, ...] = ()
) -> LockedT:
    """`row` read again under a row lock (call inside a transaction), with `related` joined;
    Conflict `code` on `field` unless it is still in `status`."""
    rows = type(row).objects.select_for_update()
    locked = (rows.select_related(*related) if related else rows).get(pk=row.pk)
    if locked.status != status:
        raise Conflict(code, field=field)
    return locked
