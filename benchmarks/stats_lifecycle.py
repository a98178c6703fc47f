"""Lifecycle records at national scale for the statistics' full refresh: N procurements with their
plans, budget lines, openings, awards, contracts, payments, grades, grants and e-mall orders.

    python -m benchmarks.stats_lifecycle --procurements 1000000 [--check] [--database-url URL]

Creates the database if missing (default `opengps_bench_stats` on the benchmark cluster, port
5440), migrates it and, unless exactly N generated procurements are there already, deletes the
previously generated lifecycle rows (only those) and makes new ones inside PostgreSQL: one
set-based ``INSERT … SELECT`` per table over ``generate_series(1, N)``, every choice derived from
the row number by ``hashint8`` (the same N gives the same rows), secondary indexes dropped while
loading and rebuilt after, then ``VACUUM ANALYZE``. The organizations (winners, suppliers, grant
applicants) are picked from the registry already there (`benchmarks.generate`, 900,000 at
national scale); the purchasing units are the statistics benchmark's 3,000 (`benchmarks.stats`);
the guidance catalogue is loaded if the database has none. The distributions follow
`benchmarks.stats`: per procurement 0.9 awards, 0.85 contracts, 0.25 grades, 0.2 budget lines,
0.02 grants and 0.5 e-mall orders, over three fiscal years.

This is benchmark data: no audit events, no service rules (rows are written straight into the
tables); never point it at a database whose data matters. `--check` (small N) then runs the full
refresh (`stats.services.summaries_refresh`) and compares the facts it built per source with the
generated records; it exits 1 when they differ.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from benchmarks.generate import _reset_sequences, _secondary_indexes, ensure_database, setup_django
from benchmarks.stats import FUNDS, GRADES, METHODS

DATABASE_URL = "postgres://postgres@127.0.0.1:5440/opengps_bench_stats"
MARK = "BENCH-LC"
"""Starts every generated reference, code, name or title: what a new run deletes."""
USERNAME = "bench-lc"
UNIT_PREFIX = "基准单位"
PROGRAMMES = 10
VENTURE_PROGRAMMES = 3  # of PROGRAMMES: 30 % of the grants are venture philanthropy
LISTINGS = 300
STREAMS = 64  # pseudo-random streams per row: stream k of row g hashes g * STREAMS + k
PRIMES = (7_919, 7_907, 7_901)
ORDER_STATUSES = (("confirmed", 20), ("delivered", 10), ("accepted", 10), ("paid", 40), ("rated", 20))
GRADE_SCORES = (95, 85, 70, 50)


def _h(key: str, stream: int, modulo: int) -> str:
    """SQL: a pseudo-random integer in [0, modulo) of the row numbered `key`, from `stream`."""
    return f"mod(hashint8(({key})::bigint * {STREAMS} + {stream})::bigint + 2147483648, {modulo})::int"


def _weighted(key: str, stream: int, weighted: Sequence[tuple[str, int]]) -> str:
    """SQL: one of the values, drawn by their weights."""
    draw = _h(key, stream, sum(w for _v, w in weighted))
    edge, whens = 0, []
    for value, weight in weighted[:-1]:
        edge += weight
        whens.append(f"WHEN {draw} < {edge} THEN '{value}'")
    return f"CASE {' '.join(whens)} ELSE '{weighted[-1][0]}' END"


def _select_list(statement: str) -> tuple[str, dict[str, str], str]:
    """``INSERT INTO name SELECT expression AS column, … FROM source`` → (name, {column: expression},
    source): commas and FROM inside parentheses, brackets or quotes do not count."""
    head, _select, rest = statement.partition(" SELECT ")
    name = head.removeprefix("INSERT INTO ").strip()
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(rest):
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char == ",":
            parts.append(rest[start:i])
            start = i + 1
        elif depth == 0 and rest[i : i + 4] == "FROM" and rest[i - 1].isspace() and rest[i + 4].isspace():
            parts.append(rest[start:i])
            source = rest[i + 4 :]
            break
    else:
        raise ValueError(f"no FROM in {statement[:80]}")
    values = {}
    for part in parts:
        expression, alias, column = part.strip().rpartition(" AS ")
        if not alias:
            raise ValueError(f"{name}: no column named for {part.strip()}")
        values[column] = expression.strip()
    return name, values, source.strip()


@dataclass
class Loader:
    """Writes the generated rows: the cursor, each table's id offset (a generated row's id is the
    offset plus its row number), and each insert's rows and speed."""

    cursor: Any
    models: dict[str, Any]
    offsets: SimpleNamespace
    user: int
    first_year: int
    log: Callable[[str], None]
    rows: dict[str, int] = field(default_factory=dict)

    def sql(self, statement: str) -> None:
        """Run ``INSERT INTO name SELECT expression AS column, … FROM source`` (name: a key of
        `_models`, column: a field's attname) through `insert`."""
        self.insert(*_select_list(statement))

    def insert(self, name: str, values: dict[str, str], source: str) -> None:
        """``INSERT INTO`` the table of model `name` the SQL expressions `values` (by attname)
        ``SELECT``ed ``FROM`` `source`; every other column gets its field's default (a parameter),
        now() when auto_now(_add), NULL when nullable; a required column without a default is an
        error."""
        from django.db import connection

        model = self.models[name]
        columns, expressions, params = [], [], []
        given = dict(values)
        for column in model._meta.concrete_fields:
            if column.attname in given:
                expression = given.pop(column.attname)
            elif column.primary_key:
                continue  # the sequence numbers it
            elif getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
                expression = "now()"
            elif column.has_default() or (column.blank and column.empty_strings_allowed and not column.null):
                default = column.get_default()
                default = default.value if isinstance(default, Enum) else default
                params.append(column.get_db_prep_save(default, connection))
                expression = "%s"
            elif column.null:
                continue
            else:
                raise ValueError(f"{model.__name__}.{column.attname} is required and has no default")
            columns.append(f'"{column.column}"')
            expressions.append(expression)
        if given:
            raise ValueError(f"{model.__name__} has no columns {sorted(given)}")
        started = time.perf_counter()
        # every name comes from the models, every expression from this module: nothing from input
        self.cursor.execute(
            f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '
            f"SELECT {', '.join(expressions)} FROM {source}",
            params,
        )
        seconds = time.perf_counter() - started
        self.rows[name] = int(self.cursor.rowcount)
        rate = self.rows[name] / seconds if seconds else 0.0
        self.log(f"  {name}: {self.rows[name]:,} rows in {seconds:.2f} s ({rate:,.0f} rows/s)")


