"""Screens: the public catalogue and intentions, the unit's workbench, finance actions, errors shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.planning.models import BudgetLine, PlanStatus, Project
from opengps.planning.services import plan_create
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_pages(small_catalogue: Any) -> None:
    client = _client()
    page = client.get("/catalog/").content.decode()
    assert "居家养老上门服务" in page and "60.00" in page and "负面清单" in page
    assert client.get("/planning/").status_code == 302
    assert "采购意向公开" in client.get("/planning/intentions/").content.decode()


def test_unit_and_finance_screens(
    purchaser: Any,
    finance: Any,
    auditor: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
) -> None:
    # given a plan needing the finance department's approval, with a flagged clause
    line = make_line("3000000")
    project = make_project("2500000")
    plan = plan_create(
        actor=purchaser,
        project=project,
        budget_line=line,
        method="competitive_consultation",
        procurement_starts_on=TODAY + timedelta(days=40),
        requirements="投标人须成立满3年。",
    )
    unit = _client(purchaser)
    # the unit sees its line with derived amounts, and the warning on its plan
    page = unit.get("/planning/").content.decode()
    assert line.code in page and "<strong>500,000.00</strong>" in page  # available = 300万 − 250万, grouped
    detail = unit.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "财库〔2019〕38号 第一条第（四）项" in detail and "须财政部门批准" in detail
    # submitting unconfirmed shows the refusal above the button; confirming with a reason lets it go on
    refused = unit.post(f"/planning/plans/{plan.pk}/submit/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="plan_submit-errors"' in body and "可能构成差别歧视" in body
    confirmed = unit.post(f"/planning/plans/{plan.pk}/confirm/", {"reason": "经法律顾问审核"})
    assert confirmed.status_code == 302
    submitted = unit.post(f"/planning/plans/{plan.pk}/submit/", follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PENDING_APPROVAL
    assert "采购实施计划已提交" in submitted.content.decode() and "已处理" not in submitted.content.decode()
    # the auditor reads but cannot approve; finance approves
    assert _client(auditor).get(f"/planning/plans/{plan.pk}/").status_code == 200
    denied = _client(auditor).post(f"/planning/plans/{plan.pk}/approve-method/", {"note": "x"})
    plan.refresh_from_db()
    assert denied.status_code == 403 and plan.status == PlanStatus.PENDING_APPROVAL
    money = _client(finance)
    assert "待批准采购方式" in money.get("/planning/").content.decode()
    money.post(f"/planning/plans/{plan.pk}/approve-method/", {"note": "同意"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY
    # project pages render for the unit
    assert project.name in unit.get(f"/planning/projects/{project.pk}/").content.decode()
    assert unit.get("/planning/projects/new/").status_code == 200


def test_a_unit_proposes_a_project_through_the_form(purchaser: Any, small_catalogue: Any) -> None:
    item = small_catalogue.items.get(code="A0901")
    response = _client(purchaser).post(
        "/planning/projects/new/",
        {
            "name": "乡镇社工站运营",
            "fiscal_year": "2026",
            "items": [str(item.pk)],
            "description": "社工站运营",
            "quantity": "12",
            "quantity_unit": "站·月",
            "estimated_amount": "480000",
            "recipients": "困难群众",
            "area": "430000",
            "term_start": "2026-05-01",
            "term_end": "2026-12-31",
            "is_public_service": "on",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(name="乡镇社工站运营")
    assert list(project.items.all()) == [item]
    other = _client(purchaser).get(f"/planning/projects/{project.pk + 999}/")
    assert other.status_code == 404
