"""The capacity demo loads through the services, once: two counties' townships, their stations,
120 posted workers, a year of logs, three bases, 40 filings — and a second load adds nothing."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from opengps.accounts.models import User
from opengps.capacity import demo, selectors
from opengps.capacity import selectors_growth as reads
from opengps.capacity.models import (
    Attendance,
    CommunityFiling,
    FilingActivity,
    FilingSupport,
    Incubatee,
    Posting,
    ServiceLog,
    ServicePoint,
    Showcase,
    ShowcaseEvent,
    SocialWorker,
    Station,
    Subsidy,
    Training,
)
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(today: date, registrar: User, make_org: Any) -> None:
    # given a registry with a few social service agencies in Changsha, one registered last year
    for n in range(3):
        make_org(name=f"演示社工机构{n}")
    recent = make_org(name="岳麓街道邻里议事促进会", founded_on=date(2026, 5, 1))
    context = SimpleNamespace(users={"registrar": registrar}, counts={})

    # when the demo loads
    demo.load(context)

    # then every township of both counties is there, all but one per county with a station
    townships = sum(len(rows) for rows in demo.COUNTIES.values())
    assert context.counts["townships"] == townships == 34
    assert Station.objects.count() == context.counts["stations"] == townships - 2
    assert SocialWorker.objects.count() == Posting.objects.count() == 120
    assert ServiceLog.objects.count() == context.counts["service_logs"] > 0
    assert Subsidy.objects.count() == 9
    graduates = Incubatee.objects.filter(graduated_on__isnull=False)
    assert graduates.count() == 6 and graduates.filter(organization__isnull=False).count() == 4
    assert CommunityFiling.objects.count() == 40
    assert CommunityFiling.objects.get(organization=recent).registered_on == date(2026, 5, 1)
    table = selectors.coverage(actor=registrar)
    assert [row.county.name for row in table.rows] == ["岳麓区", "湘潭县"]
    assert table.total.gaps == 3  # the two townships without a station and the suspended one
    assert 0 < table.total.certified < table.total.workers <= 120
    # and the second part: points under the first twelve stations, trainings with attendance, events
    assert ServicePoint.objects.count() == context.counts["service_points"] == 18
    assert table.points == ServicePoint.objects.filter(station__status="operating").count()
    assert Training.objects.count() == 16 and Attendance.objects.count() > 0
    assert ShowcaseEvent.objects.count() == 2 and Showcase.objects.count() >= 4
    assert FilingSupport.objects.filter(kind="funding").count() == 12
    assert FilingSupport.objects.filter(kind="award").count() == 10
    assert FilingActivity.objects.count() == 60
    # every worker's hours come from the trainings they attended, each training once
    worker = Attendance.objects.order_by("pk").first().worker  # type: ignore[union-attr]
    assert sum(reads.worker_hours_by_year(worker).values()) == sum(a.hours for a in worker.attendances.all())
    # and a second load changes nothing
    events = AuditEvent.objects.count()
    demo.load(SimpleNamespace(users={"registrar": registrar}, counts={}))
    assert AuditEvent.objects.count() == events
