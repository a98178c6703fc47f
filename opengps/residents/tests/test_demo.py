"""The residents demo loader on the world's contract with its open evaluation (the whole demo is
tested in opengps/workbench/tests/test_demo.py): ratings verified and not, complaints answered,
waiting and escalated; loading twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.accounts.demo import DemoContext
from opengps.residents import demo
from opengps.residents.models import Feedback, FeedbackKind, FeedbackStatus

pytestmark = pytest.mark.django_db


def test_demo_feedback_in_every_state(evaluation: Any) -> None:
    # when
    context = DemoContext(organizations=0)
    demo.load(context)
    # then
    ratings = Feedback.objects.filter(kind=FeedbackKind.RATING)
    assert ratings.filter(verified=True).count() == 2 and ratings.filter(verified=False).count() == 3
    assert evaluation.responses.count() == 2  # only the verified ones reach the survey
    states = set(Feedback.objects.exclude(kind=FeedbackKind.RATING).values_list("status", flat=True))
    assert states == {FeedbackStatus.ANSWERED, FeedbackStatus.OPEN, FeedbackStatus.ESCALATED}
    assert context.counts["resident_feedback"] == Feedback.objects.count() == 9
    # loading again changes nothing
    demo.load(DemoContext(organizations=0))
    assert Feedback.objects.count() == 9


def test_demo_without_contracts_does_nothing(db: Any) -> None:
    context = DemoContext(organizations=0)
    demo.load(context)
    assert context.counts["resident_feedback"] == 0
