"""The grants demo: the 2023 round funds 70 organizations with exactly 7,500,000.00, in every stage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from opengps.core.audit import verify_chain
from opengps.core.demo import load_demo
from opengps.core.models import AuditEvent
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    FundReturn,
    Round,
)

pytestmark = pytest.mark.django_db


def test_demo_round_funds_70_organizations_with_7_5_million_and_loading_twice_changes_nothing() -> None:
    # when the demo loads (twice)
    load_demo(organizations=150)
    events = AuditEvent.objects.count()
    load_demo(organizations=150)
    # then
    assert AuditEvent.objects.count() == events and verify_chain()[1] is None
    round_ = Round.objects.get(year=2023)
    funded = Application.objects.filter(round=round_, status=ApplicationStatus.FUNDED)
    assert funded.count() == 70 and funded.values("organization").distinct().count() == 70
    assert funded.aggregate(s=Sum("awarded_amount"))["s"] == Decimal("7500000.00") == round_.total_amount
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {ApplicationStatus.SCREENED_OUT, ApplicationStatus.NOT_SELECTED} <= statuses
    assert all(app.screening for app in Application.objects.filter(status=ApplicationStatus.SCREENED_OUT))
    stages = set(Agreement.objects.values_list("status", flat=True))
    assert {AgreementStatus.CLOSED, AgreementStatus.AUDITED, AgreementStatus.FINAL_REVIEWED} <= stages
    assert Agreement.objects.filter(midterm_passed=False).count() == 3
    assert FundReturn.objects.exists()
    assert set(Agreement.objects.values_list("final_grade", flat=True)) >= {"优", "良", "差"}
