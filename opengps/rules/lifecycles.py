"""Allowed status changes of challenges, evaluations, experts, drawn members, performance
evaluations, listing recommendations and organizations: one table each.

Services move these statuses only through `opengps.core.status`, which calls `check_transition`
first, so a change not in a table can never be written. Status values are the stable codes
stored in the database.
"""

from __future__ import annotations

from opengps.rules.transitions import EntityTransitions, Transitions

Table = Transitions

CHALLENGE: Table = {
    "pending": frozenset({"answered"}),
    "answered": frozenset(),
}
"""质疑: answered once, in writing, within 7 working days of receipt (O94 §13); a supplier who is
not satisfied complains to the finance department (O94 §17), which is a complaint, not a change
of the challenge."""

EVALUATION: Table = {
    "reviewing": frozenset({"reported", "failed"}),
    "reported": frozenset({"confirmed"}),
    "confirmed": frozenset(),
    "failed": frozenset(),
}
"""评审: the committee reviews and scores, then the report is built; when every bid failed the
qualification or conformity review the evaluation fails and the procurement with it (GPL §36).
The members sign the report and it goes to the purchaser within 2 working days (IR §43, O87 §68)."""

EXPERT: Table = {
    "active": frozenset({"suspended"}),
    "suspended": frozenset({"active"}),
}
"""评审专家: in the database and drawable, or suspended with a reason (e.g. after a poor conduct
rating) and reinstated by the database's managers. The rules sheet cites no article for it."""

DRAW_MEMBER: Table = {
    "invited": frozenset({"accepted", "declined", "replaced"}),
    "accepted": frozenset({"recused"}),
    "declined": frozenset(),
    "replaced": frozenset(),
    "recused": frozenset(),
}
"""抽取的评审专家: drawn at random (IR §39, O87 §48) and invited; accepts after confirming no
conflict, or declines (replaced by the next of the draw order when the pool allows); an accepted
member who finds a conflict at the evaluation recuses (IR §9; 财库〔2016〕198号 §16)."""

PERFORMANCE_EVALUATION: Table = {
    "open": frozenset({"finalized"}),
    "finalized": frozenset({"published"}),
    "published": frozenset(),
}
"""绩效评价: scored by the purchaser, the recipients and a third party (财预〔2020〕10号), graded,
then its results published (财预〔2017〕87号 §5)."""

LISTING_RECOMMENDATION: Table = {
    "pending": frozenset({"listed", "declined"}),
    "listed": frozenset(),
    "declined": frozenset(),
}
"""信用名录列入建议: decided once by the registration authority, which alone lists an organization
(民政部令第60号)."""

ORGANIZATION: Table = {
    "normal": frozenset({"deregistered", "revoked"}),
    "deregistered": frozenset(),
    "revoked": frozenset(),
}
"""社会组织登记状态: 注销 (deregistered) and 撤销登记 (registration revoked) are recorded as the
registration authority decides them, and are final."""

TABLES = EntityTransitions(
    {
        "challenge": CHALLENGE,
        "evaluation": EVALUATION,
        "expert": EXPERT,
        "draw_member": DRAW_MEMBER,
        "performance_evaluation": PERFORMANCE_EVALUATION,
        "listing_recommendation": LISTING_RECOMMENDATION,
        "organization": ORGANIZATION,
    }
)
"""The tables by entity name, checked through `opengps.rules.transitions`."""

can_transition = TABLES.can_transition
"""Whether `entity` may go from status `current` to `target`."""

check_transition = TABLES.check_transition
"""Refuse a change not in the table with RuleError ``workflow.transition_not_allowed``."""
