"""Writes of a contract's life, one module per stage: drafting from an award or a call-off,
signing and publication, supplementary contracts, termination, the execution plan (milestones,
deliverables, payments, posts), progress reports, the phased performance acceptance, and
framework agreements.

Each service checks its actor, runs in one transaction and writes an audit event on the object it
changes (the contract for ``contract.*`` actions, the acceptance phase for ``acceptance.*``).
Every legal number comes from `opengps.rules` (deadlines, term, 10% cap, bond cap, SME payment).
Effects on later stages (the supplier's performance history) go through `opengps.contracts.hooks`.
"""

from opengps.contracts.services._common import require_purchaser, require_supplier_member, yuan
from opengps.contracts.services.acceptance import (
    ACCEPTANCE_RULE,
    CheckInput,
    acceptance_publish,
    acceptance_record,
)
from opengps.contracts.services.amendments import contract_amend
from opengps.contracts.services.drafting import (
    REFERENCE_PREFIX,
    ContractTerms,
    contract_create_from_award,
    contract_create_from_call_off,
)
from opengps.contracts.services.execution import (
    deliverable_add,
    milestone_add,
    milestone_complete,
    payment_record,
    payment_schedule_add,
    placement_record,
    post_add,
)
from opengps.contracts.services.framework import framework_agreement_file, framework_agreement_sign
from opengps.contracts.services.reports import MAX_REPORT_FILES, ReportFile, progress_report_submit
from opengps.contracts.services.signing import contract_publish, contract_sign
from opengps.contracts.services.termination import contract_terminate

__all__ = [
    "ACCEPTANCE_RULE",
    "MAX_REPORT_FILES",
    "REFERENCE_PREFIX",
    "CheckInput",
    "ContractTerms",
    "ReportFile",
    "acceptance_publish",
    "acceptance_record",
    "contract_amend",
    "contract_create_from_award",
    "contract_create_from_call_off",
    "contract_publish",
    "contract_sign",
    "contract_terminate",
    "deliverable_add",
    "framework_agreement_file",
    "framework_agreement_sign",
    "milestone_add",
    "milestone_complete",
    "payment_record",
    "payment_schedule_add",
    "placement_record",
    "post_add",
    "progress_report_submit",
    "require_purchaser",
    "require_supplier_member",
    "yuan",
]
