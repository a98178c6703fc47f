"""Grants: a 2023 round of the provincial welfare-lottery fund, with its funder, audit firm,
applicants and panel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from opengps.accounts.models import Region, Unit, User
from opengps.accounts.services import unit_create, user_create
from opengps.demo.world._base import SHANGHAI
from opengps.demo.world.people import Users, uscc_for
from opengps.experts.identity import make_id_number
from opengps.experts.models import Expert
from opengps.experts.services import expert_register
from opengps.grants.models import Programme, Round
from opengps.grants.services import programme_create, round_create, round_publish
from opengps.planning import services as planning_services
from opengps.planning.models import BudgetLine
from opengps.registry.models import Organization
from opengps.registry.services import credit_list, organization_create, rating_record

# ---------------------------------------------------------------------------------------------
# Grants: a 2023 round of the provincial welfare-lottery fund

GRANT_SUBMIT_ON: Final = date(2023, 4, 10)
GRANT_REVIEW_ON: Final = date(2023, 5, 5)
GRANT_DRAWN_AT: Final = datetime(2023, 5, 6, 9, 30, tzinfo=SHANGHAI)
GRANT_NOTICE_ON: Final = date(2023, 5, 25)
GRANT_DECIDE_ON: Final = date(2023, 6, 1)
GRANT_CRITERIA: Final[list[dict[str, Any]]] = [
    {"code": "need", "name": "需求分析", "weight": 30},
    {"code": "design", "name": "项目设计与可行性", "weight": 40},
    {"code": "capacity", "name": "执行能力与预算合理性", "weight": 30},
]


@dataclass
class GrantsWorld:
    """The funder (省民政厅) with an approved 福彩公益金 line and programme, finance, a registrar, an
    auditor, the audit firm and its accountant; `experts` once the panel is registered."""

    funder: User
    finance: User
    registrar: User
    auditor: User
    firm_user: User
    firm: Unit
    line: BudgetLine
    programme: Programme
    experts: list[Expert] = field(default_factory=list)


def grants_world_create(users: Users) -> GrantsWorld:
    funder = users("purchaser", unit="civil")
    finance = users("finance", unit="finance")
    civil = users.units["civil"]
    firm = unit_create(
        actor=None,
        name="湖南湘诚会计师事务所",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
    )
    firm_user = user_create(
        actor=None,
        username="cpa1",
        password="x-test-123",  # noqa: S106 — a throwaway account
        role="evaluator",
        unit=firm,
    )
    line = planning_services.budget_line_create(
        actor=funder,
        unit=civil,
        fiscal_year=2023,
        code="2080299-FC01",
        name="省级福彩公益金支持社会组织参与社会服务",
        fund_source="welfare_lottery",
        amount=Decimal("8000000.00"),
    )
    planning_services.budget_line_submit(actor=funder, line=line)
    line = planning_services.budget_line_approve(actor=finance, line=line)
    programme = programme_create(
        actor=funder,
        funder_unit=civil,
        name="省级福彩公益金支持社会组织参与社会服务项目",
        fund_source="welfare_lottery",
    )
    return GrantsWorld(
        funder=funder,
        finance=finance,
        registrar=users("registration", unit="civil"),
        auditor=users("auditor", unit="audit"),
        firm_user=firm_user,
        firm=firm,
        line=line,
        programme=programme,
    )


def grant_round_create(world: GrantsWorld, *, publish: bool = True, **overrides: Any) -> Round:
    """The 2023 round (300,000 yuan, at most 120,000 a project, 3A and 2 years registered), published
    unless `publish=False`."""
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
        "criteria": GRANT_CRITERIA,
        "min_rating": 3,
        "min_years_registered": 2,
        "regions": ["430000"],
        "audit_firm": world.firm,
    }
    values.update(overrides)
    round_ = round_create(actor=world.funder, programme=world.programme, **values)
    return round_publish(actor=world.funder, round=round_) if publish else round_


class GrantApplicants:
    """`applicants(rating=4, serious=False, **overrides)`: the next organization (rated unless
    `rating=None`, seriously listed if `serious`) and a supplier member of it."""

    def __init__(self, world: GrantsWorld, users: Users) -> None:
        self.world = world
        self.users = users
        self.count = 0

    def __call__(
        self, *, rating: int | None = 4, serious: bool = False, industry: bool = False, **overrides: Any
    ) -> tuple[Organization, User]:
        self.count += 1
        n = self.count
        registrar = self.world.registrar
        values: dict[str, Any] = {
            "name": f"长沙市爱心社会工作服务中心{n}",
            "uscc": uscc_for(900 + n),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": date(2015, 3, 1),
            "legal_representative": f"负责人{n}",
        }
        values.update(overrides)
        org = organization_create(actor=registrar, **values)
        if rating is not None:
            rating_record(
                actor=registrar,
                organization=org,
                level=rating,
                awarded_on=date(2021, 5, 1),
                decision_no=f"湘民评〔2021〕{n}号",
            )
        if serious:
            credit_list(
                actor=registrar,
                organization=org,
                kind="serious",
                reason="fine_50000_plus",
                decision_document=f"湘民罚〔2023〕{n}号",
                listed_on=date(2023, 1, 10),
            )
        return org, self.users("supplier", unit=None, organization=org)


def grant_panel_register(world: GrantsWorld, users: Users) -> list[Expert]:
    """Five qualified experts in 社会工作 (A09) with accounts, kept on `world.experts`."""
    experts = []
    for n in range(1, 6):
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
                user=users("expert", unit=None),
            )
        )
    world.experts = experts
    return experts


def grant_application_values(**overrides: Any) -> dict[str, Any]:
    """An application for 社区独居老人关爱服务 (100,000 yuan unless `requested_amount`), dated
    `GRANT_SUBMIT_ON`."""
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
        "today": GRANT_SUBMIT_ON,
    }
    values.update(overrides)
    return values
