"""Writes of performance evaluation and the credit loop, each in one transaction with its audit
event, one module per stage.

Template (finance department, `indicators`) → evaluation of a contract (purchaser; a third-party
evaluator may be assigned) → the parties' scores (`evaluation`: supplier self-evaluation,
purchaser, evaluator) and the recipients' anonymous survey (`surveys`) → composite score and grade
(`grading`, pure rules in `opengps.rules.performance`) → the supplier's performance history
(`history`) → flag / recommendation to the registration authority, who decides in the registry
(`recommendations`). Experts' conduct is rated here too (`conduct`).

Date-driven services take ``today`` only for tests and for entering past records (the demo).
"""

from opengps.performance.services._common import specs_of, weights_of
from opengps.performance.services.conduct import conduct_due, expert_conduct_rate
from opengps.performance.services.evaluation import evaluation_create, evaluation_score_submit, party_of
from opengps.performance.services.grading import evaluation_finalize, evaluation_publish
from opengps.performance.services.history import (
    acceptance_reference,
    history_refresh,
    performance_history_record,
    supplier_fault_record,
)
from opengps.performance.services.indicators import template_for_contract, template_save
from opengps.performance.services.recommendations import recommendation_decline, recommendation_mark_listed
from opengps.performance.services.surveys import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_CODES,
    SURVEY_RATE,
    recipient_codes_issue,
    survey_answer,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_CODES",
    "SURVEY_RATE",
    "acceptance_reference",
    "conduct_due",
    "evaluation_create",
    "evaluation_finalize",
    "evaluation_publish",
    "evaluation_score_submit",
    "expert_conduct_rate",
    "history_refresh",
    "party_of",
    "performance_history_record",
    "recipient_codes_issue",
    "recommendation_decline",
    "recommendation_mark_listed",
    "specs_of",
    "supplier_fault_record",
    "survey_answer",
    "template_for_contract",
    "template_save",
    "weights_of",
]
