"""Performance screens and API: parties' pages, the public survey with its QR code, the report as
web page and PDF, templates, the registry profile's history and the recommendation link."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.core.models import AuditEvent
from opengps.demo.world import INDICATORS
from opengps.performance import services
from opengps.performance.models import IndicatorTemplate, ListingRecommendation, SurveyResponse
from opengps.performance.tests.test_services import MEASURED, RAW

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _finalized(purchaser: Any, evaluator_user: Any, evaluation: Any) -> Any:
    for party, user in (("purchaser", purchaser), ("third_party", evaluator_user)):
        services.evaluation_score_submit(
            actor=user, evaluation=evaluation, scores=RAW[party], measured={"quality.rate": MEASURED[party]}
        )
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=2)
    services.survey_answer(token=evaluation.survey_token, code=codes[0], answer=4, source="10.9.9.9")
    return services.evaluation_finalize(actor=purchaser, evaluation=evaluation)


def test_parties_see_their_work_and_score_through_the_page(
    purchaser: Any, winner_user: Any, evaluator_user: Any, evaluation: Any, contract: Any
) -> None:
    # each party finds the evaluation on its work list
    for user in (purchaser, winner_user, evaluator_user):
        page = _client(user).get(reverse("performance:index"))
        assert page.status_code == 200 and contract.title in page.content.decode()
    # the supplier submits its self-evaluation through the form
    client = _client(winner_user)
    data = {f"score-{k}": v for k, v in RAW["self"].items()} | {
        "measure-quality.rate": "99",
        "comment": "自评",
    }
    response = client.post(reverse("performance:score", args=[evaluation.pk]), data)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="performance.self_submitted").count() == 1
    # a missing score is shown on the page, nothing stored
    bad = _client(purchaser).post(
        reverse("performance:score", args=[evaluation.pk]), {"score-quantity": "90"}
    )
    assert bad.status_code == 400 and "请为指标" in bad.content.decode()
    # an outsider cannot read an open evaluation
    assert Client().get(reverse("performance:evaluation", args=[evaluation.pk])).status_code == 404


def test_codes_page_shows_codes_and_a_qr_svg(purchaser: Any, evaluation: Any) -> None:
    client = _client(purchaser)
    page = client.post(reverse("performance:codes", args=[evaluation.pk]), {"count": "3"})
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    qr = Client().get(reverse("performance:survey_qr", args=[evaluation.survey_token]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    detail = client.get(reverse("performance:evaluation", args=[evaluation.pk])).content.decode()
    assert reverse("performance:survey", args=[evaluation.survey_token]) in detail


def test_public_survey_page_one_answer_per_code_and_throttled(purchaser: Any, evaluation: Any) -> None:
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=15)
    url = reverse("performance:survey", args=[evaluation.survey_token])
    anonymous = Client(REMOTE_ADDR="192.0.2.10")
    page = anonymous.get(url)
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    assert anonymous.post(url, {"code": codes[0], "answer": "5"}).status_code == 200
    again = anonymous.post(url, {"code": codes[0], "answer": "1"})
    assert again.status_code == 409 and "已提交过评价" in again.content.decode()
    statuses = [anonymous.post(url, {"code": c, "answer": "1"}).status_code for c in codes[1:]]
    assert 429 in statuses
    # the flood changed at most what the limit allows
    assert SurveyResponse.objects.count() <= services.SURVEY_RATE[0]


def test_report_web_and_pdf_and_publication(purchaser: Any, evaluator_user: Any, evaluation: Any) -> None:
    done = _finalized(purchaser, evaluator_user, evaluation)
    client = _client(purchaser)
    report = client.get(reverse("performance:report", args=[done.pk]))
    assert report.status_code == 200 and str(done.score) in report.content.decode()
    pdf = client.get(reverse("performance:report_pdf", args=[done.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # before publication the public cannot read it; after, anyone can
    assert Client().get(reverse("performance:report", args=[done.pk])).status_code == 404
    assert client.post(reverse("performance:publish", args=[done.pk])).status_code == 302
    public = Client()
    assert public.get(reverse("performance:report", args=[done.pk])).status_code == 200
    assert done.contract.title in public.get(reverse("performance:index")).content.decode()
    data = public.get(f"/api/v1/performance/evaluations/{done.pk}").json()
    assert data["score"] == float(done.score) or str(data["score"]) == str(done.score)
    assert [p["party"] for p in data["parties"]] == ["purchaser", "third_party"]


def test_templates_page_and_the_finance_form(finance_user: Any, template: Any, purchaser: Any) -> None:
    client = _client(finance_user)
    assert "通用绩效指标" in Client().get(reverse("performance:templates")).content.decode()
    form = client.get(reverse("performance:template_edit", args=[template.pk]))
    assert form.status_code == 200 and "quality.rate" in form.content.decode()
    lines = "a | 产出 | 60 |  |  | \nb | 满意度 | 30 |  | 是 | "
    data = {
        "name": "错误",
        "indicators": lines,
        "weight_self": "10",
        "weight_purchaser": "50",
        "weight_third_party": "40",
    }
    bad = client.post(reverse("performance:template_new"), data)
    assert bad.status_code == 400 and "权重合计为 90" in bad.content.decode()
    assert IndicatorTemplate.objects.count() == 1
    assert client.get(reverse("performance:template_new")).status_code == 200
    # and only the finance department may open the form
    assert _client(purchaser).get(reverse("performance:template_new")).status_code == 403


def test_api_refuses_weights_not_summing_to_100_with_the_code(finance_user: Any) -> None:
    items = [dict(i) for i in INDICATORS]
    items[0]["weight"] = "70"
    response = _client(finance_user).post(
        "/api/v1/performance/templates",
        json.dumps(
            {
                "name": "x",
                "indicators": items,
                "source_weights": {"self": 10, "purchaser": 50, "third_party": 40},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "performance.weights_not_100"


def test_api_scores_survey_and_history(
    purchaser: Any, evaluator_user: Any, evaluation: Any, contract: Any
) -> None:
    client = _client(purchaser)
    payload = {"scores": RAW["purchaser"], "measured": {"quality.rate": "90"}}
    response = client.post(
        f"/api/v1/performance/evaluations/{evaluation.pk}/scores",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["party"] == "purchaser"
    codes = client.post(
        f"/api/v1/performance/evaluations/{evaluation.pk}/codes",
        json.dumps({"count": 2}),
        content_type="application/json",
    ).json()["codes"]
    survey = Client(REMOTE_ADDR="192.0.2.20")
    url = f"/api/v1/performance/survey/{evaluation.survey_token}"
    assert (
        survey.post(
            url, json.dumps({"code": codes[0], "answer": 5}), content_type="application/json"
        ).status_code
        == 201
    )
    twice = survey.post(url, json.dumps({"code": codes[0], "answer": 5}), content_type="application/json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "performance.code_used"
    assert [row["id"] for row in client.get("/api/v1/performance/work").json()] == [evaluation.pk]
    history = Client().get(f"/api/v1/performance/suppliers/{contract.supplier.uscc}/history").json()
    assert history["entries"] == [] and history["flagged"] is False


def test_registry_profile_shows_history_and_the_recommendation_link_both_ways(
    registrar: Any, contract: Any
) -> None:
    org = contract.supplier
    for n in range(2):
        services.performance_history_record(
            actor=None,
            organization=org,
            source="grant",
            reference=f"GR-{n}",
            grade="差",
            occurred_on=date.today(),
        )
    rec = ListingRecommendation.objects.get(organization=org)
    profile = Client().get(reverse("registry:detail", args=[org.uscc])).content.decode()
    assert "GR-1" in profile and reverse("performance:recommendation", args=[rec.pk]) in profile
    client = _client(registrar)
    manage = client.get(reverse("registry:manage-org", args=[org.uscc]) + f"?recommendation={rec.pk}")
    assert manage.status_code == 200 and f'value="{rec.pk}"' in manage.content.decode()
    response = client.post(
        reverse("registry:manage-org-list", args=[org.uscc]),
        {
            "list-kind": "abnormal",
            "list-reason": "绩效评价多次不合格",
            "list-decision_document": "湘民决〔2025〕7号",
            "list-listed_on": date.today().isoformat(),
            "list-recommendation_id": str(rec.pk),
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "listed"
    page = Client().get(reverse("performance:recommendation", args=[rec.pk])).content.decode()
    assert "湘民决〔2025〕7号" in page
    assert (
        reverse("performance:recommendation", args=[rec.pk])
        in Client().get(reverse("registry:detail", args=[org.uscc])).content.decode()
    )


def test_purchaser_rates_conduct_from_the_page_and_finance_sees_it(
    purchaser: Any, award: Any, finance_user: Any
) -> None:
    member = award.evaluation.members.order_by("pk").first()
    page = _client(purchaser).get(reverse("performance:index")).content.decode()
    assert member.name in page
    response = _client(purchaser).post(reverse("performance:conduct", args=[member.pk]), {"rating": "good"})
    assert response.status_code == 302
    finance_page = _client(finance_user).get(reverse("performance:index")).content.decode()
    assert "评审专家履职评价记录" in finance_page and member.name in finance_page
    assert _client(finance_user).get("/api/v1/performance/conduct").json()[0]["member_id"] == member.pk


def test_registration_and_audit_screens(
    registrar: Any, auditor: Any, purchaser: Any, evaluation: Any
) -> None:
    org = evaluation.contract.supplier
    for n in range(2):
        services.performance_history_record(
            actor=None,
            organization=org,
            source="grant",
            reference=f"GR-{n}",
            grade="差",
            occurred_on=date.today(),
        )
    rec = ListingRecommendation.objects.get(organization=org)
    # the registration authority finds the recommendation on its list and may decline it from the page
    page = _client(registrar).get(reverse("performance:index")).content.decode()
    assert reverse("performance:recommendation", args=[rec.pk]) in page
    detail = _client(registrar).get(reverse("performance:recommendation", args=[rec.pk])).content.decode()
    assert "决定不列入" in detail and "GR-1" in detail
    response = _client(registrar).post(
        reverse("performance:recommendation_decline", args=[rec.pk]), {"note": "已整改"}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "declined"
    # auditors read every evaluation but score nothing
    assert evaluation.contract.title in _client(auditor).get(reverse("performance:index")).content.decode()
    assert _client(auditor).get(reverse("performance:evaluation", args=[evaluation.pk])).status_code == 200
    refused = _client(auditor).post(
        reverse("performance:score", args=[evaluation.pk]), {"score-quantity": "90"}
    )
    assert refused.status_code == 403
