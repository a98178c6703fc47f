"""The registry app's error codes are data: every code it refuses with is declared in `registry/errors.py`
with a message, and every declared code is used."""

from __future__ import annotations

from opengps.core.declared import problems
from opengps.registry.errors import Code


def test_codes_are_declared_and_used() -> None:
    assert problems("registry", enums=[Code], actions=False) == []  # events: next step


def test_every_code_has_a_message() -> None:
    assert [code for code in Code if not str(code.message)] == []
