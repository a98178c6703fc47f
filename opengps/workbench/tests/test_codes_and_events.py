"""The workbench's codes and events are data: every declared one is used, and nothing is refused or
audited with a code or action that is not declared."""

from __future__ import annotations

import ast
from pathlib import Path

from opengps.workbench.errors import Code
from opengps.workbench.events import LABELS, Event

APP = Path(__file__).resolve().parents[1]
REFUSALS = {"ServiceError", "PermissionDenied", "NotFound", "Conflict"}


def _calls() -> list[ast.Call]:
    calls = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        calls += [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]
    return calls


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def test_every_refusal_uses_a_declared_code_and_every_code_is_used() -> None:
    used, literals = set(), []
    for call in _calls():
        if _name(call.func) in REFUSALS and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant):
                literals.append(first.value)
            elif isinstance(first, ast.Attribute) and _name(first.value) == "Code":
                used.add(first.attr)
    assert literals == []
    assert used == set(Code.__members__)


def test_every_event_is_emitted_and_labelled() -> None:
    emitted = {
        keyword.value.attr
        for call in _calls()
        if _name(call.func) == "record"
        for keyword in call.keywords
        if keyword.arg == "action" and isinstance(keyword.value, ast.Attribute)
    }
    assert emitted == set(Event.__members__)
    assert set(LABELS) == set(Event) and all(str(label) for label in LABELS.values())