def _models() -> dict[str, Any]:
    """Every model the generator writes, by name, in the order their rows are deleted."""
    from opengps.catalog.models import CatalogItem
    from opengps.contracts.models import Contract, Payment
    from opengps.emall.models import Listing, ListingVersion, Order
    from opengps.evaluation.models import Award, Evaluation
    from opengps.grants.models import Agreement, Application, Programme, Round, Tranche
    from opengps.performance.models import PerformanceEvaluation
    from opengps.planning.models import BudgetLine, Project, PurchaseIntention, PurchasePlan
    from opengps.procurement.models import BidReadout, BidSubmission, Lot, OpeningRecord, Procurement

    return {
        "tranche": Tranche,
        "agreement": Agreement,
        "application": Application,
        "round": Round,
        "programme": Programme,
        "order": Order,
        "version": ListingVersion,
        "listing": Listing,
        "grade": PerformanceEvaluation,
        "payment": Payment,
        "contract": Contract,
        "award": Award,
        "evaluation": Evaluation,
        "readout": BidReadout,
        "submission": BidSubmission,
        "opening": OpeningRecord,
        "lot": Lot,
        "procurement": Procurement,
        "intention": PurchaseIntention,
        "plan": PurchasePlan,
        "project_item": CatalogItem.projects.through,
        "project": Project,
        "budget_line": BudgetLine,
    }


def _generated(models: dict[str, Any], user_id: int) -> dict[str, str]:
    """Each model's ``WHERE`` condition selecting the generated rows (and only those)."""

    def table(name: str) -> str:
        return f'"{models[name]._meta.db_table}"'

    def marked(column: str) -> str:
        return f"starts_with({column}, '{MARK}')"

    procurements = f"SELECT id FROM {table('procurement')} WHERE {marked('reference')}"
    return {
        "tranche": f"agreement_id IN (SELECT id FROM {table('agreement')} WHERE {marked('number')})",
        "agreement": marked("number"),
        "application": marked("title"),
        "round": marked("title"),
        "programme": marked("name"),
        "order": marked("note"),
        "version": marked("title"),
        "listing": f"created_by_id = {int(user_id)}",
        "grade": marked("survey_token"),
        "payment": f"contract_id IN (SELECT id FROM {table('contract')} WHERE {marked('reference')})",
        "contract": marked("reference"),
        "award": f"evaluation_id IN (SELECT id FROM {table('evaluation')} "
        f"WHERE procurement_id IN ({procurements}))",
        "evaluation": f"procurement_id IN ({procurements})",
        "readout": f"lot_id IN (SELECT id FROM {table('lot')} WHERE procurement_id IN ({procurements}))",
        "submission": f"procurement_id IN ({procurements})",
        "opening": f"procurement_id IN ({procurements})",
        "lot": f"procurement_id IN ({procurements})",
        "procurement": marked("reference"),
        "intention": marked("title"),
        "plan": marked("title"),
        "project_item": f"project_id IN (SELECT id FROM {table('project')} WHERE {marked('name')})",
        "project": marked("name"),
        "budget_line": marked("code"),
    }


