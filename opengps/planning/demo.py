"""Demo: a year of budget lines, projects, plans and intentions in every state, built through the services.

Plans that must already be in procurement or contracted need their intention published 30 days
before they started; for those the loader runs the services on a simulated earlier day
(`_on_day`), exactly as if the officials had acted then.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from opengps.accounts.demo import demo_users
from opengps.accounts.models import Role
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.planning import services
from opengps.planning.models import BudgetLine, FundSource, Project, PurchaseIntention, PurchasePlan
from opengps.rules.deadlines import intention_publication_latest

logger = logging.getLogger(__name__)

PROVINCE_LINES = (
    # (key, code, name, fund source, amount, state): the provincial department's lines in every state
    ("general", "DEMO-MZ-001", "养老服务体系建设", FundSource.GENERAL, "8000000", "approved"),
    ("lottery", "DEMO-MZ-002", "福彩公益金社会福利项目", FundSource.WELFARE_LOTTERY, "3000000", "approved"),
    ("children", "DEMO-MZ-003", "困境儿童关爱保护", FundSource.GENERAL, "1200000", "submitted"),
    ("organizations", "DEMO-MZ-004", "社会组织培育发展", FundSource.GOVERNMENT_FUND, "600000", "rejected"),
    ("publicity", "DEMO-MZ-005", "社会救助政策宣传", FundSource.GENERAL, "300000", "draft"),
)
PROVINCE_PROJECTS = (
    # (key, name, catalogue item, amount, recipients, state, public service)
    ("home", "全省特困老年人居家上门服务", "A0401", "2600000", "全省分散供养特困老年人", "approved", True),
    ("meal", "社区老年助餐服务（一期）", "A0403", "1500000", "城市社区高龄、独居老年人", "approved", True),
    ("meal2", "社区老年助餐服务（二期）", "A0403", "1500000", "城市社区高龄、独居老年人", "approved", True),
    ("sw", "乡镇（街道）社工站督导服务", "A0904", "900000", "全省乡镇（街道）社工站社工", "approved", True),
    ("eval", "政府购买服务项目绩效评价", "B0201", "450000", "省民政厅购买服务项目", "approved", False),
    ("child", "农村留守儿童关爱服务", "A0502", "700000", "农村留守儿童", "approved", True),
    ("rescue", "流浪乞讨人员救助服务", "A0704", "500000", "流浪乞讨人员", "approved", True),
    ("rehab", "残疾人康复服务", "A0601", "800000", "持证残疾人", "draft", True),
    ("visits", "困难群众探访关爱服务", "A0705", "600000", "低保、特困对象", "submitted", True),
    ("daycare", "社区日间照料中心运营", "A0402", "1100000", "社区老年人", "unit_approved", True),
    ("mental", "困境儿童心理关爱服务", "A0502", "400000", "困境儿童及其家庭", "returned", True),
    ("marriage", "婚姻家庭辅导服务", "A1001", "200000", "婚姻登记当事人", "withdrawn", True),
)
CHANGSHA_LINES = (
    ("general", "DEMO-CS-001", "社区居家养老服务", FundSource.GENERAL, "2000000", "approved"),
    ("children", "DEMO-CS-002", "儿童之家运营", FundSource.TRANSFER, "500000", "submitted"),
)
CHANGSHA_PROJECTS = (
    ("home", "长沙市社区居家养老服务", "A0401", "1800000", "长沙市城区高龄老年人", "approved", True),
    ("children", "长沙市儿童之家运营", "A0505", "450000", "社区儿童", "unit_approved", True),
)
METHOD = "competitive_consultation"
"""Every demo plan is a 竞争性磋商 (competitive consultation)."""

EXTRA_USERS = [
    # (username, display name, role, unit key)
    ("head", "张华（省民政厅分管负责人）", Role.PURCHASER, "hn_civil"),
    ("head_cs", "何静（长沙市民政局分管负责人）", Role.PURCHASER, "cs_civil"),
    ("finance_cs", "杨帆（长沙市财政局社会保障科）", Role.FINANCE, "cs_finance"),
]


def _on_day(day: date) -> AbstractContextManager[None]:
    return clock.simulated_today(day)


@dataclass(frozen=True)
class _Officials:
    """A unit's staff member and head, and the finance department of its level."""

    staff: Any
    head: Any
    finance: Any


