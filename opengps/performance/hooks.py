"""The performance app's part in earlier stages' declared hooks: the credit loop hears the
contracts app's supplier faults, the evaluation page shows each bidder's performance history, and
the registry finds, decides and shows this app's listing recommendations and history. Registered
once, from `apps.PerformanceConfig.ready`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opengps.accounts.actors import Actor
from opengps.contracts import hooks as contract_hooks
from opengps.evaluation import hooks as evaluation_hooks
from opengps.performance import selectors, services
from opengps.performance.models import ListingRecommendation
from opengps.planning import hooks as planning_hooks
from opengps.registry import hooks as registry_hooks
from opengps.registry.models import CreditListing, Organization


class Recommendations:
    """`registry.hooks.ListingRecommendations` over `ListingRecommendation`."""

    def find(self, organization: Organization, pk: int) -> ListingRecommendation | None:
        return selectors.recommendations_of(organization).filter(pk=pk).first()

    def mark_listed(self, *, actor: Actor, recommendation: Any, listing: CreditListing) -> None:
        services.recommendation_mark_listed(actor=actor, recommendation=recommendation, listing=listing)


def history_panel(organization: Organization) -> Mapping[str, Any]:
    """The supplier's performance history on its registry pages (`performance/_history.html`)."""
    return {"history": selectors.history_summary(organization)}


def register() -> None:
    contract_hooks.on_supplier_fault(services.supplier_fault_record)
    registry_hooks.register_recommendations(Recommendations())
    registry_hooks.register_organization_panel(history_panel)
    evaluation_hooks.register_bidder_history(selectors.history_summary, template="performance/_history.html")
    planning_hooks.register_supplier_performance(
        histories=selectors.history_summaries, category_results=selectors.category_results
    )
