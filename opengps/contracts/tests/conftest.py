"""Contracts fixtures: an open tender evaluated and announced through the real services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award
from opengps.evaluation.tests import conftest as evaluation_fixtures
from opengps.procurement.models import BidReadout, Procurement

finance = evaluation_fixtures.finance
small_catalogue = evaluation_fixtures.small_catalogue
head = evaluation_fixtures.head
make_line = evaluation_fixtures.make_line
make_project = evaluation_fixtures.make_project
make_org = evaluation_fixtures.make_org
fresh_registry_caches = evaluation_fixtures.fresh_registry_caches
filing_day = evaluation_fixtures.filing_day
make_plan = evaluation_fixtures.make_plan
agency_unit = evaluation_fixtures.agency_unit
agency = evaluation_fixtures.agency
suppliers = evaluation_fixtures.suppliers
make_expert = evaluation_fixtures.make_expert
opened = evaluation_fixtures.opened
committee = evaluation_fixtures.committee
_next_year_calendar = evaluation_fixtures._next_year_calendar

FACTORS = [
    evaluation_services.FactorInput("tech", "服务方案", Decimal("50")),
    evaluation_services.FactorInput("team", "人员配备", Decimal("20")),
]


def announce_award(
    purchaser: Any, procurement: Procurement, committee: Any, *, announce: bool = True
) -> Award:
    """Evaluate `procurement` (every member scores the cheapest bid best), confirm and announce."""
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser, procurement=procurement, draw=committee, factors=FACTORS, price_weight="0.30"
    )
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for user in committee.users:
        evaluation_services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    for bid in bids:
        evaluation_services.review_record(
            actor=committee.users[0],
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="具有独立承担民事责任的能力",
            passed=True,
        )
    for user in committee.users:
        evaluation_services.scores_submit(
            actor=user,
            evaluation=evaluation,
            scores={bid.pk: {"tech": str(45 - 3 * b), "team": str(18 - b)} for b, bid in enumerate(bids)},
        )
    evaluation_services.evaluation_report_build(actor=committee.users[0], evaluation=evaluation)
    for user in committee.users:
        evaluation_services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    award = Award.objects.get(evaluation=evaluation)
    evaluation_services.award_confirm(actor=purchaser, award=award)
    if announce:
        evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    award.refresh_from_db()
    return award


@pytest.fixture
def award(purchaser: Any, opened: Procurement, committee: Any) -> Award:
    """The announced award of `opened` (winner: the 268000-yuan bid)."""
    return announce_award(purchaser, opened, committee)


@pytest.fixture
def winner_user(award: Award, suppliers: list[Any]) -> Any:
    """The supplier account of the winning organization."""
    assert award.winner is not None
    return next(u for u in suppliers if u.organization_id == award.winner.organization_id)


@pytest.fixture
def other_supplier(award: Award, suppliers: list[Any]) -> Any:
    assert award.winner is not None
    return next(u for u in suppliers if u.organization_id != award.winner.organization_id)


@pytest.fixture
def make_contract(purchaser: Any, award: Award) -> Callable[..., Any]:
    from datetime import timedelta

    from django.utils import timezone

    from opengps.contracts import services

    def make(**overrides: Any) -> Any:
        start = timezone.localdate() - timedelta(days=60)
        data: dict[str, Any] = {
            "kind": "outsourcing",
            "starts_on": start,
            "ends_on": start + timedelta(days=364),
            "performance_bond": "20000",
            "indicators": [
                {"code": "visits", "name": "上门服务人次", "target": "1200", "unit": "人次"},
                {"code": "satisfaction", "name": "服务对象满意度", "target": "90", "unit": "%"},
            ],
        }
        data.update(overrides)
        return services.contract_create_from_award(actor=purchaser, award=award, **data)

    return make
