"""Declared hooks through which a later stage (performance) shows suppliers' past performance on the
planning pages without planning importing it: the layering runs planning → … → performance, never back.

The performance app registers its readers once, from its `ready()`. Until one is registered the
planning pages show no history and an empty category panel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from opengps.catalog.models import CatalogItem
from opengps.registry.models import Organization

SupplierHistories = Callable[[list[Organization]], Sequence[tuple[Organization, object]]]
"""Each supplier with the summary of its performance history, in the order given (fixed queries)."""
CategoryResults = Callable[[Iterable[CatalogItem]], Sequence[object]]
"""The latest published performance results of suppliers in these catalogue items."""


@dataclass(frozen=True)
class SupplierPerformance:
    histories: SupplierHistories
    category_results: CategoryResults


def _none(_: object) -> list[Any]:
    return []


NO_PERFORMANCE = SupplierPerformance(histories=_none, category_results=_none)
_registered: list[SupplierPerformance] = []


def register_supplier_performance(*, histories: SupplierHistories, category_results: CategoryResults) -> None:
    """The performance app registers its readers here; registering again replaces them."""
    _registered[:] = [SupplierPerformance(histories=histories, category_results=category_results)]


def supplier_performance() -> SupplierPerformance:
    """The registered readers, or ones that find nothing."""
    return _registered[0] if _registered else NO_PERFORMANCE
