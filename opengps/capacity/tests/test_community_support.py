"""Filed community social organizations after filing, through the services, the pages and the API:
a filing funded and awarded (amounts in Decimal yuan, from a budget line of the decision's year when
named), its activities logged (社区协商, 平安建设, 文明创建), then registered — the record keeps all
of it; bad input is refused beside its field; only the county's registration authority writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import User
from opengps.capacity import selectors_growth as reads
from opengps.capacity import services
from opengps.capacity.models import CommunityFiling, FilingActivity, FilingSupport, Township
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.planning.models import BudgetLine
from opengps.planning.services.budget import budget_line_create

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def filing(today: date, registrar: User, townships: dict[str, Township]) -> CommunityFiling:
    return services.filing_create(
        actor=registrar,
        township=townships["430104001"],
        name="桃子湖邻里议事会",
        kind="consultation",
        responsible_person="王芳",
        filed_on=D("2026-02-01"),
        community="桃子湖社区",
    )


@pytest.fixture
def budget_line(purchaser: User) -> BudgetLine:
    assert purchaser.unit is not None
    return budget_line_create(
        actor=purchaser,
        unit=purchaser.unit,
        fiscal_year=2026,
        code="2081001",
        name="社区社会组织培育扶持",
        fund_source="welfare_lottery",
        amount="500000",
    )


def _login(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _support(actor: User, filing: CommunityFiling, **given: Any) -> FilingSupport:
    values: dict[str, Any] = {
        "kind": "funding",
        "amount": "5000.00",
        "purpose": "议事场地与活动经费",
        "decision": "岳民发〔2026〕12号",
        "decided_on": D("2026-04-01"),
    }
    values.update(given)
    return services.support_decide(actor=actor, filing=filing, **values)


def test_a_filing_is_funded_awarded_active_then_registered(
    filing: CommunityFiling, registrar: User, budget_line: BudgetLine, make_org: Any
) -> None:
    # when the county funds it from its budget line and later awards it
    _support(registrar, filing, budget_line=budget_line)
    _support(
        registrar,
        filing,
        kind="award",
        amount="1,500.50",
        purpose="优秀社区社会组织",
        decided_on=D("2026-12-20"),
    )
    # and it logs its activities
    for kind, title, day, people in (
        ("consultation", "楼栋议事会", "2026-03-15", 23),
        ("safety", "夜间巡防", "2026-06-01", 12),
        ("civility", "文明楼栋评选", "2026-10-01", 40),
    ):
        services.activity_log(
            actor=registrar, filing=filing, kind=kind, title=title, held_on=D(day), participants=people
        )
    # then registers in the registry
    organization = make_org(name="桃子湖邻里议事促进会", founded_on=D("2026-11-01"))
    services.filing_register(actor=registrar, filing=filing, organization=organization)
    page = reads.filing_page(actor=registrar, pk=filing.pk)
    assert page.supported == Decimal("6500.50")
    assert [s.kind for s in page.supports] == ["award", "funding"]
    assert page.supports[1].budget_line == budget_line
    assert [a.get_kind_display() for a in page.activities] == ["文明创建", "平安建设", "社区协商"]
    assert page.filing.organization == organization
    totals = reads.filing_totals([filing])
    assert totals[filing.pk] == (Decimal("6500.50"), 3)
    actions = list(
        AuditEvent.objects.filter(object_type="capacity.communityfiling")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "capacity_filing.created",
        "capacity_filing.supported",
        "capacity_filing.supported",
        "capacity_filing.activity",
        "capacity_filing.activity",
        "capacity_filing.activity",
        "capacity_filing.registered",
    ]


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        ({"amount": "0"}, "capacity.support_amount_invalid", "amount"),
        ({"amount": "12.345"}, "capacity.support_amount_invalid", "amount"),
        ({"amount": "五千"}, "capacity.support_amount_invalid", "amount"),
        ({"kind": "loan"}, "capacity.kind_invalid", "kind"),
        ({"purpose": " "}, "capacity.purpose_required", "purpose"),
        ({"decision": ""}, "capacity.decision_required", "decision"),
        ({"decided_on": D("2026-01-31")}, "capacity.before_filing", "decided_on"),
        ({"decided_on": D("2027-01-12")}, "capacity.future_date", "decided_on"),  # the day after today
    ],
)
def test_a_bad_support_is_refused_beside_its_field(
    filing: CommunityFiling, registrar: User, given: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        _support(registrar, filing, **given)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not FilingSupport.objects.exists()


def test_a_budget_line_of_another_year_is_refused(
    filing: CommunityFiling, registrar: User, budget_line: BudgetLine
) -> None:
    with pytest.raises(ServiceError) as caught:
        _support(registrar, filing, decided_on=D("2027-01-05"), budget_line=budget_line)
    assert (caught.value.code, caught.value.field) == ("capacity.budget_year", "budget_line")


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        ({"kind": "party"}, "capacity.kind_invalid", "kind"),
        ({"title": ""}, "capacity.name_required", "title"),
        ({"participants": -1}, "capacity.count_invalid", "participants"),
        ({"held_on": D("2026-01-01")}, "capacity.before_filing", "held_on"),
        ({"held_on": D("2027-02-01")}, "capacity.future_date", "held_on"),
    ],
)
def test_a_bad_activity_is_refused_beside_its_field(
    filing: CommunityFiling, registrar: User, given: dict[str, Any], code: str, field: str
) -> None:
    values: dict[str, Any] = {
        "kind": "safety",
        "title": "夜间巡防",
        "held_on": D("2026-06-01"),
        "participants": 5,
    }
    values.update(given)
    with pytest.raises(ServiceError) as caught:
        services.activity_log(actor=registrar, filing=filing, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not FilingActivity.objects.exists()


@pytest.mark.parametrize("who", ["finance", "auditor", "purchaser", "supplier"])
def test_only_the_countys_registration_authority_supports_and_logs(
    filing: CommunityFiling,
    finance: User,
    auditor: User,
    purchaser: User,
    operator_member: User,
    cs_registrar: User,
    who: str,
) -> None:
    actor = {"finance": finance, "auditor": auditor, "purchaser": purchaser, "supplier": operator_member}[who]
    with pytest.raises(PermissionDenied):
        _support(actor, filing)
    with pytest.raises(PermissionDenied):
        services.activity_log(
            actor=actor, filing=filing, kind="safety", title="巡防", held_on=D("2026-06-01")
        )
    assert not FilingSupport.objects.exists() and not FilingActivity.objects.exists()
    # the city's registration official acts in its counties
    _support(cs_registrar, filing)
    assert FilingSupport.objects.count() == 1


def test_the_pages_record_support_and_activities(
    filing: CommunityFiling, registrar: User, finance: User, budget_line: BudgetLine
) -> None:
    client = _login(registrar)
    listing = client.get(reverse("capacity:filings")).content.decode()
    assert "桃子湖邻里议事会" in listing and reverse("capacity:filing", args=[filing.pk]) in listing
    url = reverse("capacity:filing-support", args=[filing.pk])
    data = {
        "kind": "funding",
        "amount": "-5",
        "purpose": "活动经费",
        "decision": "岳民发〔2026〕12号",
        "decided_on": "2026-04-01",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and 'id="support-amount-error"' in bad.content.decode()
    unknown = client.post(url, {**data, "amount": "5000", "budget_line": "9999999"})
    assert unknown.status_code == 400 and 'id="support-budget_line-error"' in unknown.content.decode()
    made = client.post(url, {**data, "amount": "5000", "budget_line": "2081001"})
    assert made.status_code == 302 and made["Location"] == reverse("capacity:filing", args=[filing.pk])
    assert FilingSupport.objects.get().budget_line == budget_line
    activity = reverse("capacity:filing-activity", args=[filing.pk])
    late = client.post(activity, {"kind": "civility", "title": "文明楼栋评选", "held_on": "2027-03-01"})
    assert late.status_code == 400 and 'id="activity-held_on-error"' in late.content.decode()
    assert (
        client.post(
            activity, {"kind": "civility", "title": "文明楼栋评选", "held_on": "2026-10-01"}
        ).status_code
        == 302
    )
    page = client.get(reverse("capacity:filing", args=[filing.pk])).content.decode()
    assert "5,000.00" in page and "文明楼栋评选" in page and "文明创建" in page
    reader = _login(finance)
    assert url not in reader.get(reverse("capacity:filing", args=[filing.pk])).content.decode()
    assert reader.post(url, {**data, "amount": "100"}).status_code == 403
    assert FilingSupport.objects.count() == 1


def test_the_api_records_support_and_activities(filing: CommunityFiling, registrar: User) -> None:
    client = _login(registrar)
    base = f"/api/v1/capacity/filings/{filing.pk}"
    bad = client.post(
        f"{base}/supports",
        {"kind": "award", "amount": "abc", "purpose": "奖励", "decision": "1号", "decided_on": "2026-05-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "amount"
    made = client.post(
        f"{base}/supports",
        {"kind": "award", "amount": "800", "purpose": "奖励", "decision": "1号", "decided_on": "2026-05-01"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["amount"] == "800.00"
    logged = client.post(
        f"{base}/activities",
        {"kind": "consultation", "title": "议事会", "held_on": "2026-05-02", "participants": 9},
        content_type="application/json",
    )
    assert logged.status_code == 201
    page = client.get(base).json()
    assert page["supported"] == "800.00" and [a["title"] for a in page["activities"]] == ["议事会"]
    assert [f["name"] for f in client.get("/api/v1/capacity/filings").json()] == ["桃子湖邻里议事会"]
