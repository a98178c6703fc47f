"""The challenge page's actions, one URL each (STYLE 14): a supplier challenges and complains, an
official answers, finance suspends, resumes and decides; a refusal re-renders the page with the error
beside its field (or on top of the form it refused) and the input kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.challenges import services
from opengps.challenges.models import Challenge, Complaint, ComplaintDecision
from opengps.procurement.models import Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(opened: Procurement, suppliers: list[Any]) -> Challenge:
    return services.challenge_file(actor=suppliers[1], procurement=opened, subject="process", text="唱标遗漏")


@pytest.fixture
def complaint(challenge: Challenge, purchaser: Any, suppliers: list[Any]) -> Complaint:
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="不成立")
    return services.complaint_file(actor=suppliers[1], challenge=challenge, text="对答复不满意")


def _url(name: str, procurement: Procurement) -> str:
    return reverse(f"challenges:{name}", args=[procurement.pk])


def test_a_supplier_challenges_and_a_refusal_shows_beside_the_subject_with_the_text_kept(
    client: Client, opened: Procurement, suppliers: list[Any]
) -> None:
    # given a bidder on the challenge page, whose form posts to the challenge URL
    client.force_login(suppliers[1])
    page = client.get(_url("detail", opened)).content.decode()
    assert f'action="{_url("challenge", opened)}"' in page and 'name="action"' not in page
    # when it submits its grounds without choosing a subject
    refused = client.post(_url("challenge", opened), {"subject": "", "text": "唱标遗漏报价"})
    # then the page comes back with the error beside the subject and the grounds kept
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="challenge-subject-error"' in html
    assert "请选择质疑事项" in html and ">唱标遗漏报价</textarea>" in html
    assert not Challenge.objects.exists()
    # when it chooses the subject
    done = client.post(_url("challenge", opened), {"subject": "process", "text": "唱标遗漏报价"}, follow=True)
    # then the challenge is filed and the page says so
    assert done.redirect_chain == [(_url("detail", opened), 302)]
    assert Challenge.objects.get().text == "唱标遗漏报价" and "已保存" in done.content.decode()


def test_an_empty_challenge_is_refused_beside_the_text_with_the_subject_kept(
    client: Client, opened: Procurement, suppliers: list[Any]
) -> None:
    client.force_login(suppliers[1])
    refused = client.post(_url("challenge", opened), {"subject": "process", "text": " "})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="challenge-text-error"' in html
    assert "请填写质疑事项和理由" in html and '<option value="process" selected>' in html


def test_an_official_answers_and_a_refusal_shows_in_the_challenges_row(
    client: Client, opened: Procurement, challenge: Challenge, purchaser: Any
) -> None:
    # given the purchaser on the page of a pending challenge
    client.force_login(purchaser)
    assert f'action="{_url("answer", opened)}"' in client.get(_url("detail", opened)).content.decode()
    # when it answers with nothing written
    refused = client.post(_url("answer", opened), {"challenge": challenge.pk, "text": ""})
    # then the error is beside the answer of that challenge (the service's field `answer` is the text)
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="answer-text-error"' in html and "请填写答复内容" in html
    # when another official has answered meanwhile and this one sends its own
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="已答复")
    conflict = client.post(_url("answer", opened), {"challenge": challenge.pk, "text": "我们的答复"})
    # then the refusal shows on the form, shown again in the row, with the typed answer kept
    html = conflict.content.decode()
    assert conflict.status_code == 409 and 'id="answer-errors"' in html and "该质疑已答复" in html
    assert ">我们的答复</textarea>" in html
    challenge.refresh_from_db()
    assert challenge.answer == "已答复"


def test_the_answer_is_saved_and_the_page_says_so(
    client: Client, opened: Procurement, challenge: Challenge, purchaser: Any
) -> None:
    client.force_login(purchaser)
    done = client.post(
        _url("answer", opened), {"challenge": challenge.pk, "text": "经核实不成立"}, follow=True
    )
    assert done.redirect_chain == [(_url("detail", opened), 302)] and "已保存" in done.content.decode()
    challenge.refresh_from_db()
    assert challenge.answer == "经核实不成立"


def test_a_complaint_before_the_answer_is_refused_with_the_text_kept(
    client: Client, opened: Procurement, challenge: Challenge, suppliers: list[Any], purchaser: Any
) -> None:
    # given the challenger, its challenge not yet answered
    client.force_login(suppliers[1])
    # when it complains with nothing written, then before the answer is due
    empty = client.post(_url("complain", opened), {"challenge": challenge.pk, "text": ""})
    early = client.post(_url("complain", opened), {"challenge": challenge.pk, "text": "采购人不答复"})
    # then the first error is beside the text; the second on the form, with the text kept
    assert empty.status_code == 400 and 'id="complain-text-error"' in empty.content.decode()
    assert "请填写投诉事项" in empty.content.decode()
    html = early.content.decode()
    assert early.status_code == 400 and 'id="complain-errors"' in html and "须等待采购人答复" in html
    assert ">采购人不答复</textarea>" in html and not Complaint.objects.exists()
    # when the purchaser has answered, the complaint is filed
    services.challenge_answer(actor=purchaser, challenge=challenge, answer="不成立")
    done = client.post(_url("complain", opened), {"challenge": challenge.pk, "text": "采购人答复不实"})
    assert done.status_code == 302 and Complaint.objects.get().text == "采购人答复不实"


def test_finance_suspends_and_a_too_long_suspension_shows_beside_the_days(
    client: Client, opened: Procurement, complaint: Complaint, finance: Any
) -> None:
    # given finance on the complaint's page
    client.force_login(finance)
    data = {"complaint": complaint.pk, "days": "45", "reason": "需核实评审过程"}
    # when it suspends the procurement for 45 days
    refused = client.post(_url("suspend", opened), data)
    # then the limit of 30 days and its article show beside the days, both inputs kept
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="suspend-days-error"' in html and "暂停采购活动最长至" in html
    assert 'value="45"' in html and 'value="需核实评审过程"' in html
    # when it suspends for 10 days, the procurement is suspended
    done = client.post(_url("suspend", opened), {**data, "days": "10"})
    assert done.status_code == 302
    assert Procurement.objects.get(pk=opened.pk).status == ProcurementStatus.SUSPENDED


def test_a_suspension_without_reason_shows_beside_the_reason_with_the_days_kept(
    client: Client, opened: Procurement, complaint: Complaint, finance: Any
) -> None:
    client.force_login(finance)
    refused = client.post(_url("suspend", opened), {"complaint": complaint.pk, "days": "12", "reason": ""})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="suspend-reason-error"' in html and "请说明暂停理由" in html
    assert 'value="12"' in html


def test_finance_resumes_and_a_refusal_shows_on_the_resume_form(
    client: Client, opened: Procurement, complaint: Complaint, finance: Any
) -> None:
    # given finance, the procurement not suspended
    client.force_login(finance)
    # when it resumes
    refused = client.post(_url("resume", opened), {"complaint": complaint.pk})
    # then the refusal shows on the resume form of that complaint
    html = refused.content.decode()
    assert refused.status_code == 409 and 'id="resume-errors"' in html and "采购活动未因该投诉暂停" in html
    # when the procurement was suspended, it resumes where it was
    services.complaint_suspend(actor=finance, complaint=complaint, days=10, reason="核实")
    done = client.post(_url("resume", opened), {"complaint": complaint.pk})
    assert done.status_code == 302
    assert Procurement.objects.get(pk=opened.pk).status != ProcurementStatus.SUSPENDED


def test_finance_decides_and_a_decision_without_text_shows_beside_it_with_the_result_kept(
    client: Client, opened: Procurement, complaint: Complaint, finance: Any
) -> None:
    # given finance on the complaint's page
    client.force_login(finance)
    # when it upholds the complaint without writing the decision
    refused = client.post(_url("decide", opened), {"complaint": complaint.pk, "upheld": "1", "text": ""})
    # then the error is beside the decision, and "upheld" is still chosen
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="decide-text-error"' in html and "请填写处理决定" in html
    assert '<option value="1" selected>' in html
    # when it writes the decision, the complaint is upheld
    done = client.post(_url("decide", opened), {"complaint": complaint.pk, "upheld": "1", "text": "投诉成立"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.decision, complaint.decision_text) == (ComplaintDecision.UPHELD, "投诉成立")


def test_objects_are_fetched_in_the_actors_scope_and_the_page_takes_no_post(
    client: Client, opened: Procurement, challenge: Challenge, suppliers: list[Any]
) -> None:
    # given another bidder, who does not see the first one's challenge
    client.force_login(suppliers[0])
    # when it complains about that challenge, posts to the page itself, or acts on no procurement
    foreign = client.post(_url("complain", opened), {"challenge": challenge.pk, "text": "投诉"})
    page_post = client.post(_url("detail", opened), {"action": "complain", "challenge": challenge.pk})
    missing = client.post(reverse("challenges:complain", args=[opened.pk + 999]), {"challenge": challenge.pk})
    # then the challenge is not found (shown on top: its row is not on this bidder's page), the page
    # refuses the POST, and the unknown procurement is a 404
    assert foreign.status_code == 404 and "未找到该质疑" in foreign.content.decode()
    assert page_post.status_code == 405 and missing.status_code == 404
    assert not Complaint.objects.exists()
