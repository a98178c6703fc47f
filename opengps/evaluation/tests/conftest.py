"""Evaluation fixtures: a procurement opened with three bids, and a drawn committee of five with accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from opengps.experts.services import draw_create, draw_member_respond
from opengps.experts.tests import conftest as expert_fixtures
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement
from opengps.procurement.tests import conftest as procurement_fixtures
from opengps.procurement.tests.conftest import announce_times, bid_files

finance = procurement_fixtures.finance
small_catalogue = procurement_fixtures.small_catalogue
head = procurement_fixtures.head
make_line = procurement_fixtures.make_line
make_project = procurement_fixtures.make_project
make_org = procurement_fixtures.make_org
fresh_registry_caches = procurement_fixtures.fresh_registry_caches
filing_day = procurement_fixtures.filing_day
make_plan = procurement_fixtures.make_plan
agency_unit = procurement_fixtures.agency_unit
agency = procurement_fixtures.agency
suppliers = procurement_fixtures.suppliers
make_expert = expert_fixtures.make_expert

PRICES = ("268000", "275000", "290000")


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Every test here counts deadlines from today; see the root conftest's `next_year_calendar`."""


@pytest.fixture
def opened(purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]) -> Procurement:
    """An open tender with a 5000-yuan deposit, opened with three valid bids."""
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, bid_deposit="5000", now=issued
    )
    lot = procurement.lots.get(number=1)
    for user, price in zip(suppliers, PRICES, strict=False):
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
def committee(
    opened: Procurement, purchaser: Any, make_expert: Callable[..., Any], make_user: Callable[..., Any]
) -> Any:
    """A draw of 5 experts for `opened`, all accepted; returns the draw with `.users` in member order."""
    experts = []
    for _n in range(7):
        experts.append(make_expert(user=make_user("expert", unit=None)))
    draw = draw_create(
        actor=purchaser,
        procurement_ref=opened.reference,
        title=opened.title,
        purchaser_unit=opened.purchaser,
        category="A04",
        method="open_tender",
        budget=opened.budget,
        needed=5,
        bidders=[],
    )
    users = []
    for member in draw.members.order_by("order"):
        assert member.expert.user is not None
        draw_member_respond(actor=member.expert.user, member=member, accept=True, no_conflict_confirmed=True)
        users.append(member.expert.user)
    draw.users = users  # type: ignore[attr-defined]
    return draw
