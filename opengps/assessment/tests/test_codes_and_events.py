"""Assessment's codes and events are data: every code it refuses with is declared in its `errors.py`
with a message, every audit action it records is declared in its `events.py` with a label, and
every declared code and event is used."""

from __future__ import annotations

from opengps.assessment.errors import Code
from opengps.assessment.events import Event
from opengps.assessment.services._common import RULE_CODES
from opengps.core.declared import problems


def test_codes_and_events_are_declared_and_used() -> None:
    assert problems("assessment", enums=[Code, Event]) == []


def test_every_code_has_a_message_and_every_event_a_label() -> None:
    assert [code for code in Code if not str(code.message)] == []
    assert [event for event in Event if not str(event.label)] == []


def test_each_rule_refusal_keeps_the_rules_code() -> None:
    assert [(rule, str(code)) for rule, code in RULE_CODES.items() if rule != code] == []
