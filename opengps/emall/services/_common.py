"""What the e-mall services share: the operator check, rule refusals as service errors, status
changes through the one state machine, and the parsing of money, quantities and texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role, User
from opengps.accounts.permissions import has_role, require_role
from opengps.core.errors import PermissionDenied, ServiceError, declared_rule_error
from opengps.core.money import FEN
from opengps.core.status import status_set
from opengps.emall.errors import Code
from opengps.rules.base import Reason, RuleError, reason_json
from opengps.rules.emall import check_transition

ENTITY = {
    "biddinground": "emall_bidding_round",
    "supplierentry": "emall_entry",
    "listing": "emall_listing",
    "listingversion": "emall_listing_version",
    "order": "emall_order",
    "priceflag": "emall_price_flag",
}
"""Each model's entity in `opengps.rules.emall.TABLES`."""

LONG_TEXT = 5000
SHORT_TEXT = 200

_M = TypeVar("_M", bound=Model)


def operator_exists() -> bool:
    """Whether an active e-mall operator (电子卖场运营机构) account exists."""
    return User.objects.filter(role=Role.EMALL_OPERATOR, is_active=True).exists()


def is_operator(actor: MaybeActor) -> bool:
    """The e-mall operator; where none has an account, the finance department acts for it."""
    if has_role(actor, Role.EMALL_OPERATOR):
        return True
    return has_role(actor, Role.FINANCE) and not operator_exists()


def require_operator(actor: Actor) -> None:
    require_role(actor, Role.EMALL_OPERATOR, Role.FINANCE)
    if not is_operator(actor):
        raise PermissionDenied(Code.EMALL_NOT_OPERATOR)


def rule_refusal(exc: RuleError, code: Code, *, field: str | None = None) -> ServiceError:
    """A rule's refusal as the declared `code`, in the user's language, with the rule's citation."""
    return declared_rule_error(exc, {exc.code: code}, field=field)


def reasons_json(reasons: tuple[Reason, ...] | list[Reason]) -> list[dict[str, str]]:
    return [reason_json(r) for r in reasons]


def set_status(
    obj: Model,
    target: str,
    *,
    actor: Actor | None,
    action: str,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """`status_set` against the entity's table in `opengps.rules.emall`."""
    entity = ENTITY[obj._meta.model_name or ""]

    def check(current: str, new: str) -> None:
        check_transition(entity, current, new)

    return status_set(
        obj, target, actor=actor, action=action, check=check, reason=reason, values=values, extra=extra
    )


def locked_set_status(
    obj: _M,
    target: str,
    *,
    actor: Actor | None,
    action: str,
    lock: Callable[[_M], _M] | None = None,
    check: Callable[[_M], object] | None = None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | Callable[[_M], Mapping[str, Any]] | None = None,
) -> _M:
    """In one transaction: read `obj`'s row again under a lock (`lock`, by default
    ``select_for_update`` by pk), run `check` on it (a refusal raises, nothing changes), then move
    it to `target` with `set_status`. `extra` may be read from the locked row. Returns that row."""
    with transaction.atomic():
        locked = (
            lock(obj) if lock is not None else type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        )
        if check is not None:
            check(locked)
        set_status(
            locked,
            target,
            actor=actor,
            action=action,
            reason=reason,
            values=values,
            extra=extra(locked) if callable(extra) else extra,
        )
    return locked


def operator_set_status(
    obj: _M,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str,
    field: str = "reason",
    required: bool = True,
    lock: Callable[[_M], _M] | None = None,
    check: Callable[[_M], object] | None = None,
) -> _M:
    """The operator's decision on a supplier's entry or listing (suspend, reinstate): refused unless
    `actor` is the operator; `reason` is the decision's text, posted as `field` (refused empty when
    `required`) and audited as its reason; then `locked_set_status`."""
    require_operator(actor)
    cleaned = text(reason, field=field, code=Code.EMALL_NOTE_REQUIRED if required else None)
    return locked_set_status(obj, target, actor=actor, action=action, lock=lock, check=check, reason=cleaned)


def operator_reinstate(
    obj: _M,
    target: str,
    *,
    actor: Actor,
    action: str,
    note: str,
    lock: Callable[[_M], _M] | None = None,
    check: Callable[[_M], object] | None = None,
) -> _M:
    """The operator puts a suspended entry or listing back (`operator_set_status`, the note optional)."""
    return operator_set_status(
        obj,
        target,
        actor=actor,
        action=action,
        reason=note,
        field="note",
        required=False,
        lock=lock,
        check=check,
    )


def money(
    value: Decimal | str | int | float, *, field: str, code: Code = Code.EMALL_AMOUNT_INVALID
) -> Decimal:
    """A positive amount of yuan to the cent (never through float: a float is refused)."""
    if isinstance(value, float | bool):
        raise ServiceError(code, field=field)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(code, field=field) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(FEN) or amount >= Decimal("1e10"):
        raise ServiceError(code, field=field)
    return amount.quantize(FEN)


def text(value: str, *, field: str, code: Code | None = None, max_length: int = LONG_TEXT) -> str:
    """Stripped text; refused with `code` when empty (if given) or with ``emall.text_too_long``."""
    cleaned = (value or "").strip()
    if code is not None and not cleaned:
        raise ServiceError(code, field=field)
    if len(cleaned) > max_length:
        raise ServiceError(Code.EMALL_TEXT_TOO_LONG, field=field, params={"max": max_length})
    return cleaned
