"""Writes of an evaluation and award, by stage: committee, reviews and scores, report, framework
shortlists and call-offs, confirmation, announcement and deposits.

Each service checks its actor, runs in one transaction and writes an audit event. The modules
follow the evaluation's lifecycle; callers import the public names from here.
"""

from opengps.evaluation.selectors import all_scores_in
from opengps.evaluation.services.award import award_announce, award_confirm, deposit_return_record
from opengps.evaluation.services.framework import (
    PUBLISHED_CALL_OFFS,
    framework_call_off_pick,
    framework_call_off_publish,
    framework_shortlist_announce,
)
from opengps.evaluation.services.results import (
    build_lot_results,
    evaluation_report_build,
    evaluation_report_confirm,
)
from opengps.evaluation.services.scoring import qualified_readouts, review_record, scores_submit
from opengps.evaluation.services.start import (
    FactorInput,
    committee_substitute_join,
    evaluation_start,
    member_confirm_no_conflict,
)

__all__ = [
    "PUBLISHED_CALL_OFFS",
    "FactorInput",
    "all_scores_in",
    "award_announce",
    "award_confirm",
    "build_lot_results",
    "committee_substitute_join",
    "deposit_return_record",
    "evaluation_report_build",
    "evaluation_report_confirm",
    "evaluation_start",
    "framework_call_off_pick",
    "framework_call_off_publish",
    "framework_shortlist_announce",
    "member_confirm_no_conflict",
    "qualified_readouts",
    "review_record",
    "scores_submit",
]
