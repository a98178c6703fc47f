"""Opinion's codes and events are data: every code it refuses with is declared in its `errors.py`
with a message, every audit action it records is declared in its `events.py` with a label, and
every declared code and event is used."""

from __future__ import annotations

from opengps.core.declared import problems
from opengps.opinion.errors import Code
from opengps.opinion.events import Event


def test_codes_and_events_are_declared_and_used() -> None:
    assert problems("opinion", enums=[Code, Event]) == []


def test_every_code_has_a_message_and_every_event_a_label() -> None:
    assert [code for code in Code if not str(code.message)] == []
    assert [event for event in Event if not str(event.label)] == []
