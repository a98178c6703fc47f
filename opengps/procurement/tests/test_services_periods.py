"""Lawful periods the procurement enforces: documents provided ≥5 working days, objections on time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.core.clock import BEIJING
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times
from opengps.procurement import services
from opengps.procurement.models import Procurement, ProcurementStatus
from opengps.procurement.services import local_date
from opengps.rules.deadlines import documents_available_until, objection_review_deadline

pytestmark = pytest.mark.django_db


def _draft(purchaser: Any, make_plan: Callable[..., Any], method: str, **facts: bool) -> Procurement:
    return services.procurement_create(actor=purchaser, plan=make_plan(method, **facts), documents="采购文件")


def test_documents_are_provided_for_the_lawful_period_and_not_after_it_ends(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an open tender announced 40 days ago
    procurement = _draft(purchaser, make_plan, "open_tender")
    issued, deadline = announce_times()
    lawful = documents_available_until("open_tender", local_date(issued))
    # when the purchaser offers the documents for less than 5 working days, or past the deadline
    for until, code in [
        (lawful.value - timedelta(days=1), "procurement.documents_period_too_short"),
        (local_date(deadline) + timedelta(days=1), "procurement.documents_after_deadline"),
    ]:
        with pytest.raises(ServiceError) as error:
            services.procurement_announce(
                actor=purchaser,
                procurement=procurement,
                bid_deadline=deadline,
                documents_until=until,
                now=issued,
            )
        assert error.value.code == code
    # then nothing changed
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.DRAFT and procurement.documents_until is None
    # when announced with exactly the lawful period
    services.procurement_announce(
        actor=purchaser,
        procurement=procurement,
        bid_deadline=deadline,
        documents_until=lawful.value,
        now=issued,
    )
    procurement.refresh_from_db()
    assert procurement.documents_until == lawful.value and "第十八条" in procurement.documents_citation
    # then a supplier may no longer obtain them today (the period ended weeks ago), on page and API
    with pytest.raises(ServiceError) as error:
        services.documents_obtain(actor=suppliers[0], procurement=procurement)
    assert error.value.code == "procurement.documents_period_over"
    client = Client()
    client.force_login(suppliers[1])
    response = client.post(f"/api/v1/procurement/{procurement.pk}/documents")
    assert (
        response.status_code == 409
        and response.json()["error"]["code"] == "procurement.documents_period_over"
    )
    assert "采购文件提供期限" in client.get(f"/procurement/{procurement.pk}/notice/").content.decode()


def test_by_default_documents_are_provided_until_the_deadline(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    procurement = _draft(purchaser, make_plan, "competitive_negotiation", complex_or_unspecifiable=True)
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    procurement.refresh_from_db()
    # negotiation sets no documents period in law: provided until the deadline, citing the article
    assert procurement.documents_until == local_date(deadline)
    assert "第七十四号" in procurement.documents_citation or "74号" in procurement.documents_citation
    assert services.documents_obtain(actor=suppliers[0], procurement=procurement).organization_id


def test_a_deadline_before_the_documents_period_ends_is_refused(
    purchaser: Any, make_plan: Callable[..., Any]
) -> None:
    # given a consultation issued before the National Day holidays, when 10 days end before 5 working days
    procurement = _draft(purchaser, make_plan, "competitive_consultation")
    issued = datetime(2026, 9, 24, 9, 0, tzinfo=BEIJING)
    lawful = documents_available_until("competitive_consultation", issued.date())
    deadline = datetime(2026, 10, 8, 9, 30, tzinfo=BEIJING)
    assert deadline.date() < lawful.value
    # when announced with the bid deadline the 10-day rule alone would allow
    with pytest.raises(ServiceError) as error:
        services.procurement_announce(
            actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
        )
    # then it is refused with the documents article
    assert error.value.code == "procurement.deadline_too_early"
    assert "214号" in str(error.value.message) and error.value.params["earliest"] == lawful.value.isoformat()


def test_single_source_objections_are_due_5_working_days_after_the_notice_and_overdue_shows(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a single-source notice published 20 days ago and an objection raised the next day
    procurement = services.procurement_create(
        actor=purchaser,
        plan=make_plan("single_source", only_one_supplier=True),
        documents="单一来源采购文件",
        single_source_supplier=suppliers[0].organization,
        single_source_reason="唯一供应商",
    )
    issued, deadline = announce_times(days_ago=20)
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    objection = services.objection_raise(
        actor=suppliers[1], procurement=procurement, text="我单位也能提供", now=issued + timedelta(days=1)
    )
    # then its review is due 5 working days after the notice ends (O74 §40), and is overdue today
    assert procurement.notice_ends_on is not None
    due = objection_review_deadline(procurement.notice_ends_on)
    assert objection.review_due == due.value and "第四十条" in objection.review_citation
    assert objection.overdue
    client = Client()
    client.force_login(purchaser)
    assert "已逾期未处理" in client.get(f"/procurement/{procurement.pk}/").content.decode()
    listed = client.get(f"/api/v1/procurement/{procurement.pk}/objections").json()
    assert listed[0]["overdue"] is True
    # when decided today, the decision is recorded as late
    services.objection_decide(actor=purchaser, objection=objection, uphold=False, text="异议不成立")
    objection.refresh_from_db()
    assert not objection.overdue
    event = AuditEvent.objects.filter(action="procurement.objection_decided").get()
    assert event.new_values["late"] is True


def test_the_screen_and_the_api_take_the_documents_period(
    purchaser: Any, make_plan: Callable[..., Any], next_year_calendar: None
) -> None:
    # given two drafts; the screens and the API announce on the real clock
    first = _draft(purchaser, make_plan, "open_tender")
    second = _draft(purchaser, make_plan, "open_tender")
    client = Client()
    client.force_login(purchaser)
    deadline = datetime.now(tz=BEIJING) + timedelta(days=30)
    # when the API is asked for a one-day documents period
    response = client.post(
        f"/api/v1/procurement/{first.pk}/announce",
        {
            "bid_deadline": deadline.isoformat(),
            "documents_until": (deadline.date() - timedelta(days=29)).isoformat(),
        },
        content_type="application/json",
    )
    # then it is refused; the screen with an explicit lawful period announces
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "procurement.documents_period_too_short"
    lawful = documents_available_until("open_tender", local_date(datetime.now(tz=BEIJING)))
    page = client.post(
        f"/procurement/{second.pk}/announce/",
        {
            "bid_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "documents_until": lawful.value.isoformat(),
        },
    )
    assert page.status_code == 302
    second.refresh_from_db()
    assert second.status == ProcurementStatus.ANNOUNCED and second.documents_until == lawful.value
