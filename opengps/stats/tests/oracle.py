"""The statistics facts read record by record through the ORM — how the stats app built them before
`stats.facts` moved the work into the database — kept as the oracle the set-based statements are
compared with (`workbench/tests/test_demo.py`, over the whole demo, on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from opengps.accounts.models import Region, Unit
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract, ContractStatus, Payment
from opengps.core.clock import local_date
from opengps.emall.models import Order
from opengps.evaluation.models import Award
from opengps.grants.models import Agreement, Tranche
from opengps.performance.models import EvaluationStatus, PerformanceEvaluation
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, PurchaseIntention, PurchasePlan
from opengps.procurement.models import OpeningRecord, Procurement
from opengps.registry.models import Organization
from opengps.stats.facts import EMALL_COMMITTED, EMALL_METHOD
from opengps.stats.measures import NON_COMPETITIVE_METHODS
from opengps.stats.models import ANNUAL, Fact, Source

BATCH = 2000


# --- dimensions of a record ----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    province: str = ""
    city: str = ""
    county: str = ""


def _places() -> dict[str, Place]:
    """Each region code → its province, city (市州) and county codes (the levels it lies under)."""
    regions = {r.code: r for r in Region.objects.only("code", "level", "parent_id")}
    places: dict[str, Place] = {}
    for code, region in regions.items():
        found: dict[str, str] = {}
        node: Region | None = region
        while node is not None:
            found[node.level] = node.code
            node = regions.get(node.parent_id) if node.parent_id else None
        places[code] = Place(
            province=found.get(Region.Level.PROVINCE, ""),
            city=found.get(Region.Level.PREFECTURE, ""),
            county=found.get(Region.Level.COUNTY, ""),
        )
    return places


@dataclass(frozen=True)
class Category:
    cat1: str = ""
    cat1_name: str = ""
    cat2: str = ""
    cat2_name: str = ""


def _project_categories() -> dict[int, Category]:
    """Each project → the level-1 and level-2 catalogue categories of its first item (lowest code, the
    older item on equal codes):
    a project naming several items is counted once, under its first item's category."""
    items = {i.pk: i for i in CatalogItem.objects.only("pk", "code", "name", "level", "parent_id")}
    through = CatalogItem.projects.through.objects.order_by("project_id").values_list(
        "project_id", "catalogitem_id"
    )
    first: dict[int, CatalogItem] = {}
    for project_id, item_id in through:
        item = items.get(item_id)
        if item is None:
            continue
        if project_id not in first or (item.code, item.pk) < (first[project_id].code, first[project_id].pk):
            first[project_id] = item
    categories: dict[int, Category] = {}
    for project_id, item in first.items():
        chain: dict[int, CatalogItem] = {}
        node: CatalogItem | None = item
        while node is not None:
            chain[node.level] = node
            node = items.get(node.parent_id) if node.parent_id else None
        one, two = chain.get(1), chain.get(2)
        categories[project_id] = Category(
            cat1=one.code if one else "",
            cat1_name=one.name if one else "",
            cat2=two.code if two else "",
            cat2_name=two.name if two else "",
        )
    return categories


@dataclass(frozen=True)
class Provider:
    provider_type: str = ""
    industry: bool = False
    rating: int = 0


class _World:
    """What every fact needs to find its dimensions, read once per refresh."""

    def __init__(self) -> None:
        self.places = _places()
        self.unit_regions = dict(Unit.objects.values_list("pk", "region_id"))
        self.categories = _project_categories()
        self.providers = {
            pk: Provider(provider_type=org_type, industry=industry, rating=rating or 0)
            for pk, org_type, industry, rating in Organization.objects.values_list(
                "pk", "org_type", "is_industry_association", "rating_level"
            )
        }

    def place(self, unit_id: int | None) -> dict[str, str]:
        place = self.places.get(self.unit_regions.get(unit_id, "") if unit_id else "", Place())
        return {"province": place.province, "city": place.city, "county": place.county}

    def category(self, project_id: int | None) -> dict[str, str]:
        category = self.categories.get(project_id or 0, Category())
        return {
            "cat1": category.cat1,
            "cat1_name": category.cat1_name,
            "cat2": category.cat2,
            "cat2_name": category.cat2_name,
        }

    def provider(self, organization_id: int | None) -> dict[str, Any]:
        provider = self.providers.get(organization_id or 0, Provider())
        return {
            "provider_type": provider.provider_type,
            "industry": provider.industry,
            "rating": provider.rating,
        }


