"""Writes of the grants cycle, each in one transaction with its audit event (who, old → new, why).

Call → applications (screened on submission) → expert panel (`experts.draw_create`) and
independent scores → ranking within the fund limit → public notice and objections → funding
decision → agreements with tranches → mid-term review → final review → final audit by the
accounting firm → return of unspent money. The decisions themselves are pure rules in
`opengps.rules.grants`; status changes follow the tables of `opengps.rules.grants_flow`.

Date-driven services take ``today`` only for tests and for entering past records (the demo);
screens and the API never pass it.

One module a stage: `rounds` (programmes and rounds), `applications`, `review` (panel, scores,
ranking), `notice` (public notice, objections, funding decision), `agreements` (signing, mid-term
and final review), `closing` (final audit, returns, completion), `cofunding` (配套资金 commitments,
receipts and development-fund donations); `_common` holds what they share.
Every public name is re-exported here: callers import `opengps.grants.services`.
"""

from __future__ import annotations

from opengps.grants.services._common import (
    PANEL_METHOD,
    is_funder,
)
from opengps.grants.services.agreements import (
    agreement_sign,
    final_review_record,
    midterm_review_record,
)
from opengps.grants.services.applications import (
    APPLICATION_FIELDS,
    application_get,
    application_save,
    application_submit,
    application_withdraw,
    attachment_add,
    round_conditions,
    screen,
)
from opengps.grants.services.closing import (
    final_audit_record,
    fund_return_record,
    paid_amount,
    returned_amount,
    round_complete,
)
from opengps.grants.services.cofunding import (
    cofunding_commitment_add,
    cofunding_commitment_remove,
    cofunding_evidence_record,
    cofunding_receipt_record,
    cofunding_required,
    cofunding_shortfall,
    commitment_problems,
    fund_donation_record,
)
from opengps.grants.services.notice import (
    OBJECTION_LISTED,
    OBJECTION_RATE,
    notice_publish,
    objection_deadline,
    objection_decide,
    objection_file,
    objection_window_open,
    round_decide,
)
from opengps.grants.services.review import (
    panel_draw,
    panel_members,
    pitch_record,
    round_criteria,
    round_rank,
    round_review_start,
    score_sheet_submit,
    score_submit,
)
from opengps.grants.services.rounds import (
    programme_create,
    round_assign_audit_firm,
    round_cancel,
    round_create,
    round_publish,
)

__all__ = [
    "APPLICATION_FIELDS",
    "OBJECTION_LISTED",
    "OBJECTION_RATE",
    "PANEL_METHOD",
    "agreement_sign",
    "application_get",
    "application_save",
    "application_submit",
    "application_withdraw",
    "attachment_add",
    "cofunding_commitment_add",
    "cofunding_commitment_remove",
    "cofunding_evidence_record",
    "cofunding_receipt_record",
    "cofunding_required",
    "cofunding_shortfall",
    "commitment_problems",
    "final_audit_record",
    "final_review_record",
    "fund_donation_record",
    "fund_return_record",
    "is_funder",
    "midterm_review_record",
    "notice_publish",
    "objection_deadline",
    "objection_decide",
    "objection_file",
    "objection_window_open",
    "paid_amount",
    "panel_draw",
    "panel_members",
    "pitch_record",
    "programme_create",
    "returned_amount",
    "round_assign_audit_firm",
    "round_cancel",
    "round_complete",
    "round_conditions",
    "round_create",
    "round_criteria",
    "round_decide",
    "round_publish",
    "round_rank",
    "round_review_start",
    "score_sheet_submit",
    "score_submit",
    "screen",
]
