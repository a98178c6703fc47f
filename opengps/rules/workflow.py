"""Allowed status transitions of catalogues, budget lines, projects and purchase plans: one table each.

Services call `check_transition` before every status change, so a transition not in a table can
never be written. Status values are the stable codes stored in the database.
"""

from __future__ import annotations

from opengps.rules.transitions import EntityTransitions, Transitions

Table = Transitions

CATALOG_VERSION: Table = {
    "draft": frozenset({"published"}),
    "published": frozenset({"superseded"}),
    "superseded": frozenset(),
}
"""指导性目录版本: a published version is never edited, only superseded by a newer one."""

BUDGET_LINE: Table = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"approved", "rejected"}),
    "rejected": frozenset({"draft"}),
    "approved": frozenset(),
}
"""预算指标: the unit drafts and submits, the finance department approves or rejects."""

PROJECT: Table = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"unit_approved", "returned", "withdrawn"}),
    "unit_approved": frozenset({"approved", "returned", "withdrawn"}),
    "returned": frozenset({"submitted", "withdrawn"}),
    "approved": frozenset(),
    "withdrawn": frozenset(),
}
"""项目库: the unit head, then the finance department approve; either may return it for changes,
after which the unit edits it (as in draft) and submits it again."""

PLAN: Table = {
    "draft": frozenset({"pending_approval", "ready", "cancelled"}),
    "pending_approval": frozenset({"ready", "draft", "cancelled"}),
    "ready": frozenset({"intention_published", "cancelled"}),
    "intention_published": frozenset({"in_procurement", "cancelled"}),
    "in_procurement": frozenset({"contracted", "cancelled"}),
    "contracted": frozenset(),
    "cancelled": frozenset(),
}
"""采购实施计划: finance approval when the method or a split-purchase flag needs it."""

TABLES = EntityTransitions(
    {
        "catalog_version": CATALOG_VERSION,
        "budget_line": BUDGET_LINE,
        "project": PROJECT,
        "plan": PLAN,
    }
)
"""The tables by entity name, checked through `opengps.rules.transitions`."""

can_transition = TABLES.can_transition
"""Whether `entity` may go from status `current` to `target`."""

check_transition = TABLES.check_transition
"""Refuse a transition not in the table with RuleError ``workflow.transition_not_allowed``."""