def _line(o: _Officials, year: int, code: str, name: str, fund: str, amount: str, state: str) -> BudgetLine:
    line = services.budget_line_create(
        actor=o.staff,
        unit=o.staff.unit,
        fiscal_year=year,
        code=code,
        name=name,
        fund_source=fund,
        amount=amount,
    )
    if state == "draft":
        return line
    line = services.budget_line_submit(actor=o.staff, line=line)
    if state == "approved":
        return services.budget_line_approve(actor=o.finance, line=line, note="按年度部门预算批复")
    if state == "rejected":
        return services.budget_line_reject(actor=o.finance, line=line, reason="资金来源应调整为一般公共预算")
    return line


def _project(
    o: _Officials,
    year: int,
    name: str,
    item: CatalogItem,
    amount: str,
    recipients: str,
    state: str,
    public: bool,
) -> Project:
    project = services.project_propose(
        actor=o.staff,
        fiscal_year=year,
        name=name,
        items=[item],
        description=f"{name}：按照服务标准为{recipients}提供{item.name}，按月报送服务记录并接受绩效评价。",
        quantity="12",
        quantity_unit="月",
        estimated_amount=amount,
        recipients=recipients,
        area=o.staff.unit.region,
        term_start=date(year, 1, 1),
        term_end=date(year, 12, 31),
        is_public_service=public,
    )
    if state == "draft":
        return project
    services.demand_survey_record(
        actor=o.staff,
        project=project,
        method="questionnaire",
        conducted_on=date(year, 1, 5),
        respondents=150,
        findings="服务对象最需要上门照护和精神慰藉，现有社会组织具备承接能力",
    )
    project = services.project_submit(actor=o.staff, project=project)
    if state == "submitted":
        return project
    if state == "returned":
        return services.project_return(
            actor=o.head, project=project, reason="请细化服务标准和绩效目标，补充服务对象人数测算"
        )
    project = services.project_approve_unit(actor=o.head, project=project, note="同意报财政审核")
    if state == "unit_approved":
        return project
    if state == "withdrawn":
        return services.project_withdraw(actor=o.staff, project=project, reason="与其他项目合并实施")
    return services.project_approve(actor=o.finance, project=project, note="符合指导性目录，同意入库")


def _lines(
    o: _Officials, year: int, rows: Iterable[tuple[str, str, str, str, str, str]]
) -> dict[str, BudgetLine]:
    """The rows' budget lines, made in order, by key."""
    return {key: _line(o, year, *row) for key, *row in rows}


def _projects(
    o: _Officials,
    year: int,
    items: dict[str, CatalogItem],
    rows: Iterable[tuple[str, str, str, str, str, str, bool]],
) -> dict[str, Project]:
    """The rows' projects, made in order, by key."""
    return {
        key: _project(o, year, name, items[item], amount, recipients, state, public)
        for key, name, item, amount, recipients, state, public in rows
    }


def _draft_plan(
    staff: Any, project: Project, line: BudgetLine, starts_on: date, requirements: str = ""
) -> PurchasePlan:
    return services.plan_create(
        actor=staff,
        project=project,
        budget_line=line,
        method=METHOD,
        procurement_starts_on=starts_on,
        requirements=requirements,
    )


def _submitted_plan(
    staff: Any, project: Project, line: BudgetLine, starts_on: date, requirements: str = ""
) -> PurchasePlan:
    return services.plan_submit(actor=staff, plan=_draft_plan(staff, project, line, starts_on, requirements))


