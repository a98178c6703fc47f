"""The performance app takes part in earlier stages only through their declared hooks, registered
from `PerformanceConfig.ready`: the credit loop hears contracts' supplier faults
(`test_credit_loop.py` shows the effect), and the registry finds and decides its recommendations
(`test_services.py`: linked both ways) and shows its history on an organization's pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from opengps.contracts import hooks as contract_hooks
from opengps.performance import hooks, services
from opengps.performance.models import ListingRecommendation
from opengps.performance.selectors import HistorySummary
from opengps.registry import hooks as registry_hooks

pytestmark = pytest.mark.django_db


def test_the_app_registers_its_part_in_the_earlier_stages_hooks() -> None:
    assert services.supplier_fault_record in contract_hooks.supplier_fault_subscribers()
    assert isinstance(registry_hooks.recommendations(), hooks.Recommendations)
    # registering again (a second `ready`) changes nothing
    before = contract_hooks.supplier_fault_subscribers()
    hooks.register()
    assert contract_hooks.supplier_fault_subscribers() == before


def test_the_registry_finds_only_the_organizations_recommendation_and_shows_its_history(
    contract: Any, make_user: Any, suppliers: list[Any]
) -> None:
    # given a recommendation after two failures
    org = contract.supplier
    official = make_user("finance", unit="finance")
    today = date.today()
    for n, day in enumerate([today - timedelta(days=200), today - timedelta(days=10)]):
        services.performance_history_record(
            actor=official, organization=org, source="grant", reference=f"GR-{n}", grade="差", occurred_on=day
        )
    rec = ListingRecommendation.objects.get(organization=org)
    # then the registry finds it for this organization only
    source = registry_hooks.recommendations()
    assert source.find(org, rec.pk) == rec
    assert source.find(org, rec.pk + 1) is None
    other = next(u.organization for u in suppliers if u.organization_id != org.pk)
    assert source.find(other, rec.pk) is None
    # and an organization's pages get its performance history
    history = registry_hooks.organization_context(org)["history"]
    assert isinstance(history, HistorySummary)
    assert sorted(e.reference for e in history.entries) == ["GR-0", "GR-1"]
    assert history.recommendations == [rec]
