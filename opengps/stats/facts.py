"""The facts built from the lifecycle's records, inside the database: one `INSERT … SELECT` per
source, so no record passes through Python (at national scale, ~4.7 million facts from 1,000,000
procurements with their awards and contracts, 900,000 organizations).

What each source counts, and how its dimensions are found, is stated on `Source` in models.py and
below beside each statement. Two small lookups are computed in Python and handed to the statements
as temporary tables: each unit's province, city and county (the region tree walked upwards), and
each catalogue item's level-1 and level-2 categories. The rest are joins: a project's category is
its first item's (lowest code; on equal codes, the older item), a provider's type, industry flag
and rating are its registry row's. Dates of moments are taken in Beijing time (`clock.BEIJING`).

Only `services.summaries_refresh` calls `facts_build`, inside its transaction, into an empty fact
table (`stats.swap`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from opengps.accounts.models import Region, Unit
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract, ContractStatus, Payment
from opengps.core.clock import BEIJING
from opengps.emall.models import ListingVersion, Order, OrderStatus
from opengps.evaluation.models import Award, Evaluation
from opengps.grants.models import Agreement, Application, Programme, Round, Tranche
from opengps.performance.models import EvaluationStatus, PerformanceEvaluation
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, PurchaseIntention, PurchasePlan
from opengps.procurement.models import BidReadout, Lot, OpeningRecord, Procurement
from opengps.registry.models import Organization
from opengps.rules.procedures import Method
from opengps.stats.measures import NON_COMPETITIVE_METHODS
from opengps.stats.models import ANNUAL, Fact, Source

EMALL_COMMITTED = (
    OrderStatus.CONFIRMED,
    OrderStatus.DELIVERED,
    OrderStatus.ACCEPTED,
    OrderStatus.PAID,
    OrderStatus.RATED,
)
"""E-mall orders the supplier confirmed: the money is committed (placed, declined and lapsed are not)."""
EMALL_METHOD = Method.emall.value
"""The method dimension of e-mall orders (电子卖场), beside the procurement methods."""
GRADED = (EvaluationStatus.FINALIZED, EvaluationStatus.PUBLISHED)
"""Performance evaluations whose grade stands."""

PLACES = "stats_tmp_place"
ITEMS = "stats_tmp_item"
CATEGORIES = "stats_tmp_category"
BATCH = 2000


def _t(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


class _Sql:
    """The few expressions the two databases write differently."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.zone = BEIJING.key

    def local_date(self, moment: str) -> str:
        """The Beijing date of a stored moment (NULL stays NULL)."""
        if self.postgres:
            return f"(({moment}) AT TIME ZONE '{self.zone}')::date"
        return f"django_datetime_cast_date({moment}, '{self.zone}', 'UTC')"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from one date to another (NULL when either is)."""
        if self.postgres:
            return f"(({later}) - ({earlier}))"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def part(self, name: str, day: str) -> str:
        if self.postgres:
            return f"CAST(EXTRACT({name.upper()} FROM {day}) AS INTEGER)"
        pattern = {"year": "%%Y", "month": "%%m"}[name]
        return f"CAST(strftime('{pattern}', {day}) AS INTEGER)"

    def dated(self, day: str) -> dict[str, str]:
        """Year, quarter, month and date of a dated record (`ANNUAL` and year 0 when it has no date)."""
        month = self.part("month", day)
        return {
            "year": f"COALESCE({self.part('year', day)}, 0)",
            "quarter": f"COALESCE(({month} - 1) / 3 + 1, {ANNUAL})",
            "month": f"COALESCE({month}, {ANNUAL})",
            "dated": day,
        }

    def padded(self, number: str, width: int) -> str:
        """A whole number written with at least `width` digits, as Python's `:0{width}d`."""
        if self.postgres:
            return f"lpad(CAST({number} AS text), {width}, '0')"
        return f"printf('%%0{width}d', {number})"


