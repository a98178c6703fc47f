"""The performance demo: a year of quarterly evaluations, published, with the credit loop at work."""

from __future__ import annotations

import pytest

from opengps.core import demo
from opengps.core.audit import verify_chain
from opengps.core.demo import load_demo
from opengps.core.models import AuditEvent
from opengps.performance.models import (
    EvaluationStatus,
    ExpertConduct,
    HistoryEntry,
    ListingRecommendation,
    PerformanceEvaluation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def performance_demo_only(monkeypatch: pytest.MonkeyPatch, next_year_calendar: None) -> None:
    monkeypatch.setattr(
        demo,
        "DEMO_APPS",
        [
            "opengps.registry",
            "opengps.catalog",
            "opengps.planning",
            "opengps.experts",
            "opengps.procurement",
            "opengps.contracts",
            "opengps.performance",
        ],
    )


def test_demo_has_a_year_of_published_evaluations_and_loading_twice_changes_nothing(
    performance_demo_only: None,
) -> None:
    # when the demo loads (twice)
    load_demo(organizations=60)
    events = AuditEvent.objects.count()
    load_demo(organizations=60)
    # then every evaluated contract has four published quarters of last year, nothing was added
    # the second time, and one evaluation of this year is open for visitors to try
    evaluations = PerformanceEvaluation.objects.exclude(status=EvaluationStatus.OPEN)
    assert evaluations.count() >= 8 and evaluations.count() % 4 == 0
    assert set(evaluations.values_list("status", flat=True)) == {EvaluationStatus.PUBLISHED}
    assert len({e.finalized_on for e in evaluations}) == 4
    (still_open,) = PerformanceEvaluation.objects.filter(status=EvaluationStatus.OPEN)
    assert still_open.contract.status == "published" and still_open.survey_open
    grades = set(evaluations.values_list("grade", flat=True))
    assert "差" in grades and len(grades) >= 3
    assert HistoryEntry.objects.filter(flagged=True).exists()
    assert ListingRecommendation.objects.exists()
    assert ExpertConduct.objects.exists()
    assert AuditEvent.objects.count() == events
    assert verify_chain()[1] is None
