"""The one state-machine helper (STYLE §4): every status change of every stateful model goes
through `status_set`, which checks the change against the entity's transition table in the rules,
saves it and writes its audit event in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.core import audit
from opengps.core.errors import Conflict
from opengps.rules.base import RuleError

STATE_REFUSED: Promise = _("当前状态（%(status)s）不能执行此操作")
"""The refusal users read when the table does not allow the change (``%(status)s``: current status)."""

Check = Callable[[str, str], None]
"""An entity's transition check from the rules, ``check(current, target)``, raising RuleError."""


def status_check(
    obj: Model, target: str, *, check: Check, message: str | Promise | None = STATE_REFUSED
) -> str:
    """Refuse with Conflict (field ``status``) unless `check` allows `obj`'s change to `target`;
    return the current status. `message` None reads the rule's own Chinese message."""
    current = str(getattr(obj, "status"))  # noqa: B009 — generic over every stateful model
    try:
        check(current, target)
    except RuleError as exc:
        display = getattr(obj, "get_status_display", lambda: current)()
        text = exc.message_zh if message is None else str(message) % {"status": display}
        raise Conflict(exc.code, text, field="status", params=exc.params) from None
    return current


def status_set(
    obj: Model,
    target: str,
    *,
    actor: audit.AuditActor,
    action: str,
    check: Check,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    update: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
    message: str | Promise | None = STATE_REFUSED,
) -> str:
    """Move `obj` to `target` if its table allows it, set `values` on it, save the status with
    `values` and `update` (fields the caller already set), and audit `action` with old → new status
    and `extra` values. Returns the old status; runs inside the caller's transaction."""
    old = status_check(obj, target, check=check, message=message)
    setattr(obj, "status", target)  # noqa: B010 — generic over every stateful model
    for name, value in (values or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *(values or {}), *update])
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        old={"status": old},
        new={"status": target, **(extra or {})},
        reason=reason,
    )
    return old
