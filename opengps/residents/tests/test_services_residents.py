"""Residents' services: a rating with a one-time code is verified and counted in the performance
evaluation, a code used twice is refused, a rating without a code is kept unverified and never
counted; a complaint is answered by the purchasing unit; an overdue one escalates to the finance
department on the rules' deadline (pinned clock); posts are throttled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.performance import services as performance
from opengps.performance.models import SurveyResponse
from opengps.residents import services
from opengps.residents.models import Feedback, FeedbackKind, FeedbackStatus
from opengps.rules import residents as rules

pytestmark = pytest.mark.django_db


def _timeline(item: Feedback) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="residents.feedback", object_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_rating_with_a_code_is_verified_and_counted(purchaser: Any, evaluation: Any) -> None:
    # given
    (code,) = performance.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=1)
    # when
    item = services.feedback_rate(
        source="contract", pk=evaluation.contract_id, stars=4, code=code.lower(), client="10.0.0.1"
    )
    # then
    assert item.verified and item.status == FeedbackStatus.RECORDED
    assert item.survey_response is not None and item.survey_response.answer == 4
    assert list(evaluation.responses.values_list("answer", flat=True)) == [4]
    assert len(item.tracking) == services.TRACKING_LENGTH
    assert _timeline(item) == ["resident_feedback.rated"]


def test_a_code_used_twice_is_refused(purchaser: Any, evaluation: Any) -> None:
    # given
    (code,) = performance.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=1)
    services.feedback_rate(
        source="contract", pk=evaluation.contract_id, stars=5, code=code, client="10.0.0.1"
    )
    # when
    with pytest.raises(ServiceError) as caught:
        services.feedback_rate(
            source="contract", pk=evaluation.contract_id, stars=1, code=code, client="10.0.0.2"
        )
    # then
    assert caught.value.code == "performance.code_used" and caught.value.field == "code"
    assert caught.value.status == 409
    assert Feedback.objects.count() == 1
    assert list(evaluation.responses.values_list("answer", flat=True)) == [5]


def test_a_wrong_code_is_refused_and_changes_nothing(evaluation: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        services.feedback_rate(
            source="contract", pk=evaluation.contract_id, stars=3, code="ZZZZZZZZ", client="10.0.0.1"
        )
    assert caught.value.code == "performance.code_invalid"
    assert Feedback.objects.count() == 0 and SurveyResponse.objects.count() == 0


def test_an_unverified_rating_never_enters_the_performance_score(evaluation: Any) -> None:
    # when
    item = services.feedback_rate(
        source="contract", pk=evaluation.contract_id, stars=1, text="等了很久", client="10.0.0.1"
    )
    # then
    assert not item.verified and item.survey_response is None
    assert evaluation.responses.count() == 0
    assert SurveyResponse.objects.count() == 0


def test_a_code_without_an_open_survey_is_refused(contract: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        services.feedback_rate(source="contract", pk=contract.pk, stars=4, code="ABCDEFGH", client="10.0.0.1")
    assert caught.value.code == "residents.code_not_accepted" and caught.value.field == "code"
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (
            lambda pk: services.feedback_rate(source="contract", pk=pk, stars=6, client="c"),
            "stars_invalid",
            "stars",
        ),
        (
            lambda pk: services.feedback_rate(source="contract", pk=pk, stars=0, client="c"),
            "stars_invalid",
            "stars",
        ),
        (
            lambda pk: services.feedback_rate(source="contract", pk=pk, stars=3, text="长" * 501, client="c"),
            "text_too_long",
            "text",
        ),
        (
            lambda pk: services.feedback_file(source="contract", pk=pk, kind="rating", text="x", client="c"),
            "kind_invalid",
            "kind",
        ),
        (
            lambda pk: services.feedback_file(
                source="contract", pk=pk, kind="complaint", text="  ", client="c"
            ),
            "text_required",
            "text",
        ),
        (
            lambda pk: services.feedback_rate(source="contract", pk=pk + 999, stars=3, client="c"),
            "service_not_found",
            None,
        ),
        (
            lambda pk: services.feedback_rate(source="grant", pk=pk, stars=3, client="c"),
            "service_not_found",
            None,
        ),
    ],
)
def test_bad_input_is_refused_with_its_field(
    contract: Any, call: Callable[[int], Any], code: str, field: str | None
) -> None:
    with pytest.raises(ServiceError) as caught:
        call(contract.pk)
    assert caught.value.code == f"residents.{code}" and caught.value.field == field
    assert Feedback.objects.count() == 0


def test_a_complaint_is_answered_by_the_purchasing_unit(purchaser: Any, finance: Any, contract: Any) -> None:
    # given
    item = services.feedback_file(
        source="contract",
        pk=contract.pk,
        kind=FeedbackKind.COMPLAINT,
        text="上门时间不固定",
        client="10.0.0.1",
    )
    assert item.status == FeedbackStatus.OPEN
    assert item.answer_due == rules.answer_deadline(clock.today()).value
    assert "[U]" in item.due_citation
    # when another unit tries
    with pytest.raises(ServiceError) as caught:
        services.feedback_answer(actor=finance, feedback=item, answer="已处理")
    assert caught.value.code == "residents.not_purchaser" and caught.value.status == 403
    with pytest.raises(ServiceError) as blank:
        services.feedback_answer(actor=purchaser, feedback=item, answer="  ")
    assert blank.value.code == "residents.answer_required"
    # when the purchaser answers
    answered = services.feedback_answer(actor=purchaser, feedback=item, answer="已要求服务机构每周固定上门")
    # then
    assert answered.status == FeedbackStatus.ANSWERED and answered.answered_by == purchaser
    assert _timeline(item) == ["resident_feedback.filed", "resident_feedback.answered"]
    with pytest.raises(ServiceError) as again:
        services.feedback_answer(actor=purchaser, feedback=answered, answer="再次答复")
    assert again.value.code == "workflow.transition_not_allowed" and again.value.status == 409


def test_an_overdue_complaint_escalates_on_the_rules_deadline(
    purchaser: Any, contract: Any, clock_at: Callable[..., None]
) -> None:
    # given a complaint filed today, due on the rules' deadline
    item = services.feedback_file(
        source="contract",
        pk=contract.pk,
        kind=FeedbackKind.SUGGESTION,
        text="希望增加周末服务",
        client="10.0.0.1",
    )
    due = rules.answer_deadline(item.filed_on).value
    assert item.answer_due == due
    # when the daily run happens on the deadline itself: still on time
    clock_at(due)
    assert services.feedback_escalate_overdue() == 0
    item.refresh_from_db()
    assert item.status == FeedbackStatus.OPEN
    # when it runs the day after
    clock_at(due + timedelta(days=1))
    assert services.feedback_escalate_overdue() == 1
    # then it went to the finance department of the purchaser's region, once
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ESCALATED
    assert item.escalated_on == due + timedelta(days=1)
    assert item.escalated_to is not None and item.escalated_to.name == "湖南省财政厅"
    assert services.feedback_escalate_overdue() == 0
    assert _timeline(item) == ["resident_feedback.filed", "resident_feedback.escalated"]
    # and the purchaser still answers it
    services.feedback_answer(actor=purchaser, feedback=item, answer="已答复")
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ANSWERED


def test_the_scheduled_task_escalates(contract: Any, clock_at: Callable[..., None]) -> None:
    from opengps.residents.tasks import escalate_daily

    item = services.feedback_file(
        source="contract", pk=contract.pk, kind=FeedbackKind.COMPLAINT, text="没人来", client="10.0.0.1"
    )
    assert item.answer_due is not None
    clock_at(item.answer_due + timedelta(days=3))
    assert escalate_daily.call() == 1
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ESCALATED


def test_posts_are_throttled_per_address(contract: Any) -> None:
    limit, _window = services.FEEDBACK_RATE
    for _n in range(limit):
        services.feedback_rate(source="contract", pk=contract.pk, stars=5, client="10.0.0.9")
    with pytest.raises(ServiceError) as caught:
        services.feedback_rate(source="contract", pk=contract.pk, stars=5, client="10.0.0.9")
    assert caught.value.code == "residents.throttled" and caught.value.status == 429
    assert Feedback.objects.count() == limit
    services.feedback_rate(source="contract", pk=contract.pk, stars=5, client="10.0.0.10")  # others still can
