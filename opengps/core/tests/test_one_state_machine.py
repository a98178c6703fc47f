"""Architecture: one state machine (STYLE §4, issue 16). Every status change of a domain model
goes through `opengps.core.status` (`status_set`, or `status_move` for rows saved in bulk and
audited each), so it is checked against the entity's table in `opengps.rules` and audited.

Read from the source, not run: outside `core/status.py` no module assigns ``<obj>.status``, calls
``setattr(obj, "status", …)`` or updates ``status=`` through a queryset, except the rows of the
allow-list below. Every stateful model has a table in the rules naming exactly its statuses.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field

from opengps.rules.transitions import Transitions

ROOT = Path(__file__).resolve().parents[2]
"""The ``opengps`` package."""

HELPER = Path("opengps/core/status.py")

ALLOWED: dict[tuple[str, str], str] = {
    # Background-job rows: progress of a task of the task system (pending → running → done),
    # written by the worker as it goes; not a domain state machine, so no table and no status_set.
    ("opengps/opendata/services.py", "export_job_run"): "ExportJob progress",
    ("opengps/registry/importing.py", "_job_end"): "ImportJob outcome",
    ("opengps/registry/importing.py", "import_job_run"): "ImportJob progress",
    # The procurement row re-read under the bid's shared lock (its stored status and deadline,
    # with the database clock in the same statement): a read into the instance, not a change.
    ("opengps/procurement/services/bids.py", "_share_lock"): "re-read of Procurement.status",
    # A sealed bid's status is its latest sealed version's kind (submitted / withdrawn), moved by
    # compare-and-set on the version number; the record is the receipted version in the
    # transparency log. No audit event on purpose: before the opening nothing may show who bid
    # (O87 §28, docs/security.md).
    ("opengps/procurement/services/bids.py", "_submission_advance"): "BidSubmission envelope",
}
"""(module, function) → why that function may write ``status`` directly."""

STATE_MACHINES: dict[str, str] = {
    "catalog.CatalogVersion": "workflow.CATALOG_VERSION",
    "planning.BudgetLine": "workflow.BUDGET_LINE",
    "planning.Project": "workflow.PROJECT",
    "planning.PurchasePlan": "workflow.PLAN",
    "procurement.Procurement": "procurement_flow.PROCUREMENT",
    "contracts.Contract": "contracts.CONTRACT_TRANSITIONS",
    "grants.Round": "grants_flow.ROUND",
    "grants.Application": "grants_flow.APPLICATION",
    "grants.Objection": "grants_flow.OBJECTION",
    "grants.Agreement": "grants_flow.AGREEMENT",
    "grants.Tranche": "grants_flow.TRANCHE",
    "challenges.Challenge": "lifecycles.CHALLENGE",
    "evaluation.Evaluation": "lifecycles.EVALUATION",
    "experts.Expert": "lifecycles.EXPERT",
    "experts.DrawMember": "lifecycles.DRAW_MEMBER",
    "performance.PerformanceEvaluation": "lifecycles.PERFORMANCE_EVALUATION",
    "performance.ListingRecommendation": "lifecycles.LISTING_RECOMMENDATION",
    "registry.Organization": "lifecycles.ORGANIZATION",
    "emall.SupplierEntry": "emall.ENTRY",
    "emall.Listing": "emall.LISTING",
    "emall.ListingVersion": "emall.LISTING_VERSION",
    "emall.Order": "emall.ORDER",
    "emall.PriceFlag": "emall.PRICE_FLAG",
    "emall.BiddingRound": "emall.BIDDING_ROUND",
    "residents.Feedback": "residents.FEEDBACK",
    "capacity.Station": "capacity.STATION",
    "assessment.Round": "assessment.ROUND",
    "assessment.Application": "assessment.APPLICATION",
    "assessment.Objection": "assessment.OBJECTION",
    "opinion.Alert": "opinion.ALERT",
}
"""Every model with a ``status`` of choices → its table of allowed changes (``module.NAME`` in
`opengps.rules`). Entries of an app not installed are skipped."""


def _table(reference: str) -> Transitions:
    module, name = reference.rsplit(".", 1)
    table: Transitions = getattr(importlib.import_module(f"opengps.rules.{module}"), name)
    return table


NOT_STATE_MACHINES = frozenset({"opendata.ExportJob", "registry.ImportJob", "procurement.BidSubmission"})
"""Models with a ``status`` that are no domain state machine (see `ALLOWED` for why)."""


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent)
        if "tests" in relative.parts or "migrations" in relative.parts or relative == HELPER:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _status_target(node: ast.expr) -> bool:
    """Whether an assignment target writes an attribute named ``status`` (also inside a tuple)."""
    return any(
        isinstance(sub, ast.Attribute) and sub.attr == "status" and isinstance(sub.ctx, ast.Store)
        for sub in ast.walk(node)
    )


def _writes_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        return any(_status_target(t) for t in node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return _status_target(node.target)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
            name = node.args[1]
            return isinstance(name, ast.Constant) and name.value == "status"
        if isinstance(func, ast.Attribute) and func.attr == "update":
            return any(k.arg == "status" for k in node.keywords)
    return False


def _writes(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Each status write with the name of the function it is in ("" at module level)."""

    def visit(node: ast.AST, function: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if _writes_status(child):
                yield function, child
            yield from visit(child, inner)

    yield from visit(tree, "")


def _found() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path, tree in _sources():
        for function, node in _writes(tree):
            where = f"{path}:{getattr(node, 'lineno', 0)}: {ast.unparse(node).splitlines()[0][:100]}"
            found.setdefault((str(path), function), []).append(where)
    return found


def test_no_status_is_written_outside_the_one_helper() -> None:
    # given every module of the platform but the helper, the tests and the migrations
    # when its status writes are collected
    found = _found()
    # then each is in a function of the allow-list
    stray = [where for key, places in found.items() if key not in ALLOWED for where in places]
    assert stray == [], "status written outside opengps.core.status (use status_set):\n" + "\n".join(stray)


def test_every_allowed_function_still_writes_a_status() -> None:
    # an entry that no longer matches anything would silently allow a future write
    assert set(ALLOWED) <= set(_found())


def test_the_scan_sees_every_way_of_writing_a_status() -> None:
    source = (
        "def f(a, q):\n"
        "    a.status = 'x'\n"
        "    a.b, a.status = 1, 'x'\n"
        "    setattr(a, 'status', 'x')\n"
        "    q.filter(pk=1).update(status='x')\n"
        "    a.status_changed_on = 1\n"
        "    q.filter(status='x').update(name='y')\n"
        "    setattr(a, 'name', 'x')\n"
    )
    assert [type(node).__name__ for _f, node in _writes(ast.parse(source))] == [
        "Assign",
        "Assign",
        "Call",
        "Call",
    ]


def _stateful_models() -> dict[str, list[str]]:
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("opengps."):
            continue
        try:
            field = model._meta.get_field("status")
        except FieldDoesNotExist:
            continue
        if isinstance(field, Field) and field.choices:
            found[model._meta.label] = sorted(str(value) for value, _label in field.flatchoices)
    return found


def test_every_stateful_model_is_a_state_machine_of_the_rules_or_declared_not_one() -> None:
    stateful = set(_stateful_models())
    assert stateful <= set(STATE_MACHINES) | NOT_STATE_MACHINES
    assert not set(STATE_MACHINES) & NOT_STATE_MACHINES


@pytest.mark.parametrize("label", sorted(STATE_MACHINES))
def test_each_table_names_exactly_its_models_statuses(label: str) -> None:
    statuses = _stateful_models().get(label)
    assert statuses is not None, f"{label} is mapped to a table but is no installed model"
    assert sorted(_table(STATE_MACHINES[label])) == statuses
