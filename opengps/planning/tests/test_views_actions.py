"""One URL per action on budget lines, projects and plans (STYLE 14): each acts and says what it did,
a refusal comes back on the page with the message beside its field and the refusal's own status, and
anyone outside the object's scope gets 404 with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from opengps.core.models import AuditEvent
from opengps.planning.models import (
    BudgetLine,
    BudgetStatus,
    DemandSurvey,
    FundSource,
    PlanStatus,
    Project,
    ProjectStatus,
    PurchaseIntention,
    PurchasePlan,
)
from opengps.planning.services import (
    budget_line_create,
    budget_line_reject,
    demand_survey_record,
    intention_publish,
    plan_create,
    plan_submit,
    project_approve_unit,
    project_submit,
)
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

FLAGGED = "投标人须成立满3年。"  # a clause the compliance check flags


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """Staff of another unit (the city's civil-affairs bureau): sees none of the province's records."""
    return make_user("purchaser", unit="cs_civil")


@pytest.fixture
def world(
    purchaser: Any,
    head: Any,
    finance: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
) -> dict[str, Any]:
    """The people, and factories of objects in the state each action starts from."""

    def draft_line() -> BudgetLine:
        return budget_line_create(
            actor=purchaser,
            unit=purchaser.unit,
            fiscal_year=2026,
            code="430000-MZ-900",
            name="社区服务补助",
            fund_source=FundSource.GENERAL,
            amount="100000",
        )

    def rejected_line() -> BudgetLine:
        return budget_line_reject(actor=finance, line=make_line(approve=False), reason="测算依据不足")

    def draft_project() -> Project:
        return make_project(approve=False)

    def surveyed_project() -> Project:
        project = make_project(approve=False)
        demand_survey_record(
            actor=purchaser,
            project=project,
            method="questionnaire",
            conducted_on=date(2026, 2, 1),
            respondents=50,
            findings="需求明确",
        )
        return project

    def submitted_project() -> Project:
        return project_submit(actor=purchaser, project=surveyed_project())

    def unit_approved_project() -> Project:
        return project_approve_unit(actor=head, project=submitted_project())

    def plan(amount: str = "300000", requirements: str = "") -> PurchasePlan:
        return plan_create(
            actor=purchaser,
            project=make_project(amount),
            budget_line=make_line("3000000"),
            method="competitive_consultation",
            procurement_starts_on=TODAY + timedelta(days=40),
            requirements=requirements,
        )

    def flagged_plan() -> PurchasePlan:
        return plan(requirements=FLAGGED)

    def pending_plan() -> PurchasePlan:
        return plan_submit(actor=purchaser, plan=plan("2500000"))  # above the threshold: finance decides

    def ready_plan() -> PurchasePlan:
        return plan_submit(actor=purchaser, plan=plan())

    def published_plan() -> PurchasePlan:
        ready = ready_plan()
        return intention_publish(actor=purchaser, plan=ready).plan

    return {
        "purchaser": purchaser,
        "head": head,
        "finance": finance,
        "draft_line": draft_line,
        "submitted_line": lambda: make_line(approve=False),
        "rejected_line": rejected_line,
        "draft_project": draft_project,
        "surveyed_project": surveyed_project,
        "submitted_project": submitted_project,
        "unit_approved_project": unit_approved_project,
        "draft_plan": plan,
        "flagged_plan": flagged_plan,
        "pending_plan": pending_plan,
        "ready_plan": ready_plan,
        "published_plan": published_plan,
    }


@dataclass(frozen=True)
class Case:
    """One action URL: the object it starts from, who acts, what is posted, and what it comes to."""

    url: str  # the URL's name in the planning namespace
    start: str
    actor: str
    data: dict[str, Any]
    done: str  # the status the object reaches
    message: str  # the success message


SURVEY = {
    "method": "questionnaire",
    "conducted_on": "2026-02-01",
    "respondents": "40",
    "findings": "需求明确",
}
CASES = [
    Case("budget-submit", "draft_line", "purchaser", {}, BudgetStatus.SUBMITTED, "已报送财政部门"),
    Case("budget-approve", "submitted_line", "finance", {"note": "同意"}, BudgetStatus.APPROVED, "已批复"),
    Case(
        "budget-reject", "submitted_line", "finance", {"reason": "补充测算"}, BudgetStatus.REJECTED, "已退回"
    ),
    Case("budget-reopen", "rejected_line", "purchaser", {}, BudgetStatus.DRAFT, "可修改后重报"),
    Case("project-survey", "draft_project", "purchaser", SURVEY, ProjectStatus.DRAFT, "需求调查已记录"),
    Case(
        "project-submit", "surveyed_project", "purchaser", {}, ProjectStatus.SUBMITTED, "提交单位负责人审核"
    ),
    Case(
        "project-approve-unit",
        "submitted_project",
        "head",
        {},
        ProjectStatus.UNIT_APPROVED,
        "单位负责人已同意",
    ),
    Case("project-approve", "unit_approved_project", "finance", {}, ProjectStatus.APPROVED, "审核通过"),
    Case(
        "project-return", "submitted_project", "head", {"reason": "补充"}, ProjectStatus.RETURNED, "退回修改"
    ),
    Case(
        "project-withdraw",
        "draft_project",
        "purchaser",
        {"reason": "不再需要"},
        ProjectStatus.WITHDRAWN,
        "已撤回",
    ),
    Case(
        "plan-requirements",
        "draft_plan",
        "purchaser",
        {"requirements": FLAGGED},
        PlanStatus.DRAFT,
        "重新审查",
    ),
    Case(
        "plan-confirm",
        "flagged_plan",
        "purchaser",
        {"reason": "经法律顾问审核"},
        PlanStatus.DRAFT,
        "确认保留",
    ),
    Case("plan-submit", "draft_plan", "purchaser", {}, PlanStatus.READY, "计划已提交"),
    Case("plan-approve-method", "pending_plan", "finance", {"note": "同意"}, PlanStatus.READY, "已批准"),
    Case(
        "plan-reject-method", "pending_plan", "finance", {"reason": "理由不足"}, PlanStatus.DRAFT, "未获批准"
    ),
    Case(
        "plan-intention",
        "ready_plan",
        "purchaser",
        {"summary": "助餐"},
        PlanStatus.INTENTION_PUBLISHED,
        "意向已公开",
    ),
    Case("plan-start", "published_plan", "purchaser", {}, PlanStatus.IN_PROCUREMENT, "已开始采购"),
    Case("plan-cancel", "draft_plan", "purchaser", {"reason": "需求变化"}, PlanStatus.CANCELLED, "已取消"),
]


def _page_of(obj: Any) -> str:
    if isinstance(obj, BudgetLine):
        return reverse("planning:workbench")
    if isinstance(obj, Project):
        return reverse("planning:project", args=[obj.pk])
    return reverse("planning:plan", args=[obj.pk])


@pytest.mark.parametrize("case", CASES, ids=[c.url for c in CASES])
def test_each_action_acts_and_says_what_it_did(
    world: dict[str, Any], case: Case, clock_at: Callable[..., None]
) -> None:
    # given the object in the state the action starts from
    obj = world[case.start]()
    if case.url == "plan-start":
        clock_at(TODAY + timedelta(days=31))  # the intention has been public for the full period
    # when its actor posts the action's form
    response = _client(world[case.actor]).post(reverse(f"planning:{case.url}", args=[obj.pk]), case.data)
    # then the object moved, and the page says what was done (not "已处理")
    assert response.status_code == 302 and response["Location"] == _page_of(obj)
    obj.refresh_from_db()
    assert obj.status == case.done
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1 and case.message in shown[0], shown
    if case.url == "project-survey":
        assert DemandSurvey.objects.get(project=obj).respondents == 40
    if case.url == "plan-requirements":
        assert obj.requirements == FLAGGED and obj.compliance_findings
    if case.url == "plan-intention":
        assert PurchaseIntention.objects.get(plan=obj).summary == "助餐"


@pytest.mark.parametrize("case", CASES, ids=[c.url for c in CASES])
def test_outside_the_scope_is_not_found_and_nothing_changes(
    world: dict[str, Any], outsider: Any, case: Case
) -> None:
    # given an object of the province's civil-affairs department
    obj = world[case.start]()
    status, events = obj.status, AuditEvent.objects.count()
    # when staff of another unit post the action (with a valid form)
    response = _client(outsider).post(reverse(f"planning:{case.url}", args=[obj.pk]), case.data)
    # then: 404, said plainly, and nothing changed
    assert response.status_code == 404
    assert "不存在或无权查看" in response.content.decode()
    obj.refresh_from_db()
    assert obj.status == status and AuditEvent.objects.count() == events
    # and a GET of an action URL is refused (actions are POST only)
    assert _client(world[case.actor]).get(reverse(f"planning:{case.url}", args=[obj.pk])).status_code == 405


@dataclass(frozen=True)
class Refusal:
    url: str
    start: str
    actor: str
    data: dict[str, Any]
    status: int
    where: str  # the id of what holds the message: beside its field, above the button, or the page's notice
    message: str


REFUSALS = [
    Refusal(
        "budget-submit", "submitted_line", "purchaser", {}, 409, "budget_submit-errors", "不能执行此操作"
    ),
    Refusal("budget-approve", "submitted_line", "purchaser", {}, 403, "budget_approve-errors", ""),
    Refusal("budget-reject", "submitted_line", "finance", {"reason": " "}, 400, "err-reason", "请填写理由"),
    Refusal("budget-reopen", "draft_line", "purchaser", {}, 409, "budget_reopen-errors", "不能执行此操作"),
    Refusal(
        "project-survey",
        "draft_project",
        "purchaser",
        {**SURVEY, "findings": ""},
        400,
        "err-findings",
        "请填写调查结论",
    ),
    Refusal(
        "project-survey",
        "draft_project",
        "purchaser",
        {**SURVEY, "conducted_on": "2026-13-01"},
        400,
        "err-conducted_on",
        "日期格式应为 YYYY-MM-DD",
    ),
    Refusal(
        "project-submit", "draft_project", "purchaser", {}, 400, "project_submit-errors", "须先开展需求调查"
    ),
    Refusal(
        "project-approve-unit",
        "submitted_project",
        "purchaser",
        {},
        403,
        "project_approve_unit-errors",
        "申报人不能审核自己申报的项目",
    ),
    # a form the page does not offer this actor: the refusal shows in the page's notice
    Refusal("project-approve", "unit_approved_project", "head", {}, 403, "refusal", ""),
    Refusal("project-return", "submitted_project", "head", {"reason": ""}, 400, "err-reason", "请填写理由"),
    Refusal(
        "project-withdraw", "draft_project", "purchaser", {"reason": ""}, 400, "err-reason", "请填写理由"
    ),
    Refusal(
        "plan-requirements",
        "draft_plan",
        "purchaser",
        {"requirements": "长" * 50_001},
        400,
        "err-requirements",
        "50000",
    ),
    Refusal("plan-confirm", "flagged_plan", "purchaser", {"reason": ""}, 400, "err-reason", "请填写理由"),
    Refusal("plan-submit", "flagged_plan", "purchaser", {}, 400, "plan_submit-errors", "可能构成差别歧视"),
    Refusal("plan-approve-method", "pending_plan", "finance", {"note": ""}, 400, "err-note", "请填写理由"),
    Refusal("plan-reject-method", "pending_plan", "finance", {"reason": ""}, 400, "err-reason", "请填写理由"),
    Refusal("plan-intention", "draft_plan", "purchaser", {}, 409, "refusal", "不能执行此操作"),
    Refusal("plan-start", "published_plan", "purchaser", {}, 400, "plan_start-errors", "须满30日"),
    Refusal("plan-cancel", "draft_plan", "purchaser", {"reason": ""}, 400, "err-reason", "请填写理由"),
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=[f"{r.url}-{r.where}" for r in REFUSALS])
def test_a_refusal_is_shown_beside_its_field_with_its_status(world: dict[str, Any], refusal: Refusal) -> None:
    # given
    obj = world[refusal.start]()
    status, events = obj.status, AuditEvent.objects.count()
    # when
    response = _client(world[refusal.actor]).post(
        reverse(f"planning:{refusal.url}", args=[obj.pk]), refusal.data
    )
    # then the object's page comes back with the message where it belongs, and nothing changed
    body = response.content.decode()
    assert response.status_code == refusal.status
    assert f'id="{refusal.where}"' in body and refusal.message in body
    assert 'id="refusal"' in body and "操作未完成" in body
    assert "csrfmiddlewaretoken" in body
    obj.refresh_from_db()
    assert obj.status == status and AuditEvent.objects.count() == events


def test_a_budget_line_is_entered_through_its_form(world: dict[str, Any]) -> None:
    unit = _client(world["purchaser"])
    form = {
        "fiscal_year": "2026",
        "code": "430000-MZ-950",
        "name": "助餐",
        "fund_source": "general",
        "amount": "1000",
    }
    # when entered: saved, and said so
    done = unit.post(reverse("planning:budget-create"), form)
    assert done.status_code == 302 and BudgetLine.objects.filter(code="430000-MZ-950").count() == 1
    assert "预算指标已保存" in [str(m) for m in get_messages(done.wsgi_request)]
    # when entered again: the clash beside the code, 409, the values kept
    again = unit.post(reverse("planning:budget-create"), form)
    body = again.content.decode()
    assert again.status_code == 409 and 'id="err-code"' in body and "该年度已有此预算项目编码" in body
    assert 'value="助餐"' in body and BudgetLine.objects.filter(code="430000-MZ-950").count() == 1
    # an unknown fund source is refused beside its field
    bad = unit.post(reverse("planning:budget-create"), {**form, "code": "X-1", "fund_source": "lottery?"})
    assert bad.status_code == 400 and 'id="err-fund_source"' in bad.content.decode()
    assert not BudgetLine.objects.filter(code="X-1").exists()


def test_the_plan_form_refuses_beside_its_fields_and_is_scoped(
    world: dict[str, Any], outsider: Any, make_project: Callable[..., Project]
) -> None:
    project = make_project("300000")
    url = reverse("planning:plan-new", args=[project.pk])
    form = {"method": "competitive_consultation", "procurement_starts_on": str(TODAY + timedelta(days=40))}
    # no budget line chosen: beside the field, 400
    refused = _client(world["purchaser"]).post(url, form)
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="err-budget_line"' in body and "请选择预算指标" in body
    # a budget line the actor cannot see: beside the field too, never a 500
    hidden = _client(world["purchaser"]).post(url, {**form, "budget_line": "999999"})
    assert hidden.status_code == 400 and 'id="err-budget_line"' in hidden.content.decode()
    # staff of another unit: 404, nothing saved
    line = world["submitted_line"]()
    outside = _client(outsider).post(url, {**form, "budget_line": str(line.pk)})
    assert outside.status_code == 404 and not PurchasePlan.objects.exists()


def test_pages_of_objects_outside_the_scope_are_not_found(world: dict[str, Any], outsider: Any) -> None:
    plan = world["draft_plan"]()
    client = _client(outsider)
    for url in (
        reverse("planning:project", args=[plan.project_id]),
        reverse("planning:project-edit", args=[plan.project_id]),
        reverse("planning:plan", args=[plan.pk]),
    ):
        page = client.get(url)
        body = page.content.decode()
        assert page.status_code == 404 and "不存在或无权查看" in body
        assert "<code" not in body  # the stable code is a data attribute, never text on the screen
