"""Expert fixtures: units, an agency and finance official, and experts built through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opengps.experts.identity import make_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
DRAWN_AT = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
"""A fixed draw time: on_date 2026-03-10, so the 3-year look-back starts 2023-03-10."""


@pytest.fixture
def agency_unit(units: dict[str, Any]) -> Any:
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import unit_create

    return unit_create(
        actor=None,
        name="湖南省公共资源交易中心",
        kind=Unit.Kind.AGENCY,
        region=Region.objects.get(pk="430000"),
    )


@pytest.fixture
def agency(agency_unit: Any, units: dict[str, Any]) -> Any:
    from opengps.accounts.services import user_create

    return user_create(
        actor=None, username="agency1", password="test-password-123", role="agency", unit=agency_unit
    )


@pytest.fixture
def finance(make_user: Callable[..., Any]) -> Any:
    return make_user("finance", unit="finance")


@pytest.fixture
def make_expert(finance: Any) -> Callable[..., Any]:
    """Register an expert: qualified (高级, born 1975) in 养老服务 (A04), Changsha, unless overridden."""
    from opengps.accounts.models import Region
    from opengps.experts.services import expert_register

    counter = {"n": 0}

    def make(*, birth_date: date = date(1975, 5, 1), region: str = "430104", **overrides: Any) -> Any:
        counter["n"] += 1
        n = counter["n"]
        actor = overrides.pop("actor", finance)
        values: dict[str, Any] = {
            "name": f"专家{n:03d}",
            "id_number": make_id_number(region_code="430102", birth_date=birth_date, serial=n),
            "phone": f"1380731{n:04d}",
            "title_level": "senior",
            "title_obtained_on": date(2010, 1, 1),
            "field_since": date(1998, 7, 1),
            "region": Region.objects.get(pk=region),
            "specialties": ["A04"],
        }
        values.update(overrides)
        return expert_register(actor=actor, **values)

    return make


@pytest.fixture
def draw_args(units: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Keyword arguments of a draw for 省民政厅 (open tender, 5 experts, 养老服务)."""
    counter = {"n": 0}

    def args(**overrides: Any) -> dict[str, Any]:
        counter["n"] += 1
        values: dict[str, Any] = {
            "procurement_ref": f"HNZC-2026-{counter['n']:04d}",
            "title": "2026年居家养老上门服务项目",
            "purchaser_unit": units["civil"],
            "category": "A04",
            "method": "open_tender",
            "budget": Decimal("1800000.00"),
            "needed": 5,
            "bidders": [],
            "drawn_at": DRAWN_AT,
        }
        values.update(overrides)
        return values

    return args
