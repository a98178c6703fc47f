"""Grant web pages: the fund-use report as PDF, and the application, score-sheet and final-audit forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from reportlab.platypus import Paragraph  # type: ignore[import-untyped]

from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_DRAWN_AT,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import documents, selectors, services
from opengps.grants.models import Agreement, AgreementStatus, Application, ApplicationStatus, ReviewScore

pytestmark = pytest.mark.django_db


def _texts(flowables: list[Any]) -> list[str]:
    return [f.getPlainText() for f in flowables if isinstance(f, Paragraph)]


def test_fund_use_report_pdf(make_round: Callable[..., Any], client: Client) -> None:
    make_round(total_amount=Decimal("300000.00"))
    response = client.get(reverse("grants:report_pdf", args=[2023]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    story = documents.fund_use_report(2023, selectors.fund_use_report(2023)).story
    assert any("300,000.00" in text for text in _texts(story))
    page = client.get(reverse("grants:report") + "?year=2023")
    assert reverse("grants:report_pdf", args=[2023]).encode() in page.content


def _form_data(**overrides: Any) -> dict[str, str]:
    data = {
        "title": "社区独居老人关爱服务",
        "purpose_area": "elderly",
        "beneficiary_region": "430104",
        "starts_on": "2023-07-01",
        "ends_on": "2024-06-30",
        "requested_amount": "100000.00",
        "budget_lines": "人员经费：60000.00\n活动经费：40000.00",
        "indicators": "服务老人人数：≥200人\n满意度：≥90%",
        "summary": "为独居老人提供探访服务",
        "action": "submit",
    }
    data.update(overrides)
    return data


@pytest.fixture
def call_open(clock_at: Callable[..., None]) -> None:
    clock_at(GRANT_SUBMIT_ON)


def test_application_form_saves_and_submits(
    call_open: None, make_round: Callable[..., Any], make_org: Callable[..., Any], client: Client
) -> None:
    round_ = make_round()
    _org, member = make_org()
    client.force_login(member)
    page = client.get(reverse("grants:round", args=[round_.pk]))
    assert b'name="requested_amount"' in page.content
    url = reverse("grants:application_post", args=[round_.pk])

    response = client.post(url, _form_data(action="save"))
    assert response.status_code == 302
    app = Application.objects.get(round=round_)
    assert app.status == ApplicationStatus.DRAFT

    response = client.post(url, _form_data(title="社区独居老人关爱服务（修订）"), follow=True)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ELIGIBLE
    assert app.title == "社区独居老人关爱服务（修订）"
    assert "申报已提交" in response.content.decode()


def test_application_form_shows_the_service_error_and_saves_nothing(
    call_open: None, make_round: Callable[..., Any], make_org: Callable[..., Any], client: Client
) -> None:
    round_ = make_round()
    _org, member = make_org()
    client.force_login(member)
    response = client.post(
        reverse("grants:application_post", args=[round_.pk]),
        _form_data(requested_amount="150000.00", budget_lines="人员经费：90000.00\n活动经费：60000.00"),
    )
    assert response.status_code == 200
    form = response.context["application_form"]
    assert form.errors["requested_amount"]
    assert 'id="id_requested_amount-error"' in response.content.decode()
    assert not Application.objects.filter(round=round_).exists()


def _reviewing(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> tuple[Any, Any, list[Any]]:
    round_ = make_round()
    _org, member = make_org()
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    app = services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    assert round_.draw is not None
    members = list(round_.draw.members.select_related("expert__user").order_by("order"))
    for m in members:
        assert m.expert.user is not None
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
    return round_, app, [m.expert.user for m in members]


def test_score_sheet_form(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    client: Client,
) -> None:
    round_, app, experts = _reviewing(world, make_round, make_org)
    client.force_login(experts[0])
    url = reverse("grants:score_sheet_post", args=[round_.pk])
    assert f'name="s{app.pk}_need"'.encode() in client.get(reverse("grants:round", args=[round_.pk])).content

    # invalid: a score above the criterion's weight is refused by the service, nothing is saved
    bad = {f"s{app.pk}_need": "35", f"s{app.pk}_design": "30", f"s{app.pk}_capacity": "20"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert response.context["score_form"].non_field_errors()
    assert not ReviewScore.objects.exists()

    good = {**bad, f"s{app.pk}_need": "25", f"c{app.pk}": "需求清晰"}
    response = client.post(url, good, follow=True)
    score = ReviewScore.objects.get(application=app)
    assert score.total == Decimal("75.00") and score.comment == "需求清晰"
    assert "评分表已提交" in response.content.decode()


def test_final_audit_form(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    client: Client,
) -> None:
    round_, app, experts = _reviewing(world, make_round, make_org)
    for user in experts:
        services.score_submit(
            actor=user, application=app, scores={"need": "28", "design": "36", "capacity": "28"}
        )
    services.round_rank(actor=world.funder, round=round_)
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    services.round_decide(actor=world.funder, round=round_, today=GRANT_DECIDE_ON)
    app.refresh_from_db()
    agreement = services.agreement_sign(actor=world.funder, application=app, signed_on=date(2023, 6, 20))
    services.midterm_review_record(
        actor=world.funder,
        agreement=agreement,
        passed=True,
        findings="进度符合协议",
        reviewed_on=date(2023, 12, 20),
    )
    services.final_review_record(
        actor=world.funder, agreement=agreement, score="91.5", note="成效显著", reviewed_on=date(2024, 7, 10)
    )
    client.force_login(world.firm_user)
    assert b'name="verified_spent"' in client.get(reverse("grants:agreement", args=[agreement.pk])).content
    url = reverse("grants:final_audit_post", args=[agreement.pk])
    data = {
        "opinion": "unqualified",
        "verified_spent": "96500.00",
        "disallowed": "0.00",
        "findings": "",
        "completed_on": "2024-08-01",
    }

    response = client.post(url, data)
    assert response.status_code == 200
    assert "请至少填写一条审计发现" in str(response.context["audit_form"].errors["findings"])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.FINAL_REVIEWED

    response = client.post(url, {**data, "findings": "资金使用基本规范\n结余3500元"}, follow=True)
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.status == AgreementStatus.CLOSED
    assert agreement.final_audit.findings == ["资金使用基本规范", "结余3500元"]
    assert "结项审计已录入" in response.content.decode()
