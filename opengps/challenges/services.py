"""Writes of challenges and complaints; every deadline comes from `opengps.rules.deadlines` with its article.

A challenge's "known on" date is derived from the procurement, not claimed by the supplier:
the later of the supplier's receipt of the documents and the end of their announcement period,
the opening, or the end of the result announcement (IR §53, O94 §10-11).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.challenges.errors import Code
from opengps.challenges.events import Event
from opengps.challenges.models import (
    Challenge,
    ChallengeStatus,
    ChallengeSubject,
    ClockStopReason,
    Complaint,
    ComplaintClockStop,
    ComplaintDecision,
)
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.status import status_set
from opengps.evaluation.models import Award
from opengps.procurement.models import BidReadout, DocumentObtained, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    dated_refusal,
    lock,
    require_official,
    require_supplier,
    required_text,
    rule_error,
    set_status,
)
from opengps.rules import deadlines as rules_deadlines
from opengps.rules import lifecycles
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import (
    ClockStop,
    challenge_answer_deadline,
    challenge_deadline,
    complaint_deadline,
    complaint_decision_deadline,
    should_have_known,
    suspension_end_latest,
)


def _deadline(rule: Callable[[date], Ruled[date]], day: date) -> Ruled[date]:
    """A statutory deadline; a year without holiday data is a refusal, not a crash."""
    try:
        return rule(day)
    except RuleError as exc:
        raise rule_error(exc) from None


def known_on(procurement: Procurement, subject: str, organization: Any = None) -> date | None:
    """When a supplier knew, or should have known, of what it challenges (IR §53, O94 §10-11):
    for the documents, the day `organization` received them or the end of the documents'
    announcement period (`documents_until`), as `should_have_known` gives; the end of the
    opening; or the end of the 1-working-day result announcement (O87 §69)."""
    if subject == ChallengeSubject.DOCUMENTS:
        if procurement.issued_on is None:
            return None
        obtained = (
            DocumentObtained.objects.filter(procurement=procurement, organization=organization)
            .values_list("obtained_at", flat=True)
            .first()
            if organization is not None
            else None
        )
        received = local_date(obtained) if obtained else None
        notice_ends = procurement.documents_until
        if received is None and notice_ends is None:
            received = procurement.issued_on  # no register nor period recorded: the documents' issue
        return _deadline(
            lambda _day: should_have_known(
                "documents", documents_received_on=received, documents_notice_ends_on=notice_ends
            ),
            procurement.issued_on,
        ).value
    if subject == ChallengeSubject.PROCESS:
        return local_date(procurement.opened_at) if procurement.opened_at else None
    announced = (
        Award.objects.filter(evaluation__procurement=procurement, announced_at__isnull=False)
        .order_by("announced_at")
        .values_list("announced_at", flat=True)
        .first()
    )
    if not announced:
        return None
    return _deadline(
        lambda d: should_have_known("result", result_announced_on=d), local_date(announced)
    ).value


def challenge_file(
    *, actor: Actor, procurement: Procurement, subject: str, text: str, now: datetime | None = None
) -> Challenge:
    """A supplier that took part challenges within 7 working days of knowing (GPL §52, O94 §10-11)."""
    org = require_supplier(actor)
    if subject not in ChallengeSubject.values:
        raise ServiceError(Code.CHALLENGE_SUBJECT_INVALID, field="subject")
    took_part = (
        DocumentObtained.objects.filter(procurement=procurement, organization=org).exists()
        or BidReadout.objects.filter(opening__procurement=procurement, organization=org).exists()
    )
    if not took_part:
        raise PermissionDenied(Code.CHALLENGE_NOT_PARTICIPANT)
    body = required_text(
        text, field="text", code="challenge.text_required", message=_("请填写质疑事项和理由")
    )
    knew = known_on(procurement, subject, org)
    if knew is None:
        raise ServiceError(Code.CHALLENGE_NOT_YET, field="subject")
    today = clock.local_date(now or clock.now())
    due = _deadline(challenge_deadline, knew)
    if today > due.value:
        raise ServiceError(
            Code.CHALLENGE_LATE,
            _("质疑期限已于 %(due)s 届满（知道之日 %(known)s 起 7 个工作日；依据：%(citation)s）")
            % {"due": due.value.isoformat(), "known": knew.isoformat(), "citation": due.citation},
            field="subject",
            params={"due": due.value.isoformat(), "known_on": knew.isoformat(), "citation": due.citation},
        )
    answer = _deadline(challenge_answer_deadline, today)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            procurement=procurement,
            organization=org,
            filed_by=actor,
            subject=subject,
            text=body,
            known_on=knew,
            filing_due=due.value,
            filing_citation=due.citation,
            received_on=today,
            answer_due=answer.value,
            answer_citation=answer.citation,
        )
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_CHALLENGE_RECEIVED,
            obj=procurement,
            new={
                "challenge": challenge.pk,
                "supplier": org.uscc,
                "subject": subject,
                "known_on": knew,
                "filing_due": due.value,
                "answer_due": answer.value,
            },
            reason=due.citation,
        )
    return challenge


def _challenge_check(current: str, target: str) -> None:
    lifecycles.check_transition("challenge", current, target)


def challenge_answer(
    *, actor: Actor, challenge: Challenge, answer: str, now: datetime | None = None
) -> Challenge:
    """The purchaser (or agency) answers in writing; late answers are recorded as late (O94 §13)."""
    require_official(actor, challenge.procurement)
    body = required_text(
        answer, field="answer", code="challenge.answer_required", message=_("请填写答复内容")
    )
    moment = now or clock.now()
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.status != ChallengeStatus.PENDING:
            raise Conflict(Code.CHALLENGE_ALREADY_ANSWERED)
        status_set(
            challenge,
            ChallengeStatus.ANSWERED,
            actor=actor,
            action=Event.PROCUREMENT_CHALLENGE_ANSWERED,
            check=_challenge_check,
            values={"answer": body, "answered_at": moment, "answered_by": actor},
            on=challenge.procurement,
            extra_old={"challenge": challenge.pk},
            extra={"challenge": challenge.pk, "late": local_date(moment) > challenge.answer_due},
            reason=challenge.answer_citation,
        )
    return challenge


def complaint_file(
    *, actor: Actor, challenge: Challenge, text: str, now: datetime | None = None
) -> Complaint:
    """The challenger, unsatisfied or unanswered, complains to finance within 15 working days after
    the answer was due (GPL §55, O94 §17)."""
    org = require_supplier(actor)
    if org.pk != challenge.organization_id:
        raise PermissionDenied(Code.COMPLAINT_NOT_CHALLENGER)
    body = required_text(text, field="text", code="complaint.text_required", message=_("请填写投诉事项"))
    challenge = Challenge.objects.select_related("procurement").get(pk=challenge.pk)
    today = clock.local_date(now or clock.now())
    if challenge.status == ChallengeStatus.PENDING and today <= challenge.answer_due:
        raise ServiceError(Code.COMPLAINT_CHALLENGE_PENDING, params={"due": challenge.answer_due.isoformat()})
    due = _deadline(complaint_deadline, challenge.answer_due)
    if today > due.value:
        raise dated_refusal(Code.COMPLAINT_LATE, due.value, due.citation)
    decision = _deadline(complaint_decision_deadline, today)
    with transaction.atomic():
        if Complaint.objects.filter(challenge=challenge).exists():
            raise Conflict(Code.COMPLAINT_EXISTS)
        complaint = Complaint.objects.create(
            challenge=challenge,
            procurement=challenge.procurement,
            filed_by=actor,
            text=body,
            filing_due=due.value,
            filing_citation=due.citation,
            received_on=today,
            decision_due=decision.value,
            decision_citation=decision.citation,
        )
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_COMPLAINT_RECEIVED,
            obj=challenge.procurement,
            new={"complaint": complaint.pk, "challenge": challenge.pk, "decision_due": decision.value},
            reason=due.citation,
        )
    return complaint


def _require_finance(actor: Actor, complaint: Complaint) -> None:
    """The finance department handling the complaint: of the purchaser's region or above (O94 §3),
    never another city's."""
    require_role(actor, Role.FINANCE)
    scopes.require_supervises(actor, complaint.procurement.purchaser)


