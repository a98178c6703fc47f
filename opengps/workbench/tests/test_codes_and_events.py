"""The workbench's codes and events are data: every declared one is used, and nothing is refused or
audited with a code or action that is not declared."""

from __future__ import annotations

from opengps.core.declared import problems
from opengps.core.errors import ServiceError
from opengps.workbench.errors import Code
from opengps.workbench.events import Event


def test_codes_and_events_are_declared_and_used() -> None:
    assert problems("workbench", enums=[Code, Event]) == []


def test_every_code_has_a_message_and_every_event_a_label() -> None:
    assert all(str(code.message) for code in Code)
    assert all(str(event.label) for event in Event)


def test_a_refusal_reads_its_declared_message_with_its_params() -> None:
    error = ServiceError(Code.BAD_DATE, field="holidays", params={"value": "2027-13-01"})
    assert error.code == "calendar.bad_date"
    assert error.as_dict() == {
        "code": "calendar.bad_date",
        "message": "日期“2027-13-01”格式错误，应为 YYYY-MM-DD",
        "field": "holidays",
        "params": {"value": "2027-13-01"},
    }
