"""Challenges and complaints: deadlines with citations, late filings refused, suspension and resumption."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from opengps.challenges import services
from opengps.challenges.models import ComplaintDecision
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement, ProcurementStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def _actions(procurement: Procurement) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(procurement.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_late_challenge_is_refused_with_its_citation(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], clock_at: Callable[..., None]
) -> None:
    # given an open tender announced Mon 2025-06-09, documents provided until Tue 2025-06-17
    # (5 working days, IR §31), one bidder receiving them on 06-10 and another on 06-17
    plan = make_plan("open_tender")
    clock_at(date(2025, 6, 9))
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    procurement = procurement_services.procurement_announce(
        actor=purchaser,
        procurement=procurement,
        bid_deadline=datetime(2025, 7, 10, 10, tzinfo=SHANGHAI),
        documents_until=date(2025, 6, 17),
    )
    clock_at(date(2025, 6, 10))
    procurement_services.documents_obtain(actor=suppliers[0], procurement=procurement)
    clock_at(date(2025, 6, 17))
    procurement_services.documents_obtain(actor=suppliers[1], procurement=procurement)
    # then both should have known on the later of receipt and the end of the documents' period,
    # 06-17 (IR §53(一), O94 §11), not on the issue date; 7 working days run to Thu 06-26
    for supplier in suppliers[:2]:
        assert services.known_on(procurement, "documents", supplier.organization) == date(2025, 6, 17)
    clock_at(date(2025, 6, 24))  # 7 working days after the issue date have run (06-18)
    early = services.challenge_file(
        actor=suppliers[0], procurement=procurement, subject="documents", text="评分标准倾向性"
    )
    assert (early.known_on, early.filing_due) == (date(2025, 6, 17), date(2025, 6, 26))
    received = AuditEvent.objects.get(action="procurement.challenge_received")
    assert received.new_values["known_on"] == "2025-06-17"
    assert received.new_values["filing_due"] == "2025-06-26"
    # when the other bidder challenges the documents on Fri 06-27
    clock_at(date(2025, 6, 27))
    with pytest.raises(ServiceError) as error:
        services.challenge_file(
            actor=suppliers[1], procurement=procurement, subject="documents", text="资格条件排斥"
        )
    # then it is refused: 7 working days from the day it should have known, with the article
    assert error.value.code == "challenge.late"
    assert "2025-06-26" in str(error.value.message) and "2025-06-17" in str(error.value.message)
    assert "财政部令第94号 第十条" in str(error.value.message)


def test_only_participants_may_challenge(opened: Procurement, suppliers: list[Any]) -> None:
    with pytest.raises(PermissionDenied) as error:
        services.challenge_file(
            actor=suppliers[4], procurement=opened, subject="process", text="开标程序违法"
        )
    assert error.value.code == "challenge.not_participant"


def test_challenge_answer_complaint_suspends_and_resumes(
    opened: Procurement, suppliers: list[Any], purchaser: Any, finance: Any
) -> None:
    # given a bidder challenges the opening in time, with both deadlines shown
    challenge = services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="开标时未当场公布报价"
    )
    assert challenge.answer_due > challenge.received_on and "第十三条" in challenge.answer_citation
    assert "第十条" in challenge.filing_citation
    # a complaint before the answer is due (and unanswered) waits for the purchaser
    with pytest.raises(ServiceError) as error:
        services.complaint_file(actor=suppliers[1], challenge=challenge, text="不服")
    assert error.value.code == "complaint.challenge_pending"
    # the purchaser answers; another supplier may not complain about it
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="已当场唱标，质疑不成立")
    with pytest.raises(PermissionDenied):
        services.complaint_file(actor=suppliers[0], challenge=challenge, text="不服")
    complaint = services.complaint_file(actor=suppliers[1], challenge=challenge, text="对答复不满意")
    assert "第二十六条" in complaint.decision_citation and "第十七条" in complaint.filing_citation
    # finance may not suspend beyond 30 days; a purchaser may not suspend at all
    with pytest.raises(ServiceError) as error:
        services.complaint_suspend(actor=finance, complaint=complaint, days=45, reason="调查")
    assert error.value.code == "complaint.suspension_too_long" and "第二十八条" in str(error.value.message)
    with pytest.raises(PermissionDenied):
        services.complaint_suspend(actor=purchaser, complaint=complaint, days=10, reason="调查")
    # when finance suspends
    services.complaint_suspend(actor=finance, complaint=complaint, days=20, reason="调查开标过程")
    opened.refresh_from_db()
    assert opened.status == ProcurementStatus.SUSPENDED
    # then decides: the procurement resumes where it was
    services.complaint_decide(actor=finance, complaint=complaint, upheld=False, text="投诉缺乏事实依据，驳回")
    opened.refresh_from_db()
    complaint.refresh_from_db()
    assert opened.status == ProcurementStatus.OPENED and complaint.decision == ComplaintDecision.DISMISSED
    with pytest.raises(Conflict):
        services.complaint_resume(actor=finance, complaint=complaint)
    assert _actions(opened)[-6:] == [
        "procurement.challenge_received",
        "procurement.challenge_answered",
        "procurement.complaint_received",
        "procurement.suspended",
        "procurement.complaint_decided",
        "procurement.resumed",
    ]


def test_unanswered_challenge_allows_complaint_after_answer_due_and_resume_by_finance(
    opened: Procurement, suppliers: list[Any], finance: Any
) -> None:
    challenge = services.challenge_file(
        actor=suppliers[0], procurement=opened, subject="process", text="程序违法"
    )
    later = timezone.now() + timedelta(days=(challenge.answer_due - challenge.received_on).days + 1)
    complaint = services.complaint_file(
        actor=suppliers[0], challenge=challenge, text="采购人逾期未答复", now=later
    )
    services.complaint_suspend(actor=finance, complaint=complaint, days=5, reason="调查", now=later)
    services.complaint_resume(actor=finance, complaint=complaint, now=later)
    opened.refresh_from_db()
    assert opened.status == ProcurementStatus.OPENED
    # a complaint long after the deadline is refused
    challenge2 = services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="另一事项"
    )
    with pytest.raises(ServiceError) as error:
        services.complaint_file(
            actor=suppliers[1], challenge=challenge2, text="迟到", now=timezone.now() + timedelta(days=90)
        )
    assert error.value.code == "complaint.late"


def test_the_complaint_clock_stops_for_expert_review_and_resumes(
    opened: Procurement, suppliers: list[Any], finance: Any, purchaser: Any
) -> None:
    from datetime import date as date_type

    from opengps.challenges.models import ComplaintClockStop
    from opengps.rules.calendar import add_working_days, is_working_day

    # given a complaint received today, decided within 30 working days (GPL §56, O94 §26)
    challenge = services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="唱标遗漏"
    )
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="不成立")
    complaint = services.complaint_file(actor=suppliers[1], challenge=challenge, text="对答复不满意")
    first_due = complaint.decision_due
    stop_at = timezone.now() + timedelta(days=3)
    resume_at = timezone.now() + timedelta(days=12)
    # a purchaser may not stop the clock, and the reason must be one of O94 §27
    with pytest.raises(PermissionDenied):
        services.complaint_clock_stop(actor=purchaser, complaint=complaint, reason="expert_review", note="x")
    with pytest.raises(ServiceError):
        services.complaint_clock_stop(actor=finance, complaint=complaint, reason="holiday", note="x")
    # when finance sends the file to an expert review, then receives the opinion
    services.complaint_clock_stop(
        actor=finance, complaint=complaint, reason="expert_review", note="组织专家对评分进行复核", now=stop_at
    )
    with pytest.raises(Conflict):
        services.complaint_clock_stop(
            actor=finance, complaint=complaint, reason="testing", note="x", now=stop_at
        )
    complaint = services.complaint_clock_resume(actor=finance, complaint=complaint, now=resume_at)
    # then the due date moves later by the working days from sending to receiving, both included
    from opengps.core.clock import local_date

    stopped_on, resumed_on = local_date(stop_at), local_date(resume_at)
    span = [date_type.fromordinal(d) for d in range(stopped_on.toordinal(), resumed_on.toordinal() + 1)]
    stopped_working_days = sum(1 for day in span if is_working_day(day))
    assert complaint.decision_due == add_working_days(first_due, stopped_working_days)
    assert "财政部令第94号 第二十七条" in complaint.decision_citation
    stop = ComplaintClockStop.objects.get(complaint=complaint)
    assert stop.reason == "expert_review" and stop.resumed_on == resumed_on
    with pytest.raises(Conflict):
        services.complaint_clock_resume(actor=finance, complaint=complaint, now=resume_at)
    assert _actions(opened)[-2:] == [
        "procurement.complaint_clock_stopped",
        "procurement.complaint_clock_resumed",
    ]
    resumed = AuditEvent.objects.get(action="procurement.complaint_clock_resumed")
    assert resumed.new_values["reason"] == "expert_review"
    assert resumed.old_values["decision_due"] == first_due.isoformat()
