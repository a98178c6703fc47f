"""The hook through which performance shows suppliers' history on planning pages: planning never
imports performance; what performance registers is what the pages read, and nothing is shown
while nothing is registered."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from opengps.catalog.models import CatalogItem
from opengps.planning import hooks, selectors
from opengps.planning.models import Project
from opengps.registry.models import Organization


@pytest.fixture
def no_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_registered", [])


def test_without_a_registration_the_readers_find_nothing(no_registration: None) -> None:
    # given no app registered its readers
    # when planning asks for them
    performance = hooks.supplier_performance()
    # then they find no history and no category results
    assert performance is hooks.NO_PERFORMANCE
    assert performance.histories([]) == [] and performance.category_results([]) == []


def test_a_registration_replaces_the_earlier_one(no_registration: None) -> None:
    def first(organizations: list[Organization]) -> list[tuple[Organization, object]]:
        return []

    def second(organizations: list[Organization]) -> list[tuple[Organization, object]]:
        return []

    def results(items: Iterable[CatalogItem]) -> list[object]:
        return []

    hooks.register_supplier_performance(histories=first, category_results=results)
    hooks.register_supplier_performance(histories=second, category_results=results)
    assert hooks.supplier_performance().histories is second


@pytest.mark.django_db
def test_the_project_pages_read_the_registered_readers(
    no_registration: None, make_project: Callable[..., Project]
) -> None:
    # given readers registered by a later stage, and a project without suppliers yet
    seen: list[list[CatalogItem]] = []

    def results(items: Iterable[CatalogItem]) -> list[object]:
        seen.append(list(items))
        return ["a result"]

    def histories(organizations: list[Organization]) -> list[tuple[Organization, Any]]:
        raise AssertionError("a project without suppliers has no histories to read")

    hooks.register_supplier_performance(histories=histories, category_results=results)
    project = make_project()
    # when planning builds the supplier panel
    context = selectors.supplier_context(project)
    # then the category reader is called with the project's catalogue items
    assert context.histories == [] and list(context.category_results) == ["a result"]
    assert seen == [list(project.items.all())]
