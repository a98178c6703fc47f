"""Performance fixtures: a published contract (through the contracts services), a general template,
a third-party evaluator with an account, and the finance department."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opengps.contracts.tests import conftest as contracts_fixtures

finance = contracts_fixtures.finance
small_catalogue = contracts_fixtures.small_catalogue
head = contracts_fixtures.head
make_line = contracts_fixtures.make_line
make_project = contracts_fixtures.make_project
make_org = contracts_fixtures.make_org
fresh_registry_caches = contracts_fixtures.fresh_registry_caches
filing_day = contracts_fixtures.filing_day
make_plan = contracts_fixtures.make_plan
agency_unit = contracts_fixtures.agency_unit
agency = contracts_fixtures.agency
suppliers = contracts_fixtures.suppliers
make_expert = contracts_fixtures.make_expert
opened = contracts_fixtures.opened
committee = contracts_fixtures.committee
_next_year_calendar = contracts_fixtures._next_year_calendar
award = contracts_fixtures.award
winner_user = contracts_fixtures.winner_user
make_contract = contracts_fixtures.make_contract

INDICATORS: list[dict[str, Any]] = [
    {"code": "output", "name": "产出", "weight": "60"},
    {"code": "quantity", "name": "数量", "weight": "50", "parent": "output"},
    {"code": "quality", "name": "质量", "weight": "50", "parent": "output"},
    {
        "code": "quality.rate",
        "name": "服务达标率",
        "weight": "40",
        "parent": "quality",
        "guide": [{"minimum": "95", "points": "100"}, {"minimum": "85", "points": "80"}],
    },
    {"code": "quality.complaints", "name": "有效投诉处理", "weight": "60", "parent": "quality"},
    {"code": "benefit", "name": "效益", "weight": "30"},
    {"code": "satisfaction", "name": "满意度", "weight": "10", "survey": True},
]
SOURCE_WEIGHTS = {"self": Decimal(10), "purchaser": Decimal(50), "third_party": Decimal(40)}


@pytest.fixture
def finance_user(make_user: Callable[..., Any]) -> Any:
    return make_user("finance", unit="finance")


@pytest.fixture
def template(finance_user: Any) -> Any:
    from opengps.performance import services

    return services.template_save(
        actor=finance_user, name="通用绩效指标", indicators=INDICATORS, source_weights=SOURCE_WEIGHTS
    )


@pytest.fixture
def evaluator_unit(regions: None) -> Any:
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import unit_create

    return unit_create(
        actor=None,
        name="湖南明鉴绩效评价事务所",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
    )


@pytest.fixture
def evaluator_user(evaluator_unit: Any, units: Any) -> Any:
    from opengps.accounts.services import user_create

    return user_create(
        actor=None, username="evaluator1", password="test-password-123", role="evaluator", unit=evaluator_unit
    )


def publish_contract(purchaser: Any, contract: Any) -> Any:
    from opengps.contracts import services as contract_services

    contract = contract_services.contract_sign(actor=purchaser, contract=contract)
    return contract_services.contract_publish(actor=purchaser, contract=contract)


@pytest.fixture
def contract(purchaser: Any, make_contract: Callable[..., Any]) -> Any:
    """A signed and published contract of the announced award."""
    return publish_contract(purchaser, make_contract())


@pytest.fixture
def evaluation(purchaser: Any, contract: Any, template: Any, evaluator_unit: Any) -> Any:
    from opengps.performance import services

    return services.evaluation_create(
        actor=purchaser, contract=contract, period="2025年度", evaluator=evaluator_unit
    )


@pytest.fixture(autouse=True)
def _fixed_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit windows are fixed clock windows; a test crossing a boundary would see a fresh
    window. Every hit counts at one instant so the throttling tests are deterministic."""
    import functools
    import time

    from opengps.core import ratelimit

    monkeypatch.setattr(ratelimit, "allow", functools.partial(ratelimit.allow, now=time.time()))