Columns = dict[str, str | tuple[str, list[Any]]]
"""A statement's fact columns: each an SQL expression, alone or with its parameters."""
Where = tuple[str, list[Any]]
"""A statement's condition and its parameters."""


def _annual(year: str) -> dict[str, str]:
    return {"year": year, "quarter": str(ANNUAL), "month": str(ANNUAL), "dated": "NULL"}


def _place(unit: str) -> tuple[Columns, str]:
    """The region columns of a unit column, and the join that finds them."""
    columns: Columns = {name: f"COALESCE(pl.{name}, '')" for name in ("province", "city", "county")}
    return columns, f"LEFT JOIN {PLACES} pl ON pl.unit_id = {unit}"


def _category(project: str) -> tuple[Columns, str]:
    columns: Columns = {
        name: f"COALESCE(ca.{name}, '')" for name in ("cat1", "cat1_name", "cat2", "cat2_name")
    }
    return columns, f"LEFT JOIN {CATEGORIES} ca ON ca.project_id = {project}"


def _provider(organization: str) -> tuple[Columns, str]:
    columns: Columns = {
        "provider_type": "COALESCE(og.org_type, '')",
        "industry": ("COALESCE(og.is_industry_association, %s)", [False]),
        "rating": "COALESCE(og.rating_level, 0)",
    }
    return columns, f"LEFT JOIN {_t(Organization)} og ON og.id = {organization}"


def _dimensions(
    unit: str, project: str | None = None, organization: str | None = None
) -> tuple[Columns, list[str]]:
    """The place of a unit column, the category of a project column and the provider of an
    organization column (those given), with the joins that find them."""
    columns: Columns = {}
    joins: list[str] = []
    for found in (
        _place(unit),
        _category(project) if project else None,
        _provider(organization) if organization else None,
    ):
        if found is not None:
            columns.update(found[0])
            joins.append(found[1])
    return columns, joins


def _in(column: str, values: Iterable[Any]) -> tuple[str, list[Any]]:
    """`column IN (…)` with the values as parameters."""
    listed = [getattr(v, "value", v) for v in values]
    return f"{column} IN ({', '.join(['%s'] * len(listed))})", listed


class _Statement:
    """One source's `INSERT INTO stats_fact … SELECT`: its columns as SQL expressions (with their
    parameters), the others the fact's defaults (as parameters)."""

    def __init__(self, source: Source, columns: Columns, joins: Sequence[str], where: Where) -> None:
        self.source, self.columns, self.joins, self.where = source, columns, joins, where

    def sql(self, table: str) -> tuple[str, list[Any]]:
        fields = [f for f in Fact._meta.concrete_fields if not f.primary_key]
        unknown = set(self.columns) - {f.column for f in fields}
        assert not unknown, f"not fact columns: {sorted(unknown)}"
        columns: Columns = {"source": ("%s", [self.source.value]), **self.columns}
        selected: list[str] = []
        params: list[Any] = []
        for field in fields:
            expression = columns.get(field.column)
            if expression is None:
                selected.append("%s")
                params.append(field.get_db_prep_save(field.get_default(), connection))
            elif isinstance(expression, str):
                selected.append(expression)
            else:
                selected.append(expression[0])
                params.extend(expression[1])
        targets = ", ".join(f'"{f.column}"' for f in fields)
        where, where_params = self.where
        # every name comes from the models and this module, every value is a parameter
        sql = (
            f'INSERT INTO "{table}" ({targets}) '
            f"SELECT {', '.join(selected)} {' '.join(self.joins)} WHERE {where}"
        )
        return sql, [*params, *where_params]


