"""`policies.dated_refusal`: a refusal naming a lawful day and its article, for people and API clients."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from opengps.challenges.errors import Code as ChallengeCode
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.errors import Code as EvaluationCode
from opengps.procurement.errors import Code
from opengps.procurement.policies import dated_refusal

DAY = date(2026, 3, 9)
CITATION = "政府采购质疑和投诉办法（财政部令第94号）第十七条"


def test_the_message_and_the_params_name_the_same_day_and_article() -> None:
    # given a deadline that has passed
    # when it is refused
    with translation.override("zh-hans"):
        error = dated_refusal(ChallengeCode.COMPLAINT_LATE, DAY, CITATION)
    # then the declared message is filled and the params carry the same values
    assert type(error) is ServiceError and error.code == "complaint.late"
    assert error.params == {"due": "2026-03-09", "citation": CITATION}
    assert error.message == f"投诉期限已于 2026-03-09 届满（依据：{CITATION}）"
    assert error.field is None


def test_the_param_name_the_field_and_the_error_class_are_the_callers() -> None:
    error = dated_refusal(EvaluationCode.AWARD_CONFIRMATION_PERIOD_OVER, DAY, CITATION, error=Conflict)
    assert isinstance(error, Conflict) and error.status == 409
    latest = dated_refusal(
        ChallengeCode.COMPLAINT_SUSPENSION_TOO_LONG, DAY, CITATION, name="latest", field="days"
    )
    assert latest.params == {"latest": "2026-03-09", "citation": CITATION} and latest.field == "days"


def test_a_message_that_names_the_day_otherwise_is_filled_under_its_own_name() -> None:
    # given a message that shows the day as %(end)s while API clients read `earliest`
    with translation.override("zh-hans"):
        error = dated_refusal(
            Code.PROCUREMENT_DEADLINE_TOO_EARLY,
            DAY,
            CITATION,
            name="earliest",
            shown_as="end",
            field="bid_deadline",
        )
    # then the message is filled and the params keep only the API's name
    assert "2026-03-09" in error.message and "%(" not in error.message
    assert error.params == {"earliest": "2026-03-09", "citation": CITATION}
