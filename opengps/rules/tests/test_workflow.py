"""Status transition tables of the planning lifecycle."""

from __future__ import annotations

import pytest

from opengps.rules.base import RuleError
from opengps.rules.workflow import TABLES, can_transition, check_transition


def test_every_target_is_a_known_status() -> None:
    for table in TABLES.values():
        for targets in table.values():
            assert targets <= set(table)


@pytest.mark.parametrize(
    ("entity", "current", "target", "allowed"),
    [
        ("catalog_version", "draft", "published", True),
        ("catalog_version", "published", "draft", False),
        ("budget_line", "submitted", "approved", True),
        ("budget_line", "approved", "draft", False),
        ("project", "unit_approved", "approved", True),
        ("project", "draft", "approved", False),
        ("project", "unit_approved", "returned", True),
        ("project", "returned", "submitted", True),
        ("project", "returned", "approved", False),
        ("plan", "ready", "intention_published", True),
        ("plan", "contracted", "cancelled", False),
        ("plan", "unknown", "ready", False),
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
        assert error.value.params["target"] == target