def _budget(sql: _Sql) -> _Statement:
    """An approved budget line, in its fiscal year."""
    dimensions, lookups = _dimensions("b.unit_id")
    columns: Columns = {
        "record_id": "b.id",
        "reference": "SUBSTR(b.code, 1, 60)",
        "title": "SUBSTR(b.name, 1, 200)",
        "unit_id": "b.unit_id",
        "fund_source": "b.fund_source",
        "amount": "b.amount",
        **_annual("b.fiscal_year"),
        **dimensions,
    }
    where = ("b.status = %s", [BudgetStatus.APPROVED.value])
    return _Statement(Source.BUDGET, columns, [f"FROM {_t(BudgetLine)} b", *lookups], where)


def _plan(sql: _Sql) -> _Statement:
    """A plan not cancelled, in its budget line's fiscal year; public when its intention is."""
    dimensions, lookups = _dimensions("p.unit_id", project="p.project_id")
    columns: Columns = {
        "record_id": "p.id",
        "title": "SUBSTR(p.title, 1, 200)",
        "unit_id": "p.unit_id",
        "method": "p.method",
        "fund_source": "b.fund_source",
        "amount": "p.amount",
        "public": "(pi.id IS NOT NULL)",
        **_annual("b.fiscal_year"),
        **dimensions,
    }
    joins = [
        f"FROM {_t(PurchasePlan)} p",
        f"JOIN {_t(BudgetLine)} b ON b.id = p.budget_line_id",
        f"LEFT JOIN {_t(PurchaseIntention)} pi ON pi.plan_id = p.id",
        *lookups,
    ]
    return _Statement(Source.PLAN, columns, joins, ("p.status <> %s", [PlanStatus.CANCELLED.value]))


def _started(sql: _Sql, procurement: str) -> str:
    """When a procurement went public: its announcement, or its single-source notice."""
    return f"COALESCE({sql.local_date(procurement + '.announced_at')}, {procurement}.notice_published_on)"


def _procurement(sql: _Sql) -> _Statement:
    """An announced procurement, dated by its start; its bidders from its opening record."""
    dimensions, lookups = _dimensions("p.purchaser_id", project="pp.project_id")
    columns: Columns = {
        "record_id": "p.id",
        "reference": "SUBSTR(p.reference, 1, 60)",
        "title": "SUBSTR(p.title, 1, 200)",
        "unit_id": "p.purchaser_id",
        "method": "p.method",
        "fund_source": "b.fund_source",
        "budget": "p.budget",
        "opened": "CASE WHEN o.id IS NULL THEN 0 ELSE 1 END",
        "bidders": "COALESCE(o.bids_received, 0)",
        "non_competitive": _noncompetitive("p.method"),
        "public": ("%s", [True]),
        "single_bid": "CASE WHEN o.bids_received = 1 THEN 1 ELSE 0 END",
        **sql.dated(_started(sql, "p")),
        **dimensions,
    }
    joins = [
        f"FROM {_t(Procurement)} p",
        f"JOIN {_t(PurchasePlan)} pp ON pp.id = p.plan_id",
        f"JOIN {_t(BudgetLine)} b ON b.id = pp.budget_line_id",
        f"LEFT JOIN {_t(OpeningRecord)} o ON o.procurement_id = p.id",
        *lookups,
    ]
    where: Where = ("(p.announced_at IS NOT NULL OR p.notice_published_on IS NOT NULL)", [])
    return _Statement(Source.PROCUREMENT, columns, joins, where)


def _noncompetitive(method: str) -> tuple[str, list[Any]]:
    test, params = _in(method, sorted(NON_COMPETITIVE_METHODS))
    return f"CASE WHEN {test} THEN 1 ELSE 0 END", params


