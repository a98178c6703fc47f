"""Each measure against an independent calculation from the raw rows of a scenario built through
the services, and against the figure the dashboard shows; drill-down totals equal the figure; the
map covers every feature of the shipped boundary files; bad input is a 400 beside its field."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from opengps.contracts import services as contract_services
from opengps.contracts.models import Contract
from opengps.core.clock import local_date
from opengps.core.models import AuditEvent
from opengps.emall.models import Order
from opengps.evaluation.models import Award
from opengps.grants.models import Agreement, Tranche
from opengps.performance.models import PerformanceEvaluation
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, PurchasePlan
from opengps.procurement.models import OpeningRecord, Procurement
from opengps.registry.models import OrgType
from opengps.stats import selectors, services
from opengps.stats.events import Event
from opengps.stats.measures import MEASURES
from opengps.stats.models import Fact, ShareTarget, Summary
from opengps.stats.tasks import summaries_nightly

CENT = Decimal("0.01")
COMMITTED_ORDERS = ("confirmed", "delivered", "accepted", "paid", "rated")
"""E-mall orders the supplier confirmed and nobody undid (spelled out here, not taken from the app)."""


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Procurements run on the real clock; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Eligibility is read through the registry's per-process caches."""


@pytest.fixture
def scenario(purchaser: Any, contract: Contract) -> Contract:
    """A published contract of an announced award (three bids, open tender), one instalment paid,
    a second approved budget line and a cancelled plan; then the summaries are refreshed."""
    payment = contract_services.payment_schedule_add(
        actor=purchaser,
        contract=contract,
        title="首期款",
        amount=Decimal("30000.00"),
        planned_on=timezone.localdate(),
    )
    contract_services.payment_record(
        actor=purchaser, payment=payment, paid_on=timezone.localdate(), paid_amount=Decimal("30000.00")
    )
    services.summaries_refresh(actor=None)
    return contract


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP) if whole else None


def _contracts() -> list[Contract]:
    return list(Contract.objects.filter(signed_on__isnull=False).select_related("supplier"))


def _awards() -> list[Award]:
    return list(
        Award.objects.filter(announced_at__isnull=False, winner__isnull=False).select_related("winner", "lot")
    )


def _started(procurement: Procurement) -> Any:
    return (
        local_date(procurement.announced_at) if procurement.announced_at else procurement.notice_published_on
    )


def _public_procurements() -> list[Procurement]:
    return [p for p in Procurement.objects.all() if _started(p)]


