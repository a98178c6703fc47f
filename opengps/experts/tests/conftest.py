"""Expert fixtures: the world's units, finance official and experts (`make_expert` in
`opengps.demo.fixtures`), an agency of the trading centre, a fixed draw time and a draw's arguments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opengps.demo import world

SHANGHAI = ZoneInfo("Asia/Shanghai")
DRAWN_AT = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
"""A fixed draw time: on_date 2026-03-10, so the 3-year look-back starts 2023-03-10."""


@pytest.fixture
def agency_unit(units: dict[str, Any]) -> Any:
    """Here the agency is the public resources trading centre (the world's default: 湖南省采购代理中心)."""
    return world.agency_unit_create("湖南省公共资源交易中心")


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
