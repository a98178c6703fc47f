"""Oversight fixtures: the world's (`opengps.demo.fixtures`: an opened procurement, a committee),
plus procurements opened with two identical prices and with colluding bids, on the real clock."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.demo import world
from opengps.procurement.models import Procurement

SAME_PRICES = ("268000", "268000", "290000")
DEVICE = "ab" * 32


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Procurements run on the real clock; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def rushed_same_prices(purchaser: Any, make_plan: Any, suppliers: list[Any]) -> Procurement:
    """An open tender announced 20 days ago with its deadline on the earliest lawful day (GPL §35,
    extended past a weekend or holiday), two equal prices."""
    return world.procurement_opened(
        purchaser=purchaser,
        plan=make_plan("open_tender"),
        suppliers=suppliers,
        prices=SAME_PRICES,
        days_ago=20,
        ahead=world.at_the_legal_minimum("open_tender", days_ago=20),
        deposit=None,
    )


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", unit=None)


@pytest.fixture
def colluding(purchaser: Any, make_plan: Any, suppliers: list[Any]) -> Procurement:
    """Three bids: the first two sent from one address and device, naming one contact phone."""
    procurement = world.procurement_announced(purchaser=purchaser, plan=make_plan("open_tender"))
    sources = [
        ("203.0.113.7", DEVICE, "张三", "138-0000-0001"),
        ("203.0.113.7", DEVICE, "李四", "13800000001"),
        ("198.51.100.20", "cd" * 32, "王五", "13900000002"),
    ]
    for user, price, (ip, device, name, phone) in zip(
        suppliers, ("268000", "275000", "290000"), sources, strict=False
    ):
        world.bid_place(
            supplier=user,
            procurement=procurement,
            price=price,
            source_ip=ip,
            source_device=device,
            contact_name=name,
            contact_phone=phone,
        )
    return world.procurement_open_after_deadline(purchaser=purchaser, procurement=procurement)
