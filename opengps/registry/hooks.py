"""Declared hooks through which a later stage (performance) takes part in the registry's credit
decisions and organization pages without the registry importing it: the layering runs
registry → … → performance, never back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from opengps.accounts.actors import Actor
from opengps.registry.models import CreditListing, Organization


class ListingRecommendations(Protocol):
    """The stage that recommends credit listings (performance's `ListingRecommendation`)."""

    def find(self, organization: Organization, pk: int) -> Any | None:
        """The organization's recommendation `pk`, or None."""
        ...

    def mark_listed(self, *, actor: Actor, recommendation: Any, listing: CreditListing) -> None:
        """Called by `services.credit_list` inside its transaction, before its own audit event, when
        a listing follows `recommendation`: decide it and link it to `listing`."""
        ...


class OrganizationPanel(Protocol):
    """Adds template context (e.g. ``history``) to an organization's public and manage pages."""

    def __call__(self, organization: Organization) -> Mapping[str, Any]: ...


_recommendations: list[ListingRecommendations] = []
_panels: list[OrganizationPanel] = []


def register_recommendations(source: ListingRecommendations) -> None:
    """The performance app registers its recommendations here from its `ready()`; one source."""
    _recommendations[:] = [source]


def recommendations() -> ListingRecommendations:
    if not _recommendations:
        raise ImproperlyConfigured("no app registered listing recommendations with the registry")
    return _recommendations[0]


def register_organization_panel(panel: OrganizationPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def organization_context(organization: Organization) -> dict[str, Any]:
    """The context every registered panel adds to an organization's pages."""
    context: dict[str, Any] = {}
    for panel in _panels:
        context.update(panel(organization))
    return context