def _plans_under_way(
    staff: Any, projects: dict[str, Project], lines: dict[str, BudgetLine], today: date
) -> None:
    """Plans in procurement and contracted: acted on simulated earlier days."""
    started = today - timedelta(days=40)
    # 30 days before the start, moved earlier when that falls in a holiday (财库〔2020〕10号)
    earlier = min(today - timedelta(days=75), intention_publication_latest(started).value)
    with _on_day(earlier):
        social = _submitted_plan(staff, projects["sw"], lines["lottery"], started)
        services.intention_publish(actor=staff, plan=social, summary="社工站督导、培训与评估")
        evaluation = _submitted_plan(staff, projects["eval"], lines["general"], started)
        services.intention_publish(actor=staff, plan=evaluation, summary="第三方绩效评价")
    with _on_day(started):
        services.plan_start_procurement(actor=staff, plan=social)
        services.plan_start_procurement(actor=staff, plan=evaluation)
    services.plan_record_contract(actor=staff, plan=evaluation, contract_amount=Decimal("418000"))


def _province_plans(
    staff: Any, projects: dict[str, Project], lines: dict[str, BudgetLine], today: date, start: date
) -> None:
    general, lottery = lines["general"], lines["lottery"]
    # pending the finance department: consultation at 260万 needs approval of the method
    _submitted_plan(
        staff, projects["home"], general, start, "供应商应当具有独立承担民事责任的能力。服务期一年。"
    )
    # split purchase: two consultations of one item on one line, together above 200万
    _submitted_plan(staff, projects["meal"], general, start)
    _submitted_plan(staff, projects["meal2"], general, start + timedelta(days=20))
    # draft with a discriminatory clause waiting to be fixed or confirmed
    _draft_plan(
        staff, projects["child"], lottery, start, "供应商须在长沙市注册且成立满3年。具有同类项目服务经验。"
    )
    # ready, and one with its intention published
    ready = _submitted_plan(staff, projects["rescue"], lottery, start)
    services.intention_publish(actor=staff, plan=ready, summary="为流浪乞讨人员提供救助寻亲、心理疏导等服务")
    _plans_under_way(staff, projects, lines, today)
    # a cancelled plan frees its amount
    cancelled = _draft_plan(staff, projects["child"], general, start)
    services.plan_cancel(actor=staff, plan=cancelled, reason="改由福彩公益金安排")


def _province(context: Any, o: _Officials, items: dict[str, CatalogItem], today: date, start: date) -> None:
    """The provincial department: budget lines, projects and plans in every state."""
    lines = _lines(o, today.year, PROVINCE_LINES)
    projects = _projects(o, today.year, items, PROVINCE_PROJECTS)
    try:
        _province_plans(o.staff, projects, lines, today, start)
    except ServiceError as exc:  # e.g. a calendar year not yet entered: keep what was built
        context.counts["planning_skipped"] = 1
        logger.warning("planning demo: %s %s", exc.code, exc.text())


def _changsha(o: _Officials, items: dict[str, CatalogItem], year: int, start: date) -> None:
    """Changsha: its own lines and projects, approved by the city finance bureau."""
    lines = _lines(o, year, CHANGSHA_LINES)
    projects = _projects(o, year, items, CHANGSHA_PROJECTS)
    try:
        plan = _submitted_plan(o.staff, projects["home"], lines["general"], start)
        services.intention_publish(actor=o.staff, plan=plan, summary="为长沙市城区高龄老年人提供居家养老服务")
    except ServiceError as exc:
        logger.warning("planning demo: %s %s", exc.code, exc.text())


def _count(context: Any) -> None:
    context.counts.update(
        {
            "budget_lines": BudgetLine.objects.count(),
            "projects": Project.objects.count(),
            "plans": PurchasePlan.objects.count(),
            "intentions": PurchaseIntention.objects.count(),
        }
    )


def load(context: Any) -> None:
    demo_users(context, EXTRA_USERS)
    version = current_version()
    if version is None or BudgetLine.objects.filter(code__startswith="DEMO-").exists():
        _count(context)
        return
    items = {item.code: item for item in version.items.filter(level=3)}
    today = clock.today()
    users = context.users
    start = today + timedelta(days=45)
    _province(context, _Officials(users["purchaser"], users["head"], users["finance"]), items, today, start)
    cs = _Officials(users["purchaser_cs"], users["head_cs"], users["finance_cs"])
    _changsha(cs, items, today.year, start)
    _count(context)