def complaint_suspend(
    *, actor: Actor, complaint: Complaint, days: int, reason: str, now: datetime | None = None
) -> Complaint:
    """Finance suspends the procurement while it handles the complaint, for at most 30 days (O94 §28)."""
    _require_finance(actor, complaint)
    why = required_text(reason, field="reason", code="complaint.reason_required", message=_("请说明暂停理由"))
    today = clock.local_date(now or clock.now())
    latest = _deadline(suspension_end_latest, today)
    until = date.fromordinal(today.toordinal() + days) if days > 0 else None
    if until is None or until > latest.value:
        raise dated_refusal(
            Code.COMPLAINT_SUSPENSION_TOO_LONG, latest.value, latest.citation, name="latest", field="days"
        )
    with transaction.atomic():
        procurement = lock(complaint.procurement)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.decision != ComplaintDecision.PENDING or complaint.suspended_on is not None:
            raise Conflict(Code.COMPLAINT_CANNOT_SUSPEND)
        complaint.suspended_from = procurement.status
        complaint.suspended_on, complaint.suspended_until = today, until
        complaint.suspension_citation = latest.citation
        complaint.save(
            update_fields=["suspended_from", "suspended_on", "suspended_until", "suspension_citation"]
        )
        set_status(
            actor,
            procurement,
            ProcurementStatus.SUSPENDED,
            Event.PROCUREMENT_SUSPENDED,
            reason=why,
            extra={"complaint": complaint.pk, "until": until, "citation": latest.citation},
        )
    return complaint


