"""The portal's performance results: public only once the purchaser publishes the evaluation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opengps.performance import services
from opengps.portal import selectors

pytestmark = pytest.mark.django_db

SCORES = {"quantity": "90", "quality.complaints": "85", "benefit": "80"}


def test_published_performance_results_are_listed_and_searchable(
    purchaser: Any, evaluator_user: Any, evaluation: Any
) -> None:
    # given a finalized evaluation (purchaser and third party scored, recipients answered)
    for user in (purchaser, evaluator_user):
        services.evaluation_score_submit(
            actor=user, evaluation=evaluation, scores=SCORES, measured={"quality.rate": "96"}
        )
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=2)
    for code in codes:
        services.survey_answer(token=evaluation.survey_token, code=code, answer=5, source="10.0.0.1")
    done = services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    client = Client()
    assert selectors.notice_page("performance").count == 0
    assert client.get(f"/portal/performance/{done.pk}/").status_code == 404
    # when it is published
    services.evaluation_publish(actor=purchaser, evaluation=done)
    # then it is listed, found by its period in Chinese, and shows the score and grade
    assert selectors.notice_page("performance", selectors.PortalFilters(q="年度")).count == 1
    page = client.get(f"/portal/performance/{done.pk}/").content.decode()
    assert str(done.score) in page and done.grade in page
    assert "2025年度" in client.get("/portal/performance/").content.decode()
    assert client.get("/portal/feeds/performance.rss").status_code == 200
