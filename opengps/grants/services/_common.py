"""Helpers shared by the grant services: refusals, status transitions, money input, locks and actor checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.money import FEN
from opengps.core.status import Check, status_move, status_set
from opengps.grants.errors import Code
from opengps.grants.models import (
    Agreement,
    Application,
    Round,
    Tranche,
    TrancheStatus,
)
from opengps.registry.models import Organization
from opengps.rules.base import Reason
from opengps.rules.grants_flow import check_transition
from opengps.rules.procedures import Method

PANEL_METHOD = Method.competitive_consultation
"""The panel is drawn as for 竞争性磋商 (≥3 members, odd; C214 §14): the method of purchased
services scored by 综合评分法, which is what a grant review is."""


def is_funder(actor: MaybeActor, round_: Round) -> bool:
    """Staff (purchaser role) of the unit that funds the round's programme."""
    return has_role(actor, Role.PURCHASER) and actor.unit_id == round_.programme.funder_unit_id


def _refuse(reasons: Sequence[Reason], *, field: str | None = None) -> None:
    """Raise the first blocking reason as a ServiceError carrying every code."""
    if reasons:
        first = reasons[0]
        raise ServiceError(
            first.code,
            "；".join(r.message_zh for r in reasons),
            field=field,
            params={"codes": [r.code for r in reasons], "citation": first.citation},
        )


def _check(entity: str) -> Check:
    def check(current: str, target: str) -> None:
        check_transition(entity, current, target)

    return check


def _transition(entity: str, obj: Any, target: str) -> str:
    """Check and make `obj`'s change to `target` in memory (`core.status.status_move`), refused with
    the rule's own message; the caller saves and audits it. Returns the old status."""
    return status_move(obj, target, check=_check(entity), message=None)


def _money(value: Decimal | str | int, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(Code.GRANTS_AMOUNT_INVALID, _("金额格式不正确"), field=field) from None
    if not amount.is_finite() or amount != amount.quantize(FEN):
        raise ServiceError(Code.GRANTS_AMOUNT_INVALID, field=field)
    return amount.quantize(FEN)


def _require_funder(actor: Actor, round_: Round) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != round_.programme.funder_unit_id:
        raise PermissionDenied(Code.PERM_OTHER_UNIT)


def _require_applicant(actor: Actor, organization: Organization) -> None:
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id != organization.pk:
        raise PermissionDenied(Code.GRANTS_NOT_YOUR_ORGANIZATION)


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("programme").get(pk=round_.pk)


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("round__programme", "organization")
        .get(pk=application.pk)
    )


def _locked_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update()
        .select_related("application__round__programme", "application__organization")
        .get(pk=agreement.pk)
    )


def _status_set(
    actor: Actor,
    entity: str,
    obj: Any,
    target: str,
    action: str,
    *,
    fields: Sequence[str] = (),
    reason: str = "",
    new: Mapping[str, Any] | None = None,
) -> str:
    """Move `obj` to `target` by `entity`'s transition table, save its status and `fields` (set by
    the caller), and audit old → new status with `new`'s further values. Returns the old status."""
    return status_set(
        obj,
        target,
        actor=actor,
        action=action,
        check=_check(entity),
        reason=reason,
        update=fields,
        extra=new,
        message=None,
    )


def _round_status(
    actor: Actor, round_: Round, target: str, action: str, *, reason: str = "", **new: Any
) -> Round:
    columns = {f.name for f in Round._meta.concrete_fields}
    fields = [k for k in new if k in columns]
    _status_set(actor, "grant_round", round_, target, action, fields=fields, reason=reason, new=new)
    return round_


def _release(
    tranche: Tranche, amount: Decimal, on_date: date
) -> tuple[Tranche, dict[str, Any], dict[str, Any]]:
    old = _transition("grant_tranche", tranche, TrancheStatus.RELEASED)
    tranche.released_amount, tranche.released_on = amount, on_date
    tranche.save(update_fields=["status", "released_amount", "released_on"])
    return tranche, {"status": old}, {"status": tranche.status, "seq": tranche.seq, "released_amount": amount}