EXPECTED: dict[str, Callable[[], Decimal | None]] = {
    "budgeted": lambda: sum(
        (b.amount for b in BudgetLine.objects.filter(status=BudgetStatus.APPROVED)), Decimal(0)
    ).quantize(CENT),
    "planned": lambda: sum(
        (p.amount for p in PurchasePlan.objects.exclude(status=PlanStatus.CANCELLED)), Decimal(0)
    ).quantize(CENT),
    "awarded": lambda: sum((a.winner.price_total for a in _awards() if a.winner), Decimal(0)).quantize(CENT),
    "contracted": lambda: sum((c.amount for c in _contracts()), Decimal(0)).quantize(CENT),
    "paid": lambda: sum(
        (p.paid_amount or Decimal(0) for c in _contracts() for p in c.payments.filter(paid_on__isnull=False)),
        Decimal(0),
    ).quantize(CENT),
    "social_share": lambda: _pct(
        sum((c.amount for c in _contracts() if c.supplier.org_type in OrgType.values), Decimal(0)),
        sum((c.amount for c in _contracts()), Decimal(0)),
    ),
    "social_amount": lambda: sum(
        (c.amount for c in _contracts() if c.supplier.org_type in OrgType.values), Decimal(0)
    ).quantize(CENT),
    "social_share_awarded": lambda: _pct(
        sum((a.winner.price_total for a in _awards() if a.winner), Decimal(0)),  # every winner is registered
        sum((a.winner.price_total for a in _awards() if a.winner), Decimal(0)),
    ),
    "industry_share": lambda: _pct(
        sum((c.amount for c in _contracts() if c.supplier.is_industry_association), Decimal(0)),
        sum((c.amount for c in _contracts()), Decimal(0)),
    ),
    "bidders": lambda: (
        Decimal(sum(o.bids_received for o in OpeningRecord.objects.all())) / OpeningRecord.objects.count()
    ).quantize(CENT),
    "procurements": lambda: Decimal(len(_public_procurements())),
    "single_bid_share": lambda: _pct(
        Decimal(sum(1 for o in OpeningRecord.objects.all() if o.bids_received == 1)),
        Decimal(OpeningRecord.objects.count()),
    ),
    "non_competitive": lambda: _pct(
        Decimal(sum(1 for p in _public_procurements() if p.method == "single_source")),
        Decimal(len(_public_procurements())),
    ),
    "savings": lambda: _pct(
        sum((a.lot.budget - a.winner.price_total for a in _awards() if a.winner), Decimal(0)),
        sum((a.lot.budget for a in _awards()), Decimal(0)),
    ),
    "savings_amount": lambda: sum(
        (a.lot.budget - a.winner.price_total for a in _awards() if a.winner), Decimal(0)
    ).quantize(CENT),
    "days_to_award": lambda: (
        Decimal(
            sum(
                (local_date(a.announced_at) - _started(a.evaluation.procurement)).days
                for a in _awards()
                if a.announced_at
            )
        )
        / len(_awards())
    ).quantize(CENT),
    "days_to_contract": lambda: (
        Decimal(
            sum(
                (c.signed_on - local_date(c.award.announced_at)).days
                for c in _contracts()
                if c.award and c.award.announced_at and c.signed_on
            )
        )
        / len(_contracts())
    ).quantize(CENT),
    "late_contracts": lambda: Decimal(
        sum(1 for c in _contracts() if c.sign_due and c.signed_on and c.signed_on > c.sign_due)
    ),
    "graded": lambda: Decimal(
        PerformanceEvaluation.objects.filter(status__in=["finalized", "published"]).exclude(grade="").count()
    ),
    "lottery_spend": lambda: sum(
        (
            a.amount
            for a in Agreement.objects.select_related("application__round__programme")
            if a.application.round.programme.fund_source in ("welfare_lottery", "sports_lottery")
        ),
        Decimal(0),
    ).quantize(CENT),
    "venture_spend": lambda: sum(
        (
            a.amount
            for a in Agreement.objects.select_related("application__round__programme")
            if a.application.round.programme.is_venture_philanthropy
        ),
        Decimal(0),
    ).quantize(CENT),
    "granted": lambda: sum((a.amount for a in Agreement.objects.all()), Decimal(0)).quantize(CENT),
    "emall_spend": lambda: sum(
        (o.amount for o in Order.objects.filter(status__in=COMMITTED_ORDERS)), Decimal(0)
    ).quantize(CENT),
    "emall_paid": lambda: sum(
        (o.amount for o in Order.objects.filter(status__in=COMMITTED_ORDERS, paid_at__isnull=False)),
        Decimal(0),
    ).quantize(CENT),
    "grants_released": lambda: sum(
        (t.released_amount or Decimal(0) for t in Tranche.objects.filter(released_on__isnull=False)),
        Decimal(0),
    ).quantize(CENT),
}


def test_every_measure_has_an_independent_check() -> None:
    assert set(EXPECTED) | {"graded"} >= set(MEASURES)


def _dashboard(client: Client, user: Any) -> dict[str, Any]:
    client.force_login(user)
    response = client.get("/stats/", {"year": ""})
    assert response.status_code == 200
    return {key: figure.value for key, figure in response.context["figures"].items()}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_measure_equals_an_independent_calculation_and_the_dashboard(
    key: str, scenario: Contract, client: Client, finance: Any
) -> None:
    # given the scenario's raw rows, computed here without the stats app
    expected = EXPECTED[key]()
    # when the measure is computed from the summary tables
    computed = MEASURES[key].total(Summary.objects.all())
    # then both agree, and the dashboard shows the same figure
    assert computed == expected
    shown = _dashboard(client, finance)
    if key in shown:
        assert shown[key] == expected


def test_the_scenario_has_figures_to_compare(scenario: Contract) -> None:
    # the comparisons above are not all between zeros
    totals = {key: MEASURES[key].total(Summary.objects.all()) for key in MEASURES}
    assert totals["contracted"] == scenario.amount > 0
    assert totals["awarded"] and totals["awarded"] > 0
    assert totals["paid"] == Decimal("30000.00")
    assert totals["social_share"] == Decimal("100.00")
    assert totals["bidders"] and totals["bidders"] >= 2
    assert totals["days_to_award"] is not None


DRILLABLE_MONEY = sorted(k for k, m in MEASURES.items() if m.drill and m.kind == "money")


