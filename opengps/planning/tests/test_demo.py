"""The demo data set: catalogue published, budgets, projects and plans in every state, idempotent."""

from __future__ import annotations

import pytest

from opengps.catalog.models import CatalogVersion, VersionStatus
from opengps.core.audit import verify_chain
from opengps.core.demo import load_demo
from opengps.core.models import AuditEvent
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, Project, ProjectStatus, PurchasePlan

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_twice_changes_nothing() -> None:
    # when
    summary = load_demo(organizations=5)
    events = AuditEvent.objects.count()
    load_demo(organizations=5)
    # then
    assert AuditEvent.objects.count() == events
    assert verify_chain()[1] is None
    assert CatalogVersion.objects.get().status == VersionStatus.PUBLISHED
    assert set(BudgetLine.objects.values_list("status", flat=True)) == set(BudgetStatus.values)
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(PurchasePlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert PurchasePlan.objects.exclude(split_flags=[]).exists()
    assert PurchasePlan.objects.exclude(compliance_findings=[]).filter(status=PlanStatus.DRAFT).exists()
    assert summary.counts["catalogue_items"] >= 190 and "head" in {login.username for login in summary.logins}