def _award(sql: _Sql) -> _Statement:
    """An announced award of one lot with its winner, dated by its announcement; the days from the
    procurement's start to it."""
    dimensions, lookups = _dimensions(
        "p.purchaser_id", project="pp.project_id", organization="w.organization_id"
    )
    announced = sql.local_date("a.announced_at")
    columns: Columns = {
        "record_id": "a.id",
        "parent_id": "p.id",
        "reference": "SUBSTR(p.reference || '-' || l.number, 1, 60)",
        "title": "SUBSTR(p.title, 1, 200)",
        "unit_id": "p.purchaser_id",
        "method": "p.method",
        "fund_source": "b.fund_source",
        "amount": "w.price_total",
        "budget": "l.budget",
        "public": ("%s", [True]),
        "days_award": sql.days(announced, _started(sql, "p")),
        **sql.dated(announced),
        **dimensions,
    }
    joins = [
        f"FROM {_t(Award)} a",
        f"JOIN {_t(Lot)} l ON l.id = a.lot_id",
        f"JOIN {_t(BidReadout)} w ON w.id = a.winner_id",
        f"JOIN {_t(Evaluation)} e ON e.id = a.evaluation_id",
        f"JOIN {_t(Procurement)} p ON p.id = e.procurement_id",
        f"JOIN {_t(PurchasePlan)} pp ON pp.id = p.plan_id",
        f"JOIN {_t(BudgetLine)} b ON b.id = pp.budget_line_id",
        *lookups,
    ]
    where: Where = ("a.announced_at IS NOT NULL AND a.winner_id IS NOT NULL", [])
    return _Statement(Source.AWARD, columns, joins, where)


def _contract(sql: _Sql) -> _Statement:
    """A signed contract (not a draft), dated by its signing, with what was paid on it; the days
    from its award's announcement and whether it was signed after its due day."""
    dimensions, lookups = _dimensions("c.purchaser_id", project="pp.project_id", organization="c.supplier_id")
    paid = (
        f"SELECT contract_id, SUM(paid_amount) AS total FROM {_t(Payment)} "  # noqa: S608
        "WHERE paid_on IS NOT NULL GROUP BY contract_id"
    )
    columns: Columns = {
        "record_id": "c.id",
        "reference": "SUBSTR(c.reference, 1, 60)",
        "title": "SUBSTR(c.title, 1, 200)",
        "unit_id": "c.purchaser_id",
        "method": "p.method",
        "fund_source": "b.fund_source",
        "amount": "c.amount",
        "paid": "COALESCE(pay.total, 0)",
        "days_contract": sql.days("c.signed_on", sql.local_date("a.announced_at")),
        "late": "CASE WHEN c.sign_due IS NOT NULL AND c.signed_on > c.sign_due THEN 1 ELSE 0 END",
        "public": "(c.published_at IS NOT NULL)",
        **sql.dated("c.signed_on"),
        **dimensions,
    }
    joins = [
        f"FROM {_t(Contract)} c",
        f"JOIN {_t(Procurement)} p ON p.id = c.procurement_id",
        f"JOIN {_t(PurchasePlan)} pp ON pp.id = p.plan_id",
        f"JOIN {_t(BudgetLine)} b ON b.id = pp.budget_line_id",
        f"LEFT JOIN {_t(Award)} a ON a.id = c.award_id",
        f"LEFT JOIN ({paid}) pay ON pay.contract_id = c.id",
        *lookups,
    ]
    where = ("c.signed_on IS NOT NULL AND c.status <> %s", [ContractStatus.DRAFT.value])
    return _Statement(Source.CONTRACT, columns, joins, where)


