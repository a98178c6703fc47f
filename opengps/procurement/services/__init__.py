"""Writes of a procurement, one module per stage: create from a plan, framework terms, invitation
draw, announce, the single-source notice, clarify, enquiries, sealed bids, opening, failure.

Every service takes ``actor`` and runs in one transaction with its audit event(s), except where
disclosure law forbids an event before the deadline: obtaining the documents, asking an enquiry
and each bid act would reveal who (and how many) take part (RULES.md §12; O87 §28). Those acts
are stored in their own append-only rows (bids with a signed receipt each) and written to the
audit chain by the opening, in the order they happened; the enquiry is audited at once but
without naming the asker.

The bid deadline is judged by the database clock inside the committing transaction
(`clock.db_now`), after the bid rows are written: a bid whose transaction reaches that check at or
after the deadline rolls back, so no bid committed after the deadline is ever stored. Bid
writers hold a shared lock on the procurement row and the opening an exclusive one, so an opening
waits for bids in flight and no bid can slip in beside it.

Shared checks and helpers live in `opengps.procurement.policies`; they are re-exported here,
also under their former private names, for the apps that still import them from this package.
"""

from __future__ import annotations

from opengps.procurement.policies import O74_40 as O74_40
from opengps.procurement.policies import O87_28 as O87_28
from opengps.procurement.policies import O87_33 as O87_33
from opengps.procurement.policies import O87_34 as O87_34
from opengps.procurement.policies import O87_63 as O87_63
from opengps.procurement.policies import deadline_passed as deadline_passed
from opengps.procurement.policies import is_official as is_official
from opengps.procurement.policies import local_date as local_date
from opengps.procurement.policies import require_official as require_official
from opengps.procurement.policies import require_supplier as require_supplier
from opengps.procurement.policies import yuan as yuan
from opengps.procurement.services.announce import (
    procurement_announce as procurement_announce,
)
from opengps.procurement.services.announce import (
    procurement_prequalification_announce as procurement_prequalification_announce,
)
from opengps.procurement.services.announce import (
    procurement_prequalification_clarify as procurement_prequalification_clarify,
)
from opengps.procurement.services.bids import PREFERENCES as PREFERENCES
from opengps.procurement.services.bids import REQUIRED_PARTS as REQUIRED_PARTS
from opengps.procurement.services.bids import BidAck as BidAck
from opengps.procurement.services.bids import BidFileInput as BidFileInput
from opengps.procurement.services.bids import bid_modify as bid_modify
from opengps.procurement.services.bids import bid_submit as bid_submit
from opengps.procurement.services.bids import bid_withdraw as bid_withdraw
from opengps.procurement.services.bids import device_fingerprint as device_fingerprint
from opengps.procurement.services.bids import lot_ref as lot_ref
from opengps.procurement.services.clarify import procurement_clarify as procurement_clarify
from opengps.procurement.services.create import ACTIVE_STATUSES as ACTIVE_STATUSES
from opengps.procurement.services.create import REFERENCE_PREFIX as REFERENCE_PREFIX
from opengps.procurement.services.create import LotInput as LotInput
from opengps.procurement.services.create import procurement_create as procurement_create
from opengps.procurement.services.create import procurement_update_documents as procurement_update_documents
from opengps.procurement.services.enquiries import documents_obtain as documents_obtain
from opengps.procurement.services.enquiries import enquiry_answer as enquiry_answer
from opengps.procurement.services.enquiries import enquiry_ask as enquiry_ask
from opengps.procurement.services.failure import NEXT_STEP_LABELS as NEXT_STEP_LABELS
from opengps.procurement.services.failure import procurement_cancel as procurement_cancel
from opengps.procurement.services.failure import (
    procurement_decide_method_change as procurement_decide_method_change,
)
from opengps.procurement.services.failure import (
    procurement_request_method_change as procurement_request_method_change,
)
from opengps.procurement.services.failure import procurement_retender as procurement_retender
from opengps.procurement.services.framework import FRAMEWORK_STAGE_LABELS as FRAMEWORK_STAGE_LABELS
from opengps.procurement.services.framework import framework_terms as framework_terms
from opengps.procurement.services.framework import framework_terms_set as framework_terms_set
from opengps.procurement.services.invitation import INVITATION_FORMAT as INVITATION_FORMAT
from opengps.procurement.services.invitation import invitation_draw_replay as invitation_draw_replay
from opengps.procurement.services.invitation import invitation_inputs as invitation_inputs
from opengps.procurement.services.invitation import procurement_invite_draw as procurement_invite_draw
from opengps.procurement.services.notice import objection_decide as objection_decide
from opengps.procurement.services.notice import objection_raise as objection_raise
from opengps.procurement.services.notice import procurement_notice_close as procurement_notice_close
from opengps.procurement.services.notifications import notification_mark_read as notification_mark_read
from opengps.procurement.services.opening import procurement_open as procurement_open

__all__ = [
    "ACTIVE_STATUSES",
    "FRAMEWORK_STAGE_LABELS",
    "INVITATION_FORMAT",
    "NEXT_STEP_LABELS",
    "O74_40",
    "O87_28",
    "O87_33",
    "O87_34",
    "O87_63",
    "PREFERENCES",
    "REFERENCE_PREFIX",
    "REQUIRED_PARTS",
    "BidAck",
    "BidFileInput",
    "LotInput",
    "bid_modify",
    "bid_submit",
    "bid_withdraw",
    "deadline_passed",
    "device_fingerprint",
    "documents_obtain",
    "enquiry_answer",
    "enquiry_ask",
    "framework_terms",
    "framework_terms_set",
    "invitation_draw_replay",
    "invitation_inputs",
    "is_official",
    "local_date",
    "lot_ref",
    "notification_mark_read",
    "objection_decide",
    "objection_raise",
    "procurement_announce",
    "procurement_cancel",
    "procurement_clarify",
    "procurement_create",
    "procurement_decide_method_change",
    "procurement_invite_draw",
    "procurement_notice_close",
    "procurement_open",
    "procurement_prequalification_announce",
    "procurement_prequalification_clarify",
    "procurement_request_method_change",
    "procurement_retender",
    "procurement_update_documents",
    "require_official",
    "require_supplier",
    "yuan",
]
