"""Allowed status changes of grant rounds, applications, objections, agreements and tranches: one table each.

Grants services call `check_transition` before every status change, so a change not in a table
can never be written. Whether a published call is open is derived from its dates
(`opengps.rules.grants.call_state`), not stored.
"""

from __future__ import annotations

from opengps.rules.transitions import EntityTransitions, Transitions

Table = Transitions

ROUND: Table = {
    "draft": frozenset({"published", "cancelled"}),
    "published": frozenset({"reviewing", "cancelled"}),
    "reviewing": frozenset({"notice"}),
    "notice": frozenset({"decided", "reviewing"}),
    "decided": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
"""资助轮次: the call is published, reviewed after it closes, the proposed list goes on public
notice (an upheld objection sends it back to review), the funding decision, then completion."""

APPLICATION: Table = {
    "draft": frozenset({"eligible", "screened_out", "withdrawn"}),
    "eligible": frozenset({"proposed", "not_selected", "withdrawn"}),
    "screened_out": frozenset(),
    "proposed": frozenset({"funded", "eligible", "disqualified"}),
    "not_selected": frozenset({"eligible"}),
    "disqualified": frozenset(),
    "funded": frozenset(),
    "withdrawn": frozenset(),
}
"""申报项目: screening on submission decides eligible or screened out; ranking proposes or not;
an upheld objection disqualifies a proposed project and puts the others back for re-ranking."""

OBJECTION: Table = {
    "pending": frozenset({"upheld", "dismissed"}),
    "upheld": frozenset(),
    "dismissed": frozenset(),
}
"""公示异议: decided once by the funder, with reasons."""

AGREEMENT: Table = {
    "active": frozenset({"stopped", "final_reviewed"}),
    "stopped": frozenset({"final_reviewed"}),
    "final_reviewed": frozenset({"audited"}),
    "audited": frozenset({"closed"}),
    "closed": frozenset(),
}
"""资助协议: a failed mid-term review stops the remaining tranches; either way the project is
reviewed and audited at the end, and closed once any unspent money has come back."""

TRANCHE: Table = {
    "pending": frozenset({"released", "stopped"}),
    "released": frozenset(),
    "stopped": frozenset(),
}
"""分期拨付: released when its milestone is met, stopped when the mid-term review fails."""

TABLES = EntityTransitions(
    {
        "grant_round": ROUND,
        "grant_application": APPLICATION,
        "grant_objection": OBJECTION,
        "grant_agreement": AGREEMENT,
        "grant_tranche": TRANCHE,
    }
)
"""The tables by entity name, checked through `opengps.rules.transitions`."""

can_transition = TABLES.can_transition
"""Whether `entity` may go from status `current` to `target`."""

check_transition = TABLES.check_transition
"""Refuse a change not in the table with RuleError ``workflow.transition_not_allowed``."""
