"""Assessment fixtures: the provincial registration official, a 1000-point indicator set for social
service agencies, a round with 湖南明鉴绩效评价事务所 as its assessment body and two of its assessors,
organizations with their annual reports filed, and the clock pinned on the round's opening day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Unit, User
from opengps.assessment import services
from opengps.assessment.models import IndicatorSet, Round
from opengps.demo import world
from opengps.demo.world import Organizations, Users
from opengps.registry import services as registry_services
from opengps.registry.models import Organization

TODAY = date(2027, 3, 1)
"""The round opens; the latest annual report due is 2025's (by 2026-05-31)."""

ITEMS = [
    {"code": "A1", "section": "basic", "name": "法人资格与登记备案", "max_points": "150"},
    {"code": "B1", "section": "governance", "name": "组织机构与财务管理", "max_points": "250"},
    {"code": "C1", "section": "performance", "name": "提供服务与社会影响", "max_points": "400"},
    {"code": "D1", "section": "social", "name": "内部与外部评价", "max_points": "200"},
]
SELF = {"A1": "140", "B1": "230", "C1": "380", "D1": "190"}


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """The world's deadlines count from today; see the root conftest."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def today(clock_at: Callable[..., None]) -> date:
    clock_at(TODAY, tick=False)
    return TODAY


@pytest.fixture
def indicator_set(registrar: User, today: date) -> IndicatorSet:
    return services.indicator_set_create(
        actor=registrar,
        org_type="social_service_agency",
        name="社会服务机构评估指标",
        effective_from=date(2027, 1, 1),
        total_points=Decimal(1000),
        items=ITEMS,
    )


@pytest.fixture
def assessors(evaluator_unit: Unit, units: Any) -> list[User]:
    return [world.evaluator_create(evaluator_unit, username=f"assessor{n}") for n in (1, 2)]


@pytest.fixture
def round_(registrar: User, indicator_set: IndicatorSet, evaluator_unit: Unit, today: date) -> Round:
    return services.round_open(
        actor=registrar,
        name="2027年度省级社会服务机构等级评估",
        registration_level="province",
        indicator_set=indicator_set,
        opens_on=date(2027, 3, 1),
        closes_on=date(2027, 3, 31),
        body=evaluator_unit,
        body_reason="经政府购买服务竞争性磋商确定（湘民采〔2027〕3号），合同编号 HN-2027-018",
        assessors_required=2,
    )


@pytest.fixture
def applicant(make_org: Organizations, registrar: User, make_user: Users, today: date) -> Callable[..., User]:
    """`applicant(**org_overrides)`: a member of a new organization with its 2024–2025 reports passed."""

    def make(**overrides: Any) -> User:
        org: Organization = make_org(**overrides)
        for year in (2024, 2025):
            registry_services.annual_report_record(
                actor=registrar,
                organization=org,
                year=year,
                submitted_on=date(year + 1, 5, 10),
                result="qualified",
            )
        return make_user("supplier", unit=None, organization=org)

    return make