def _dated(day: date | None, *, year: int | None = None) -> dict[str, Any]:
    """Year, quarter and month of a dated record; an annual record has only its year."""
    if day is None:
        return {"year": year or 0, "quarter": ANNUAL, "month": ANNUAL, "dated": None}
    return {"year": year or day.year, "quarter": (day.month - 1) // 3 + 1, "month": day.month, "dated": day}


def _day(moment: datetime | None) -> date | None:
    return local_date(moment) if moment is not None else None


# --- facts of each source --------------------------------------------------------------------------


def _budget_facts(world: _World) -> Iterator[Fact]:
    lines = BudgetLine.objects.filter(status=BudgetStatus.APPROVED).only(
        "pk", "code", "name", "unit_id", "fiscal_year", "fund_source", "amount"
    )
    for line in lines.iterator(chunk_size=BATCH):
        yield Fact(
            source=Source.BUDGET,
            record_id=line.pk,
            reference=line.code[:60],
            title=line.name[:200],
            unit_id=line.unit_id,
            fund_source=line.fund_source,
            amount=line.amount,
            **_dated(None, year=line.fiscal_year),
            **world.place(line.unit_id),
        )


def _plan_facts(world: _World) -> Iterator[Fact]:
    announced = set(PurchaseIntention.objects.values_list("plan_id", flat=True))
    plans = (
        PurchasePlan.objects.exclude(status=PlanStatus.CANCELLED)
        .select_related("budget_line")
        .only(
            "pk",
            "title",
            "unit_id",
            "project_id",
            "method",
            "amount",
            "budget_line__fiscal_year",
            "budget_line__fund_source",
        )
    )
    for plan in plans.iterator(chunk_size=BATCH):
        yield Fact(
            source=Source.PLAN,
            record_id=plan.pk,
            title=plan.title[:200],
            unit_id=plan.unit_id,
            method=plan.method,
            fund_source=plan.budget_line.fund_source,
            amount=plan.amount,
            public=plan.pk in announced,
            **_dated(None, year=plan.budget_line.fiscal_year),
            **world.place(plan.unit_id),
            **world.category(plan.project_id),
        )


def _started_on(procurement: Procurement) -> date | None:
    """When a procurement went public: its announcement, or its single-source notice."""
    return _day(procurement.announced_at) or procurement.notice_published_on


def _procurement_facts(world: _World) -> Iterator[Fact]:
    bids = dict(OpeningRecord.objects.values_list("procurement_id", "bids_received"))
    procurements = (
        Procurement.objects.filter(Q(announced_at__isnull=False) | Q(notice_published_on__isnull=False))
        .select_related("plan__budget_line")
        .only(
            "pk",
            "reference",
            "title",
            "purchaser_id",
            "method",
            "budget",
            "announced_at",
            "notice_published_on",
            "plan__project_id",
            "plan__budget_line__fund_source",
        )
    )
    for procurement in procurements.iterator(chunk_size=BATCH):
        opened = procurement.pk in bids
        yield Fact(
            source=Source.PROCUREMENT,
            record_id=procurement.pk,
            reference=procurement.reference[:60],
            title=procurement.title[:200],
            unit_id=procurement.purchaser_id,
            method=procurement.method,
            fund_source=procurement.plan.budget_line.fund_source,
            budget=procurement.budget,
            opened=int(opened),
            bidders=bids.get(procurement.pk, 0),
            non_competitive=int(procurement.method in NON_COMPETITIVE_METHODS),
            public=True,
            single_bid=int(opened and bids.get(procurement.pk, 0) == 1),
            **_dated(_started_on(procurement)),
            **world.place(procurement.purchaser_id),
            **world.category(procurement.plan.project_id),
        )


def _award_facts(world: _World) -> Iterator[Fact]:
    awards = (
        Award.objects.filter(announced_at__isnull=False, winner__isnull=False)
        .select_related("lot", "winner", "evaluation__procurement__plan__budget_line")
        .only(
            "pk",
            "announced_at",
            "lot__budget",
            "lot__number",
            "winner__price_total",
            "winner__organization_id",
            "evaluation__procurement__id",
            "evaluation__procurement__reference",
            "evaluation__procurement__title",
            "evaluation__procurement__purchaser_id",
            "evaluation__procurement__method",
            "evaluation__procurement__announced_at",
            "evaluation__procurement__notice_published_on",
            "evaluation__procurement__plan__project_id",
            "evaluation__procurement__plan__budget_line__fund_source",
        )
    )
    for award in awards.iterator(chunk_size=BATCH):
        procurement = award.evaluation.procurement
        announced = _day(award.announced_at)
        started = _started_on(procurement)
        assert award.winner is not None
        yield Fact(
            source=Source.AWARD,
            record_id=award.pk,
            parent_id=procurement.pk,
            reference=f"{procurement.reference}-{award.lot.number}"[:60],
            title=procurement.title[:200],
            unit_id=procurement.purchaser_id,
            method=procurement.method,
            fund_source=procurement.plan.budget_line.fund_source,
            amount=award.winner.price_total,
            budget=award.lot.budget,
            public=True,
            days_award=(announced - started).days if announced and started else None,
            **_dated(announced),
            **world.place(procurement.purchaser_id),
            **world.category(procurement.plan.project_id),
            **world.provider(award.winner.organization_id),
        )


def _contract_facts(world: _World) -> Iterator[Fact]:
    paid = dict(
        Payment.objects.filter(paid_on__isnull=False)
        .values("contract_id")
        .annotate(total=Sum("paid_amount"))
        .values_list("contract_id", "total")
    )
    contracts = (
        Contract.objects.filter(signed_on__isnull=False)
        .exclude(status=ContractStatus.DRAFT)
        .select_related("award", "procurement__plan__budget_line")
        .only(
            "pk",
            "reference",
            "title",
            "purchaser_id",
            "supplier_id",
            "amount",
            "signed_on",
            "sign_due",
            "published_at",
            "award__announced_at",
            "procurement__method",
            "procurement__plan__project_id",
            "procurement__plan__budget_line__fund_source",
        )
    )
    for contract in contracts.iterator(chunk_size=BATCH):
        announced = _day(contract.award.announced_at) if contract.award else None
        assert contract.signed_on is not None
        yield Fact(
            source=Source.CONTRACT,
            record_id=contract.pk,
            reference=contract.reference[:60],
            title=contract.title[:200],
            unit_id=contract.purchaser_id,
            method=contract.procurement.method,
            fund_source=contract.procurement.plan.budget_line.fund_source,
            amount=contract.amount,
            paid=paid.get(contract.pk) or Decimal(0),
            days_contract=(contract.signed_on - announced).days if announced else None,
            late=int(contract.sign_due is not None and contract.signed_on > contract.sign_due),
            public=contract.published_at is not None,
            **_dated(contract.signed_on),
            **world.place(contract.purchaser_id),
            **world.category(contract.procurement.plan.project_id),
            **world.provider(contract.supplier_id),
        )


def _grade_facts(world: _World) -> Iterator[Fact]:
    evaluations = (
        PerformanceEvaluation.objects.filter(
            status__in=[EvaluationStatus.FINALIZED, EvaluationStatus.PUBLISHED], finalized_on__isnull=False
        )
        .exclude(grade="")
        .select_related("contract__procurement__plan__budget_line")
        .only(
            "pk",
            "period",
            "grade",
            "status",
            "finalized_on",
            "contract__reference",
            "contract__title",
            "contract__amount",
            "contract__purchaser_id",
            "contract__supplier_id",
            "contract__procurement__method",
            "contract__procurement__plan__project_id",
            "contract__procurement__plan__budget_line__fund_source",
        )
    )
    for evaluation in evaluations.iterator(chunk_size=BATCH):
        contract = evaluation.contract
        yield Fact(
            source=Source.GRADE,
            record_id=evaluation.pk,
            reference=contract.reference[:60],
            title=f"{contract.title} · {evaluation.period}"[:200],
            unit_id=contract.purchaser_id,
            method=contract.procurement.method,
            fund_source=contract.procurement.plan.budget_line.fund_source,
            grade=evaluation.grade,
            amount=contract.amount,
            public=evaluation.status == EvaluationStatus.PUBLISHED,
            **_dated(evaluation.finalized_on),
            **world.place(contract.purchaser_id),
            **world.category(contract.procurement.plan.project_id),
            **world.provider(contract.supplier_id),
        )


def _grant_facts(world: _World) -> Iterator[Fact]:
    released = dict(
        Tranche.objects.filter(released_on__isnull=False)
        .values("agreement_id")
        .annotate(total=Sum("released_amount"))
        .values_list("agreement_id", "total")
    )
    agreements = Agreement.objects.select_related("application__round__programme").only(
        "pk",
        "number",
        "amount",
        "signed_on",
        "application__title",
        "application__organization_id",
        "application__round__programme__funder_unit_id",
        "application__round__programme__fund_source",
        "application__round__programme__is_venture_philanthropy",
        "application__round__notice_published_on",
    )
    for agreement in agreements.iterator(chunk_size=BATCH):
        application = agreement.application
        programme = application.round.programme
        yield Fact(
            source=Source.GRANT,
            record_id=agreement.pk,
            reference=agreement.number[:60],
            title=application.title[:200],
            unit_id=programme.funder_unit_id,
            fund_source=programme.fund_source,
            venture=programme.is_venture_philanthropy,
            public=application.round.notice_published_on is not None,
            amount=agreement.amount,
            paid=released.get(agreement.pk) or Decimal(0),
            **_dated(agreement.signed_on),
            **world.place(programme.funder_unit_id),
            **world.provider(application.organization_id),
        )


def _emall_facts(world: _World) -> Iterator[Fact]:
    orders = (
        Order.objects.filter(status__in=EMALL_COMMITTED, confirmed_at__isnull=False)
        .select_related("budget_line", "version")
        .only(
            "pk",
            "fiscal_year",
            "unit_id",
            "supplier_id",
            "amount",
            "confirmed_at",
            "paid_at",
            "version__title",
            "budget_line__fund_source",
        )
    )
    for order in orders.iterator(chunk_size=BATCH):
        yield Fact(
            source=Source.EMALL,
            record_id=order.pk,
            reference=order.reference[:60],
            title=order.version.title[:200],
            unit_id=order.unit_id,
            method=EMALL_METHOD,
            fund_source=order.budget_line.fund_source,
            amount=order.amount,
            paid=order.amount if order.paid_at is not None else Decimal(0),
            **_dated(_day(order.confirmed_at)),
            **world.place(order.unit_id),
            **world.provider(order.supplier_id),
        )


FACT_BUILDERS = (
    _budget_facts,
    _plan_facts,
    _procurement_facts,
    _award_facts,
    _contract_facts,
    _grade_facts,
    _grant_facts,
    _emall_facts,
)


def facts_read() -> dict[tuple[str, int], dict[str, Any]]:
    """Every fact the oracle finds: (source, record id) → its columns (all but the id)."""
    world = _World()
    names = [f.attname for f in Fact._meta.concrete_fields if not f.primary_key]
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for builder in FACT_BUILDERS:
        for fact in builder(world):
            found[(fact.source, fact.record_id)] = {name: getattr(fact, name) for name in names}
    return found
