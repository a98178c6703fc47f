"""Grant results feed the organization's performance history and credit loop, in the same
transaction as the grant record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opengps.core.models import AuditEvent
from opengps.demo.world import GrantsWorld
from opengps.grants import services
from opengps.grants.models import AgreementStatus
from opengps.grants.services import agreements
from opengps.grants.tests.test_api_views import funded  # noqa: F401
from opengps.performance.models import HistoryEntry

pytestmark = pytest.mark.django_db


def _midterm(world: GrantsWorld, agreement: Any) -> Any:
    return services.midterm_review_record(
        actor=world.funder,
        agreement=agreement,
        passed=True,
        findings="进度正常",
        reviewed_on=date(2023, 12, 20),
    )


def test_the_final_review_grade_joins_the_performance_history(
    world: GrantsWorld,
    funded: dict[str, Any],  # noqa: F811
) -> None:
    # given a signed agreement past its mid-term review
    agreement, org = funded["agreement"], funded["org"]
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    _midterm(world, agreement)
    # when the funder's final review grades it
    services.final_review_record(
        actor=world.funder,
        agreement=agreement,
        score="58",
        note="未完成主要指标",
        reviewed_on=date(2024, 7, 10),
    )
    # then the organization's history has the grant's grade, with its number and score
    entry = HistoryEntry.objects.get(organization=org)
    assert (entry.source, entry.kind, entry.reference, entry.grade) == (
        "grant",
        "grade",
        agreement.number,
        "差",
    )
    assert entry.score is not None and str(entry.score) == "58.00" and entry.occurred_on == date(2024, 7, 10)
    actions = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq").values_list("action", flat=True))
    review = actions.index("grant_agreement.final_reviewed")
    assert actions[review + 1] == "performance.history_recorded"


def test_an_adverse_final_audit_is_a_failed_result(world: GrantsWorld, funded: dict[str, Any]) -> None:  # noqa: F811
    agreement, org = funded["agreement"], funded["org"]
    _midterm(world, agreement)
    services.final_review_record(
        actor=world.funder, agreement=agreement, score="75", note="基本完成", reviewed_on=date(2024, 7, 10)
    )
    services.final_audit_record(
        actor=world.firm_user,
        agreement=agreement,
        opinion="adverse",
        verified_spent="60000.00",
        disallowed="30000.00",
        findings=["虚列支出30000元"],
        completed_on=date(2024, 8, 1),
    )
    kinds = dict(HistoryEntry.objects.filter(organization=org).values_list("kind", "note"))
    assert set(kinds) == {"grade", "acceptance_failed"}
    assert "虚列支出30000元" in kinds["acceptance_failed"]
    # the firm is no official: the history entry is the system's (the grant audit event names the firm)
    event = AuditEvent.objects.filter(action="performance.history_recorded").latest("seq")
    assert event.actor_id is None and event.new_values["kind"] == "acceptance_failed"


def test_a_failure_in_the_history_undoes_the_final_review(
    world: GrantsWorld,
    funded: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agreement = funded["agreement"]
    _midterm(world, agreement)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("history unavailable")

    # final_review_record looks the writer up in its own module
    monkeypatch.setattr(agreements, "performance_history_record", broken)
    with pytest.raises(RuntimeError):
        services.final_review_record(
            actor=world.funder, agreement=agreement, score="90", note="", reviewed_on=date(2024, 7, 10)
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.final_grade == ""
    assert not AuditEvent.objects.filter(action="grant_agreement.final_reviewed").exists()
