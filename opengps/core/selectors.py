"""Reads of the audit trail, for auditors' timelines."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core.errors import PermissionDenied
from opengps.core.models import AuditEvent

AUDIT_READERS = (Role.AUDITOR, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)


def _require_reader(actor: Any) -> None:
    if not has_role(actor, *AUDIT_READERS):
        raise PermissionDenied("audit.read_denied", _("仅审计、财政、登记管理机关和管理员可查看审计记录"))


def audit_timeline(*, actor: Any, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every event of one object, oldest first."""
    _require_reader(actor)
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("seq")
    )


def audit_recent(
    *, actor: Any, action: str = "", object_type: str = "", limit: int = 100
) -> QuerySet[AuditEvent]:
    _require_reader(actor)
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    return events[:limit]