def _grade(sql: _Sql) -> _Statement:
    """A finalized performance evaluation with a grade, dated by its finalizing; public when
    published; its contract's amount, unit and supplier."""
    dimensions, lookups = _dimensions("c.purchaser_id", project="pp.project_id", organization="c.supplier_id")
    columns: Columns = {
        "record_id": "g.id",
        "reference": "SUBSTR(c.reference, 1, 60)",
        "title": "SUBSTR(c.title || ' · ' || g.period, 1, 200)",
        "unit_id": "c.purchaser_id",
        "method": "p.method",
        "fund_source": "b.fund_source",
        "grade": "g.grade",
        "amount": "c.amount",
        "public": ("(g.status = %s)", [EvaluationStatus.PUBLISHED.value]),
        **sql.dated("g.finalized_on"),
        **dimensions,
    }
    joins = [
        f"FROM {_t(PerformanceEvaluation)} g",
        f"JOIN {_t(Contract)} c ON c.id = g.contract_id",
        f"JOIN {_t(Procurement)} p ON p.id = c.procurement_id",
        f"JOIN {_t(PurchasePlan)} pp ON pp.id = p.plan_id",
        f"JOIN {_t(BudgetLine)} b ON b.id = pp.budget_line_id",
        *lookups,
    ]
    status, params = _in("g.status", GRADED)
    where = (f"{status} AND g.finalized_on IS NOT NULL AND g.grade <> ''", params)
    return _Statement(Source.GRADE, columns, joins, where)


def _grant(sql: _Sql) -> _Statement:
    """A grant agreement, dated by its signing, with what was released on it; its funder's unit,
    the programme's fund and venture flag; public when the round's notice is."""
    dimensions, lookups = _dimensions("pg.funder_unit_id", organization="ap.organization_id")
    released = (
        f"SELECT agreement_id, SUM(released_amount) AS total FROM {_t(Tranche)} "  # noqa: S608
        "WHERE released_on IS NOT NULL GROUP BY agreement_id"
    )
    columns: Columns = {
        "record_id": "ag.id",
        "reference": "SUBSTR(ag.number, 1, 60)",
        "title": "SUBSTR(ap.title, 1, 200)",
        "unit_id": "pg.funder_unit_id",
        "fund_source": "pg.fund_source",
        "venture": "pg.is_venture_philanthropy",
        "public": "(r.notice_published_on IS NOT NULL)",
        "amount": "ag.amount",
        "paid": "COALESCE(rel.total, 0)",
        **sql.dated("ag.signed_on"),
        **dimensions,
    }
    joins = [
        f"FROM {_t(Agreement)} ag",
        f"JOIN {_t(Application)} ap ON ap.id = ag.application_id",
        f"JOIN {_t(Round)} r ON r.id = ap.round_id",
        f"JOIN {_t(Programme)} pg ON pg.id = r.programme_id",
        f"LEFT JOIN ({released}) rel ON rel.agreement_id = ag.id",
        *lookups,
    ]
    return _Statement(Source.GRANT, columns, joins, ("1 = 1", []))


def _emall(sql: _Sql) -> _Statement:
    """An e-mall order the supplier confirmed, dated by the confirmation; paid in full once paid."""
    dimensions, lookups = _dimensions("od.unit_id", organization="od.supplier_id")
    columns: Columns = {
        "record_id": "od.id",
        "reference": f"'DZMC-' || od.fiscal_year || '-' || {sql.padded('od.id', 6)}",
        "title": "SUBSTR(v.title, 1, 200)",
        "unit_id": "od.unit_id",
        "method": ("%s", [EMALL_METHOD]),
        "fund_source": "b.fund_source",
        "amount": "od.amount",
        "paid": "CASE WHEN od.paid_at IS NOT NULL THEN od.amount ELSE 0 END",
        **sql.dated(sql.local_date("od.confirmed_at")),
        **dimensions,
    }
    joins = [
        f"FROM {_t(Order)} od",
        f"JOIN {_t(ListingVersion)} v ON v.id = od.version_id",
        f"JOIN {_t(BudgetLine)} b ON b.id = od.budget_line_id",
        *lookups,
    ]
    status, params = _in("od.status", EMALL_COMMITTED)
    return _Statement(Source.EMALL, columns, joins, (f"{status} AND od.confirmed_at IS NOT NULL", params))


STATEMENTS = (_budget, _plan, _procurement, _award, _contract, _grade, _grant, _emall)


# --- the lookups handed to the statements -------------------------------------------------------


