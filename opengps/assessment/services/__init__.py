"""Writes of rating assessments, each in one transaction with its audit event; status changes go
through `opengps.core.status.status_set` against the tables of `opengps.rules.assessment`.

One module a stage: `setup` (indicator sets, rounds, links of interest), `applications` (apply,
evidence, screening, the assessors' sheets), `decisions` (committee, notice, objections, review,
the decision and its ratings), `sanctions` (downgrades and revocations on findings); `_common` holds
who manages what. Every public name is re-exported here: callers import `opengps.assessment.services`.
"""

from __future__ import annotations

from opengps.assessment.services._common import MANAGERS, is_assessor, manages, takes
from opengps.assessment.services.applications import (
    application_screen,
    application_submit,
    can_read_application,
    evidence_upload,
    independence_check,
    screening_of,
    sheet_submit,
)
from opengps.assessment.services.decisions import (
    OBJECTION_RATE,
    committee_propose,
    notice_open,
    notice_publish,
    objection_file,
    objection_review,
    round_decide,
)
from opengps.assessment.services.sanctions import SANCTIONABLE, rating_current, rating_sanction
from opengps.assessment.services.setup import indicator_set_create, link_record, round_open

__all__ = [
    "MANAGERS",
    "OBJECTION_RATE",
    "SANCTIONABLE",
    "application_screen",
    "application_submit",
    "can_read_application",
    "committee_propose",
    "evidence_upload",
    "independence_check",
    "indicator_set_create",
    "is_assessor",
    "link_record",
    "manages",
    "notice_open",
    "notice_publish",
    "objection_file",
    "objection_review",
    "rating_current",
    "rating_sanction",
    "round_decide",
    "round_open",
    "screening_of",
    "sheet_submit",
    "takes",
]
