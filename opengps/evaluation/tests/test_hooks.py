"""The evaluation's hooks: what a later stage registers is what the page asks for."""

from __future__ import annotations

from typing import Any

from opengps.evaluation import hooks


def test_bidder_history_hook_registered_and_used() -> None:
    # given the hook as the apps registered it
    before = hooks._history
    try:
        # then some provider fills the bidder history (performance, in its AppConfig.ready)
        assert hooks.bidder_history_template() == "performance/_history.html"
        # when another provider registers
        hooks.register_bidder_history(lambda org: f"history of {org}", template="x.html")
        orgs: list[Any] = ["a", "b"]
        # then the page gets its summaries in the given order, and its template
        expected: list[Any] = [("a", "history of a"), ("b", "history of b")]
        assert hooks.bidder_histories(orgs) == expected
        assert hooks.bidder_history_template() == "x.html"
    finally:
        hooks._history = before


def test_without_provider_no_history() -> None:
    # given no provider registered
    before = hooks._history
    hooks._history = None
    try:
        # then the page has no history section and asks for nothing
        assert hooks.bidder_history_template() is None
        assert hooks.bidder_histories([]) == []
    finally:
        hooks._history = before
