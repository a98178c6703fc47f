"""The single-source notice (单一来源公示): objections while it runs, their decision, its close."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import is_authenticated
from opengps.core import audit
from opengps.core.errors import Conflict, PermissionDenied
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import Objection, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    aware_now,
    local_date,
    lock,
    mark_failed,
    require_official,
    require_status,
    required_text,
    rule_error,
    set_status,
)
from opengps.rules.base import RuleError
from opengps.rules.deadlines import objection_review_deadline
from opengps.rules.procurement_flow import NextStep


def objection_raise(
    *, actor: Actor, procurement: Procurement, text: str, now: datetime | None = None
) -> Objection:
    """Object to a single-source notice while it runs; reviewed ≤5 working days after it ends (O74 §40)."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    text = required_text(
        text, field="text", code="procurement.objection_text_required", message=_("请填写异议内容")
    )
    today = local_date(aware_now(now))
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.NOTICE)
        assert procurement.notice_ends_on is not None
        if today > procurement.notice_ends_on:
            raise Conflict(Code.PROCUREMENT_NOTICE_ENDED, field="text")
        try:
            due = objection_review_deadline(procurement.notice_ends_on)
        except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
            raise rule_error(exc) from None
        objection = Objection.objects.create(
            procurement=procurement,
            raised_by=actor,
            text=text,
            received_on=today,
            review_due=due.value,
            review_citation=due.citation[:300],
        )
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_OBJECTION_RAISED,
            obj=procurement,
            new={"objection": objection.pk, "review_due": objection.review_due, "citation": due.citation},
        )
    return objection


def objection_decide(
    *, actor: Actor, objection: Objection, uphold: bool, text: str, now: datetime | None = None
) -> Objection:
    """Decide an objection; upheld → the single-source procurement fails (another method follows)."""
    procurement = objection.procurement
    require_official(actor, procurement)
    text = required_text(text, field="text", code="procurement.reason_required", message=_("请填写处理意见"))
    with transaction.atomic():
        procurement = lock(procurement)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.decision != Objection.Decision.PENDING:
            raise Conflict(Code.PROCUREMENT_OBJECTION_DECIDED)
        objection.decision = Objection.Decision.UPHELD if uphold else Objection.Decision.REJECTED
        objection.decision_text = text
        objection.decided_at = aware_now(now)
        objection.save(update_fields=["decision", "decision_text", "decided_at"])
        late = local_date(objection.decided_at) > objection.review_due
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_OBJECTION_DECIDED,
            obj=procurement,
            new={
                "objection": objection.pk,
                "decision": objection.decision,
                "review_due": objection.review_due,
                "late": late,
            },
            reason=text,
        )
        if uphold:
            mark_failed(
                actor,
                procurement,
                reason=text,
                cause="objection_upheld",
                next_steps=[NextStep.change_method.value],
            )
    return objection


def procurement_notice_close(
    *, actor: Actor, procurement: Procurement, now: datetime | None = None
) -> Procurement:
    """End the single-source notice after its last day, with every objection decided."""
    require_official(actor, procurement)
    today = local_date(aware_now(now))
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.NOTICE)
        assert procurement.notice_ends_on is not None
        if today <= procurement.notice_ends_on:
            raise Conflict(
                Code.PROCUREMENT_NOTICE_RUNNING,
                params={"end": procurement.notice_ends_on, "citation": procurement.deadline_citation},
            )
        if Objection.objects.filter(procurement=procurement, decision=Objection.Decision.PENDING).exists():
            raise Conflict(Code.PROCUREMENT_OBJECTIONS_PENDING)
        set_status(
            actor,
            procurement,
            ProcurementStatus.ANNOUNCED,
            Event.PROCUREMENT_NOTICE_CLOSED,
            extra={"on": today},
        )
    return procurement
