"""Declared hooks through which a later stage (performance) shows suppliers' past performance on the
planning pages without planning importing it: the layering runs planning → … → performance, never back.

The performance app registers its readers once, from its `ready()`. Until one is registered the
planning pages show no history and an empty category panel.

Likewise the e-mall declares what its orders and open 竞价 rounds hold on budget lines
(`register_budget_holding`), so a line's usage and room (`planning.selectors.budget_usage`, the one
figure `_budget_covers` and the e-mall's own budget check both read) count them.
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


BudgetHolding = Callable[[], Any]
"""A query expression over `BudgetLine` rows (correlated on ``OuterRef("pk")``): what a later stage
holds on each line, in yuan (NULL or 0 when nothing), as of the moment the expression is built."""

_holdings: dict[str, BudgetHolding] = {}


def register_budget_holding(name: str, holding: BudgetHolding) -> None:
    """A later stage (the e-mall's orders and open 竞价 rounds) declares what it holds on budget
    lines, so planning's usage and room count it; registering a name again replaces it."""
    _holdings[name] = holding


def budget_holdings() -> list[BudgetHolding]:
    """The registered holdings, in the order registered (none: lines hold only their plans)."""
    return list(_holdings.values())
