"""The portal app's codes are data: every code it refuses with is declared in its `errors.py` with
a message and used; it records no audit action of its own."""

from __future__ import annotations

from opengps.core.declared import problems
from opengps.portal.errors import Code


def test_codes_are_declared_and_used() -> None:
    assert problems("portal", enums=[Code]) == []


def test_every_code_has_a_message() -> None:
    assert [code for code in Code if not str(code.message)] == []
