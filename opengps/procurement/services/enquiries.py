"""Before the deadline: suppliers obtain the documents and ask (询问); officials answer."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import DocumentObtained, Enquiry, Notification, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    O87_28,
    aware_now,
    deadline_passed,
    local_date,
    procedure_of,
    require_eligible,
    require_official,
    require_status,
    require_supplier,
    required_text,
    rule_error,
    supplier_may_take_part,
)
from opengps.rules.base import RuleError
from opengps.rules.deadlines import enquiry_answer_deadline


def documents_obtain(
    *, actor: Actor, procurement: Procurement, now: datetime | None = None
) -> DocumentObtained:
    """A supplier member obtains the documents; recorded in the register nobody sees before the deadline."""
    org = require_supplier(actor)
    moment = aware_now(now)
    procurement = Procurement.objects.get(pk=procurement.pk)
    procedure = procedure_of(procurement)
    require_status(procurement, ProcurementStatus.ANNOUNCED)
    if deadline_passed(procurement, moment):
        raise Conflict(Code.BID_DEADLINE_PASSED, _("投标截止时间已过"))
    supplier_may_take_part(org.pk, procurement, procedure)
    existing = DocumentObtained.objects.filter(procurement=procurement, organization=org).first()
    if existing is None and procurement.documents_until and local_date(moment) > procurement.documents_until:
        raise Conflict(Code.PROCUREMENT_DOCUMENTS_PERIOD_OVER, params={"end": procurement.documents_until})
    require_eligible(org, local_date(moment))
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DocumentObtained.objects.create(
                procurement=procurement, organization=org, obtained_by=actor, obtained_at=moment
            )
    except IntegrityError:  # obtained by a colleague at the same moment
        return DocumentObtained.objects.get(procurement=procurement, organization=org)


def enquiry_ask(
    *, actor: Actor, procurement: Procurement, question: str, now: datetime | None = None
) -> Enquiry:
    """A supplier member asks (询问); the answer is due within 3 working days (IR §52)."""
    org = require_supplier(actor)
    question = required_text(
        question,
        field="question",
        code="procurement.question_required",
        message=_("请填写询问事项"),
        limit=5000,
    )
    moment = aware_now(now)
    today = local_date(moment)
    procurement = Procurement.objects.get(pk=procurement.pk)
    require_status(
        procurement, ProcurementStatus.NOTICE, ProcurementStatus.ANNOUNCED, ProcurementStatus.OPENED
    )
    try:
        due = enquiry_answer_deadline(today)
    except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
        raise rule_error(exc) from None
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            procurement=procurement,
            asked_by=actor,
            organization=org,
            question=question,
            received_on=today,
            received_at=moment,
            answer_due=due.value,
            citation=due.citation[:300],
        )
        # Who asked is not disclosed before the deadline (it reveals a likely bidder): the event
        # names no actor; the enquiry row keeps the asker for the answer.
        audit.record(
            actor=None,
            action=Event.PROCUREMENT_ENQUIRY_RECEIVED,
            obj=procurement,
            new={"enquiry": enquiry.pk, "answer_due": due.value, "citation": due.citation},
            reason=f"询问人身份在投标截止前不公开（{O87_28}）",
        )
    return enquiry


def enquiry_answer(*, actor: Actor, enquiry: Enquiry, answer: str, now: datetime | None = None) -> Enquiry:
    """Answer an enquiry; the asker is notified."""
    require_official(actor, enquiry.procurement)
    answer = required_text(
        answer, field="answer", code="procurement.answer_required", message=_("请填写答复"), limit=10000
    )
    moment = aware_now(now)
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().select_related("procurement").get(pk=enquiry.pk)
        if enquiry.answered_at is not None:
            raise Conflict(Code.PROCUREMENT_ENQUIRY_ANSWERED)
        enquiry.answer, enquiry.answered_at, enquiry.answered_by = answer, moment, actor
        enquiry.save(update_fields=["answer", "answered_at", "answered_by"])
        late = local_date(moment) > enquiry.answer_due
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_ENQUIRY_ANSWERED,
            obj=enquiry.procurement,
            new={
                "enquiry": enquiry.pk,
                "answered_on": local_date(moment),
                "due": enquiry.answer_due,
                "late": late,
            },
        )
        Notification.objects.create(
            recipient_id=enquiry.asked_by_id,
            procurement=enquiry.procurement,
            kind="enquiry_answered",
            title=str(_("您的询问已答复：%(ref)s") % {"ref": enquiry.procurement.reference}),
            body=answer,
        )
    return enquiry
