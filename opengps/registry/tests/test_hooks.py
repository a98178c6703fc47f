"""The registry's declared hooks: later stages add context to an organization's pages and decide
their listing recommendations through them; the registry imports none of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from opengps.registry import hooks
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db


def test_every_registered_panel_adds_its_context(
    make_org: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two panels (and none of the installed apps')
    def first(organization: Organization) -> Mapping[str, Any]:
        return {"first": organization.uscc}

    def second(organization: Organization) -> Mapping[str, Any]:
        return {"second": organization.name}

    monkeypatch.setattr(hooks, "_panels", [])
    hooks.register_organization_panel(first)
    hooks.register_organization_panel(second)
    hooks.register_organization_panel(first)  # once is enough
    org = make_org()
    # then the pages' context has both
    assert hooks.organization_context(org) == {"first": org.uscc, "second": org.name}


def test_listing_recommendations_need_their_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_recommendations", [])
    with pytest.raises(ImproperlyConfigured):
        hooks.recommendations()

    class Source:
        def find(self, organization: Organization, pk: int) -> Any | None:
            return None

        def mark_listed(self, *, actor: Any, recommendation: Any, listing: Any) -> None:
            return None

    source = Source()
    hooks.register_recommendations(source)
    hooks.register_recommendations(source)
    assert hooks.recommendations() is source and hooks._recommendations == [source]
