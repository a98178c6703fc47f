"""Procurement fixtures: approved plans per method, supplier organizations with members, an agency.

Plans are built through the planning services on planning's fixed calendar (2026); procurement
dates are relative to the real clock, because the bid deadline is judged by the database clock.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from opengps.planning import services as planning_services
from opengps.planning.tests import conftest as planning_fixtures
from opengps.procurement.services import BidFileInput
from opengps.registry.tests import conftest as registry_fixtures

finance = planning_fixtures.finance
small_catalogue = planning_fixtures.small_catalogue
head = planning_fixtures.head
make_line = planning_fixtures.make_line
make_project = planning_fixtures.make_project
make_org = registry_fixtures.make_org
fresh_registry_caches = registry_fixtures.fresh_registry_caches

PLAN_TODAY = date(2025, 3, 3)  # a Monday, >30 days before any date the suite may run on (2026-)
PLAN_START = date(2025, 4, 14)
PRICE = "268000.00"

PDF = b"%PDF-1.7\n" + "投标文件 技术响应 唯一标记 TECH-SECRET-7731".encode() + b"\n%%EOF\n"


def xlsx_bytes(text: str = "报价 268000.00") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f"<workbook>{text}</workbook>")
    return buffer.getvalue()


_bidder_numbers = itertools.count(1)


def bid_files(marker: str = "QUAL-SECRET-4410", *, same_as: str | None = None) -> list[BidFileInput]:
    """One bidder's three files, carrying the secret markers; each call's files differ in content
    (as two bidders' documents do), unless `same_as` names the copy to repeat exactly."""
    copy = str(next(_bidder_numbers)) if same_as is None else f"shared-{same_as}"
    tag = f"BIDDER-COPY-{copy}".encode()
    return [
        BidFileInput(
            "qualification", "资格证明.pdf", b"%PDF-1.4\n" + marker.encode() + b"\n" + tag + b"\n%%EOF"
        ),
        BidFileInput("technical", "技术响应.pdf", PDF.replace(b"\n%%EOF", b"\n" + tag + b"\n%%EOF")),
        BidFileInput("price_schedule", "报价表.xlsx", xlsx_bytes(f"报价 268000.00 {tag.decode()}")),
    ]


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Procurements run on the real clock; see the root conftest's `next_year_calendar`."""


@pytest.fixture
def filing_day(clock_at: Callable[..., None]) -> Callable[..., None]:
    """`filing_day(PLAN_TODAY)` pins the clock on the day plans are filed; `filing_day(None)` returns
    to the real clock, on which procurements run (bid deadlines are judged by the database clock)."""
    return clock_at


@pytest.fixture
def make_plan(
    purchaser: Any,
    finance: Any,
    make_line: Callable[..., Any],
    make_project: Callable[..., Any],
    filing_day: Callable[..., None],
) -> Callable[..., Any]:
    """A plan whose intention has run 30 days, ready for `procurement_create`."""
    counter = {"n": 0}

    def make(method: str = "open_tender", *, amount: str = "300000", **facts: bool) -> Any:
        counter["n"] += 1
        filing_day(PLAN_TODAY)
        items = ["A0401", "A0402", "A0901", "B0201"]
        project = make_project(amount, item=items[counter["n"] % 4], name=f"居家养老上门服务{counter['n']}")
        plan = planning_services.plan_create(
            actor=purchaser,
            project=project,
            budget_line=make_line(str(int(amount) * 2)),
            method=method,
            procurement_starts_on=PLAN_START,
            facts=facts or None,
            requirements="为辖区老年人提供助餐、助洁服务",
        )
        plan = planning_services.plan_submit(actor=purchaser, plan=plan)
        if plan.status == "pending_approval":
            plan = planning_services.plan_approve_method(actor=finance, plan=plan, note="同意")
        planning_services.intention_publish(actor=purchaser, plan=plan)
        filing_day(None)  # procurements run on the real clock
        plan.refresh_from_db()
        return plan

    return make


@pytest.fixture
def agency_unit(units: dict[str, Any]) -> Any:
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import unit_create

    return unit_create(
        actor=None, name="湖南省采购代理中心", kind=Unit.Kind.AGENCY, region=Region.objects.get(pk="430000")
    )


@pytest.fixture
def agency(agency_unit: Any) -> Any:
    from opengps.accounts.services import user_create

    return user_create(
        actor=None, username="agency1", password="test-password-123", role="agency", unit=agency_unit
    )


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    user = make_user("admin", unit=None)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


@pytest.fixture
def suppliers(make_org: Callable[..., Any], make_user: Callable[..., Any]) -> list[Any]:
    """Five eligible organizations, one member each (user.organization)."""
    members = []
    for _n in range(5):
        org = make_org()
        members.append(make_user("supplier", unit=None, organization=org))
    return members


def real_now() -> datetime:
    return timezone.now()


def announce_times(days_ago: int = 40, ahead: timedelta = timedelta(hours=1)) -> tuple[datetime, datetime]:
    """(issue time far enough back that any method's period has run, a deadline `ahead` of the real clock)."""
    now = real_now()
    return now - timedelta(days=days_ago), now + ahead
