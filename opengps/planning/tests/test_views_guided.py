"""Screens of the guided path: the next step with its earliest day, the plan form that names the
earliest lawful start and refuses a closer one beside the field, editing a draft plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.planning.models import BudgetLine, PlanStatus, Project, PurchasePlan
from opengps.planning.services import intention_publish, plan_create, plan_submit
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(purchaser: Any, line: BudgetLine, project: Project) -> PurchasePlan:
    return plan_create(
        actor=purchaser,
        project=project,
        budget_line=line,
        method="competitive_consultation",
        procurement_starts_on=TODAY + timedelta(days=40),
    )


def test_the_plan_form_names_the_earliest_start_and_refuses_a_closer_one_beside_the_field(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line, project = make_line("500000"), make_project("300000")
    unit = _client(purchaser)
    page = unit.get(f"/planning/projects/{project.pk}/").content.decode()
    assert 'value="2026-04-01"' in page and "最早可选 2026-04-01" in page
    assert "编制采购实施计划" in page and 'id="next-step"' in page
    response = unit.post(
        f"/planning/projects/{project.pk}/plan/",
        {"budget_line": line.pk, "method": "competitive_consultation", "procurement_starts_on": "2026-03-31"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-code="planning.start_too_soon"' in body and "最早为 2026-04-01" in body
    assert not PurchasePlan.objects.exists()


def test_a_draft_plan_is_edited_on_its_own_page(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("500000")
    plan = _plan(purchaser, line, make_project("300000"))
    unit = _client(purchaser)
    assert f"/planning/plans/{plan.pk}/edit/" in unit.get(f"/planning/plans/{plan.pk}/").content.decode()
    form = unit.get(f"/planning/plans/{plan.pk}/edit/").content.decode()
    assert 'value="300000.00"' in form and "最早可选 2026-04-01" in form
    data = {
        "budget_line": line.pk,
        "amount": "280000",
        "method": "competitive_consultation",
        "procurement_starts_on": "2026-04-20",
    }
    refused = unit.post(f"/planning/plans/{plan.pk}/edit/", {**data, "procurement_starts_on": "2026-03-20"})
    assert refused.status_code == 400 and "planning.start_too_soon" in refused.content.decode()
    done = unit.post(f"/planning/plans/{plan.pk}/edit/", data, follow=True)
    plan.refresh_from_db()
    assert str(plan.amount) == "280000.00" and plan.procurement_starts_on.isoformat() == "2026-04-20"
    assert "采购实施计划已修改：预计 2026-04-20 开始采购" in done.content.decode()


def test_a_submitted_plan_is_not_edited(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("500000")
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, line, make_project("300000")))
    unit = _client(purchaser)
    locked = unit.get(f"/planning/plans/{plan.pk}/edit/")
    assert locked.status_code == 200 and "planning.plan_not_editable" in locked.content.decode()
    refused = unit.post(
        f"/planning/plans/{plan.pk}/edit/",
        {"budget_line": line.pk, "method": "competitive_consultation", "procurement_starts_on": "2026-04-20"},
    )
    assert refused.status_code == 409
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY and str(plan.procurement_starts_on) != "2026-04-20"


def test_after_the_intention_the_next_step_says_from_which_day_procurement_may_start(
    purchaser: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
    clock_at: Callable[..., None],
) -> None:
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, make_line("500000"), make_project("300000")))
    intention_publish(actor=purchaser, plan=plan)
    unit = _client(purchaser)
    page = unit.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "可于 2026-04-01（30 天后）进行" in page
    assert f"/procurement/plans/{plan.pk}/new/" not in page
    clock_at(TODAY + timedelta(days=30))
    unit = _client(purchaser)  # a new session: a month passed
    page = unit.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert f'href="/procurement/plans/{plan.pk}/new/"' in page
    assert f'href="/procurement/plans/{plan.pk}/new/"' in unit.get("/planning/").content.decode()


def test_a_ready_plan_whose_start_came_too_close_is_rescheduled_not_dead_ended(
    purchaser: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
    clock_at: Callable[..., None],
) -> None:
    # given a plan filed and submitted on time (to start 2026-04-11), whose intention was not
    # published in time: today is Sunday 2026-03-22, so the earliest start is 2026-04-22
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, make_line("500000"), make_project("300000")))
    clock_at(TODAY + timedelta(days=20))
    unit = _client(purchaser)
    page = unit.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "调整预计采购开始日期" in page and "最早可于 2026-04-22 开始采购" in page
    # when it is moved to the earliest lawful day, the intention can be published
    moved = unit.post(
        f"/planning/plans/{plan.pk}/reschedule/",
        {"procurement_starts_on": "2026-04-22", "reason": "意向未及时公开"},
    )
    assert moved.status_code == 302
    assert unit.post(f"/planning/plans/{plan.pk}/intention/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.INTENTION_PUBLISHED