def _resume(actor: Actor, complaint: Complaint, procurement: Procurement, moment: datetime, why: str) -> None:
    complaint.resumed_at = moment
    complaint.save(update_fields=["resumed_at"])
    set_status(
        actor,
        procurement,
        complaint.suspended_from,
        Event.PROCUREMENT_RESUMED,
        reason=why,
        extra={"complaint": complaint.pk},
    )


def complaint_resume(*, actor: Actor, complaint: Complaint, now: datetime | None = None) -> Complaint:
    """Finance lifts the suspension: the procurement resumes where it was."""
    _require_finance(actor, complaint)
    moment = now or clock.now()
    with transaction.atomic():
        procurement = lock(complaint.procurement)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if (
            procurement.status != ProcurementStatus.SUSPENDED
            or complaint.resumed_at
            or not complaint.suspended_from
        ):
            raise Conflict(Code.COMPLAINT_NOT_SUSPENDED)
        _resume(actor, complaint, procurement, moment, str(_("财政部门决定恢复采购活动")))
    return complaint


def complaint_decide(
    *, actor: Actor, complaint: Complaint, upheld: bool, text: str, now: datetime | None = None
) -> Complaint:
    """Finance decides within 30 working days (O94 §26); a suspension still in force ends with it."""
    _require_finance(actor, complaint)
    body = required_text(text, field="text", code="complaint.decision_required", message=_("请填写处理决定"))
    moment = now or clock.now()
    with transaction.atomic():
        procurement = lock(complaint.procurement)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.decision != ComplaintDecision.PENDING:
            raise Conflict(Code.COMPLAINT_ALREADY_DECIDED)
        complaint.decision = ComplaintDecision.UPHELD if upheld else ComplaintDecision.DISMISSED
        complaint.decision_text, complaint.decided_at, complaint.decided_by = body, moment, actor
        complaint.save(update_fields=["decision", "decision_text", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_COMPLAINT_DECIDED,
            obj=procurement,
            old={"complaint": complaint.pk, "decision": ComplaintDecision.PENDING},
            new={
                "complaint": complaint.pk,
                "decision": complaint.decision,
                "late": local_date(moment) > complaint.decision_due,
            },
            reason=complaint.decision_citation,
        )
        if (
            procurement.status == ProcurementStatus.SUSPENDED
            and complaint.suspended_from
            and not complaint.resumed_at
        ):
            _resume(actor, complaint, procurement, moment, body)
    return complaint


def _stops(complaint: Complaint) -> list[ClockStop]:
    return [
        ClockStop(rules_deadlines.ClockStopReason(stop.reason), stop.stopped_on, stop.resumed_on)
        for stop in complaint.clock_stops.order_by("stopped_on", "pk")
    ]


def complaint_clock_stop(
    *, actor: Actor, complaint: Complaint, reason: str, note: str, now: datetime | None = None
) -> ComplaintClockStop:
    """Finance stops the decision clock for inspection, testing, appraisal, expert review or the
    complainant's supplementing material (O94 §27): from the day it sends the request."""
    _require_finance(actor, complaint)
    if reason not in ClockStopReason.values:
        raise ServiceError(Code.COMPLAINT_CLOCK_REASON_INVALID, field="reason")
    why = required_text(
        note, field="note", code="complaint.reason_required", message=_("请说明中止计时的理由")
    )
    today = clock.local_date(now or clock.now())
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.decision != ComplaintDecision.PENDING:
            raise Conflict(Code.COMPLAINT_ALREADY_DECIDED)
        if complaint.clock_stops.filter(resumed_on__isnull=True).exists():
            raise Conflict(Code.COMPLAINT_CLOCK_ALREADY_STOPPED)
        if today < complaint.received_on:
            raise ServiceError(Code.COMPLAINT_CLOCK_BEFORE_RECEIPT)
        stop = ComplaintClockStop.objects.create(
            complaint=complaint, reason=reason, note=why, stopped_on=today, stopped_by=actor
        )
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_COMPLAINT_CLOCK_STOPPED,
            obj=complaint.procurement,
            new={"complaint": complaint.pk, "reason": reason, "stopped_on": today},
            reason=f"{ClockStopReason(reason).label}：{why}（{rules_deadlines.O94_27}）",
        )
    return stop


