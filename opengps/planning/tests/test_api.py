"""The planning and catalogue API end to end: session auth, structured errors, public reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.planning.models import BudgetLine, Project
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_reads_catalogue_and_intentions_without_login(small_catalogue: Any) -> None:
    client = _client()
    versions = client.get("/api/v1/catalog/versions").json()
    assert [v["title"] for v in versions] == [small_catalogue.title]
    detail = client.get(f"/api/v1/catalog/versions/{small_catalogue.pk}").json()
    codes = {item["code"]: item for item in detail["items"]}
    assert codes["A0401"]["prices"][0]["price"] == "60.00" and codes["N05"]["kind"] == "negative"
    export = client.get(f"/api/v1/catalog/versions/{small_catalogue.pk}/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client.get("/api/v1/planning/intentions").json() == []
    assert client.get("/api/v1/planning/projects").json() == []
    assert client.post("/api/v1/planning/plans", {}, content_type="application/json").status_code == 401


def test_plan_over_budget_returns_the_structured_error(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given
    line = make_line("200000")
    project = make_project("300000")
    client = _client(purchaser)
    # when
    response = client.post(
        "/api/v1/planning/plans",
        {
            "project_id": project.pk,
            "budget_line_id": line.pk,
            "method": "competitive_consultation",
            "procurement_starts_on": str(TODAY + timedelta(days=40)),
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "planning.budget_insufficient"
    assert error["field"] == "budget_line" and error["params"]["shortfall"] == "100000.00"
    assert line.code in error["message"]
    lines = client.get("/api/v1/planning/budget-lines").json()
    assert lines[0]["available"] == "200000.00" and lines[0]["committed"] == "0.00"


def test_plan_flow_through_the_api(
    purchaser: Any, finance: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("3000000")
    project = make_project("2500000")
    client = _client(purchaser)
    options = client.get(
        "/api/v1/planning/method-options", {"amount": "2500000", "on_date": "2026-04-11", "facts": ""}
    ).json()
    consultation = next(o for o in options if o["method"] == "competitive_consultation")
    assert consultation["allowed"] and consultation["approval_needed"]
    created = client.post(
        "/api/v1/planning/plans",
        {
            "project_id": project.pk,
            "budget_line_id": line.pk,
            "method": "competitive_consultation",
            "procurement_starts_on": str(TODAY + timedelta(days=40)),
            "requirements": "投标人须成立满3年。",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["compliance_findings"][0]["rule_code"] == "compliance.years_established"
    refused = client.post(f"/api/v1/planning/plans/{plan['id']}/submit")
    assert refused.json()["error"]["code"] == "planning.compliance_unconfirmed"
    client.post(
        f"/api/v1/planning/plans/{plan['id']}/requirements",
        {"requirements": "服务期一年。"},
        content_type="application/json",
    )
    assert client.post(f"/api/v1/planning/plans/{plan['id']}/submit").json()["status"] == "pending_approval"
    approved = _client(finance).post(
        f"/api/v1/planning/plans/{plan['id']}/approve-method",
        {"note": "同意"},
        content_type="application/json",
    )
    assert approved.json()["status"] == "ready"
    intention = client.post(
        f"/api/v1/planning/plans/{plan['id']}/intention", {}, content_type="application/json"
    )
    assert intention.status_code == 201
    public = _client().get("/api/v1/planning/intentions").json()
    assert public[0]["title"] == project.name and public[0]["budget_amount"] == "2500000.00"


def test_compliance_check_endpoint_cites_clauses() -> None:
    response = _client().post(
        "/api/v1/planning/compliance-check",
        {"text": "供应商注册资本不低于500万元。服务期一年。"},
        content_type="application/json",
    )
    findings = response.json()
    assert [f["rule_code"] for f in findings] == ["compliance.size"]
    assert "第十七条" in findings[0]["citation"]


def test_a_project_is_patched_through_the_api_only_while_editable(
    purchaser: Any, head: Any, make_project: Callable[..., Project]
) -> None:
    # given a draft
    project = make_project("300000", approve=False)
    client = _client(purchaser)
    # when two fields are patched
    response = client.patch(
        f"/api/v1/planning/projects/{project.pk}",
        {"estimated_amount": "310000", "recipients": "辖区特困老年人"},
        content_type="application/json",
    )
    # then only they change, and the timeline shows old → new
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["estimated_amount"], body["recipients"], body["item_codes"]) == (
        "310000.00",
        "辖区特困老年人",
        ["A0401"],
    )
    timeline = client.get(f"/api/v1/planning/projects/{project.pk}/timeline").json()
    assert timeline[-1]["action"] == "project.changed"
    assert timeline[-1]["old"]["estimated_amount"] == "300000.00"
    assert timeline[-1]["new"]["estimated_amount"] == "310000.00"
    # an approved project answers 409 with the stable code
    approved = make_project("200000", name="社区助餐")
    refused = client.patch(
        f"/api/v1/planning/projects/{approved.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "planning.project_not_editable"
    anonymous = _client().patch(
        f"/api/v1/planning/projects/{project.pk}", {}, content_type="application/json"
    )
    assert anonymous.status_code == 401
