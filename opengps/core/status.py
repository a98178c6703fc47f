"""The one state-machine helper (STYLE §4): every status change of every stateful model goes
through `status_set`, which checks the change against the entity's transition table in the rules,
saves it and writes its audit event in the caller's transaction.

`status_move` is the same check and change without the save and the event, for the few callers
that save many rows at once (``bulk_update``) and audit each of them (``audit.record_many``), or
whose one audit event already records the change with others; they save and audit in the same
transaction. Nothing else assigns a model's ``status`` (`core/tests/test_one_state_machine.py`).
"""

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
    obj: Model,
    target: str,
    *,
    check: Check,
    message: str | Promise | None = STATE_REFUSED,
    message_params: Mapping[str, Any] | None = None,
) -> str:
    """Refuse with Conflict (field ``status``) unless `check` allows `obj`'s change to `target`;
    return the current status. `message` None reads the rule's own Chinese message; otherwise it
    is filled with ``status`` (the current status's label) and `message_params`."""
    current = str(getattr(obj, "status"))  # noqa: B009 — generic over every stateful model
    try:
        check(current, target)
    except RuleError as exc:
        display = getattr(obj, "get_status_display", lambda: current)()
        if message is None:
            text = exc.message_zh
        else:
            text = str(message) % {**(message_params or {}), "status": display}
        raise Conflict(exc.code, text, field="status", params=exc.params) from None
    return current


def status_move(
    obj: Model,
    target: str,
    *,
    check: Check,
    message: str | Promise | None = STATE_REFUSED,
    message_params: Mapping[str, Any] | None = None,
) -> str:
    """Check `obj`'s change to `target` as `status_check` does and make it in memory only; return
    the old status. The caller saves the row and audits the change in the same transaction."""
    old = status_check(obj, target, check=check, message=message, message_params=message_params)
    setattr(obj, "status", target)  # noqa: B010 — generic over every stateful model
    return old


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
    extra_old: Mapping[str, Any] | None = None,
    on: Model | None = None,
    message: str | Promise | None = STATE_REFUSED,
    message_params: Mapping[str, Any] | None = None,
) -> str:
    """Move `obj` to `target` if its table allows it, set `values` on it, save the status with
    `values` and `update` (fields the caller already set), and audit `action` with old → new status
    and the `extra_old` → `extra` values. The event joins `on`'s timeline when given (a challenge's
    on its procurement's, a drawn member's on its draw's), else `obj`'s. Returns the old status;
    runs inside the caller's transaction."""
    old = status_move(obj, target, check=check, message=message, message_params=message_params)
    for name, value in (values or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *(values or {}), *update])
    audit.record(
        actor=actor,
        action=action,
        obj=obj if on is None else on,
        old={**(extra_old or {}), "status": old},
        new={**(extra or {}), "status": target},
        reason=reason,
    )
    return old
