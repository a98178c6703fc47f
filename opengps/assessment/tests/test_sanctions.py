"""Issue 24: the registration authority downgrades or revokes a rating an assessment decision awarded,
on a finding, with the reason and the decision document, through the registry's rating services;
refusals name the rule; the screen and the API do the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import User
from opengps.assessment import services
from opengps.assessment.models import Application, ApplicationStatus, Finding, Round, Sanction
from opengps.assessment.tests.conftest import SELF
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.registry import selectors as registry_selectors
from opengps.registry.models import Rating
from opengps.rules import assessment as rules

SHEET = {"A1": "120", "B1": "200", "C1": "300", "D1": "180"}
"""800 of 1000: 4A."""
DECIDED_ON = date(2027, 4, 9)


@pytest.fixture
def rated(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    clock_at: Callable[..., None],
    today: date,
) -> Application:
    """An application rated 4A by the decision of 2027-04-09."""
    member = applicant(name="长沙市乐龄养老服务中心")
    app = services.application_submit(actor=member, round=round_, self_scores=SELF, self_note="")
    services.application_screen(actor=registrar, application=app)
    for assessor in assessors:
        services.sheet_submit(
            actor=assessor,
            application=app,
            scores=SHEET,
            visited_on=today,
            visit_record="实地查看",
            comments={},
        )
    services.committee_propose(actor=registrar, round=round_, note="评估委员会审定")
    clock_at(date(2027, 4, 1), tick=False)
    services.notice_publish(actor=registrar, round=round_)
    clock_at(DECIDED_ON, tick=False)
    services.round_decide(actor=registrar, round=round_, decision_no="湘民评〔2027〕1号")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RATED and app.rating is not None and app.rating.level == 4
    clock_at(DECIDED_ON + timedelta(days=60), tick=False)
    return app


def awarded(app: Application) -> Rating:
    """The rating the decision awarded, read again."""
    assert app.rating_id is not None
    return Rating.objects.get(pk=app.rating_id)


def test_the_model_findings_are_the_rules_findings() -> None:
    assert set(Finding.values) == {f.value for f in rules.Finding}


def test_downgrade_then_revoke_through_the_registry(registrar: User, rated: Application) -> None:
    # when the authority downgrades the 4A to 2A for false materials
    on = DECIDED_ON + timedelta(days=60)
    first = services.rating_sanction(
        actor=registrar,
        application=rated,
        kind="downgrade",
        finding="false_materials",
        reason="评估中提供的服务台账与实际不符",
        decision_no="湘民评〔2027〕9号",
        level=2,
    )
    # then the 4A is revoked and a 2A recorded under the decision document, in force today
    old = awarded(rated)
    assert (old.revoked_on, old.revocation_reason) == (
        on,
        "湘民评〔2027〕9号：评估中提供的服务台账与实际不符",
    )
    assert first.rating_after is not None
    assert (first.level_before, first.level_after, first.rating_after.decision_no) == (
        4,
        2,
        "湘民评〔2027〕9号",
    )
    rated.refresh_from_db()
    assert rated.status == ApplicationStatus.DOWNGRADED
    assert registry_selectors.organization_eligibility(rated.organization).rating_in_force == 2
    # and the 2A ends when the 4A would have: a downgrade does not extend the 5 years (M39)
    end = old.valid_until
    assert end == date(2032, 4, 9) and first.rating_after.valid_until == end
    org = rated.organization
    assert registry_selectors.organization_eligibility(org, end - timedelta(days=1)).rating_in_force == 2
    assert registry_selectors.organization_eligibility(org, end).rating_in_force is None
    event = AuditEvent.objects.filter(action="assessment_application.sanctioned").get()
    assert (
        event.old_values["level"] == 4
        and event.new_values["level"] == 2
        and event.new_values["status"] == "downgraded"
    )
    assert event.reason == "评估中提供的服务台账与实际不符"

    # and revoking on a finding that is not serious is refused with the rule's code and article
    with pytest.raises(ServiceError) as caught:
        services.rating_sanction(
            actor=registrar,
            application=rated,
            kind="revoke",
            finding="penalty",
            reason="受到罚款",
            decision_no="湘民评〔2027〕10号",
        )
    assert caught.value.code == "assessment.revocation_not_serious" and caught.value.field == "kind"
    assert "第三十条 [U]" in caught.value.params["citation"]

    # but with serious circumstances it revokes the 2A; nothing is left in force
    second = services.rating_sanction(
        actor=registrar,
        application=rated,
        kind="revoke",
        finding="penalty",
        reason="受到限期停止活动的行政处罚",
        decision_no="湘民评〔2027〕10号",
        serious=True,
    )
    assert second.level_after is None and second.rating_before == first.rating_after
    rated.refresh_from_db()
    assert rated.status == ApplicationStatus.REVOKED
    assert registry_selectors.organization_eligibility(rated.organization).rating_in_force is None
    assert list(
        AuditEvent.objects.filter(object_type="assessment.application", object_id=str(rated.pk))
        .filter(action="assessment_application.sanctioned")
        .values_list("new_values__status", flat=True)
    ) == ["downgraded", "revoked"]

    # and a revoked rating cannot be sanctioned again
    with pytest.raises(Conflict) as again:
        services.rating_sanction(
            actor=registrar,
            application=rated,
            kind="revoke",
            finding="serious_list",
            reason="列入严重违法失信名单",
            decision_no="湘民评〔2027〕11号",
        )
    assert again.value.code == "assessment.rating_not_in_force"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"level": 4}, "assessment.downgrade_level_invalid", "level"),
        ({"level": None}, "assessment.downgrade_level_invalid", "level"),
        ({"finding": "tax"}, "assessment.finding_unknown", "finding"),
        ({"kind": "suspend"}, "assessment.sanction_unknown", "kind"),
        ({"reason": " "}, "assessment.reason_required", "reason"),
        ({"decision_no": ""}, "assessment.decision_no_required", "decision_no"),
    ],
)
def test_bad_input_is_refused_beside_its_field(
    registrar: User, rated: Application, overrides: dict[str, Any], code: str, field: str
) -> None:
    args: dict[str, Any] = {
        "kind": "downgrade",
        "finding": "annual_failed",
        "reason": "2027年度检查不合格",
        "decision_no": "湘民评〔2027〕12号",
        "level": 3,
    }
    with pytest.raises(ServiceError) as caught:
        services.rating_sanction(actor=registrar, application=rated, **{**args, **overrides})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Sanction.objects.exists() and awarded(rated).revoked_on is None


def test_only_the_authority_sanctions_and_only_a_rated_application(
    registrar: User, rated: Application, make_user: Any, applicant: Callable[..., User], round_: Round
) -> None:
    auditor = make_user("auditor")
    with pytest.raises(PermissionDenied):
        services.rating_sanction(
            actor=auditor,
            application=rated,
            kind="revoke",
            finding="serious_list",
            reason="列入严重违法失信名单",
            decision_no="湘民评〔2027〕13号",
        )
    assert awarded(rated).revoked_on is None


def test_the_form_on_the_application_page_and_the_api(registrar: User, rated: Application) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(f"/assessment/applications/{rated.pk}/")
    assert page.status_code == 200 and "降低或取消评估等级" in page.content.decode()

    # a refusal is shown beside its field with its status
    refused = client.post(
        f"/assessment/applications/{rated.pk}/sanction/",
        {"kind": "downgrade", "finding": "penalty", "reason": "罚款", "decision_no": "湘民评〔2027〕14号"},
    )
    assert refused.status_code == 400 and "不低于1A" in refused.content.decode()

    done = client.post(
        f"/assessment/applications/{rated.pk}/sanction/",
        {
            "kind": "downgrade",
            "finding": "penalty",
            "level": "3",
            "reason": "受到警告的行政处罚",
            "decision_no": "湘民评〔2027〕14号",
        },
    )
    assert done.status_code == 302
    rated.refresh_from_db()
    assert rated.status == ApplicationStatus.DOWNGRADED
    assert "3A" in client.get(f"/assessment/applications/{rated.pk}/").content.decode()

    # the API revokes on the serious credit list without more
    answer = client.post(
        f"/api/v1/assessment/applications/{rated.pk}/sanctions",
        {
            "kind": "revoke",
            "finding": "serious_list",
            "reason": "列入严重违法失信名单",
            "decision_no": "湘民评〔2027〕15号",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["level_before"] == 3 and answer.json()["level_after"] is None
    again = client.post(
        f"/api/v1/assessment/applications/{rated.pk}/sanctions",
        {"kind": "revoke", "finding": "serious_list", "reason": "重复", "decision_no": "湘民评〔2027〕16号"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "assessment.rating_not_in_force"
