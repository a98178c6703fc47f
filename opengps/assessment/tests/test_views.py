"""Assessment pages: each role's screen renders in Chinese with labels (not codes), each action posts
to its own URL, a refusal is shown beside its field with the refusal's status, and the public notice
takes objections from anyone (rate-limited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opengps.accounts.models import User
from opengps.assessment import documents, services
from opengps.assessment.models import Application, ApplicationStatus, Objection, Round
from opengps.assessment.tests.conftest import SELF
from opengps.core import pdf

SHEETS = [
    {"A1": "140", "B1": "230", "C1": "370.5", "D1": "180"},
    {"A1": "135", "B1": "220", "C1": "360", "D1": "185.25"},
]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form_scores(scores: dict[str, str], prefix: str = "score_") -> dict[str, str]:
    return {f"{prefix}{code}": value for code, value in scores.items()}


def test_the_registrar_opens_a_round_and_a_refusal_sits_beside_its_field(
    registrar: User, indicator_set: Any, evaluator_unit: Any
) -> None:
    client = client_for(registrar)
    page = client.get("/assessment/rounds/new/")
    assert page.status_code == 200 and "启动评估" in page.content.decode()
    plain = {
        "name": "2027年度评估",
        "registration_level": "province",
        "indicator_set": indicator_set.pk,
        "opens_on": "2027-03-01",
        "closes_on": "2027-03-31",
        "body": evaluator_unit.pk,
        "body_reason": "",
        "assessors_required": "2",
    }
    refused = client.post("/assessment/rounds/new/", plain)
    assert refused.status_code == 400
    assert "请填写确定评估机构的理由" in refused.content.decode()
    made = client.post("/assessment/rounds/new/", {**plain, "body_reason": "政府购买服务确定"})
    assert made.status_code == 302
    round_ = Round.objects.get()
    assert made["Location"] == f"/assessment/rounds/{round_.pk}/"
    detail = client.get(made["Location"]).content.decode()
    assert (
        "湖南明鉴绩效评价事务所" in detail
        and "评估进行中" in detail
        and "open" not in detail.split("<h1>")[1][:200]
    )


def test_bad_weights_on_the_sets_page_are_shown_beside_the_items(registrar: User, today: date) -> None:
    response = client_for(registrar).post(
        "/assessment/sets/",
        {
            "org_type": "social_group",
            "name": "社会团体指标",
            "effective_from": "2027-01-01",
            "total_points": "100",
            "items": "A1|基础条件|登记|40\nB1|内部治理|治理|50",
        },
    )
    assert response.status_code == 400
    assert "各项指标分值合计 90，与指标体系总分 100 不一致" in response.content.decode()
    good = client_for(registrar).post(
        "/assessment/sets/",
        {
            "org_type": "social_group",
            "name": "社会团体指标",
            "effective_from": "2027-01-01",
            "total_points": "100",
            "items": "A1|基础条件|登记|40\nB1|内部治理|治理|60",
        },
    )
    assert good.status_code == 302
    assert "社会团体指标（第1版）" in client_for(registrar).get("/assessment/sets/").content.decode()


def test_an_organization_applies_uploads_and_the_evaluator_scores_on_the_form(
    registrar: User, round_: Round, assessors: list[User], applicant: Callable[..., User]
) -> None:
    member = applicant()
    org_client = client_for(member)
    assert "申报本轮评估" in org_client.get(f"/assessment/rounds/{round_.pk}/").content.decode()
    bad = org_client.post(f"/assessment/rounds/{round_.pk}/apply/", {**form_scores({**SELF, "A1": "151"})})
    assert bad.status_code == 400
    assert "得分应在0至150.00之间" in bad.content.decode()
    applied = org_client.post(f"/assessment/rounds/{round_.pk}/apply/", form_scores(SELF))
    app = Application.objects.get()
    assert applied["Location"] == f"/assessment/applications/{app.pk}/"
    wrong = org_client.post(
        f"/assessment/applications/{app.pk}/evidence/",
        {"file": SimpleUploadedFile("报告.pdf", b"not a pdf")},
    )
    assert wrong.status_code == 400 and "类型不符" in wrong.content.decode()
    uploaded = org_client.post(
        f"/assessment/applications/{app.pk}/evidence/",
        {"file": SimpleUploadedFile("报告.pdf", b"%PDF-1.4 test")},
    )
    assert uploaded.status_code == 302
    evidence = app.evidence.get()
    assert org_client.get(f"/assessment/evidence/{evidence.pk}/").status_code == 200

    screened = client_for(registrar).post(f"/assessment/applications/{app.pk}/screen/", {})
    assert screened.status_code == 302
    assessor_client = client_for(assessors[0])
    form = assessor_client.get(f"/assessment/applications/{app.pk}/score/")
    assert form.status_code == 200 and "A1 法人资格与登记备案" in form.content.decode()
    sheet = {
        **form_scores(SHEETS[0]),
        "visited_on": "2027-03-01",
        "visit_record": "实地考察",
        "comment_C1": "台账完整",
    }
    done = assessor_client.post(f"/assessment/applications/{app.pk}/score/", sheet)
    assert done.status_code == 302
    assert app.sheets.get().comments == {"C1": "台账完整"}
    page = client_for(registrar).get(f"/assessment/applications/{app.pk}/").content.decode()
    assert "实地考察" in page and "社会组织申报评估" in page  # the timeline's labels, not codes
    assert "assessment_application.submitted" not in page
    # a stranger cannot see the application; another organization's member neither
    stranger = applicant()
    assert client_for(stranger).get(f"/assessment/applications/{app.pk}/").status_code == 404


def test_the_public_notice_takes_objections_and_limits_their_rate(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    clock_at: Callable[..., None],
) -> None:
    member = applicant()
    app = services.application_submit(actor=member, round=round_, self_scores=SELF)
    app = services.application_screen(actor=registrar, application=app)
    for assessor, scores in zip(assessors, SHEETS, strict=True):
        services.sheet_submit(
            actor=assessor, application=app, scores=scores, visited_on=date(2027, 3, 1), visit_record="考察"
        )
    services.committee_propose(actor=registrar, round=round_, note="审定")
    clock_at(date(2027, 4, 1), tick=False)
    services.notice_publish(actor=registrar, round=round_)

    public = Client()
    page = public.get(f"/assessment/notices/{round_.pk}/").content.decode()
    assert "5A" in page and "公示期内任何单位和个人均可提出异议，截止 2027-04-07" in page
    missing = public.post(f"/assessment/notices/{round_.pk}/object/", {"application": app.pk, "text": "异议"})
    assert missing.status_code == 400 and "请填写提出人姓名或名称" in missing.content.decode()
    filed = public.post(
        f"/assessment/notices/{round_.pk}/object/",
        {"application": app.pk, "filer_name": "张先生", "filer_contact": "137", "text": "服务质量不符"},
    )
    assert filed.status_code == 302
    for _attempt in range(3):
        public.post(f"/assessment/notices/{round_.pk}/object/", {"application": app.pk})
    limited = public.post(f"/assessment/notices/{round_.pk}/object/", {"application": app.pk})
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()

    # the registrar reviews it on the round page; an upheld objection needs the new level
    objection = Objection.objects.get()
    client = client_for(registrar)
    review = {"objection": objection.pk, "upheld": "1", "decision": "成立"}
    incomplete = client.post(f"/assessment/rounds/{round_.pk}/review/", review)
    assert incomplete.status_code == 400 and "异议成立时请选择复核后等级" in incomplete.content.decode()
    assert client.post(f"/assessment/rounds/{round_.pk}/review/", {**review, "level": "4"}).status_code == 302
    early = client.post(f"/assessment/rounds/{round_.pk}/decide/", {"decision_no": "湘民评〔2027〕9号"})
    assert early.status_code == 400 and "至 2027-04-07 届满" in early.content.decode()
    clock_at(date(2027, 4, 8), tick=False)
    client = client_for(registrar)  # an official's session ends after a short idle time: sign in again
    decided = client.post(f"/assessment/rounds/{round_.pk}/decide/", {"decision_no": "湘民评〔2027〕9号"})
    assert decided.status_code == 302 and decided["Location"] == f"/assessment/rounds/{round_.pk}/"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RATED
    final = public.get(f"/assessment/notices/{round_.pk}/").content.decode()
    assert "评估决定 湘民评〔2027〕9号" in final and "4A" in final and "137" not in final

    # and the certificate is a PDF with its fonts embedded, public as the rating is
    certificate = public.get(f"/assessment/applications/{app.pk}/certificate.pdf")
    assert certificate.status_code == 200 and certificate["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF") and b"/FontFile2" in certificate.content
    text = pdf.texts(documents.certificate(Application.objects.get(pk=app.pk)).story)
    assert "4A" in text and app.organization.uscc in text and "2032-04-07" in text  # valid through
    assert public.get(f"/assessment/applications/{app.pk + 1000}/certificate.pdf").status_code == 404


def test_pages_refuse_the_wrong_role_with_a_label_not_a_500(
    registrar: User, round_: Round, applicant: Callable[..., User], make_user: Any
) -> None:
    member = applicant()
    app = services.application_submit(actor=member, round=round_, self_scores=SELF)
    services.application_screen(actor=registrar, application=app)
    refused = client_for(registrar).get(f"/assessment/applications/{app.pk}/score/")
    assert refused.status_code == 403 and "只有本轮评估机构的评估人员可以评分" in refused.content.decode()
    supplier_new_round = client_for(member).get("/assessment/rounds/new/")
    assert supplier_new_round.status_code == 403
    assert client_for(member).get("/assessment/").status_code == 200
    assert Client().get("/assessment/").status_code == 302  # sign in first
    assert Client().get("/assessment/notices/").status_code == 200
    sets = Client().get("/api/v1/assessment/sets").json()
    assert [(s["org_type"], s["version"], len(s["items"])) for s in sets] == [("social_service_agency", 1, 4)]
