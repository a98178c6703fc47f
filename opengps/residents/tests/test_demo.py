"""The residents demo loader on the world's contract with its open evaluation (the whole demo is
tested in opengps/workbench/tests/test_demo.py): ratings verified and not, complaints answered,
waiting and escalated; loading twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opengps.accounts.demo import DemoContext
from opengps.residents import demo, services
from opengps.residents.models import Feedback, FeedbackKind, FeedbackStatus, PartnerKey, PartnerScope

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


def test_demo_partner_key_is_made_at_load_time_and_shown_once(admin_user: Any, db: Any) -> None:
    # when the demo loads with its platform administrator
    context = DemoContext(organizations=0, users={"admin": admin_user})
    demo.load(context)
    # then a key for the demo partner exists, with every scope, and its secret is in the output once
    key = PartnerKey.objects.get()
    assert key.partner == demo.DEMO_PARTNER and key.created_by == admin_user
    assert sorted(key.scopes) == sorted(PartnerScope.values)
    secrets = {word for note in context.notes for word in note.split() if word.startswith("ogp_")}
    (secret,) = {s.rstrip('"') for s in secrets}
    assert services.partner_key_identify(secret) == key
    assert secret not in Path(demo.__file__).read_text(encoding="utf-8")  # made now, not a constant
    assert context.counts["partner_keys"] == 1
    # and loading again neither makes another key nor shows the secret again
    again = DemoContext(organizations=0, users={"admin": admin_user})
    demo.load(again)
    assert PartnerKey.objects.count() == 1 and again.notes == []
