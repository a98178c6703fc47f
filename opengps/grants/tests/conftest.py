"""Grants fixtures: a funder with an approved 福彩公益金 budget line, an audit firm, organizations
with ratings and listings, their members, and experts with accounts — all built through services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opengps.experts.identity import make_id_number
from opengps.registry.demo_names import make_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUBMIT_ON = date(2023, 4, 10)
REVIEW_ON = date(2023, 5, 5)
DRAWN_AT = datetime(2023, 5, 6, 9, 30, tzinfo=SHANGHAI)
NOTICE_ON = date(2023, 5, 25)
DECIDE_ON = date(2023, 6, 1)
CRITERIA = [
    {"code": "need", "name": "需求分析", "weight": 30},
    {"code": "design", "name": "项目设计与可行性", "weight": 40},
    {"code": "capacity", "name": "执行能力与预算合理性", "weight": 30},
]


@dataclass
class World:
    funder: Any
    finance: Any
    registrar: Any
    auditor: Any
    firm_user: Any
    firm: Any
    line: Any
    programme: Any
    experts: list[Any] = field(default_factory=list)


@pytest.fixture
def world(make_user: Callable[..., Any], units: dict[str, Any]) -> World:
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import unit_create, user_create
    from opengps.grants.services import programme_create
    from opengps.planning.services import budget_line_approve, budget_line_create, budget_line_submit

    funder = make_user("purchaser", unit="civil")
    finance = make_user("finance", unit="finance")
    firm = unit_create(
        actor=None,
        name="湖南湘诚会计师事务所",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
    )
    firm_user = user_create(actor=None, username="cpa1", password="x-test-123", role="evaluator", unit=firm)
    line = budget_line_create(
        actor=funder,
        unit=units["civil"],
        fiscal_year=2023,
        code="2080299-FC01",
        name="省级福彩公益金支持社会组织参与社会服务",
        fund_source="welfare_lottery",
        amount=Decimal("8000000.00"),
    )
    budget_line_submit(actor=funder, line=line)
    line = budget_line_approve(actor=finance, line=line)
    programme = programme_create(
        actor=funder,
        funder_unit=units["civil"],
        name="省级福彩公益金支持社会组织参与社会服务项目",
        fund_source="welfare_lottery",
    )
    return World(
        funder=funder,
        finance=finance,
        registrar=make_user("registration", unit="civil"),
        auditor=make_user("auditor", unit="audit"),
        firm_user=firm_user,
        firm=firm,
        line=line,
        programme=programme,
    )


@pytest.fixture
def make_round(world: World) -> Callable[..., Any]:
    from opengps.grants.services import round_create, round_publish

    def make(*, publish: bool = True, **overrides: Any) -> Any:
        values: dict[str, Any] = {
            "year": 2023,
            "title": "2023年度省级福彩公益金支持社会组织参与社会服务项目",
            "budget_line": world.line,
            "total_amount": Decimal("300000.00"),
            "per_project_cap": Decimal("120000.00"),
            "purpose_areas": ["elderly", "disabled", "orphans", "poverty"],
            "call_opens": date(2023, 4, 1),
            "call_closes": date(2023, 4, 30),
            "review_by": date(2023, 5, 31),
            "agreement_by": date(2023, 6, 30),
            "criteria": CRITERIA,
            "min_rating": 3,
            "min_years_registered": 2,
            "regions": ["430000"],
            "audit_firm": world.firm,
        }
        values.update(overrides)
        round_ = round_create(actor=world.funder, programme=world.programme, **values)
        return round_publish(actor=world.funder, round=round_) if publish else round_

    return make


@pytest.fixture
def make_org(world: World, make_user: Callable[..., Any]) -> Callable[..., tuple[Any, Any]]:
    """An organization (4A unless `rating` says otherwise) and a supplier member of it."""
    from opengps.registry.services import credit_list, organization_create, rating_record

    counter = {"n": 0}

    def make(
        *, rating: int | None = 4, serious: bool = False, industry: bool = False, **overrides: Any
    ) -> tuple[Any, Any]:
        counter["n"] += 1
        n = counter["n"]
        values: dict[str, Any] = {
            "name": f"长沙市爱心社会工作服务中心{n}",
            "uscc": make_uscc(kind_code="2", region_code="430100", serial=900 + n),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": date(2015, 3, 1),
            "legal_representative": f"负责人{n}",
        }
        values.update(overrides)
        org = organization_create(actor=world.registrar, **values)
        if rating is not None:
            rating_record(
                actor=world.registrar,
                organization=org,
                level=rating,
                awarded_on=date(2021, 5, 1),
                decision_no=f"湘民评〔2021〕{n}号",
            )
        if serious:
            credit_list(
                actor=world.registrar,
                organization=org,
                kind="serious",
                reason="fine_50000_plus",
                decision_document=f"湘民罚〔2023〕{n}号",
                listed_on=date(2023, 1, 10),
            )
        member = make_user("supplier", unit=None, organization=org)
        return org, member

    return make


@pytest.fixture
def panel_experts(world: World, make_user: Callable[..., Any]) -> list[Any]:
    """Five qualified experts in 社会工作 (A09) with user accounts."""
    from opengps.accounts.models import Region
    from opengps.experts.services import expert_register

    experts = []
    for n in range(1, 6):
        user = make_user("expert", unit=None)
        experts.append(
            expert_register(
                actor=world.finance,
                name=f"评审专家{n}",
                id_number=make_id_number(region_code="430102", birth_date=date(1975, 5, n), serial=n),
                title_level="senior",
                title_obtained_on=date(2010, 1, 1),
                field_since=date(1998, 7, 1),
                region=Region.objects.get(pk="430104"),
                specialties=["A09"],
                user=user,
            )
        )
    world.experts = experts
    return experts


def application_values(**overrides: Any) -> dict[str, Any]:
    from opengps.accounts.models import Region

    amount = Decimal(str(overrides.pop("requested_amount", "100000.00")))
    values: dict[str, Any] = {
        "title": "社区独居老人关爱服务",
        "purpose_area": "elderly",
        "beneficiary_region": Region.objects.get(pk="430104"),
        "starts_on": date(2023, 7, 1),
        "ends_on": date(2024, 6, 30),
        "requested_amount": amount,
        "budget_lines": [
            {"item": "人员经费", "amount": amount * Decimal("0.6")},
            {"item": "活动经费", "amount": amount - amount * Decimal("0.6")},
        ],
        "indicators": [{"name": "服务老人人数", "target": "≥200人"}, {"name": "满意度", "target": "≥90%"}],
        "summary": "为独居、空巢老人提供探访、助餐和心理慰藉服务",
        "today": SUBMIT_ON,
    }
    values.update(overrides)
    return values
