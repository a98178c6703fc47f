"""The world builder: one lifecycle built through the public services, shared by the tests' fixtures
(`opengps.demo.fixtures`), the benchmarks and whoever needs a small plausible setting.

Regions, units and users by role; organizations with valid codes; a published catalogue; approved
budget lines and projects; plans whose intention has run; procurements announced, bid on and
opened; a drawn committee; an announced award; a contract; a performance evaluation; and a grants
round with its funder, audit firm, applicants and panel. Every builder names its actors; builders
that count (`Users`, `Organizations`, `Plans`, …) are small callables holding their counter.

Plans are filed on a fixed day (`PLAN_TODAY`) while procurements run on the real clock, because
the bid deadline is judged by the database clock: `Plans` takes a `DayPin` that moves the one clock
(the tests pass their time-machine pin, the benchmarks `simulated_days()`).

One module per lifecycle stage (`people`, `planning`, `procurement`, `evaluation`, `contracts`,
`grants`; what they share in `_base`); every name is imported from here, as before the split.
"""

from __future__ import annotations

from opengps.demo.world._base import (
    PLAN_START,
    PLAN_TODAY,
    SHANGHAI,
    TEST_PASSWORD,
    TODAY,
    DayPin,
    Units,
    simulated_days,
)
from opengps.demo.world.contracts import (
    INDICATORS,
    SOURCE_WEIGHTS,
    contract_drafted,
    contract_published,
    performance_evaluation_open,
    template_create,
)
from opengps.demo.world.evaluation import (
    FACTORS,
    Experts,
    award_announced,
    committee_draw,
)
from opengps.demo.world.grants import (
    GRANT_CRITERIA,
    GRANT_DECIDE_ON,
    GRANT_DRAWN_AT,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantApplicants,
    GrantsWorld,
    grant_application_values,
    grant_panel_register,
    grant_round_create,
    grants_world_create,
)
from opengps.demo.world.people import (
    Organizations,
    Users,
    admin_create,
    agency_create,
    agency_unit_create,
    evaluator_create,
    evaluator_unit_create,
    suppliers_create,
    units_create,
    uscc_for,
)
from opengps.demo.world.planning import (
    SMALL_CATALOGUE,
    BudgetLines,
    Plans,
    Projects,
    budget_line_approved,
    catalogue_publish,
    plan_ready,
    project_approved,
)
from opengps.demo.world.procurement import (
    OPENED_PRICES,
    PDF,
    announce_times,
    at_the_legal_minimum,
    bid_files,
    bid_place,
    procurement_announced,
    procurement_open_after_deadline,
    procurement_opened,
    real_now,
    xlsx_bytes,
)

__all__ = [
    "FACTORS",
    "GRANT_CRITERIA",
    "GRANT_DECIDE_ON",
    "GRANT_DRAWN_AT",
    "GRANT_NOTICE_ON",
    "GRANT_REVIEW_ON",
    "GRANT_SUBMIT_ON",
    "INDICATORS",
    "OPENED_PRICES",
    "PDF",
    "PLAN_START",
    "PLAN_TODAY",
    "SHANGHAI",
    "SMALL_CATALOGUE",
    "SOURCE_WEIGHTS",
    "TEST_PASSWORD",
    "TODAY",
    "BudgetLines",
    "DayPin",
    "Experts",
    "GrantApplicants",
    "GrantsWorld",
    "Organizations",
    "Plans",
    "Projects",
    "Units",
    "Users",
    "admin_create",
    "agency_create",
    "agency_unit_create",
    "announce_times",
    "at_the_legal_minimum",
    "award_announced",
    "bid_files",
    "bid_place",
    "budget_line_approved",
    "catalogue_publish",
    "committee_draw",
    "contract_drafted",
    "contract_published",
    "evaluator_create",
    "evaluator_unit_create",
    "grant_application_values",
    "grant_panel_register",
    "grant_round_create",
    "grants_world_create",
    "performance_evaluation_open",
    "plan_ready",
    "procurement_announced",
    "procurement_open_after_deadline",
    "procurement_opened",
    "project_approved",
    "real_now",
    "simulated_days",
    "suppliers_create",
    "template_create",
    "units_create",
    "uscc_for",
    "xlsx_bytes",
]
