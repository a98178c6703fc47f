"""The grants demo: the 2023 round funds 70 organizations with exactly 7,500,000.00, in every
stage of an agreement, and the venture-philanthropy rounds put one round in every other stage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from opengps.core import demo
from opengps.core.audit import verify_chain
from opengps.core.demo import load_demo
from opengps.core.models import AuditEvent
from opengps.grants.demo import STAGES, TITLE
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    FundReturn,
    Objection,
    Round,
    RoundStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants_demo_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the demos the grants demo builds on (registry, experts) and itself."""
    monkeypatch.setattr(demo, "DEMO_APPS", ["opengps.registry", "opengps.experts", "opengps.grants"])


def test_demo_round_funds_70_organizations_with_7_5_million_and_loading_twice_changes_nothing() -> None:
    # when the whole demo loads (twice)
    load_demo(organizations=150)
    events = AuditEvent.objects.count()
    load_demo(organizations=150)
    # then
    assert AuditEvent.objects.count() == events and verify_chain()[1] is None
    round_ = Round.objects.get(title=TITLE)
    assert (round_.year, round_.status) == (2023, RoundStatus.DECIDED)
    funded = Application.objects.filter(round=round_, status=ApplicationStatus.FUNDED)
    assert funded.count() == 70 and funded.values("organization").distinct().count() == 70
    awarded = funded.aggregate(s=Sum("awarded_amount"))["s"]
    assert awarded == Decimal("7500000.00") == round_.total_amount
    signed = Agreement.objects.filter(application__round=round_).aggregate(s=Sum("amount"))["s"]
    assert signed == Decimal("7500000.00")
    # never above any round's total, and nothing paid above what was awarded
    for each in Round.objects.all():
        listed = each.applications.filter(status__in=[ApplicationStatus.PROPOSED, ApplicationStatus.FUNDED])
        assert (listed.aggregate(s=Sum("awarded_amount"))["s"] or 0) <= each.total_amount
    for agreement in Agreement.objects.prefetch_related("tranches"):
        assert sum(t.released_amount for t in agreement.tranches.all()) <= agreement.amount
    statuses = set(Application.objects.filter(round=round_).values_list("status", flat=True))
    assert {ApplicationStatus.SCREENED_OUT, ApplicationStatus.NOT_SELECTED} <= statuses
    assert all(app.screening for app in Application.objects.filter(status=ApplicationStatus.SCREENED_OUT))
    stages = set(Agreement.objects.filter(application__round=round_).values_list("status", flat=True))
    assert {AgreementStatus.CLOSED, AgreementStatus.AUDITED, AgreementStatus.FINAL_REVIEWED} <= stages
    assert Agreement.objects.filter(midterm_passed=False).count() == 3
    assert FundReturn.objects.exists()
    assert set(Agreement.objects.values_list("final_grade", flat=True)) >= {"优", "良", "差"}


def test_demo_has_a_round_in_every_stage(grants_demo_only: None) -> None:
    load_demo(organizations=150)
    assert set(Round.objects.values_list("status", flat=True)) == STAGES == set(RoundStatus.values)
    completed = Round.objects.get(status=RoundStatus.COMPLETED)
    assert completed.programme.is_venture_philanthropy
    assert (
        not Agreement.objects.filter(application__round=completed)
        .exclude(status=AgreementStatus.CLOSED)
        .exists()
    )
    # the round on notice takes objections today, and one from the public waits for a decision
    on_notice = Round.objects.get(status=RoundStatus.NOTICE)
    from opengps.grants.services import objection_window_open

    assert objection_window_open(on_notice)
    pending = Objection.objects.get(round=on_notice)
    assert pending.filed_by is None and pending.status == "pending"
    # the round under review has its panel; the open call has a submission and a draft
    assert Round.objects.get(status=RoundStatus.REVIEWING).draw is not None
    open_call = Round.objects.get(status=RoundStatus.PUBLISHED)
    assert set(open_call.applications.values_list("status", flat=True)) >= {ApplicationStatus.DRAFT}