def complaint_clock_resume(*, actor: Actor, complaint: Complaint, now: datetime | None = None) -> Complaint:
    """Finance received the answer or material: the clock resumes, and the decision deadline moves
    later by the working days it stood still (O94 §27)."""
    _require_finance(actor, complaint)
    today = clock.local_date(now or clock.now())
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        stop = complaint.clock_stops.filter(resumed_on__isnull=True).first()
        if stop is None:
            raise Conflict(Code.COMPLAINT_CLOCK_NOT_STOPPED)
        stop.resumed_on, stop.resumed_by = today, actor
        stop.save(update_fields=["resumed_on", "resumed_by"])
        try:
            due = rules_deadlines.complaint_decision_due(complaint.received_on, _stops(complaint))
        except RuleError as exc:
            raise rule_error(exc) from None
        old_due = complaint.decision_due
        complaint.decision_due, complaint.decision_citation = due.value, due.citation
        complaint.save(update_fields=["decision_due", "decision_citation"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_COMPLAINT_CLOCK_RESUMED,
            obj=complaint.procurement,
            old={"complaint": complaint.pk, "decision_due": old_due},
            new={
                "complaint": complaint.pk,
                "reason": stop.reason,
                "stopped_on": stop.stopped_on,
                "resumed_on": today,
                "decision_due": due.value,
            },
            reason=f"{due.note}（{due.citation}）",
        )
    return complaint
