"""The one transition mechanism: a table per entity, checked by one function."""

from __future__ import annotations

import pytest

from opengps.rules import contracts, grants_flow, procurement_flow, workflow
from opengps.rules.base import RuleError
from opengps.rules.transitions import (
    STATUS_REFUSAL,
    EntityTransitions,
    Refusal,
    Transitions,
    can_transition,
    check_transition,
)

TABLE: Transitions = {"draft": frozenset({"sent"}), "sent": frozenset()}


def test_a_change_in_the_table_passes_and_any_other_is_refused_with_the_entity() -> None:
    # given a table
    # when a change in it and one outside it are checked
    check_transition(TABLE, "draft", "sent", entity="letter")
    with pytest.raises(RuleError) as refused:
        check_transition(TABLE, "sent", "draft", entity="letter")
    # then only the second is refused, with the stable code and the entity in its params
    assert (refused.value.code, refused.value.params) == (
        STATUS_REFUSAL.code,
        {"entity": "letter", "current": "sent", "target": "draft"},
    )
    assert refused.value.message_zh == "状态不能从“sent”变为“draft”"
    assert refused.value.message("en") == "Status cannot change from 'sent' to 'draft'"


def test_an_unknown_status_may_go_nowhere_and_a_table_may_keep_its_own_refusal() -> None:
    refusal = Refusal("letter.not_allowed", "信函不能从“{current}”变为“{target}”", "No {current} → {target}")
    assert not can_transition(TABLE, "lost", "sent")
    with pytest.raises(RuleError) as refused:
        check_transition(TABLE, "lost", "sent", refusal=refusal)
    assert (refused.value.code, refused.value.params) == (
        "letter.not_allowed",
        {"current": "lost", "target": "sent"},
    )
    assert refused.value.message_en == "No lost → sent"


def test_entity_tables_look_up_the_entity_and_read_as_a_mapping() -> None:
    tables = EntityTransitions({"letter": TABLE})
    assert (len(tables), list(tables), tables["letter"]) == (1, ["letter"], TABLE)
    assert tables.can_transition("letter", "draft", "sent")
    with pytest.raises(RuleError) as refused:
        tables.check_transition("letter", "sent", "draft")
    assert refused.value.params["entity"] == "letter"


@pytest.mark.parametrize(
    "table",
    [
        *workflow.TABLES.values(),
        *grants_flow.TABLES.values(),
        procurement_flow.PROCUREMENT,
        contracts.CONTRACT_TRANSITIONS,
    ],
)
def test_every_table_leads_only_to_its_own_statuses(table: Transitions) -> None:
    targets = set().union(*table.values())
    assert targets <= set(table)
