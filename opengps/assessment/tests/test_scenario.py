"""Issue 24 acceptance: round → application → assessment → committee → notice with an objection →
review → decision → the rating visible in eligibility the same day, with the audit timeline of each.
The score equals an independent calculation from the indicator sheets; bad weights are refused; a
linked assessor is refused with the reason; a notice shorter than its period cannot be closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Unit, User
from opengps.assessment import services
from opengps.assessment.models import Application, ApplicationStatus, Round, RoundStatus
from opengps.assessment.tests.conftest import ITEMS, SELF
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.registry import selectors as registry_selectors
from opengps.registry.models import Rating

PDF = b"%PDF-1.4\n% evidence\n"
SHEETS = {
    "good": [
        {"A1": "140", "B1": "230", "C1": "370.5", "D1": "180"},
        {"A1": "135", "B1": "220", "C1": "360", "D1": "185.25"},
    ],
    "fair": [
        {"A1": "120", "B1": "200", "C1": "300", "D1": "180"},
        {"A1": "110", "B1": "190", "C1": "290", "D1": "190"},
    ],
}


def timeline(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def visit(sheet: dict[str, str]) -> dict[str, Any]:
    return {
        "scores": sheet,
        "visited_on": date(2027, 3, 1),
        "visit_record": "实地查看办公场所、财务账册和服务档案",
        "comments": {"C1": "服务台账完整"},
    }


def test_round_to_rating_visible_in_eligibility_the_same_day(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    clock_at: Callable[..., None],
    today: date,
) -> None:
    # given two applicants of the round, each with a self-assessment and evidence
    members = {
        "good": applicant(name="长沙市善行社会工作服务中心"),
        "fair": applicant(name="长沙市乐龄养老服务中心"),
    }
    apps: dict[str, Application] = {}
    for key, member in members.items():
        apps[key] = services.application_submit(
            actor=member, round=round_, self_scores=SELF, self_note="自评说明"
        )
        services.evidence_upload(actor=member, application=apps[key], name="年度审计报告.pdf", content=PDF)
    assert apps["good"].self_total == Decimal(940)

    # when the authority screens them and both assessors score each
    for key in apps:
        apps[key] = services.application_screen(actor=registrar, application=apps[key])
        assert apps[key].status == ApplicationStatus.ELIGIBLE and apps[key].screening_reasons == []
        for assessor, sheet in zip(assessors, SHEETS[key], strict=True):
            services.sheet_submit(actor=assessor, application=apps[key], **visit(sheet))
    for key in apps:
        apps[key].refresh_from_db()

    # then each score is the mean of the sheets, worked out by hand
    # good: 140+230+370.5+180 = 920.5; 135+220+360+185.25 = 900.25; mean 910.375 → 910.38 (half up)
    # fair: 800 and 780 → 790.00
    assert apps["good"].status == ApplicationStatus.ASSESSED
    assert apps["good"].score == Decimal("910.38")
    assert apps["fair"].score == Decimal("790.00")

    # when the committee proposes levels by the bands (901 → 5A, 751 → 4A)
    services.committee_propose(actor=registrar, round=round_, note="评估委员会第一次会议审定")
    for key in apps:
        apps[key].refresh_from_db()
    assert (apps["good"].proposed_level, apps["fair"].proposed_level) == (5, 4)

    # and publishes them on 2027-04-01; a member of the public objects to the fair one
    notice_day = date(2027, 4, 1)
    clock_at(notice_day, tick=False)
    round_ = services.notice_publish(actor=registrar, round=round_)
    assert round_.status == RoundStatus.NOTICE
    objection = services.objection_file(
        actor=None,
        application=apps["fair"],
        text="该中心2026年服务对象投诉未整改，服务台账与实际不符",
        filer_name="王女士",
        filer_contact="13800000000",
    )

    # and the review upholds it, lowering the proposal to 3A
    objection = services.objection_review(
        actor=registrar,
        objection=objection,
        upheld=True,
        decision="经复核，服务台账存在不实记录，调整为3A",
        level=3,
    )
    apps["fair"].refresh_from_db()
    assert apps["fair"].proposed_level == 3 and objection.level_before == 4 and objection.level_after == 3

    # then the notice cannot be closed on its 7th day (2027-04-07) …
    clock_at(notice_day + timedelta(days=6), tick=False)
    with pytest.raises(ServiceError) as caught:
        services.round_decide(actor=registrar, round=round_, decision_no="湘民评〔2027〕1号")
    assert caught.value.code == "assessment.notice_running"
    assert caught.value.params["last_day"] == "2027-04-07" and "[U]" in caught.value.params["citation"]

    # … but can the day after, and the decision records the ratings
    decided_on = notice_day + timedelta(days=7)
    clock_at(decided_on, tick=False)
    round_ = services.round_decide(actor=registrar, round=round_, decision_no="湘民评〔2027〕1号")
    assert round_.status == RoundStatus.DECIDED and round_.decided_on == decided_on
    for key in apps:
        apps[key].refresh_from_db()
    good_rating = Rating.objects.get(organization=apps["good"].organization)
    assert (good_rating.level, good_rating.awarded_on, good_rating.valid_until) == (
        5,
        decided_on,
        date(2032, 4, 8),
    )
    assert apps["good"].rating == good_rating and apps["good"].status == ApplicationStatus.RATED
    assert Rating.objects.get(organization=apps["fair"].organization).level == 3

    # and eligibility sees the new grades the same day
    good = registry_selectors.organization_eligibility(apps["good"].organization)
    assert good.rating_in_force == 5 and good.priority
    assert registry_selectors.organization_eligibility(apps["fair"].organization).rating_in_force == 3

    # and each object's audit timeline tells the story in order
    assert timeline(round_) == [
        "assessment_round.opened",
        "assessment_round.committee",
        "assessment_round.notice_published",
        "assessment_round.decided",
    ]
    assert timeline(apps["fair"]) == [
        "assessment_application.submitted",
        "assessment_application.evidence_uploaded",
        "assessment_application.screened",
        "assessment_sheet.submitted",
        "assessment_sheet.submitted",
        "assessment_application.assessed",
        "assessment_application.proposed",
        "assessment_application.reviewed",
        "assessment_application.decided",
    ]
    assert timeline(objection) == ["assessment_objection.filed", "assessment_objection.reviewed"]
    assert "registry.rating_recorded" in timeline(apps["good"].organization)


def test_weights_that_do_not_sum_to_the_total_are_refused(registrar: User, today: date) -> None:
    items = [dict(item) for item in ITEMS]
    items[2]["max_points"] = "399"
    with pytest.raises(ServiceError) as caught:
        services.indicator_set_create(
            actor=registrar,
            org_type="social_service_agency",
            name="有误的指标体系",
            effective_from=today,
            total_points="1000",
            items=items,
        )
    assert caught.value.code == "assessment.indicator_total_mismatch"
    assert caught.value.field == "items"
    assert caught.value.params["sum"] == "999" and caught.value.params["total"] == "1000"
    assert "999" in caught.value.message and "1000" in caught.value.message


def test_a_linked_assessor_and_a_linked_body_are_refused_with_the_reason(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    evaluator_unit: Unit,
) -> None:
    # given an eligible application and an assessor who declared a paid service to the organization
    member = applicant()
    application = services.application_submit(actor=member, round=round_, self_scores=SELF)
    application = services.application_screen(actor=registrar, application=application)
    services.link_record(
        actor=assessors[0],
        organization=application.organization,
        relation="paid_service",
        detail="2026年为该中心开展财务培训",
        assessor=assessors[0],
    )
    # when that assessor scores, then they are refused with the reason and nothing is stored
    with pytest.raises(PermissionDenied) as caught:
        services.sheet_submit(actor=assessors[0], application=application, **visit(SHEETS["good"][0]))
    assert caught.value.code == "assessment.conflict_of_interest"
    assert (
        "近三年为该组织提供" in caught.value.message and "2026年为该中心开展财务培训" in caught.value.message
    )
    assert application.sheets.count() == 0

    # and once the authority records the body as linked, every assessor of it is refused
    services.link_record(
        actor=registrar, organization=application.organization, relation="officer", body=evaluator_unit
    )
    with pytest.raises(PermissionDenied) as body_caught:
        services.sheet_submit(actor=assessors[1], application=application, **visit(SHEETS["good"][1]))
    assert body_caught.value.params["party"] == "body"
    assert "评估机构担任该组织的理事" in body_caught.value.message


def test_the_committee_waits_for_every_assessment_and_the_decision_for_every_review(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    clock_at: Callable[..., None],
) -> None:
    member = applicant()
    application = services.application_submit(actor=member, round=round_, self_scores=SELF)
    with pytest.raises(Conflict) as unscreened:
        services.committee_propose(actor=registrar, round=round_, note="会议")
    assert unscreened.value.code == "assessment.not_all_assessed"
    application = services.application_screen(actor=registrar, application=application)
    services.sheet_submit(actor=assessors[0], application=application, **visit(SHEETS["fair"][0]))
    with pytest.raises(Conflict) as one_sheet:
        services.committee_propose(actor=registrar, round=round_, note="会议")
    assert one_sheet.value.code == "assessment.not_all_assessed"
    with pytest.raises(Conflict) as twice:
        services.sheet_submit(actor=assessors[0], application=application, **visit(SHEETS["fair"][0]))
    assert twice.value.code == "assessment.already_scored"
    services.sheet_submit(actor=assessors[1], application=application, **visit(SHEETS["fair"][1]))
    services.committee_propose(actor=registrar, round=round_, note="会议")
    clock_at(date(2027, 4, 1), tick=False)
    services.notice_publish(actor=registrar, round=round_)
    objection = services.objection_file(
        actor=member, application=application, text="我方对等级有异议，申请复核"
    )
    assert objection.filer_contact.startswith("平台账号")
    with pytest.raises(PermissionDenied) as staff:
        services.objection_file(actor=registrar, application=application, text="内部人员")
    assert staff.value.code == "assessment.staff_cannot_object"
    clock_at(date(2027, 4, 8), tick=False)
    with pytest.raises(Conflict) as late:
        services.objection_file(
            actor=None, application=application, text="晚了", filer_name="甲", filer_contact="乙"
        )
    assert late.value.code == "assessment.notice_over"
    with pytest.raises(Conflict) as pending:
        services.round_decide(actor=registrar, round=round_, decision_no="湘民评〔2027〕2号")
    assert pending.value.code == "assessment.objections_pending"
    services.objection_review(actor=registrar, objection=objection, upheld=False, decision="维持4A")
    services.round_decide(actor=registrar, round=round_, decision_no="湘民评〔2027〕2号")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RATED and application.rating is not None
    assert application.rating.level == 4
