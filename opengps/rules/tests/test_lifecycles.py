"""Status transition tables of challenges, evaluations, experts, drawn members, performance
evaluations, listing recommendations and organizations."""

from __future__ import annotations

import pytest

from opengps.rules.base import RuleError
from opengps.rules.lifecycles import TABLES, can_transition, check_transition


def test_every_target_is_a_known_status() -> None:
    for table in TABLES.values():
        for targets in table.values():
            assert targets <= set(table)


@pytest.mark.parametrize(
    ("entity", "current", "target", "allowed"),
    [
        ("challenge", "pending", "answered", True),
        ("challenge", "answered", "answered", False),
        ("challenge", "answered", "pending", False),
        ("evaluation", "reviewing", "reported", True),
        ("evaluation", "reviewing", "failed", True),
        ("evaluation", "reported", "confirmed", True),
        ("evaluation", "reviewing", "confirmed", False),
        ("evaluation", "failed", "reported", False),
        ("evaluation", "confirmed", "reviewing", False),
        ("expert", "active", "suspended", True),
        ("expert", "suspended", "active", True),
        ("expert", "active", "active", False),
        ("draw_member", "invited", "accepted", True),
        ("draw_member", "invited", "declined", True),
        ("draw_member", "invited", "replaced", True),
        ("draw_member", "accepted", "recused", True),
        ("draw_member", "invited", "recused", False),
        ("draw_member", "declined", "accepted", False),
        ("draw_member", "recused", "accepted", False),
        ("performance_evaluation", "open", "finalized", True),
        ("performance_evaluation", "finalized", "published", True),
        ("performance_evaluation", "open", "published", False),
        ("performance_evaluation", "published", "open", False),
        ("listing_recommendation", "pending", "listed", True),
        ("listing_recommendation", "pending", "declined", True),
        ("listing_recommendation", "declined", "listed", False),
        ("listing_recommendation", "listed", "pending", False),
        ("organization", "normal", "deregistered", True),
        ("organization", "normal", "revoked", True),
        ("organization", "revoked", "normal", False),
        ("organization", "deregistered", "revoked", False),
        ("organization", "unknown", "normal", False),
    ],
)
def test_transitions(entity: str, current: str, target: str, allowed: bool) -> None:
    assert can_transition(entity, current, target) is allowed
    if allowed:
        check_transition(entity, current, target)
    else:
        with pytest.raises(RuleError) as error:
            check_transition(entity, current, target)
        assert error.value.code == "workflow.transition_not_allowed"
        assert error.value.params == {"entity": entity, "current": current, "target": target}


def test_an_unknown_entity_has_no_table() -> None:
    with pytest.raises(KeyError):
        check_transition("contract", "draft", "signed")