@pytest.mark.parametrize("key", DRILLABLE_MONEY)
def test_drill_down_total_equals_the_figure_clicked(
    key: str, scenario: Contract, client: Client, finance: Any
) -> None:
    # given the overview's figure and its drill-down link
    client.force_login(finance)
    overview = client.get("/stats/", {"year": ""})
    figure = overview.context["figures"][key]
    # when the user follows the link
    page = client.get(figure.drill)
    # then the listed records add up to the figure
    assert page.status_code == 200
    assert page.context["page"].total.quantize(CENT) == figure.value


def test_drill_down_from_every_table_row_adds_up(scenario: Contract, client: Client, finance: Any) -> None:
    client.force_login(finance)
    overview = client.get("/stats/", {"year": ""})
    checked = 0
    for table in overview.context["tables"]:
        for row in table.rows:
            if not row.drill or table.measures[0].kind != "money":
                continue
            page = client.get(row.drill)
            assert page.status_code == 200
            assert page.context["page"].total.quantize(CENT) == row.values[0], (table.title, row.label)
            checked += 1
    region = client.get("/stats/region/", {"year": "", "measure": "contracted"})
    for row in region.context["table"].rows:
        page = client.get(row.drill)
        assert page.context["page"].total.quantize(CENT) == row.values[0]
        checked += 1
    category = client.get("/stats/category/", {"year": ""})
    for row in category.context["table"].rows:
        page = client.get(row.drill)
        contracted = row.values[category.context["table"].measures.index(MEASURES["contracted"])]
        assert page.context["page"].total.quantize(CENT) == (contracted or Decimal("0.00"))
        checked += 1
    assert checked >= 3


def test_the_map_covers_every_feature_of_the_shipped_boundaries(regions: None) -> None:
    # the cities' file has Hunan's 14 cities and prefectures, the county files its 122 county-level divisions
    cities = selectors.feature_regions(None)
    assert len(cities) == 14 and all(cities.values())
    counties = 0
    for city in cities.values():
        found = selectors.feature_regions(city)
        assert found and all(found.values()), (city, found)
        data = selectors.map_data(selectors.summary_rows(Q()), MEASURES["contracted"], city)
        assert [entry["name"] for entry in data] == selectors.geo_feature_names(selectors.geo_path(city))
        counties += len(found)
    assert counties == 122
    assert len(selectors.map_data(selectors.summary_rows(Q()), MEASURES["contracted"], None)) == 14


def test_region_view_puts_the_figure_on_its_region(scenario: Contract, client: Client, finance: Any) -> None:
    client.force_login(finance)
    response = client.get("/stats/region/", {"year": "", "measure": "contracted"})
    assert response.status_code == 200
    on_map = {e["code"]: e["value"] for e in response.context["map_data"] if e["value"] is not None}
    in_table = {row.key: float(row.values[0]) for row in response.context["table"].rows if row.key}
    assert on_map == in_table
    assert b'type="application/json"' in response.content and b"<script>" not in response.content


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "13"}, "month"),
        ({"year": "abc"}, "year"),
        ({"city": "999999"}, "city"),
        ({"unit": "x"}, "unit"),
    ],
)
def test_bad_filters_are_a_400_beside_their_field(
    params: dict[str, str], field: str, client: Client, finance: Any, regions: None
) -> None:
    client.force_login(finance)
    for url in ("/stats/", "/stats/category/", "/stats/region/", "/stats/records/?measure=contracted"):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert field in response.context["filters"].errors
        assert f'id="id_{field}-error"'.encode() in response.content or field == "unit"


def test_unknown_measure_is_a_400(client: Client, finance: Any, regions: None) -> None:
    client.force_login(finance)
    assert client.get("/stats/records/", {"measure": "nope"}).status_code == 400
    assert client.get("/stats/records/").status_code == 400
    assert client.get("/stats/region/", {"measure": "nope"}).status_code == 400
    assert client.get("/stats/export/records.xlsx", {"measure": "nope"}).status_code == 400
    assert client.get("/stats/export/nothing.xlsx").status_code == 404


def test_dashboards_are_for_officials_who_read_them(client: Client, purchaser: Any, regions: None) -> None:
    assert client.get("/stats/").status_code == 302
    assert client.get("/stats/definitions/").status_code == 200  # public
    client.force_login(purchaser)
    assert client.get("/stats/").status_code == 403


