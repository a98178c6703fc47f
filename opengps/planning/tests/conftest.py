"""Fixtures for planning: a fixed today, unit staff, a finance user, an approved project."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.catalog.tests import conftest as catalog_fixtures
from opengps.planning.models import BudgetLine, FundSource, Project
from opengps.planning.services import (
    budget_line_approve,
    budget_line_create,
    budget_line_submit,
    demand_survey_record,
    project_approve,
    project_approve_unit,
    project_propose,
    project_submit,
)

finance = catalog_fixtures.finance
small_catalogue = catalog_fixtures.small_catalogue

TODAY = date(2026, 3, 2)  # a Monday; the shipped calendar knows 2026


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None]) -> date:
    clock_at(TODAY)
    return TODAY


@pytest.fixture
def head(make_user: Callable[..., Any]) -> Any:
    """The head of the provincial civil-affairs department (a second purchaser of the unit)."""
    return make_user("purchaser", username="head")


@pytest.fixture
def make_line(purchaser: Any, finance: Any) -> Callable[..., BudgetLine]:
    counter = {"n": 0}

    def make(amount: str = "500000", *, approve: bool = True, year: int = 2026) -> BudgetLine:
        counter["n"] += 1
        line = budget_line_create(
            actor=purchaser,
            unit=purchaser.unit,
            fiscal_year=year,
            code=f"430000-MZ-{counter['n']:03d}",
            name="居家养老服务补助",
            fund_source=FundSource.GENERAL,
            amount=amount,
        )
        line = budget_line_submit(actor=purchaser, line=line)
        return budget_line_approve(actor=finance, line=line) if approve else line

    return make


@pytest.fixture
def make_project(purchaser: Any, head: Any, finance: Any, small_catalogue: Any) -> Callable[..., Project]:
    def make(amount: str = "300000", *, item: str = "A0401", approve: bool = True, **extra: Any) -> Project:
        project = project_propose(
            actor=purchaser,
            fiscal_year=2026,
            name=extra.pop("name", "岳麓区居家养老上门服务"),
            items=[small_catalogue.items.get(code=item)],
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
        demand_survey_record(
            actor=purchaser,
            project=project,
            method="questionnaire",
            conducted_on=date(2026, 2, 10),
            respondents=120,
            findings="老年人最需要助餐和助洁服务",
        )
        project_submit(actor=purchaser, project=project)
        project_approve_unit(actor=head, project=project)
        return project_approve(actor=finance, project=project)

    return make
