"""Checks that an app's codes and events are data (used by each app's test_codes_and_events).

Read from the source, not run: every refusal (`ServiceError` and its subclasses) names a declared
`Code` member, never a string literal; every audit record names a declared `Event` member, never a
literal or an f-string; every declared code and event is used somewhere in the platform's code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFUSALS = frozenset({"ServiceError", "PermissionDenied", "NotFound", "Conflict", "SealError"})
RECORDERS = frozenset({"record", "record_many"})


def _sources(root: Path) -> Iterable[tuple[Path, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def problems(
    app: str, *, enums: Iterable[type[Enum]], refusals: Iterable[str] = (), actions: bool = True
) -> list[str]:
    """What breaks the rule in `opengps/<app>` (an empty list when nothing does).

    `enums` are the app's declared enums (its `Code`, its `Event`); each member must be referenced
    as ``<EnumName>.<MEMBER>`` somewhere under `opengps/` outside tests. `refusals` adds the app's
    own `ServiceError` subclasses to the calls whose first argument must not be a literal.
    `actions=False` leaves audit actions out (an app whose events are not declared yet)."""
    refusal_names = REFUSALS | set(refusals)
    found: list[str] = []
    for path, tree in _sources(ROOT / app):
        where = path.relative_to(ROOT.parent)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) in refusal_names and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant | ast.JoinedStr):
                    found.append(f"{where}:{node.lineno}: refusal with a literal code {ast.unparse(first)}")
            if actions and _name(node.func) in RECORDERS:
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant | ast.JoinedStr):
                        found.append(
                            f"{where}:{node.lineno}: audit action is a literal {ast.unparse(keyword.value)}"
                        )
    referenced: set[tuple[str, str]] = set()
    for _path, tree in _sources(ROOT):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                referenced.add((node.value.id, node.attr))
    for enum in enums:
        for member in enum.__members__:
            if (enum.__name__, member) not in referenced:
                found.append(f"{enum.__module__}.{enum.__name__}.{member} is declared but never used")
    return found
