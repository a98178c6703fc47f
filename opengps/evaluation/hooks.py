"""Hooks later stages fill in, so the evaluation page can show their records without importing them.

Evaluation comes before performance in the lifecycle: it may not import it. Performance registers
the bidders' history in its `AppConfig.ready`; until something is registered the evaluation page
simply has no history section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opengps.registry.models import Organization

BidderHistory = Callable[[Organization], Any]
"""An organization's history as the registered template renders it (its context name: `history`)."""


@dataclass(frozen=True)
class _HistoryHook:
    summary: BidderHistory
    template: str


_history: _HistoryHook | None = None


def register_bidder_history(summary: BidderHistory, *, template: str) -> None:
    """Show each bidder's history on the evaluation page: `summary(organization)` rendered by
    `template` (included with ``history``). A later registration replaces an earlier one."""
    global _history
    _history = _HistoryHook(summary, template)


def bidder_history_template() -> str | None:
    """The template that renders one bidder's history, or None when nothing is registered."""
    return _history.template if _history is not None else None


def bidder_histories(organizations: list[Organization]) -> list[tuple[Organization, Any]]:
    """Each organization with its registered history, in the given order; [] when none is registered."""
    if _history is None:
        return []
    return [(org, _history.summary(org)) for org in organizations]
