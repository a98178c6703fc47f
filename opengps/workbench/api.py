"""Audit API: an object's timeline (auditors, finance, registration authority)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from opengps.workbench import selectors

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    old_values: dict[str, Any]
    new_values: dict[str, Any]
    reason: str
    request_id: str
    hash: str
    prev_hash: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)


@router.get("/{object_type}/{object_id}", response=list[AuditEventOut])
def timeline(request: HttpRequest, object_type: str, object_id: str) -> Any:
    """每个对象的审计时间线 — the audit timeline of one object, oldest first."""
    return list(selectors.audit_timeline(actor=request.user, object_type=object_type, object_id=object_id))
