"""Writes on budget lines, projects, purchase plans and intentions; each one transaction with its audit.

The single decision "may this plan draw on this budget line?" is `_common._budget_covers`, called
only with the line's row locked (SELECT … FOR UPDATE), so two plans made at the same moment can
never together overspend a line.

One module a stage: `budget` (budget lines), `projects` (the project library and demand
surveys), `plans` (drafting a purchase plan: method, requirements, split purchases), `review`
(the unit head's and the finance department's decisions), `intentions` (publication of the
intention, start of procurement, the contract), `adjustments` (rescheduling, cancelling);
`_common` holds what they share. Every public name is re-exported here: callers import
`opengps.planning.services`.
"""

from __future__ import annotations

from opengps.planning.services._common import BUDGET_FIRST, C22_10, CATEGORY, O102_10, O102_24
from opengps.planning.services.adjustments import plan_cancel, plan_reschedule
from opengps.planning.services.budget import (
    budget_line_adjust,
    budget_line_approve,
    budget_line_create,
    budget_line_reject,
    budget_line_reopen,
    budget_line_submit,
)
from opengps.planning.services.intentions import (
    earliest_start,
    intention_publish,
    plan_record_contract,
    plan_start_procurement,
    procurement_may_start_on,
    require_lawful_start,
)
from opengps.planning.services.plans import (
    FACT_NAMES,
    method_options,
    plan_confirm_compliance,
    plan_create,
    plan_update,
    plan_update_requirements,
    purchase_facts,
    reasons_json,
)
from opengps.planning.services.projects import (
    demand_survey_record,
    project_propose,
    project_state,
    project_survey_required,
    project_update,
)
from opengps.planning.services.review import (
    plan_approve_method,
    plan_reject_method,
    plan_submit,
    project_approve,
    project_approve_unit,
    project_return,
    project_submit,
    project_withdraw,
)

__all__ = [
    "BUDGET_FIRST",
    "C22_10",
    "CATEGORY",
    "FACT_NAMES",
    "O102_10",
    "O102_24",
    "budget_line_adjust",
    "budget_line_approve",
    "budget_line_create",
    "budget_line_reject",
    "budget_line_reopen",
    "budget_line_submit",
    "demand_survey_record",
    "earliest_start",
    "intention_publish",
    "method_options",
    "plan_approve_method",
    "plan_cancel",
    "plan_confirm_compliance",
    "plan_create",
    "plan_record_contract",
    "plan_reject_method",
    "plan_reschedule",
    "plan_start_procurement",
    "plan_submit",
    "plan_update",
    "plan_update_requirements",
    "procurement_may_start_on",
    "project_approve",
    "project_approve_unit",
    "project_propose",
    "project_return",
    "project_state",
    "project_submit",
    "project_survey_required",
    "project_update",
    "project_withdraw",
    "purchase_facts",
    "reasons_json",
    "require_lawful_start",
]
