"""Catalogue and planning: a published catalogue, approved budget lines and projects, and plans
whose intention has run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from opengps.accounts.models import Region, User
from opengps.catalog.models import CatalogVersion, ItemKind
from opengps.catalog.services import (
    CatalogueContent,
    ItemRow,
    PriceRow,
    catalog_content_replace,
    catalog_version_create,
    catalog_version_publish,
)
from opengps.demo.world._base import PLAN_START, PLAN_TODAY, DayPin
from opengps.planning import services as planning_services
from opengps.planning.models import BudgetLine, FundSource, Project, PurchasePlan

# ---------------------------------------------------------------------------------------------
# Catalogue and planning

SMALL_CATALOGUE: Final = CatalogueContent(
    items=(
        ItemRow("A", "公共服务", 1, ""),
        ItemRow("A04", "养老服务", 2, "A"),
        ItemRow("A0401", "居家养老上门服务", 3, "A04"),
        ItemRow("A0402", "社区日间照料服务", 3, "A04"),
        ItemRow("A09", "社会工作服务", 2, "A"),
        ItemRow("A0901", "乡镇（街道）社工站运营服务", 3, "A09"),
        ItemRow("B", "政府履职所需辅助性服务", 1, ""),
        ItemRow("B02", "政府委托的评估评价服务", 2, "B"),
        ItemRow("B0201", "绩效评价服务", 3, "B02"),
        ItemRow("N05", "购买主体的人员招、聘用，以劳务派遣方式用工", 1, "", ItemKind.NEGATIVE),
    ),
    prices=(
        PriceRow("A0401", "人·次", Decimal("60.00")),
        PriceRow("A0401", "户·月", Decimal("300.00"), "含助餐"),
        PriceRow("B0201", "项", Decimal("50000.00")),
    ),
)


def catalogue_publish(
    finance: User,
    *,
    content: CatalogueContent = SMALL_CATALOGUE,
    year: int = 2026,
    title: str = "湖南省政府购买服务指导性目录（测试）",
) -> CatalogVersion:
    """A published guiding catalogue (by default the small one: elderly care, social work, evaluation)."""
    version = catalog_version_create(actor=finance, year=year, title=title)
    catalog_content_replace(actor=finance, version=version, content=content)
    return catalog_version_publish(actor=finance, version=version)


def budget_line_approved(
    *,
    purchaser: User,
    finance: User,
    code: str,
    amount: str = "500000",
    year: int = 2026,
    approve: bool = True,
) -> BudgetLine:
    """A general-fund line of the purchaser's unit for 居家养老服务补助, submitted and approved
    (unless `approve=False`)."""
    assert purchaser.unit is not None, "a purchaser belongs to a unit"
    line = planning_services.budget_line_create(
        actor=purchaser,
        unit=purchaser.unit,
        fiscal_year=year,
        code=code,
        name="居家养老服务补助",
        fund_source=FundSource.GENERAL,
        amount=amount,
    )
    line = planning_services.budget_line_submit(actor=purchaser, line=line)
    return planning_services.budget_line_approve(actor=finance, line=line) if approve else line


class BudgetLines:
    """`lines(amount)` creates the next approved line (`430000-MZ-<nnn>`)."""

    def __init__(self, purchaser: User, finance: User) -> None:
        self.purchaser = purchaser
        self.finance = finance
        self.count = 0

    def __call__(self, amount: str = "500000", *, approve: bool = True, year: int = 2026) -> BudgetLine:
        self.count += 1
        return budget_line_approved(
            purchaser=self.purchaser,
            finance=self.finance,
            code=f"430000-MZ-{self.count:03d}",
            amount=amount,
            year=year,
            approve=approve,
        )


def project_approved(
    *,
    purchaser: User,
    head: User,
    finance: User,
    catalogue: CatalogVersion,
    amount: str = "300000",
    item: str = "A0401",
    name: str = "岳麓区居家养老上门服务",
    approve: bool = True,
    **extra: Any,
) -> Project:
    """A 2026 home-care project for the province, with its demand survey, approved by the unit's
    head and the finance department (unless `approve=False`: proposed only)."""
    project = planning_services.project_propose(
        actor=purchaser,
        fiscal_year=2026,
        name=name,
        items=[catalogue.items.get(code=item)],
        description="为特困、低保老年人提供助餐、助洁、助浴等上门服务",
        quantity="1200",
        quantity_unit="人·月",
        estimated_amount=amount,
        recipients="辖区60周岁以上特困、低保老年人",
        area=Region.objects.get(pk="430000"),
        term_start=date(2026, 5, 1),
        term_end=date(2026, 12, 31),
        **extra,
    )
    if not approve:
        return project
    planning_services.demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 10),
        respondents=120,
        findings="老年人最需要助餐和助洁服务",
    )
    planning_services.project_submit(actor=purchaser, project=project)
    planning_services.project_approve_unit(actor=head, project=project)
    return planning_services.project_approve(actor=finance, project=project)


class Projects:
    """`projects(amount, item=…)` proposes (and by default approves) a project of the catalogue."""

    def __init__(self, purchaser: User, head: User, finance: User, catalogue: CatalogVersion) -> None:
        self.purchaser = purchaser
        self.head = head
        self.finance = finance
        self.catalogue = catalogue

    def __call__(
        self, amount: str = "300000", *, item: str = "A0401", approve: bool = True, **extra: Any
    ) -> Project:
        return project_approved(
            purchaser=self.purchaser,
            head=self.head,
            finance=self.finance,
            catalogue=self.catalogue,
            amount=amount,
            item=item,
            approve=approve,
            **extra,
        )


def plan_ready(
    *,
    purchaser: User,
    finance: User,
    project: Project,
    line: BudgetLine,
    method: str = "open_tender",
    starts_on: date = PLAN_START,
    facts: Mapping[str, bool] | None = None,
) -> PurchasePlan:
    """File, submit (finance approves the method where the law asks) and publish the intention of a
    plan; run on a day at least 30 days before the procurement is created, so the intention has run."""
    plan = planning_services.plan_create(
        actor=purchaser,
        project=project,
        budget_line=line,
        method=method,
        procurement_starts_on=starts_on,
        facts=dict(facts) if facts else None,
        requirements="为辖区老年人提供助餐、助洁服务",
    )
    plan = planning_services.plan_submit(actor=purchaser, plan=plan)
    if plan.status == "pending_approval":
        plan = planning_services.plan_approve_method(actor=finance, plan=plan, note="同意")
    planning_services.intention_publish(actor=purchaser, plan=plan)
    plan.refresh_from_db()
    return plan


class Plans:
    """`plans(method, amount=…, **facts)`: a plan whose intention has run, ready for
    `procurement_create`. Filed on `PLAN_TODAY` (through `pin`), then back on the real clock."""

    ITEMS: Final = ("A0401", "A0402", "A0901", "B0201")

    def __init__(
        self, *, purchaser: User, finance: User, lines: BudgetLines, projects: Projects, pin: DayPin
    ) -> None:
        self.purchaser = purchaser
        self.finance = finance
        self.lines = lines
        self.projects = projects
        self.pin = pin
        self.count = 0

    def __call__(self, method: str = "open_tender", *, amount: str = "300000", **facts: bool) -> PurchasePlan:
        self.count += 1
        n = self.count
        self.pin(PLAN_TODAY)
        project = self.projects(amount, item=self.ITEMS[n % 4], name=f"居家养老上门服务{n}")
        plan = plan_ready(
            purchaser=self.purchaser,
            finance=self.finance,
            project=project,
            line=self.lines(str(int(amount) * 2)),
            method=method,
            facts=facts,
        )
        self.pin(None)  # procurements run on the real clock
        return plan
