"""Grant outcomes among the facts an assessor sees (issue 24 §2): each agreement with its status,
amount, mid-term, final grade and audit, under 工作绩效; the grant's grade is not shown a second
time from the performance history; the link to the agreement only for those who may open it.

Built on the grants world's decided 2023 round with one signed agreement (`funded`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import User
from opengps.assessment import facts
from opengps.demo.world import GrantsWorld
from opengps.grants import services
from opengps.grants.tests.conftest import make_org, make_round, panel_experts, world  # noqa: F401
from opengps.grants.tests.test_api_views import funded  # noqa: F401
from opengps.performance.models import HistoryEntry

pytestmark = pytest.mark.django_db


def test_an_agreement_shows_its_outcome_once_with_a_link_for_its_readers(
    world: GrantsWorld,  # noqa: F811
    funded: dict[str, Any],  # noqa: F811
    evaluator_user: User,
) -> None:
    # given: the signed agreement, its mid-term passed and its final review graded 差
    agreement, org = funded["agreement"], funded["org"]
    services.midterm_review_record(
        actor=world.funder,
        agreement=agreement,
        passed=True,
        findings="进度正常",
        reviewed_on=date(2023, 12, 20),
    )
    services.final_review_record(
        actor=world.funder,
        agreement=agreement,
        score="58",
        note="未完成主要指标",
        reviewed_on=date(2024, 7, 10),
    )
    assert HistoryEntry.objects.filter(organization=org, source="grant").exists()
    # when: the funder and an assessor (not the round's audit firm) read the facts
    seen = facts.facts_of([org], viewer=world.funder)[org.pk]
    assessor_sees = facts.facts_of([org], viewer=evaluator_user)[org.pk]
    # then: one fact for the agreement, under 工作绩效, with its outcome in labels
    assert len(seen) == 1
    fact = seen[0]
    assert (fact.section, fact.kind, fact.on, fact.tone) == (
        "performance",
        "grants.agreement",
        date(2024, 7, 10),
        "bad",
    )
    assert fact.label == f"资助协议 {agreement.number}：已结项评估"
    assert (
        "中期评估通过" in fact.detail and "结项评价等级 差" in fact.detail and "100,000.00 元" in fact.detail
    )
    assert fact.url == f"/grants/agreements/{agreement.pk}/"
    assert [f.url for f in assessor_sees] == [""]
    assert [f.label for f in assessor_sees] == [fact.label]
