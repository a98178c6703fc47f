"""Project library: proposal, demand survey, unit-head and finance approval, visibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.planning.models import BudgetLine, BudgetStatus, Project, ProjectStatus
from opengps.planning.selectors import budget_lines_visible, finance_queue, projects_visible
from opengps.planning.services import (
    budget_line_create,
    budget_line_reject,
    budget_line_reopen,
    budget_line_submit,
    demand_survey_record,
    project_approve,
    project_approve_unit,
    project_propose,
    project_return,
    project_submit,
    project_withdraw,
)

pytestmark = pytest.mark.django_db


def test_a_public_service_needs_a_demand_survey_before_submission(
    purchaser: Any, make_project: Callable[..., Project]
) -> None:
    # given a draft public-service project (C22 §11(二))
    project = make_project("300000", approve=False)
    # when submitted without a survey: refused with the clause
    with pytest.raises(ServiceError) as error:
        project_submit(actor=purchaser, project=project)
    assert error.value.code == "planning.demand_survey_required"
    assert "第十一条第（二）项" in str(error.value.message)
    # then a survey of the market needs at least 3 respondents (C22 §10)
    with pytest.raises(ServiceError) as few:
        demand_survey_record(
            actor=purchaser,
            project=project,
            method="market",
            conducted_on=date(2026, 2, 1),
            respondents=2,
            findings="两家机构有意承接",
        )
    assert few.value.code == "planning.survey_too_few"
    demand_survey_record(
        actor=purchaser,
        project=project,
        method="market",
        conducted_on=date(2026, 2, 1),
        respondents=5,
        findings="五家机构有承接能力",
    )
    assert project_submit(actor=purchaser, project=project).status == ProjectStatus.SUBMITTED


def test_an_internal_service_below_10_million_needs_no_survey(
    purchaser: Any, make_project: Callable[..., Project]
) -> None:
    project = make_project("300000", item="B0201", approve=False, is_public_service=False)
    assert project_submit(actor=purchaser, project=project).status == ProjectStatus.SUBMITTED


def test_unit_head_then_finance_approve_the_project(
    purchaser: Any, head: Any, finance: Any, make_project: Callable[..., Project]
) -> None:
    project = make_project("300000", approve=False)
    demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 1),
        respondents=80,
        findings="需求明确",
    )
    project = project_submit(actor=purchaser, project=project)
    # the proposer cannot approve their own project; finance cannot skip the unit head
    with pytest.raises(PermissionDenied) as same:
        project_approve_unit(actor=purchaser, project=project)
    assert same.value.code == "planning.same_person"
    with pytest.raises(Conflict):
        project_approve(actor=finance, project=project)
    project = project_approve_unit(actor=head, project=project, note="同意报财政")
    # finance returns it with a reason, the unit resubmits, finance approves
    project = project_return(actor=finance, project=project, reason="请补充服务标准")
    assert project.status == ProjectStatus.RETURNED and project.review_note == "请补充服务标准"
    project = project_approve_unit(actor=head, project=project_submit(actor=purchaser, project=project))
    project = project_approve(actor=finance, project=project, note="入库")
    assert project.status == ProjectStatus.APPROVED and project.approved_by == finance
    actions = list(
        AuditEvent.objects.filter(object_id=str(project.pk), object_type="planning.project").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "project.proposed",
        "project.survey_recorded",
        "project.submitted",
        "project.unit_approved",
        "project.returned",
        "project.submitted",
        "project.unit_approved",
        "project.approved",
    ]


def test_negative_list_items_and_long_terms_are_refused(purchaser: Any, small_catalogue: Any) -> None:
    base = {
        "actor": purchaser,
        "fiscal_year": 2026,
        "name": "机关劳务派遣",
        "description": "劳务派遣人员",
        "quantity": "10",
        "quantity_unit": "人·年",
        "estimated_amount": "500000",
        "recipients": "本机关",
        "area": Region.objects.get(pk="430000"),
        "term_start": date(2026, 1, 1),
        "term_end": date(2026, 12, 31),
    }
    with pytest.raises(ServiceError) as negative:
        project_propose(**base, items=[small_catalogue.items.get(code="N05")])
    assert negative.value.code == "planning.negative_list"
    assert "财政部令第102号）第十条" in str(negative.value.message)
    item = [small_catalogue.items.get(code="A0401")]
    with pytest.raises(ServiceError) as reason:
        project_propose(**{**base, "term_end": date(2027, 6, 30)}, items=item)
    assert reason.value.code == "planning.term_reason_required"
    with pytest.raises(ServiceError) as too_long:
        project_propose(**{**base, "term_end": date(2029, 6, 30)}, items=item, term_reason="服务稳定")
    assert too_long.value.code == "planning.term_too_long"
    with pytest.raises(ServiceError) as level:
        project_propose(**base, items=[small_catalogue.items.get(code="A04")])
    assert level.value.code == "planning.item_not_purchasable"


def test_a_unit_never_sees_another_units_drafts_and_auditors_only_read(
    purchaser: Any,
    finance: Any,
    auditor: Any,
    make_user: Callable[..., Any],
    make_project: Callable[..., Project],
    small_catalogue: Any,
) -> None:
    # given a draft of the provincial department
    draft = make_project("300000", approve=False)
    other = make_user("purchaser", unit="cs_civil")
    # then
    assert draft in projects_visible(actor=purchaser)
    assert draft not in projects_visible(actor=other)
    assert draft not in projects_visible(actor=finance)  # drafts stay inside the unit
    assert draft in projects_visible(actor=auditor)
    assert not projects_visible(actor=None).exists()
    with pytest.raises(PermissionDenied):
        project_propose(
            actor=auditor,
            fiscal_year=2026,
            name="x",
            items=[small_catalogue.items.get(code="A0401")],
            description="x",
            quantity="1",
            quantity_unit="项",
            estimated_amount="1",
            recipients="x",
            area=Region.objects.get(pk="430000"),
            term_start=date(2026, 1, 1),
            term_end=date(2026, 2, 1),
        )
    with pytest.raises(PermissionDenied):
        project_withdraw(actor=other, project=draft, reason="x")
    project_withdraw(actor=purchaser, project=draft, reason="不再需要")


def test_budget_line_review_by_finance(purchaser: Any, finance: Any, make_user: Callable[..., Any]) -> None:
    # given a line submitted by the unit
    line = budget_line_create(
        actor=purchaser,
        unit=purchaser.unit,
        fiscal_year=2026,
        code="MZ-01",
        name="社工站",
        fund_source="welfare_lottery",
        amount="1,200,000.01",
    )
    assert line.amount == Decimal("1200000.01")
    assert line not in budget_lines_visible(actor=finance)
    line = budget_line_submit(actor=purchaser, line=line)
    assert line in finance_queue(actor=finance)["budget_lines"]
    # a finance department of another level may not review it
    cs_finance_unit = make_user("purchaser", unit="cs_civil")
    with pytest.raises(PermissionDenied):
        budget_line_reject(actor=cs_finance_unit, line=line, reason="x")
    # when rejected it goes back to the unit
    line = budget_line_reject(actor=finance, line=line, reason="资金来源应为一般公共预算")
    assert line.status == BudgetStatus.REJECTED
    assert budget_line_reopen(actor=purchaser, line=line).status == BudgetStatus.DRAFT
    with pytest.raises(ServiceError) as duplicate:
        budget_line_create(
            actor=purchaser,
            unit=purchaser.unit,
            fiscal_year=2026,
            code="MZ-01",
            name="社工站",
            fund_source="general",
            amount="1",
        )
    assert duplicate.value.code == "planning.budget_duplicate"
    assert BudgetLine.objects.count() == 1
