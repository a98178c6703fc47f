"""The single-source notice (单一来源公示): objections while it runs, their decision, its close."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.permissions import is_authenticated
from opengps.core import audit
from opengps.core.errors import Conflict, PermissionDenied
from opengps.procurement.models import Objection, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    aware_now,
    local_date,
    lock,
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
    *, actor: Any, procurement: Procurement, text: str, now: datetime | None = None
) -> Objection:
    """Object to a single-source notice while it runs; reviewed ≤5 working days after it ends (O74 §40)."""
    if not is_authenticated(actor):
        raise PermissionDenied("auth.required", _("请先登录"))
    text = required_text(
        text, field="text", code="procurement.objection_text_required", message=_("请填写异议内容")
    )
    today = local_date(aware_now(now))
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.NOTICE)
        assert procurement.notice_ends_on is not None
        if today > procurement.notice_ends_on:
            raise Conflict("procurement.notice_ended", _("公示期已结束，不能再提出异议"), field="text")
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
            action="procurement.objection_raised",
            obj=procurement,
            new={"objection": objection.pk, "review_due": objection.review_due, "citation": due.citation},
        )
    return objection


def objection_decide(
    *, actor: Any, objection: Objection, uphold: bool, text: str, now: datetime | None = None
) -> Objection:
    """Decide an objection; upheld → the single-source procurement fails (another method follows)."""
    procurement = objection.procurement
    require_official(actor, procurement)
    text = required_text(text, field="text", code="procurement.reason_required", message=_("请填写处理意见"))
    with transaction.atomic():
        procurement = lock(procurement)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.decision != Objection.Decision.PENDING:
            raise Conflict("procurement.objection_decided", _("该异议已处理"))
        objection.decision = Objection.Decision.UPHELD if uphold else Objection.Decision.REJECTED
        objection.decision_text = text
        objection.decided_at = aware_now(now)
        objection.save(update_fields=["decision", "decision_text", "decided_at"])
        late = local_date(objection.decided_at) > objection.review_due
        audit.record(
            actor=actor,
            action="procurement.objection_decided",
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
            procurement.outcome_reason = text
            procurement.next_steps = [NextStep.change_method.value]
            set_status(
                actor,
                procurement,
                ProcurementStatus.FAILED,
                "procurement.failed",
                reason=text,
                extra={"cause": "objection_upheld", "next_steps": procurement.next_steps},
                update=["outcome_reason", "next_steps"],
            )
    return objection


def procurement_notice_close(
    *, actor: Any, procurement: Procurement, now: datetime | None = None
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
                "procurement.notice_running",
                _("公示期至 %(end)s 结束（依据：%(citation)s）")
                % {"end": procurement.notice_ends_on, "citation": procurement.deadline_citation},
            )
        if Objection.objects.filter(procurement=procurement, decision=Objection.Decision.PENDING).exists():
            raise Conflict("procurement.objections_pending", _("尚有未处理的异议"))
        set_status(
            actor, procurement, ProcurementStatus.ANNOUNCED, "procurement.notice_closed", extra={"on": today}
        )
    return procurement