def test_target_is_set_by_the_finance_department_with_errors_beside_fields(
    client: Client, finance: Any, auditor: Any, regions: None
) -> None:
    client.force_login(finance)
    bad = client.post("/stats/target/", {"year": "2026", "share": "150"})
    assert bad.status_code == 400
    assert "share" in bad.context["target_form"].errors
    ok = client.post("/stats/target/", {"year": "2026", "share": "35.5", "amount": "12,000,000", "note": ""})
    assert ok.status_code == 302
    target = ShareTarget.objects.get(year=2026)
    assert target.share == Decimal("35.50") and target.amount == Decimal("12000000.00")
    assert AuditEvent.objects.filter(action=Event.STATS_TARGET_SET).count() == 1
    # the same values again change nothing
    client.post("/stats/target/", {"year": "2026", "share": "35.5", "amount": "12000000"})
    assert AuditEvent.objects.filter(action=Event.STATS_TARGET_SET).count() == 1
    client.force_login(auditor)
    refused = client.post("/stats/target/", {"year": "2026", "share": "40"})
    assert refused.status_code == 403
    assert ShareTarget.objects.get(year=2026).share == Decimal("35.50")


def test_exports_are_formatted_workbooks(scenario: Contract, client: Client, finance: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(finance)
    for view, extra in (
        ("overview", {}),
        ("region", {"measure": "contracted"}),
        ("category", {}),
        ("records", {"measure": "contracted"}),
    ):
        response = client.get(f"/stats/export/{view}.xlsx", {"year": "", **extra})
        assert response.status_code == 200, view
        book = load_workbook(BytesIO(response.content))
        assert book.worksheets and book.worksheets[0].max_row >= 2, view
    records = load_workbook(
        BytesIO(client.get("/stats/export/records.xlsx", {"year": "", "measure": "contracted"}).content)
    )
    sheet = records.worksheets[0]
    assert sum(Decimal(str(r[6])) for r in sheet.iter_rows(min_row=2, values_only=True)) == scenario.amount


def test_refresh_replaces_every_row_and_is_recorded(scenario: Contract) -> None:
    before = Fact.objects.count()
    call_command("stats", "refresh")
    assert Fact.objects.count() == before
    assert summaries_nightly.call() > 0
    # the same data again: no new refresh row or event, only the time of checking moves on
    assert AuditEvent.objects.filter(action=Event.STATS_REFRESHED).count() == 1
    assert selectors.latest_refresh() is not None


def test_pages_show_the_freshness_and_no_codes(scenario: Contract, client: Client, finance: Any) -> None:
    client.force_login(finance)
    for url in (
        "/stats/?year=",
        "/stats/region/?year=",
        "/stats/category/?year=",
        "/stats/records/?measure=contracted&year=",
    ):
        content = client.get(url).content.decode()
        assert "数据截至" in content, url
        main = content.split("<main")[1].split("</main>")[0]
        shown = re.sub(r"<[^>]+>", " ", main)  # the text users read (codes may sit in URLs and values)
        for code in ("social_service_agency", "open_tender", "general", "contract"):
            assert not re.search(rf"\b{code}\b", shown), (url, code)


def test_annual_records_leave_out_of_month_filters(scenario: Contract) -> None:
    year = local_date(timezone.now() - timedelta(days=0)).year
    budget = MEASURES["budgeted"]
    assert budget.total(Summary.objects.filter(year__gte=2000)) == EXPECTED["budgeted"]()
    assert budget.total(Summary.objects.filter(month=1)) == Decimal("0.00")
    assert year > 2000


def test_grades_distribution_equals_the_finalized_evaluations(
    purchaser: Any, winner_user: Any, evaluator_user: Any, evaluation: Any, client: Client, finance: Any
) -> None:
    from opengps.performance import services as performance_services
    from opengps.performance.tests.test_services import ANSWERS, _answer, _submit_all

    # given a finalized performance evaluation of the scenario's contract
    _submit_all(evaluation, {"self": winner_user, "purchaser": purchaser, "third_party": evaluator_user})
    codes = performance_services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=8)
    _answer(evaluation, codes, ANSWERS)
    done = performance_services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    services.summaries_refresh(actor=None)
    # then the count and the distribution equal the raw rows, on the dashboard too
    assert MEASURES["graded"].total(Summary.objects.all()) == EXPECTED["graded"]() == Decimal(1)
    client.force_login(finance)
    grades = client.get("/stats/", {"year": ""}).context["tables"][-1]
    assert {row.label: row.values[0] for row in grades.rows if row.values[0]} == {done.grade: Decimal(1)}
