"""Oversight fixtures: the evaluation fixtures, plus a procurement opened with two identical prices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from opengps.evaluation.tests import conftest as evaluation_fixtures
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement
from opengps.procurement.tests.conftest import announce_times, bid_files

_next_year_calendar = evaluation_fixtures._next_year_calendar
agency = evaluation_fixtures.agency
agency_unit = evaluation_fixtures.agency_unit
committee = evaluation_fixtures.committee
finance = evaluation_fixtures.finance
fresh_registry_caches = evaluation_fixtures.fresh_registry_caches
head = evaluation_fixtures.head
make_expert = evaluation_fixtures.make_expert
make_line = evaluation_fixtures.make_line
make_org = evaluation_fixtures.make_org
make_plan = evaluation_fixtures.make_plan
make_project = evaluation_fixtures.make_project
opened = evaluation_fixtures.opened
filing_day = evaluation_fixtures.filing_day
small_catalogue = evaluation_fixtures.small_catalogue
suppliers = evaluation_fixtures.suppliers

SAME_PRICES = ("268000", "268000", "290000")


@pytest.fixture
def rushed_same_prices(purchaser: Any, make_plan: Any, suppliers: list[Any]) -> Procurement:
    """An open tender announced 21 days before its deadline (the legal minimum is 20), two equal prices."""
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times(days_ago=21)
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    for user, price in zip(suppliers, SAME_PRICES, strict=False):
        procurement_services.documents_obtain(actor=user, procurement=procurement)
        procurement_services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files())
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    return procurement


@pytest.fixture
def finance_user(make_user: Any) -> Any:
    return make_user("finance", unit="finance")


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", unit=None)


DEVICE = "ab" * 32


@pytest.fixture
def colluding(purchaser: Any, make_plan: Any, suppliers: list[Any]) -> Procurement:
    """Three bids: the first two sent from one address and device, naming one contact phone."""
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    sources = [
        ("203.0.113.7", DEVICE, "张三", "138-0000-0001"),
        ("203.0.113.7", DEVICE, "李四", "13800000001"),
        ("198.51.100.20", "cd" * 32, "王五", "13900000002"),
    ]
    for user, price, (ip, device, name, phone) in zip(
        suppliers, ("268000", "275000", "290000"), sources, strict=False
    ):
        procurement_services.documents_obtain(actor=user, procurement=procurement)
        procurement_services.bid_submit(
            actor=user,
            lot=lot,
            price_total=price,
            files=bid_files(),
            source_ip=ip,
            source_device=device,
            contact_name=name,
            contact_phone=phone,
        )
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    return procurement