def _unit_places() -> list[tuple[int, str, str, str]]:
    """Each unit → the province, city (市州) and county codes its region lies under."""
    regions = {r.code: (r.level, r.parent_id) for r in Region.objects.only("code", "level", "parent_id")}
    rows = []
    for unit_id, region_id in Unit.objects.values_list("pk", "region_id"):
        found: dict[str, str] = {}
        code: str | None = region_id
        while code and code in regions:
            level, parent = regions[code]
            found[level] = code
            code = parent
        rows.append(
            (
                unit_id,
                found.get(Region.Level.PROVINCE, ""),
                found.get(Region.Level.PREFECTURE, ""),
                found.get(Region.Level.COUNTY, ""),
            )
        )
    return rows


def _item_categories() -> list[tuple[int, str, str, str, str]]:
    """Each catalogue item → its level-1 and level-2 categories (code and name)."""
    items = {i.pk: i for i in CatalogItem.objects.only("pk", "code", "name", "level", "parent_id")}
    rows = []
    for pk, item in items.items():
        chain: dict[int, CatalogItem] = {}
        node: CatalogItem | None = item
        while node is not None:
            chain[node.level] = node
            node = items.get(node.parent_id) if node.parent_id else None
        one, two = chain.get(1), chain.get(2)
        rows.append(
            (
                pk,
                one.code if one else "",
                one.name if one else "",
                two.code if two else "",
                two.name if two else "",
            )
        )
    return rows


def _temporary(cursor: CursorWrapper, name: str, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    placeholders = ", ".join(["%s"] * len(columns.split(",")))
    for start in range(0, len(rows), BATCH):
        # the table's name is one of this module's constants
        cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", rows[start : start + BATCH])  # noqa: S608


def _lookups(cursor: CursorWrapper) -> None:
    """The places, item categories and project categories the statements join."""
    _temporary(
        cursor,
        PLACES,
        "unit_id bigint PRIMARY KEY, province varchar(6), city varchar(6), county varchar(6)",
        _unit_places(),
    )
    _temporary(
        cursor,
        ITEMS,
        "item_id bigint PRIMARY KEY, cat1 varchar(20), cat1_name varchar(200), "
        "cat2 varchar(20), cat2_name varchar(200)",
        _item_categories(),
    )
    through = CatalogItem.projects.through
    cursor.execute(f"DROP TABLE IF EXISTS {CATEGORIES}")
    # a project's first item: the lowest code (the older item on equal codes)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {CATEGORIES} AS "  # noqa: S608
        "SELECT f.project_id, it.cat1, it.cat1_name, it.cat2, it.cat2_name FROM ("
        "SELECT t.project_id, t.catalogitem_id, "
        "ROW_NUMBER() OVER (PARTITION BY t.project_id ORDER BY i.code, i.id) AS n "
        f"FROM {_t(through)} t JOIN {_t(CatalogItem)} i ON i.id = t.catalogitem_id"
        f") f JOIN {ITEMS} it ON it.item_id = f.catalogitem_id WHERE f.n = 1"
    )
    cursor.execute(f"CREATE UNIQUE INDEX {CATEGORIES}_project ON {CATEGORIES} (project_id)")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {PLACES}")
        cursor.execute(f"ANALYZE {CATEGORIES}")


def _drop_lookups(cursor: CursorWrapper) -> None:
    for name in (CATEGORIES, ITEMS, PLACES):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def facts_build(table: str = Fact._meta.db_table) -> dict[str, int]:
    """Insert every source's facts into the (empty) fact table `table` (the live one, or its fresh
    copy: `stats.swap`); returns how many per source."""
    sql = _Sql()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        _lookups(cursor)
        try:
            for build in STATEMENTS:
                statement = build(sql)
                cursor.execute(*statement.sql(table))
                counts[statement.source.value] = int(cursor.rowcount)
        finally:
            _drop_lookups(cursor)
    return counts
