"""Screens: editing a returned project, its timeline, and the plan form's method preview (htmx and no JS)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.planning.models import BudgetLine, Project, PurchasePlan
from opengps.planning.services import (
    demand_survey_record,
    intention_publish,
    plan_create,
    plan_submit,
    project_return,
    project_submit,
)
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _form(project: Project, **changes: Any) -> dict[str, Any]:
    data = {
        "name": project.name,
        "fiscal_year": str(project.fiscal_year),
        "items": [str(i.pk) for i in project.items.all()],
        "description": project.description,
        "quantity": str(project.quantity),
        "quantity_unit": project.quantity_unit,
        "estimated_amount": str(project.estimated_amount),
        "recipients": project.recipients,
        "area": project.area_id,
        "term_start": project.term_start.isoformat(),
        "term_end": project.term_end.isoformat(),
        "term_reason": project.term_reason,
        "is_public_service": "on",
    }
    return {**data, **changes}


def test_a_unit_edits_its_returned_project_and_the_head_sees_the_change(
    purchaser: Any, head: Any, make_project: Callable[..., Project]
) -> None:
    # given a project the unit head returned for changes
    project = make_project("300000", approve=False)
    demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 1),
        respondents=80,
        findings="需求明确",
    )
    project = project_return(
        actor=head, project=project_submit(actor=purchaser, project=project), reason="补充测算"
    )
    unit = _client(purchaser)
    detail = unit.get(f"/planning/projects/{project.pk}/").content.decode()
    assert (
        "已退回修改" in detail and "补充测算" in detail and f"/planning/projects/{project.pk}/edit/" in detail
    )
    # the edit form is filled with the project, its item selected
    form = unit.get(f"/planning/projects/{project.pk}/edit/").content.decode()
    item = project.items.get()
    assert f'<option value="{item.pk}" selected>' in form and 'value="300000.00"' in form
    # when a wrong term is submitted: the form comes back with the error by the field, values kept
    bad = unit.post(
        f"/planning/projects/{project.pk}/edit/", _form(project, term_end="2027-09-30", quantity="1500")
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and 'id="err-term_reason"' in body and 'value="1500"' in body
    # when corrected: saved
    done = unit.post(f"/planning/projects/{project.pk}/edit/", _form(project, quantity="1500"))
    assert done.status_code == 302
    project.refresh_from_db()
    assert str(project.quantity) == "1500.00"
    # then the unit head reads the change, old → new, on the project page
    page = _client(head).get(f"/planning/projects/{project.pk}/").content.decode()
    assert "项目动态" in page and "修改项目" in page
    assert "<del>1200.00</del> → <ins>1500.00</ins>" in page


def test_editing_is_refused_on_screen_once_submitted(
    purchaser: Any, make_project: Callable[..., Project]
) -> None:
    project = make_project("300000")  # approved
    unit = _client(purchaser)
    page = unit.get(f"/planning/projects/{project.pk}/edit/")
    assert (
        "planning.project_not_editable" in page.content.decode()
        and 'name="name"' not in page.content.decode()
    )
    refused = unit.post(f"/planning/projects/{project.pk}/edit/", _form(project, name="改名"))
    assert refused.status_code == 409
    project.refresh_from_db()
    assert project.name != "改名"
    assert (
        f"/planning/projects/{project.pk}/edit/"
        not in unit.get(f"/planning/projects/{project.pk}/").content.decode()
    )


def test_the_new_project_form_keeps_the_chosen_items_after_an_error(
    purchaser: Any, small_catalogue: Any
) -> None:
    item = small_catalogue.items.get(code="A0901")
    response = _client(purchaser).post(
        "/planning/projects/new/",
        {
            "name": "社工站",
            "fiscal_year": "2026",
            "items": [str(item.pk)],
            "term_start": "2026-05-01",
            "term_end": "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'id="err-term_end"' in body
    assert f'<option value="{item.pk}" selected>' in body


def test_the_plan_form_previews_the_method_decisions(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("3000000")
    project = make_project("2500000")
    unit = _client(purchaser)
    # the project page shows, before any input, every method's decision for the estimated amount
    page = unit.get(f"/planning/projects/{project.pk}/").content.decode()
    assert 'id="method-preview"' in page and 'hx-get="/planning/method-preview/"' in page
    assert "竞争性磋商" in page and "须财政部门批准" in page
    # htmx asks for the partial when the amount or the facts change
    partial = unit.get(
        "/planning/method-preview/",
        {"amount": "800000", "procurement_starts_on": "2026-05-06", "method": "competitive_consultation"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert partial.startswith('<div id="method-preview"') and "<html" not in partial
    assert "已选" in partial and "须财政部门批准" not in partial  # below the open-tender threshold
    high = unit.get("/planning/method-preview/", {"amount": "2500000", "facts": "urgent"}).content.decode()
    assert "须财政部门批准" in high and "第" in high  # reasons come with their citations
    broken = unit.get("/planning/method-preview/", {"amount": "abc"}).content.decode()
    assert "暂不能判断采购方式" in broken
    # without JS, the preview button re-renders the page with the decisions and saves nothing
    form = {
        "budget_line": str(line.pk),
        "amount": "2500000",
        "method": "competitive_consultation",
        "procurement_starts_on": str(TODAY + timedelta(days=40)),
        "facts": ["complex_or_unspecifiable"],
        "requirements": "",
    }
    preview = unit.post(f"/planning/projects/{project.pk}/plan/", {**form, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200 and not PurchasePlan.objects.exists()
    assert 'value="complex_or_unspecifiable" checked' in body and "已选" in body
    # a refused submit shows the error by the field together with the decisions
    refused = unit.post(f"/planning/projects/{project.pk}/plan/", {**form, "method": "single_source"})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="err-method"' in body and "planning.method_not_allowed" in body
    assert 'id="method-preview"' in body and '<option value="single_source" selected>' in body
    assert not PurchasePlan.objects.exists()
    # a valid submit saves the plan
    saved = unit.post(f"/planning/projects/{project.pk}/plan/", form)
    assert saved.status_code == 302 and PurchasePlan.objects.count() == 1


def test_plan_detail_states_the_intention_in_one_sentence(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    plan = plan_create(
        actor=purchaser,
        project=make_project("300000"),
        budget_line=make_line("500000"),
        method="competitive_consultation",
        procurement_starts_on=TODAY + timedelta(days=40),
    )
    intention = intention_publish(actor=purchaser, plan=plan_submit(actor=purchaser, plan=plan))
    page = _client(purchaser).get(f"/planning/plans/{plan.pk}/").content.decode()
    published, latest = f"{intention.published_on:%Y-%m-%d}", f"{intention.latest_allowed_on:%Y-%m-%d}"
    assert f"采购意向已于 {published} 公开（最迟应于 {latest} 公开，依据：{intention.citation}）。" in page
    assert "批复金额" in page
    english = _client(purchaser)
    english.cookies["django_language"] = "en"
    page = english.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert f"The purchase intention was published on {published} (deadline for publication: {latest};" in page
    assert "Approved amount" in page