def _delete(cursor: Any, models: dict[str, Any], where: dict[str, str], log: Callable[[str], None]) -> int:
    """Delete the generated rows, children before parents (the foreign-key indexes still there)."""
    started = time.perf_counter()
    listing, version = models["listing"]._meta.db_table, models["version"]._meta.db_table
    cursor.execute(
        f"UPDATE \"{listing}\" SET status = 'draft', live_version_id = NULL, live_price = NULL "
        f"WHERE {where['listing']}"
    )
    deleted = 0
    for name, model in models.items():
        if name == "listing":  # its versions went just before; the ones of other listings stay
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE {where[name]} '
                f'AND id NOT IN (SELECT listing_id FROM "{version}")'
            )
        else:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE {where[name]}')
        deleted += cursor.rowcount
    if deleted:
        log(f"deleted {deleted:,} previously generated rows ({time.perf_counter() - started:.1f} s)")
    return deleted


def _world(log: Callable[[str], None]) -> tuple[int, int]:
    """The units, the benchmark's user, an indicator template and the catalogue (loaded if the
    database has no purchasable item): (user id, template id). No audit events."""
    import json
    import random

    from django.db import transaction
    from django.utils import timezone

    from benchmarks.stats import SEED, _units
    from opengps.accounts.models import Role, User
    from opengps.catalog.content import content_from_json
    from opengps.catalog.models import CatalogItem, CatalogVersion, ItemKind, VersionStatus
    from opengps.catalog.services._common import _write_content
    from opengps.catalog.services.imports import GUIDANCE_2022
    from opengps.performance.models import IndicatorTemplate

    units = _units(random.Random(SEED))
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=USERNAME, password=None, role=Role.PURCHASER, unit_id=min(u[0] for u in units)
        )
    template, _created = IndicatorTemplate.objects.get_or_create(
        name=f"{MARK} 基准绩效指标模板", defaults={"is_active": False, "updated_by": user}
    )
    if not CatalogItem.objects.filter(level=3, kind=ItemKind.ITEM, retired=False).exists():
        data = json.loads(GUIDANCE_2022.read_text(encoding="utf-8"))
        with transaction.atomic():
            version = CatalogVersion.objects.create(
                year=int(data["year"]),
                title=data["title"],
                issuer=data.get("issuer", ""),
                status=VersionStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            _write_content(version, content_from_json(data))
        log(f"loaded the catalogue {data['title']} ({version.items.count()} items)")
    return int(user.pk), int(template.pk)


def _spine(cursor: Any, procurements: int, first_year: int) -> dict[str, int]:
    """The temporary table `lc`: one row per procurement g with every choice made for it (its budget
    line b is shared by 5 procurements and gives the unit, year and fund source)."""
    pick = {
        "lc_units": f"SELECT id, region_id FROM accounts_unit WHERE starts_with(name, '{UNIT_PREFIX}')",
        "lc_orgs": "SELECT id FROM registry_organization",
        "lc_items": "SELECT id, code FROM catalog_catalogitem "
        "WHERE level = 3 AND kind = 'item' AND NOT retired",
    }
    sizes = {}
    for name, query in pick.items():
        cursor.execute(
            f"CREATE TEMP TABLE {name} ON COMMIT DROP AS "
            f"SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, q.* FROM ({query}) q"
        )
        sizes[name] = int(cursor.rowcount)
        cursor.execute(f"CREATE UNIQUE INDEX ON {name} (n)")
    if not sizes["lc_orgs"] or not sizes["lc_units"]:
        raise SystemExit("no organizations or units: run benchmarks.generate first")
    grade = ", ".join(f"'{g}'" for g in GRADES)
    score = ", ".join(str(s) for s in GRADE_SCORES)
    cursor.execute(f"""
        CREATE TEMP TABLE lc ON COMMIT DROP AS
        SELECT x.*, make_date(x.year, 1, 1) + x.day_of_year AS day,
            round(x.budget * x.price_pct / 100, 2) AS price,
            x.opened AND x.contract_draw < 94 AS contracted,
            x.opened AND x.contract_draw < 94 AND x.grade_draw < 30 AS graded,
            make_date(x.year, 1, 1) + x.day_of_year + x.award_days AS awarded,
            make_date(x.year, 1, 1) + x.day_of_year + x.award_days + x.sign_days AS signed,
            make_date(x.year, 1, 1) + x.day_of_year + x.award_days + x.sign_days + x.grade_days AS graded_on,
            (ARRAY[{grade}])[x.grade_n + 1] AS grade, (ARRAY[{score}])[x.grade_n + 1] AS score
        FROM (
            SELECT s.g, s.b, u.id AS unit_id, u.region_id AS region, o.id AS org_id, i.id AS item_id,
                {first_year} + {_h("s.b", 1, 3)} AS year,
                {_weighted("s.b", 2, FUNDS)} AS fund,
                {_weighted("s.g", 3, METHODS)} AS method,
                (50000 + {_h("s.g", 4, 4_950_000)})::numeric(14, 2) AS budget,
                {_h("s.g", 5, 360)} AS day_of_year,
                {_h("s.g", 6, 100)} < 90 AS opened,
                1 + {_h("s.g", 7, 8)} AS bids,
                10 + {_h("s.g", 8, 50)} AS award_days,
                85 + {_h("s.g", 9, 15)} AS price_pct,
                {_h("s.g", 10, 100)} AS contract_draw,
                1 + {_h("s.g", 11, 39)} AS sign_days,
                {_h("s.g", 12, 100)} < 95 AS published,
                {_h("s.g", 13, 4)} AS payments,
                {_h("s.g", 14, 100)} AS grade_draw,
                {_h("s.g", 15, 4)} AS grade_n,
                90 + {_h("s.g", 16, 210)} AS grade_days,
                {_h("s.g", 17, 2)} = 0 AS grade_public,
                {_h("s.g", 18, 100)} < 70 AS intention,
                {_h("s.g", 19, 100)} < 2 AS granted,
                (20000 + {_h("s.g", 20, 480_000)})::numeric(14, 2) AS grant_amount,
                1 + {_h("s.g", 21, PROGRAMMES)} AS programme,
                {_h("s.g", 22, 100)} < 50 AS emall,
                1 + {_h("s.g", 23, LISTINGS)} AS listing,
                1 + {_h("s.g", 24, 20)} AS quantity,
                {_weighted("s.g", 25, ORDER_STATUSES)} AS order_status,
                1 + {_h("s.g", 26, 5)} AS rating
            FROM (SELECT g::bigint AS g, ((g + 4) / 5)::bigint AS b
                  FROM generate_series(1, {int(procurements)}) g) s
            JOIN lc_units u ON u.n = {_h("s.b", 0, sizes["lc_units"])}
            JOIN lc_orgs o ON o.n = {_h("s.g", 27, sizes["lc_orgs"])}
            JOIN lc_items i ON i.n = {_h("s.g", 28, sizes["lc_items"])}
        ) x
    """)
    cursor.execute("ANALYZE lc")
    return sizes


def _at(day: str, hour: int = 10) -> str:
    """SQL: `day` (a date expression) at `hour` o'clock, local time, as a timestamp with time zone."""
    from django.conf import settings

    return f"(({day}) + time '{hour:02d}:00') AT TIME ZONE '{settings.TIME_ZONE}'"


def _planning(load: Loader) -> None:
    """Budget lines (one per 5 procurements), projects with their catalogue item, plans, intentions."""
    o, user = load.offsets, load.user
    load.sql(f"""INSERT INTO budget_line SELECT {o.budget_line} + b AS id, unit_id AS unit_id,
        year AS fiscal_year, '{MARK}-B' || lpad(b::text, 8, '0') AS code, '基准预算指标' || b AS name,
        fund AS fund_source, round(total * 1.2, 2) AS amount, 'approved' AS status,
        {user} AS created_by_id, {_at("make_date(year, 1, 5)")} AS approved_at
        FROM (SELECT b, min(unit_id) AS unit_id, min(year) AS year, min(fund) AS fund,
              sum(budget) AS total FROM lc GROUP BY b) lines""")
    load.sql(f"""INSERT INTO project SELECT {o.project} + g AS id, unit_id AS unit_id, year AS fiscal_year,
        '{MARK} 基准服务项目' || g AS name, '基准数据' AS description, 1 AS quantity, '项' AS quantity_unit,
        budget AS estimated_amount, '辖区居民' AS recipients, region AS area_id,
        make_date(year, 1, 1) AS term_start, make_date(year, 12, 31) AS term_end, 'approved' AS status,
        {user} AS proposed_by_id, {_at("make_date(year, 1, 10)")} AS approved_at FROM lc""")
    load.sql(f"""INSERT INTO project_item SELECT {o.project} + g AS project_id, item_id AS catalogitem_id
        FROM lc""")
    load.sql(f"""INSERT INTO plan SELECT {o.plan} + g AS id, {o.project} + g AS project_id,
        {o.budget_line} + b AS budget_line_id, unit_id AS unit_id, '{MARK} 基准采购计划' || g AS title,
        budget AS amount, method AS method, day AS procurement_starts_on,
        CASE WHEN contracted THEN 'contracted' ELSE 'in_procurement' END AS status,
        CASE WHEN contracted THEN price END AS contract_amount, {user} AS created_by_id FROM lc""")
    load.sql(f"""INSERT INTO intention SELECT {o.intention} + g AS id, {o.plan} + g AS plan_id,
        '{MARK} 基准采购意向' || g AS title, '基准数据' AS summary, budget AS budget_amount,
        to_char(day, 'YYYY-MM') AS expected_month, day - 40 AS published_on, day - 30 AS latest_allowed_on,
        '财库〔2020〕10号' AS citation, {user} AS published_by_id FROM lc WHERE intention""")


def _procurement(load: Loader) -> None:
    """Procurements (announced, or single source with its notice), one lot each; for 90 % the
    opening, the winner's sealed bid and its readout, and the evaluation."""
    o, user, single = load.offsets, load.user, "method = 'single_source'"
    load.sql(f"""INSERT INTO procurement SELECT {o.procurement} + g AS id,
        '{MARK}-' || lpad(g::text, 8, '0') AS reference, {o.plan} + g AS plan_id, unit_id AS purchaser_id,
        '基准采购项目' || g AS title, method AS method,
        CASE WHEN opened THEN 'awarded' ELSE 'failed' END AS status, budget AS budget,
        CASE WHEN {single} THEN org_id END AS single_source_supplier_id,
        CASE WHEN {single} THEN day END AS notice_published_on,
        CASE WHEN NOT {single} THEN {_at("day")} END AS announced_at,
        {_at("day + 7", 9)} AS bid_deadline, CASE WHEN opened THEN {_at("day + 7", 9)} END AS opened_at,
        CASE WHEN opened THEN '' ELSE '提交投标文件的供应商不足三家' END AS outcome_reason,
        {user} AS created_by_id FROM lc""")
    load.sql(f"""INSERT INTO lot SELECT {o.lot} + g AS id, {o.procurement} + g AS procurement_id,
        1 AS number, '基准采购包' || g AS title, budget AS budget FROM lc""")
    load.sql(f"""INSERT INTO opening SELECT {o.opening} + g AS id, {o.procurement} + g AS procurement_id,
        {_at("day + 7", 9)} AS opened_at, {user} AS opened_by_id, {_at("day + 7", 9)} AS deadline,
        bids AS bids_received, bids AS valid_bids, 1 AS required_bids, true AS proceeds,
        '财政部令第87号 第四十条' AS citation FROM lc WHERE opened""")
    uuid = f"md5('{MARK}-' || g)::uuid"
    load.sql(f"""INSERT INTO submission SELECT {uuid} AS id, {o.procurement} + g AS procurement_id,
        {o.lot} + g AS lot_id, org_id AS organization_id FROM lc WHERE opened""")
    load.sql(f"""INSERT INTO readout SELECT {o.readout} + g AS id, {o.opening} + g AS opening_id,
        {uuid} AS submission_id, {o.lot} + g AS lot_id, org_id AS organization_id, 1 AS version,
        {_at("day + 6", 15)} AS received_at, price AS price_total, true AS valid FROM lc WHERE opened""")
    load.sql(f"""INSERT INTO evaluation SELECT {o.evaluation} + g AS id,
        {o.procurement} + g AS procurement_id, 'confirmed' AS status, {_at("day + 8", 9)} AS started_at,
        {user} AS started_by_id FROM lc WHERE opened""")


def _award_contract(load: Loader) -> None:
    """Awards (announced 10–59 days after the procurement), 94 % of them signed as contracts
    (1–39 days later; due in 30) with 0–3 paid instalments, 30 % of the contracts graded."""
    o, user, readout = load.offsets, load.user, f"{load.offsets.readout} + g"
    load.sql(f"""INSERT INTO award SELECT {o.award} + g AS id, {o.evaluation} + g AS evaluation_id,
        {o.lot} + g AS lot_id, {readout} AS first_candidate_id, awarded - 2 AS report_on,
        awarded + 3 AS confirm_due, '政府采购法实施条例 第四十三条' AS confirm_citation,
        {readout} AS confirmed_id, {_at("awarded - 1")} AS confirmed_at, {user} AS confirmed_by_id,
        {readout} AS winner_id, awarded - 1 AS decided_on, {_at("awarded")} AS announced_at
        FROM lc WHERE opened""")
    load.sql(f"""INSERT INTO contract SELECT {o.contract} + g AS id,
        '{MARK}-C' || lpad(g::text, 8, '0') AS reference, 'outsourcing' AS kind,
        CASE WHEN published THEN 'published' ELSE 'signed' END AS status, {o.award} + g AS award_id,
        {o.procurement} + g AS procurement_id, {o.lot} + g AS lot_id, unit_id AS purchaser_id,
        org_id AS supplier_id, '基准服务合同' || g AS title, price AS amount, signed + 1 AS starts_on,
        signed + 365 AS ends_on, signed AS signed_on,
        CASE WHEN published THEN {_at("signed + 1")} END AS published_at, awarded AS notice_on,
        awarded + 30 AS sign_due, {user} AS signed_by_id FROM lc WHERE contracted""")
    load.sql(f"""INSERT INTO payment SELECT {o.payment} + (g - 1) * 3 + k AS id,
        {o.contract} + g AS contract_id, k AS order, '第' || k || '期' AS title,
        round(price * 0.3, 2) AS amount, signed + 90 * k AS paid_on, round(price * 0.3, 2) AS paid_amount
        FROM lc CROSS JOIN generate_series(1, 3) k WHERE contracted AND k <= payments""")
    load.sql(f"""INSERT INTO grade SELECT {o.grade} + g AS id, {o.contract} + g AS contract_id,
        '服务期' AS period, {o.template} AS template_id,
        CASE WHEN grade_public THEN 'published' ELSE 'finalized' END AS status,
        '{MARK}-' || g AS survey_token, false AS survey_open, score AS score, grade AS grade,
        {user} AS created_by_id, graded_on AS finalized_on,
        CASE WHEN grade_public THEN {_at("graded_on + 1")} END AS published_at FROM lc WHERE graded""")


def _grants(load: Loader) -> None:
    """A few programmes (the first ones venture philanthropy) with a round per year; 2 % of the
    procurements' rows make an application, its agreement and one released tranche."""
    o, user, year = load.offsets, load.user, f"{load.first_year} + y"
    load.sql(f"""INSERT INTO programme SELECT {o.programme} + p AS id, '{MARK} 基准资助项目' || p AS name,
        u.id AS funder_unit_id, 'welfare_lottery' AS fund_source,
        p <= {VENTURE_PROGRAMMES} AS is_venture_philanthropy, {user} AS created_by_id
        FROM generate_series(1, {PROGRAMMES}) p JOIN lc_units u ON u.n = p""")
    load.sql(f"""INSERT INTO round SELECT {o.round} + (p - 1) * 3 + y + 1 AS id,
        {o.programme} + p AS programme_id, {year} AS year,
        '{MARK} 基准资助批次' || p || '-' || ({year}) AS title, {o.budget_line} + 1 AS budget_line_id,
        100000000 AS total_amount, 500000 AS per_project_cap, make_date({year}, 2, 1) AS call_opens,
        make_date({year}, 3, 1) AS call_closes, make_date({year}, 3, 20) AS review_by,
        make_date({year}, 4, 30) AS agreement_by, 'decided' AS status,
        make_date({year}, 3, 25) AS notice_published_on, make_date({year}, 4, 1) AS decided_on,
        {user} AS created_by_id FROM generate_series(1, {PROGRAMMES}) p CROSS JOIN generate_series(0, 2) y""")
    # one application per organization and round: the n-th grant's applicant is n * prime mod M
    prime = next(p for p in PRIMES if o.organizations % p)
    load.sql(f"""INSERT INTO application SELECT {o.application} + g AS id,
        {o.round} + (programme - 1) * 3 + (year - {load.first_year}) + 1 AS round_id,
        r.id AS organization_id, '{MARK} 基准资助申报' || g AS title, 'elderly' AS purpose_area,
        region AS beneficiary_region_id, day AS starts_on, day + 364 AS ends_on,
        grant_amount AS requested_amount, 'funded' AS status, grant_amount AS awarded_amount,
        {user} AS created_by_id
        FROM (SELECT lc.*, row_number() OVER (ORDER BY g) AS n FROM lc WHERE granted) x
        JOIN lc_orgs r ON r.n = mod(x.n * {prime}, {o.organizations})""")
    load.sql(f"""INSERT INTO agreement SELECT {o.agreement} + g AS id, {o.application} + g AS application_id,
        '{MARK}-G' || lpad(g::text, 8, '0') AS number, grant_amount AS amount, day AS signed_on,
        day AS starts_on, day + 364 AS ends_on, {user} AS signed_by_id FROM lc WHERE granted""")
    load.sql(f"""INSERT INTO tranche SELECT {o.tranche} + g AS id, {o.agreement} + g AS agreement_id,
        1 AS seq, 50 AS share, round(grant_amount / 2, 2) AS amount,
        round(grant_amount / 2, 2) AS released_amount, '协议签订' AS milestone, 'released' AS status,
        day + 10 AS released_on FROM lc WHERE granted""")


def _emall(load: Loader) -> None:
    """`LISTINGS` live listings (one approved version each) of organizations of the registry; half
    the procurements' rows make an order, confirmed by the supplier, 60 % of them paid."""
    o, user, since = load.offsets, load.user, _at(f"make_date({load.first_year}, 1, 1)")
    load.sql(f"""INSERT INTO listing SELECT {o.listing} + l AS id, r.id AS organization_id,
        i.id AS item_id, i.code AS item_code, {user} AS created_by_id, {since} AS created_at
        FROM generate_series(1, {LISTINGS}) l JOIN lc_orgs r ON r.n = mod(l * {PRIMES[1]}, {o.organizations})
        JOIN lc_items i ON i.n = mod(l, {o.items})""")
    load.sql(f"""INSERT INTO version SELECT {o.version} + l AS id, {o.listing} + l AS listing_id,
        1 AS number, 'approved' AS status, '{MARK} 基准电子卖场服务' || l AS title, '基准数据' AS standard,
        '人·次' AS unit, 100 + {_h("l", 0, 2400)} AS unit_price, 3 AS response_days,
        {user} AS created_by_id, {since} AS created_at, {since} AS reviewed_at
        FROM generate_series(1, {LISTINGS}) l""")
    listing, version = (f'"{load.models[n]._meta.db_table}"' for n in ("listing", "version"))
    load.cursor.execute(
        f"UPDATE {listing} li SET status = 'live', live_version_id = v.id, live_price = v.unit_price "
        f"FROM {version} v WHERE v.listing_id = li.id AND li.id > {o.listing}"
    )
    later = {
        s: ", ".join(f"'{v}'" for v, _w in ORDER_STATUSES[n:]) for n, (s, _w) in enumerate(ORDER_STATUSES)
    }
    load.sql(f"""INSERT INTO order SELECT {o.order} + g AS id, x.unit_id AS unit_id, {user} AS placed_by_id,
        li.id AS listing_id, v.id AS version_id, li.organization_id AS supplier_id,
        li.item_code AS item_code, {o.budget_line} + b AS budget_line_id, year AS fiscal_year,
        quantity AS quantity, v.unit_price AS unit_price, v.unit_price * quantity AS amount,
        region AS service_region_id, '{MARK}' AS note, order_status AS status,
        {_at("day", 9)} AS placed_at, {_at("day + 2", 9)} AS confirm_by, {_at("day + 1", 9)} AS confirmed_at,
        CASE WHEN order_status IN ({later["delivered"]}) THEN {_at("day + 10")} END AS delivered_at,
        CASE WHEN order_status IN ({later["accepted"]}) THEN {_at("day + 12")} END AS accepted_at,
        CASE WHEN order_status IN ({later["paid"]}) THEN {_at("day + 20")} END AS paid_at,
        CASE WHEN order_status IN ({later["rated"]}) THEN rating END AS rating,
        CASE WHEN order_status IN ({later["rated"]}) THEN {_at("day + 21")} END AS rated_at
        FROM lc x JOIN {listing} li ON li.id = {o.listing} + x.listing
        JOIN {version} v ON v.id = li.live_version_id WHERE x.emall""")


def generate(procurements: int, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the lifecycle tables with `procurements` generated procurements and everything around
    them (does nothing when exactly that many are there); returns the generated rows per table."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("the lifecycle generator loads PostgreSQL")
    started = time.perf_counter()
    models = _models()
    user, template = _world(log)
    where = _generated(models, user)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{models["procurement"]._meta.db_table}" WHERE {where["procurement"]}'
        )
        existing = int(cursor.fetchone()[0])
        if existing == procurements:
            log(f"{existing:,} generated procurements already there")
            return _counts(cursor, models, where)
    tables = [m._meta.db_table for m in models.values()]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        deleted = _delete(cursor, models, where, log)
    if deleted:  # the space of the deleted rows is reused by the new ones
        _vacuum(tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # indexes are rebuilt in this transaction
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        indexes = _secondary_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        ids = {"template": template}
        for name, model in models.items():
            if name != "submission":  # uuid keys
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
                ids[name] = int(cursor.fetchone()[0])
        first_year, drawn = date.today().year - 2, time.perf_counter()
        sizes = _spine(cursor, procurements, first_year)
        ids |= {"organizations": sizes["lc_orgs"], "items": sizes["lc_items"]}
        log(
            f"drew {procurements:,} procurements over {sizes['lc_units']:,} units, {sizes['lc_orgs']:,} "
            f"organizations and {sizes['lc_items']} catalogue items ({time.perf_counter() - drawn:.1f} s)"
        )
        load = Loader(cursor, models, SimpleNamespace(**ids), user, first_year, log)
        for step in (_planning, _procurement, _award_contract, _grants, _emall):
            step(load)
        _reset_sequences(cursor, [m for n, m in models.items() if n not in ("submission", "project_item")])
        rebuilt = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        log(f"rebuilt {len(indexes)} indexes ({time.perf_counter() - rebuilt:.1f} s)")
    vacuumed = time.perf_counter()
    _vacuum(tables)
    log(
        f"vacuumed and analyzed ({time.perf_counter() - vacuumed:.1f} s); "
        f"{sum(load.rows.values()):,} rows in {time.perf_counter() - started:.1f} s"
    )
    return {name: load.rows.get(name, 0) for name in reversed(models)}


def _vacuum(tables: Sequence[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def _counts(cursor: Any, models: dict[str, Any], where: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name in reversed(models):
        cursor.execute(f'SELECT count(*) FROM "{models[name]._meta.db_table}" WHERE {where[name]}')
        counts[name] = int(cursor.fetchone()[0])
    return counts


CATEGORY_SOURCES = ("plan", "procurement", "award", "contract", "grade")
PROVIDER_SOURCES = ("award", "contract", "grade", "grant", "emall")


def _expected(cursor: Any, models: dict[str, Any], where: dict[str, str]) -> dict[str, tuple[Any, ...]]:
    """What the facts of each source must add up to, from the generated records: (records, public
    records, amount — budget for procurements —, paid)."""

    def gen(name: str) -> str:
        return f'(SELECT * FROM "{models[name]._meta.db_table}" WHERE {where[name]})'

    def table(name: str) -> str:
        return f'"{models[name]._meta.db_table}"'

    queries = {
        "budget": f"SELECT count(*), 0, sum(amount), 0 FROM {gen('budget_line')} x WHERE status = 'approved'",
        "plan": f"SELECT count(*), count(i.id), sum(p.amount), 0 FROM {gen('plan')} p "
        f"LEFT JOIN {table('intention')} i ON i.plan_id = p.id WHERE p.status <> 'cancelled'",
        "procurement": f"SELECT count(*), count(*), sum(budget), 0 FROM {gen('procurement')} x",
        "award": f"SELECT count(*), count(*), sum(r.price_total), 0 FROM {gen('award')} a "
        f"JOIN {table('readout')} r ON r.id = a.winner_id WHERE a.announced_at IS NOT NULL",
        "contract": f"SELECT count(*), count(published_at), sum(amount), (SELECT sum(paid_amount) "
        f"FROM {gen('payment')} p WHERE paid_on IS NOT NULL) FROM {gen('contract')} x",
        "grade": f"SELECT count(*), count(*) FILTER (WHERE e.status = 'published'), sum(c.amount), 0 "
        f"FROM {gen('grade')} e JOIN {table('contract')} c ON c.id = e.contract_id",
        "grant": f"SELECT count(*), count(*), sum(amount), (SELECT sum(released_amount) "
        f"FROM {gen('tranche')} t WHERE released_on IS NOT NULL) FROM {gen('agreement')} x",
        "emall": f"SELECT count(*), 0, sum(amount), sum(amount) FILTER (WHERE paid_at IS NOT NULL) "
        f"FROM {gen('order')} x",
    }
    expected = {}
    for source, query in queries.items():
        cursor.execute(query)
        expected[source] = _normal(cursor.fetchone())
    return expected


def _normal(row: Sequence[Any]) -> tuple[Any, ...]:
    from decimal import Decimal

    return (int(row[0]), int(row[1]), Decimal(row[2] or 0), Decimal(row[3] or 0))


def check(*, log: Callable[[str], None] = print) -> bool:
    """Run the full refresh and compare its facts per source with the generated records (small N:
    the database should hold no other lifecycle records); also every fact must have its place, and
    its category and provider where the source has them. True when all agree."""
    from django.db import connection

    from opengps.stats.models import Fact
    from opengps.stats.services import summaries_refresh

    models = _models()
    user, _template = _world(log)
    started = time.perf_counter()
    refresh = summaries_refresh(actor=None)
    log(
        f"full refresh: {refresh.facts:,} facts, {refresh.summaries:,} summary rows "
        f"({time.perf_counter() - started:.1f} s)"
    )
    categories = ", ".join(f"'{s}'" for s in CATEGORY_SOURCES)
    providers = ", ".join(f"'{s}'" for s in PROVIDER_SOURCES)
    with connection.cursor() as cursor:
        expected = _expected(cursor, models, _generated(models, user))
        cursor.execute(
            "SELECT source, count(*), count(*) FILTER (WHERE public), "
            "sum(CASE WHEN source = 'procurement' THEN budget ELSE amount END), sum(paid), "
            "count(*) FILTER (WHERE city = '' OR county = '' OR unit_id IS NULL), "
            f"count(*) FILTER (WHERE source IN ({categories}) AND (cat1 = '' OR cat2 = '')), "
            f"count(*) FILTER (WHERE source IN ({providers}) AND provider_type = '') "
            f'FROM "{Fact._meta.db_table}" GROUP BY source'
        )
        facts = {row[0]: (_normal(row[1:5]), tuple(int(n) for n in row[5:])) for row in cursor.fetchall()}
    log(f"{'source':<12} {'':>9} {'records':>9} {'public':>9} {'amount':>20} {'paid':>18}")
    good = True
    for source, want in expected.items():
        got, gaps = facts.pop(source, ((0, 0, 0, 0), (0, 0, 0)))
        same = got == want and not any(gaps)
        good = good and same
        for label, row in (("facts", got), ("generated", want)):
            log(f"{source:<12} {label:>9} {row[0]:>9,} {row[1]:>9,} {row[2]:>20,.2f} {row[3]:>18,.2f}")
        if any(gaps):
            log(f"{source:<12} facts without place, category or provider: {gaps}")
        log(f"{source:<12} {'ok' if same else 'DIFFERENT'}")
    if facts:
        good = False
        log(f"facts of sources nothing was generated for: {sorted(facts)}")
    log(
        "the facts agree with the generated records"
        if good
        else "the facts DIFFER from the generated records"
    )
    return good


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--procurements", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument(
        "--check", action="store_true", help="then run the full refresh and compare its facts (small N)"
    )
    args = parser.parse_args(argv)
    if args.procurements < 1:
        parser.error("--procurements must be at least 1")
    if urlsplit(args.database_url).port == 5433:
        raise SystemExit("port 5433 is not a benchmark cluster")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"generating the lifecycle of {args.procurements:,} procurements (load {os.getloadavg()[0]:.2f})")
    rows = generate(args.procurements)
    print(", ".join(f"{name} {n:,}" for name, n in rows.items()), flush=True)
    if args.check and not check():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
