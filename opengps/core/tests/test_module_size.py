"""Architecture: no module of the project over 800 lines and no function or method over 100 (issue 16).

A module that outgrows the limit becomes a package split by lifecycle stage or by who acts (STYLE:
`services/`), re-exporting its public names; a function that outgrows it is split into steps.
Migrations, tests and data files are not code one reads top to bottom, so they are left out."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
"""The `opengps` package."""
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100
SKIPPED_DIRECTORIES = frozenset({"migrations", "tests", "data", "__pycache__"})


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not SKIPPED_DIRECTORIES.intersection(path.relative_to(PACKAGE).parts[:-1])
    )


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _too_long(path: Path, source: str) -> list[str]:
    """Every function and method (nested ones too) longer than `MAX_FUNCTION_LINES`, decorators
    excluded, by its qualified name."""
    found: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualified = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lines = (child.end_lineno or child.lineno) - child.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        found.append(f"{_name(path)}:{child.lineno} {qualified}() is {lines} lines")
                visit(child, qualified + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source, filename=str(path)), "")
    return found


def test_the_walk_sees_the_project() -> None:
    names = {_name(path) for path in _modules()}
    assert "opengps/workbench/queues/__init__.py" in names and "opengps/settings.py" in names
    assert not any("/migrations/" in name or "/tests/" in name for name in names)


def test_no_module_over_800_lines_and_no_function_over_100() -> None:
    offenders: list[str] = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"{_name(path)} is {lines} lines (at most {MAX_MODULE_LINES})")
        offenders += _too_long(path, source)
    assert not offenders, "split these (a pure move, public names re-exported):\n" + "\n".join(offenders)


def test_the_check_itself_finds_a_long_function() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    source = f"class Thing:\n    def short(self):\n        return 1\n\n    def long(self):\n{body}\n"
    source = source.replace("\n    x", "\n        x")
    path = PACKAGE / "example.py"
    assert _too_long(path, source) == ["opengps/example.py:5 Thing.long() is 101 lines"]
