"""Budget first, purchase plans, method approval, compliance confirmation and intentions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.planning.models import BudgetLine, PlanStatus, Project
from opengps.planning.selectors import budget_lines_visible, budget_usage, usage_of
from opengps.planning.services import (
    budget_line_adjust,
    intention_publish,
    plan_approve_method,
    plan_cancel,
    plan_confirm_compliance,
    plan_create,
    plan_record_contract,
    plan_start_procurement,
    plan_submit,
    plan_update,
    plan_update_requirements,
)
from opengps.planning.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

START = TODAY + timedelta(days=40)  # 2026-04-11


def _plan(purchaser: Any, project: Project, line: BudgetLine, **kwargs: Any) -> Any:
    kwargs.setdefault("method", "competitive_consultation")
    kwargs.setdefault("procurement_starts_on", START)
    return plan_create(actor=purchaser, project=project, budget_line=line, **kwargs)


# --- budget first ------------------------------------------------------------------------------------


def test_a_plan_needs_an_approved_budget_line_naming_it(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given a budget line submitted but not yet approved
    line = make_line("500000", approve=False)
    project = make_project("300000")
    # when / then
    with pytest.raises(ServiceError) as error:
        _plan(purchaser, project, line)
    assert error.value.code == "planning.budget_not_approved"
    assert line.code in str(error.value.message)
    assert "待财政审核" in str(error.value.message)


def test_a_plan_larger_than_the_remaining_budget_is_refused_with_the_shortfall(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given a line of 500,000 of which a first plan already takes 300,000
    line = make_line("500000")
    _plan(purchaser, make_project("300000"), line)
    second = make_project("300000", name="社区日间照料服务", item="A0402")
    # when
    with pytest.raises(ServiceError) as error:
        _plan(purchaser, second, line)
    # then the error names the line and the amount it falls short
    assert error.value.code == "planning.budget_insufficient"
    message = str(error.value.message)
    assert line.code in message and "居家养老服务补助" in message
    assert "尚缺 100000.00 元" in message and "可用余额 200000.00 元" in message
    assert error.value.params["shortfall"] == "100000.00"
    assert error.value.params["line"] == line.code
    assert budget_usage(line).committed == Decimal("300000.00")


def test_committed_and_spent_are_derived_from_the_plans(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given two plans on one line
    line = make_line("1000000")
    first = _plan(purchaser, make_project("300000"), line)
    second = _plan(purchaser, make_project("200000", item="A0402"), line)
    # when the first is contracted below its budget and the second cancelled
    plan_submit(actor=purchaser, plan=first)
    plan_cancel(actor=purchaser, plan=second, reason="与其他项目合并")
    # then
    usage = budget_usage(line)
    assert (usage.committed, usage.spent, usage.available) == (
        Decimal("300000.00"),
        Decimal("0.00"),
        Decimal("700000.00"),
    )
    annotated = budget_lines_visible(actor=purchaser).get(pk=line.pk)
    assert usage_of(annotated) == usage


def test_contract_amount_is_what_the_line_has_spent(
    purchaser: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
    clock_at: Callable[..., None],
) -> None:
    # given a plan whose intention has been public for more than 30 days
    line = make_line("1000000")
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, make_project("300000"), line))
    intention_publish(actor=purchaser, plan=plan)
    clock_at(START)
    # when
    plan = plan_start_procurement(actor=purchaser, plan=plan)
    plan = plan_record_contract(actor=purchaser, plan=plan, contract_amount="285000")
    # then
    usage = budget_usage(line)
    assert (usage.committed, usage.spent) == (Decimal("285000.00"), Decimal("285000.00"))
    assert plan.status == PlanStatus.CONTRACTED


def test_a_line_cannot_be_cut_below_what_is_committed(
    purchaser: Any, finance: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("500000")
    _plan(purchaser, make_project("300000"), line)
    with pytest.raises(ServiceError) as error:
        budget_line_adjust(actor=finance, line=line, amount="250000", reason="压减")
    assert error.value.code == "planning.budget_below_committed"
    assert budget_line_adjust(actor=finance, line=line, amount="350000", reason="压减").amount == Decimal(
        "350000.00"
    )


# --- intentions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "allowed"), [(29, False), (30, True), (31, True)])
def test_an_intention_must_be_public_30_days_before_procurement_starts(
    days: int,
    allowed: bool,
    purchaser: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
    clock_at: Callable[..., None],
) -> None:
    # given a ready plan starting `days` after today (2026-03-02, a Monday), filed a week earlier
    # (a start that close is refused when the plan is saved today: see the test below)
    project, line = make_project("300000"), make_line("500000")
    clock_at(TODAY - timedelta(days=7))
    plan = _plan(purchaser, project, line, procurement_starts_on=TODAY + timedelta(days=days))
    plan = plan_submit(actor=purchaser, plan=plan)
    clock_at(TODAY)
    if allowed:
        intention = intention_publish(actor=purchaser, plan=plan)
        assert intention.published_on == TODAY and "财库〔2020〕10号" in intention.citation
        return
    # when / then: refused, with the rule cited
    with pytest.raises(ServiceError) as error:
        intention_publish(actor=purchaser, plan=plan)
    assert error.value.code == "planning.intention_too_late"
    assert "财库〔2020〕10号" in str(error.value.message)
    assert "至少30日" in str(error.value.message)
    assert error.value.params["citation"].startswith("财库〔2020〕10号")
    assert "推迟至 2026-04-01 或之后" in str(error.value.message)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY


@pytest.mark.parametrize(("days", "allowed"), [(29, False), (30, True)])
def test_a_start_too_close_for_the_intention_is_refused_when_the_plan_is_saved(
    days: int,
    allowed: bool,
    purchaser: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
) -> None:
    # given today 2026-03-02: an intention published today lets procurement start on 2026-04-01
    project, line = make_project("300000"), make_line("500000")
    starts_on = TODAY + timedelta(days=days)
    if allowed:
        plan = _plan(purchaser, project, line, procurement_starts_on=starts_on)
        assert plan.procurement_starts_on == starts_on
        return
    # when a plan starting a day earlier is saved / then it is refused beside the date, naming the day
    with pytest.raises(ServiceError) as error:
        _plan(purchaser, project, line, procurement_starts_on=starts_on)
    assert error.value.code == "planning.start_too_soon"
    assert error.value.field == "procurement_starts_on"
    assert error.value.params["earliest"] == "2026-04-01"
    assert "财库〔2020〕10号" in str(error.value.message)


def test_a_draft_plan_is_edited_with_every_check_run_again(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given a draft plan of 30万 on a 50万 line
    line = make_line("500000")
    plan = _plan(purchaser, make_project("300000"), line)
    # when its amount, start and requirements change (its own 30万 is given back to the line first)
    changed = plan_update(
        actor=purchaser,
        plan=plan,
        budget_line=line,
        method="competitive_consultation",
        procurement_starts_on=START + timedelta(days=7),
        amount="450000",
        requirements="投标人须成立满3年。",
    )
    # then the plan holds the new values, the clause is flagged again, and the change is audited
    assert changed.amount == Decimal("450000.00")
    assert changed.procurement_starts_on == START + timedelta(days=7)
    assert changed.compliance_findings
    event = AuditEvent.objects.filter(action="plan.changed", object_id=str(plan.pk)).get()
    assert event.old_values["amount"] == "300000.00" and event.new_values["amount"] == "450000.00"
    # a start too close, an amount beyond the line, or a method not allowed are refused beside the field
    too_close = TODAY + timedelta(days=10)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"procurement_starts_on": too_close}, "planning.start_too_soon", "procurement_starts_on"),
        ({"amount": "600000"}, "planning.budget_insufficient", "budget_line"),
        ({"method": "single_source"}, "planning.method_not_allowed", "method"),
    ]
    for values, code, field in cases:
        kwargs: dict[str, Any] = {
            "budget_line": line,
            "method": "competitive_consultation",
            "procurement_starts_on": START,
            **values,
        }
        with pytest.raises(ServiceError) as error:
            plan_update(actor=purchaser, plan=changed, **kwargs)
        assert (error.value.code, error.value.field) == (code, field)


def test_a_submitted_plan_cannot_be_edited(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    line = make_line("500000")
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, make_project("300000"), line))
    with pytest.raises(ServiceError) as error:
        plan_update(
            actor=purchaser,
            plan=plan,
            budget_line=line,
            method="competitive_consultation",
            procurement_starts_on=START,
        )
    assert error.value.code == "planning.plan_not_editable"
    assert error.value.status == 409


def test_procurement_cannot_start_before_the_intention_has_run_30_days(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    plan = plan_submit(actor=purchaser, plan=_plan(purchaser, make_project("300000"), make_line("500000")))
    intention_publish(actor=purchaser, plan=plan)
    with pytest.raises(ServiceError) as error:
        plan_start_procurement(actor=purchaser, plan=plan)
    assert error.value.code == "planning.intention_period_short"


# --- methods ------------------------------------------------------------------------------------------


def test_a_non_open_method_above_the_threshold_needs_the_finance_departments_approval(
    purchaser: Any,
    finance: Any,
    auditor: Any,
    make_line: Callable[..., BudgetLine],
    make_project: Callable[..., Project],
) -> None:
    # given consultation for 2,500,000 (open-tender threshold 200万)
    plan = _plan(purchaser, make_project("2500000"), make_line("3000000"))
    assert plan.approval_needed
    assert any(r["code"] == "methods.approval_needed" for r in plan.method_reasons)
    # when submitted it waits for the finance department
    plan = plan_submit(actor=purchaser, plan=plan)
    assert plan.status == PlanStatus.PENDING_APPROVAL
    for outsider in (purchaser, auditor):
        with pytest.raises(PermissionDenied):
            plan_approve_method(actor=outsider, plan=plan, note="同意")
    # then finance approves, recorded in the audit trail
    plan = plan_approve_method(actor=finance, plan=plan, note="同意采用竞争性磋商（湘财采〔2026〕1号）")
    assert plan.status == PlanStatus.READY and plan.method_approved_by == finance
    event = AuditEvent.objects.filter(action="plan.method_approved", object_id=str(plan.pk)).get()
    assert event.reason.startswith("同意采用竞争性磋商") and event.actor == finance


def test_a_method_without_legal_ground_is_refused_with_reasons(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    with pytest.raises(ServiceError) as error:
        _plan(purchaser, make_project("300000"), make_line("500000"), method="single_source")
    assert error.value.code == "planning.method_not_allowed"
    assert "政府采购法 第三十一条" in str(error.value.message)
    with pytest.raises(ServiceError) as unknown:
        _plan(purchaser, make_project("300000"), make_line("500000"), facts={"magic": True})
    assert unknown.value.code == "planning.fact_unknown"


def test_split_purchases_are_flagged_and_need_the_finance_department(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given two consultations of the same item on the same line, together above 200万
    line = make_line("5000000")
    first = _plan(purchaser, make_project("1500000"), line)
    second = _plan(purchaser, make_project("1500000"), line, procurement_starts_on=START + timedelta(days=30))
    # then the second is flagged and goes to the finance department
    assert first.split_flags == []
    assert second.split_flags and "政府采购法实施条例 第二十八条" in second.split_flags[0]["citation"]
    assert plan_submit(actor=purchaser, plan=second).status == PlanStatus.PENDING_APPROVAL


# --- compliance -------------------------------------------------------------------------------------


def test_flagged_requirements_must_be_fixed_or_confirmed_with_a_reason(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given requirements with a local-registration clause
    plan = _plan(
        purchaser,
        make_project("300000"),
        make_line("500000"),
        requirements="供应商须具有独立承担民事责任的能力。供应商注册地须在长沙市范围内。",
    )
    assert [f["rule_code"] for f in plan.compliance_findings] == ["compliance.local_registration"]
    # when submitted unconfirmed: refused, citing the clause
    with pytest.raises(ServiceError) as error:
        plan_submit(actor=purchaser, plan=plan)
    assert error.value.code == "planning.compliance_unconfirmed"
    assert "财库〔2019〕38号 第一条第（三）项" in str(error.value.message)
    with pytest.raises(ServiceError):
        plan_confirm_compliance(actor=purchaser, plan=plan, reason="  ")
    # then confirming with a reason (audited) lets it go on
    plan = plan_confirm_compliance(
        actor=purchaser, plan=plan, reason="服务须由本地持证社工上门，已经法律顾问审核"
    )
    assert AuditEvent.objects.get(action="plan.compliance_confirmed").reason.startswith("服务须由本地")
    assert plan_submit(actor=purchaser, plan=plan).status == PlanStatus.READY


def test_fixing_the_requirements_clears_the_findings(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    plan = _plan(purchaser, make_project("300000"), make_line("500000"), requirements="投标人须成立满3年。")
    plan = plan_update_requirements(
        actor=purchaser, plan=plan, requirements="投标人须具有独立承担民事责任的能力。"
    )
    assert plan.compliance_findings == []
    assert plan_submit(actor=purchaser, plan=plan).status == PlanStatus.READY


def test_another_unit_cannot_plan_on_the_line(
    make_user: Callable[..., Any], make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    other = make_user("purchaser", unit="cs_civil")
    project = make_project("300000")
    with pytest.raises(PermissionDenied):
        plan_create(
            actor=other,
            project=project,
            budget_line=make_line(),
            method="open_tender",
            procurement_starts_on=date(2026, 5, 1),
        )
