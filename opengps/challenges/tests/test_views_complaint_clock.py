"""The complaint clock on screen and in the API: finance stops it with a reason of O94 §27 and
resumes it; the complaint page shows the stops and the recalculated decision deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.challenges import services
from opengps.challenges.models import Complaint, ComplaintClockStop
from opengps.core import clock
from opengps.core.models import AuditEvent
from opengps.procurement.models import Procurement
from opengps.rules.calendar import add_working_days, is_working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(opened: Procurement, suppliers: list[Any], purchaser: Any) -> Complaint:
    challenge = services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="唱标遗漏"
    )
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="不成立")
    return services.complaint_file(actor=suppliers[1], challenge=challenge, text="对答复不满意")


def _working_days(first: date, last: date) -> int:
    return sum(
        1 for n in range(first.toordinal(), last.toordinal() + 1) if is_working_day(date.fromordinal(n))
    )


def test_finance_stops_and_resumes_the_clock_on_screen(
    client: Client, complaint: Complaint, finance: Any, clock_at: Callable[..., None]
) -> None:
    # given the complaint page as finance, the decision due 30 working days after receipt
    client.force_login(finance)
    page_url = reverse("challenges:detail", args=[complaint.procurement_id])
    first_due = complaint.decision_due
    page = client.get(page_url).content.decode()
    assert reverse("challenges:clock-stop", args=[complaint.pk]) in page and "专家评审" in page
    # when finance sends the file for expert review three days later
    stop_day = clock.today() + timedelta(days=3)
    clock_at(stop_day)
    client.force_login(finance)  # days pass: officials sign in again
    response = client.post(
        reverse("challenges:clock-stop", args=[complaint.pk]),
        {"reason": "expert_review", "note": "组织专家对评分进行复核"},
    )
    # then the stop is recorded and audited; the page shows it as running, with the earliest due
    assert response.status_code == 302 and response["Location"].endswith(f"#complaint-{complaint.pk}")
    stop = ComplaintClockStop.objects.get(complaint=complaint)
    assert (stop.reason, stop.stopped_on, stop.resumed_on) == ("expert_review", stop_day, None)
    stopped = AuditEvent.objects.get(action="procurement.complaint_clock_stopped")
    assert stopped.new_values["reason"] == "expert_review" and "第二十七条" in stopped.reason
    page = client.get(page_url).content.decode()
    assert "组织专家对评分进行复核" in page and "中止计时中" in page
    assert reverse("challenges:clock-resume", args=[complaint.pk]) in page
    # when the opinion arrives nine days later and finance resumes the clock
    resume_day = stop_day + timedelta(days=9)
    clock_at(resume_day)
    client.force_login(finance)
    response = client.post(reverse("challenges:clock-resume", args=[complaint.pk]))
    # then the due date moves later by the working days stopped, both ends included (O94 §27 ¶2)
    assert response.status_code == 302
    complaint.refresh_from_db()
    expected = add_working_days(first_due, _working_days(stop_day, resume_day))
    assert complaint.decision_due == expected
    resumed = AuditEvent.objects.get(action="procurement.complaint_clock_resumed")
    assert resumed.old_values["decision_due"] == first_due.isoformat()
    assert resumed.new_values["decision_due"] == expected.isoformat()
    page = client.get(page_url).content.decode()
    assert "处理期限（扣除中止计时后）" in page and expected.isoformat() in page
    assert resume_day.isoformat() in page and "财政部令第94号 第二十七条" in page


def test_the_stop_form_shows_the_service_error_beside_its_field(
    client: Client, complaint: Complaint, finance: Any
) -> None:
    client.force_login(finance)
    url = reverse("challenges:clock-stop", args=[complaint.pk])
    assert "中止事由" in client.get(url).content.decode()
    # a note is required by the service
    refused = client.post(url, {"reason": "testing", "note": " "})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="id_note-error"' in html and "请说明中止计时的理由" in html
    # a reason outside O94 §27 is refused beside its field
    refused = client.post(url, {"reason": "holiday", "note": "放假"})
    assert refused.status_code == 400 and 'id="id_reason-error"' in refused.content.decode()
    # resuming a clock that is not stopped: the conflict is shown on the form
    refused = client.post(reverse("challenges:clock-resume", args=[complaint.pk]))
    assert refused.status_code == 400 and "投诉处理期限未中止计时" in refused.content.decode()
    assert not ComplaintClockStop.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="procurement.complaint_clock").exists()


def test_only_finance_may_stop_the_clock(
    client: Client, complaint: Complaint, purchaser: Any, suppliers: list[Any]
) -> None:
    for user in (purchaser, suppliers[1]):
        client.force_login(user)
        url = reverse("challenges:clock-stop", args=[complaint.pk])
        assert client.post(url, {"reason": "testing", "note": "送检"}).status_code == 403
        assert client.post(reverse("challenges:clock-resume", args=[complaint.pk])).status_code == 403
        page = client.get(reverse("challenges:detail", args=[complaint.procurement_id])).content.decode()
        assert url not in page
    assert not ComplaintClockStop.objects.exists()


def test_the_api_stops_and_resumes_the_clock(
    client: Client, complaint: Complaint, finance: Any, purchaser: Any, clock_at: Callable[..., None]
) -> None:
    base = f"/api/v1/challenges/complaint/{complaint.pk}"
    client.force_login(purchaser)
    denied = client.post(
        f"{base}/clock-stop", {"reason": "testing", "note": "送检"}, content_type="application/json"
    )
    assert denied.status_code == 403
    client.force_login(finance)
    bad = client.post(
        f"{base}/clock-stop", {"reason": "holiday", "note": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "complaint.clock_reason_invalid"
    stop_day = clock.today() + timedelta(days=2)
    clock_at(stop_day)
    client.force_login(finance)
    stopped = client.post(
        f"{base}/clock-stop",
        {"reason": "supplement", "note": "通知投诉人补正证明材料"},
        content_type="application/json",
    )
    assert stopped.status_code == 201, stopped.content
    body = stopped.json()
    assert body["clock_stops"] == [
        {
            "reason": "supplement",
            "reason_label": "投诉人补正材料",
            "note": "通知投诉人补正证明材料",
            "stopped_on": stop_day.isoformat(),
            "resumed_on": None,
        }
    ]
    again = client.post(
        f"{base}/clock-stop", {"reason": "testing", "note": "x"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "complaint.clock_already_stopped"
    resume_day = stop_day + timedelta(days=4)
    clock_at(resume_day)
    client.force_login(finance)
    resumed = client.post(f"{base}/clock-resume")
    assert resumed.status_code == 200
    due = add_working_days(complaint.decision_due, _working_days(stop_day, resume_day))
    assert resumed.json()["decision_due"] == due.isoformat()
    assert resumed.json()["clock_stops"][0]["resumed_on"] == resume_day.isoformat()
    listed = client.get(f"/api/v1/challenges/{complaint.procurement_id}").json()
    assert listed[0]["complaint"]["clock_stops"][0]["reason"] == "supplement"
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="procurement.complaint_clock")
    ] == [
        "procurement.complaint_clock_stopped",
        "procurement.complaint_clock_resumed",
    ]
