"""Statistics at national scale: a full refresh from the lifecycle's records, then every dashboard
request timed against a bare endpoint in the same run (PostgreSQL).

    python -m benchmarks.stats [--procurements 1000000] [--organizations 900000] [--requests 30]
                               [--data lifecycle|facts] [--database-url URL]

`--data lifecycle` (the default, what issue 22's target is about): creates the database
`opengps_bench_stats` if missing and migrates it, fills the registry with `--organizations`
organizations (benchmarks.generate) and the lifecycle tables with `--procurements` procurements and
their plans, budget lines, openings, awards, contracts, payments, performance grades, grants and
e-mall orders (benchmarks.stats_lifecycle; each generated once per size), then times
`stats.services.summaries_refresh` — what the nightly task runs: every fact rebuilt from those
tables, the summaries and rollups regrouped, the fingerprint taken — statement by statement.
`--data facts`: COPYs generated fact rows straight into the fact table instead (per procurement
about 0.9 awards, 0.85 contracts, 0.25 grades, plus budget lines, plans, grants and e-mall orders)
and times only the regrouping (`summaries_regroup`).

Then it requests every dashboard, a drill-down list and the public statistics in-process through
Django's test client (the full view, template and queries; nothing cached: the dashboards have no
cache), each `--requests` times after one warm-up, and as many requests of `/bench/bare` as the
baseline. Writes benchmarks/results/stats.{json,md} and stats_explain.txt (EXPLAIN ANALYZE of each
request's slowest query), prints the markdown, and exits 1 when a dashboard's p95 is over 300 ms or
the refresh (the regrouping with `--data facts`) over 5 minutes. This is benchmark data: no audit
events, no service rules; never point it at a database whose data matters.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.generate import ensure_database, setup_django

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_stats"
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P95_MS = 300.0
TARGET_REFRESH_S = 300.0
UNITS = 3_000
SEED = 20_260_122
METHODS = (
    ("open_tender", 40),
    ("competitive_consultation", 20),
    ("competitive_negotiation", 15),
    ("single_source", 10),
    ("request_for_quotation", 8),
    ("invited_tender", 7),
)
FUNDS = (
    ("general", 70),
    ("government_fund", 8),
    ("welfare_lottery", 8),
    ("sports_lottery", 4),
    ("other", 10),
)
PROVIDERS = (
    ("social_service_agency", 45),
    ("social_group", 20),
    ("foundation", 5),
    ("enterprise", 25),
    ("public_institution", 5),
)
GRADES = ("优", "良", "中", "差")


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _units(rng: random.Random) -> list[tuple[int, str, str]]:
    """`UNITS` purchasing units over Hunan's counties: (id, city code, county code)."""
    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import regions_load

    regions_load()
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("code", "parent_id"))
    existing = Unit.objects.filter(name__startswith="基准单位").count()
    if existing < UNITS:
        Unit.objects.bulk_create(
            [
                Unit(name=f"基准单位{i:05d}", kind=Unit.Kind.DEPARTMENT, region_id=rng.choice(counties)[0])
                for i in range(existing, UNITS)
            ],
            batch_size=2000,
        )
    regions = dict(counties)
    return [
        (pk, regions.get(code, ""), code)
        for pk, code in Unit.objects.filter(name__startswith="基准单位").values_list("pk", "region_id")
    ]


def _facts(
    procurements: int, rng: random.Random, units: Sequence[tuple[int, str, str]]
) -> Iterator[dict[str, Any]]:
    """The generated facts, one dict of Fact columns each (record ids unique per source)."""
    today = date.today()
    years = [today.year - 2, today.year - 1, today.year]
    categories = [
        (f"C{a:02d}", f"类别{a}", f"C{a:02d}{b:02d}", f"类别{a}-{b}")
        for a in range(1, 11)
        for b in range(1, 5)
    ]
    ids = dict.fromkeys(("budget", "plan", "procurement", "award", "contract", "grade", "grant", "emall"), 0)

    def base(source: str, year: int, day: date | None) -> dict[str, Any]:
        ids[source] += 1
        unit, city, county = rng.choice(units)
        cat = rng.choice(categories)
        return {
            "source": source,
            "record_id": ids[source],
            "year": year,
            "quarter": (day.month - 1) // 3 + 1 if day else 0,
            "month": day.month if day else 0,
            "dated": day,
            "province": "430000",
            "city": city,
            "county": county,
            "unit_id": unit,
            "cat1": cat[0],
            "cat1_name": cat[1],
            "cat2": cat[2],
            "cat2_name": cat[3],
            "fund_source": _pick(rng, FUNDS),
            "reference": f"BENCH-{source}-{ids[source]}",
            "title": "基准数据",
        }

    def provider() -> dict[str, Any]:
        kind = _pick(rng, PROVIDERS)
        return {"provider_type": kind, "industry": rng.random() < 0.1, "rating": rng.choice((0, 0, 3, 4, 5))}

    for _ in range(procurements):
        year = rng.choice(years)
        day = date(year, 1, 1) + timedelta(days=rng.randrange(360))
        method = _pick(rng, METHODS)
        budget = Decimal(rng.randrange(50_000, 5_000_000))
        opened = rng.random() < 0.9
        bidders = rng.randint(1, 8) if opened else 0
        row = base("procurement", year, day) | {"method": method, "budget": budget, "public": True}
        yield row | {
            "opened": int(opened),
            "bidders": bidders,
            "non_competitive": int(method == "single_source"),
            "single_bid": int(opened and bidders == 1),
        }
        if rng.random() < 0.2:
            yield base("budget", year, None) | {"amount": budget * 3}
        yield base("plan", year, None) | {"method": method, "amount": budget, "public": rng.random() < 0.7}
        if rng.random() < 0.9:
            price = (budget * Decimal(rng.randrange(85, 100)) / 100).quantize(Decimal("0.01"))
            awarded = day + timedelta(days=rng.randrange(10, 60))
            who = provider()
            yield (
                base("award", awarded.year, awarded)
                | who
                | {
                    "method": method,
                    "amount": price,
                    "budget": budget,
                    "days_award": (awarded - day).days,
                    "public": True,
                }
            )
            if rng.random() < 0.94:
                signed = awarded + timedelta(days=rng.randrange(1, 40))
                yield (
                    base("contract", signed.year, signed)
                    | who
                    | {
                        "method": method,
                        "amount": price,
                        "paid": (price * Decimal(rng.randrange(0, 101)) / 100).quantize(Decimal("0.01")),
                        "days_contract": (signed - awarded).days,
                        "late": int((signed - awarded).days > 30),
                        "public": rng.random() < 0.95,
                    }
                )
                if rng.random() < 0.3:
                    graded = signed + timedelta(days=rng.randrange(90, 300))
                    yield (
                        base("grade", graded.year, graded)
                        | who
                        | {
                            "grade": rng.choice(GRADES),
                            "amount": price,
                            "public": rng.random() < 0.5,
                        }
                    )
        if rng.random() < 0.02:
            yield (
                base("grant", year, day)
                | provider()
                | {
                    "amount": Decimal(rng.randrange(20_000, 500_000)),
                    "venture": rng.random() < 0.3,
                    "public": True,
                }
            )
        if rng.random() < 0.5:
            yield (
                base("emall", year, day)
                | provider()
                | {"method": "emall", "amount": Decimal(rng.randrange(500, 50_000))}
            )


def generate(procurements: int, log: Callable[[str], None]) -> tuple[int, float, bool]:
    """Fill the fact table (once per size); returns (facts, seconds, generated)."""
    from django.db import connection, transaction

    from opengps.stats.models import Fact

    started = time.perf_counter()
    marker = Fact.objects.filter(source="procurement").count()
    if marker == procurements:
        return Fact.objects.count(), time.perf_counter() - started, False
    rng = random.Random(SEED)
    units = _units(rng)
    fields = [f for f in Fact._meta.concrete_fields if f.attname != "id"]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute('TRUNCATE "stats_summary", "stats_fact" RESTART IDENTITY')
        with cursor.copy(f'COPY "stats_fact" ({columns}) FROM STDIN') as copy:
            for fact in _facts(procurements, rng, units):
                copy.write_row([fact.get(f.attname, defaults[f.attname]) for f in fields])
                count += 1
                if count % 500_000 == 0:
                    log(f"  {count:,} facts")
        cursor.execute('ANALYZE "stats_fact"')
    return count, time.perf_counter() - started, True


def regroup() -> tuple[int, float]:
    from django.db import connection, transaction

    from opengps.stats.services import summaries_regroup

    started = time.perf_counter()
    with transaction.atomic():
        rows = summaries_regroup()
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "stats_summary"')
        cursor.execute('ANALYZE "stats_rollup"')
    return rows, time.perf_counter() - started


def _phase(sql: str) -> str:
    """Which part of a refresh one statement is (for the report's breakdown)."""
    head = sql.lstrip()[:160].upper()
    written = (("STATS_FACT", "facts"), ("STATS_SUMMARY", "summaries"), ("STATS_ROLLUP", "rollups"))
    for table, phase in written:
        # the live table, or its fresh copy on PostgreSQL (stats.swap)
        if head.startswith((f'INSERT INTO "{table}"', f'INSERT INTO "{table}_NEXT"')):
            return phase
    if head.startswith("DELETE"):
        return "emptying"
    if "SHA256(" in head or "STRING_AGG" in head:
        return "fingerprint"
    if "STATS_TMP" in head:
        return "lookups"
    if head.startswith("COMMIT"):
        return "commit"
    if head.startswith(("CREATE TABLE", "DROP TABLE", "ALTER ", "CREATE INDEX", "CREATE UNIQUE", "ANALYZE")):
        return "swap: keys, indexes, statistics"
    return "other"


def _touch_one_payment() -> None:
    """Change one generated payment by a cent, as a day's work would change some record: the next
    refresh finds the facts changed and replaces the tables (not the unchanged night's shortcut)."""
    from django.db import connection

    from opengps.contracts.models import Payment

    table = Payment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET paid_amount = paid_amount + 0.01 '
            f'WHERE id = (SELECT MIN(id) FROM "{table}" WHERE paid_on IS NOT NULL)'
        )


def refresh() -> tuple[dict[str, int], float, dict[str, float]]:
    """Time the full refresh the nightly task runs; returns (facts and summary rows, seconds, seconds
    per part: emptying the tables, the lookups, the facts, the summaries, the rollups, the
    fingerprint, the rest)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opengps.stats.models import Fact, Rollup, Summary
    from opengps.stats.services import summaries_refresh

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        summaries_refresh(actor=None)
    took = time.perf_counter() - started
    phases: dict[str, float] = {}
    for query in captured.captured_queries:
        phase = _phase(query["sql"])
        phases[phase] = phases.get(phase, 0.0) + float(query["time"])
    phases["python and round trips"] = took - sum(phases.values())
    with connection.cursor() as cursor:
        for model in (Fact, Summary, Rollup):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    rows = {"facts": Fact.objects.count(), "summaries": Summary.objects.count()}
    return rows, took, {k: round(v, 1) for k, v in phases.items()}


def rollup_rows() -> dict[str, int]:
    from django.db.models import Count

    from opengps.stats.models import Rollup

    return dict(Rollup.objects.values_list("grain").annotate(n=Count("pk")).order_by("grain"))


def explain(client: Any, urls: Sequence[str], year: int) -> str:
    """EXPLAIN ANALYZE of the slowest query of each request, and of the overview's figures read
    from the fine summary (what every dashboard read before the rollups), for the record."""
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from opengps.stats.measures import MEASURES
    from opengps.stats.models import Summary
    from opengps.stats.selectors import _merged

    def plan(sql: str, params: Sequence[Any] | None = None) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    parts = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        took = float(slowest["time"]) * 1000
        parts.append(
            f"## {url}: {len(captured.captured_queries)} queries, slowest {took:.1f} ms\n"
            f"{slowest['sql']}\n\n{plan(slowest['sql'])}\n"
        )
    measures = [MEASURES[k] for k in MEASURES]
    fine = Summary.objects.filter(Q(year=year)).values("year").annotate(**_merged(measures))
    sql, params = fine.query.sql_with_params()
    parts.append(f"## before the rollups: every figure of a year from stats_summary\n{plan(sql, params)}\n")
    return "\n".join(parts)


def _client() -> Any:
    from django.test import Client

    from opengps.accounts.models import Role, Unit, User

    user = User.objects.filter(username="bench-finance").first()
    if user is None:
        unit = Unit.objects.filter(kind=Unit.Kind.FINANCE).first() or Unit.objects.create(
            name="基准财政厅", kind=Unit.Kind.FINANCE, region_id="430000"
        )
        user = User.objects.create_user(username="bench-finance", password=None, role=Role.FINANCE, unit=unit)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    return client


def _timed(client: Any, url: str, requests: int) -> dict[str, Any]:
    response = client.get(url)  # warm-up (and the status check)
    if response.status_code != 200:
        raise SystemExit(f"{url}: status {response.status_code}")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procurements", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=900_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--data", choices=("lifecycle", "facts"), default="lifecycle")
    parser.add_argument(
        "--refreshes", type=int, default=2, help="full refreshes in a row, each after changing one payment"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_STATS_DATABASE_URL", DATABASE_URL))
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load = os.getloadavg()
    phases: dict[str, float] = {}
    generated: dict[str, Any] = {}
    if args.data == "lifecycle":
        from benchmarks import generate as registry_data
        from benchmarks import stats_lifecycle

        print(f"registry: {args.organizations:,} organizations (load {load[0]:.2f})", flush=True)
        started = time.perf_counter()
        registry_data.generate(organizations=args.organizations)
        generated["organizations_s"] = round(time.perf_counter() - started, 1)
        print(f"lifecycle: {args.procurements:,} procurements", flush=True)
        started = time.perf_counter()
        generated["rows"] = stats_lifecycle.generate(args.procurements, log=print)
        generated["lifecycle_s"] = round(time.perf_counter() - started, 1)
        runs = []
        for run in range(args.refreshes):
            if run:
                _touch_one_payment()  # a night with a change: the refresh replaces every table again
            load = os.getloadavg()
            print(f"full refresh {run + 1} from the lifecycle tables (load {load[0]:.2f})", flush=True)
            rows, refresh_s, phases = refresh()
            facts, summaries = rows["facts"], rows["summaries"]
            print(f"{facts:,} facts, {summaries:,} summary rows in {refresh_s:.1f} s: {phases}", flush=True)
            runs.append({"load": round(load[0], 2), "seconds": round(refresh_s, 1), "phases": phases})
        generated["refreshes"] = runs
        refresh_s = max(r["seconds"] for r in runs)
    else:
        print(f"generating facts for {args.procurements:,} procurements (load {load[0]:.2f})", flush=True)
        facts, generated_s, made = generate(args.procurements, print)
        generated["facts_s"] = round(generated_s, 1)
        print(
            f"{facts:,} facts ({'generated' if made else 'already there'}, {generated_s:.0f} s)", flush=True
        )
        summaries, refresh_s = regroup()
        print(f"{summaries:,} summary rows regrouped in {refresh_s:.1f} s", flush=True)
    grains = rollup_rows()
    what = (
        "Full refresh from the lifecycle tables" if args.data == "lifecycle" else "Regrouping the summaries"
    )
    year = date.today().year - 1
    client = _client()
    urls = [
        f"/stats/?year={year}",
        "/stats/?year=",
        f"/stats/region/?year={year}&measure=contracted",
        f"/stats/region/?year={year}&city=430100&measure=social_share",
        f"/stats/category/?year={year}",
        f"/stats/competition/?year={year}",
        f"/stats/providers/?year={year}",
        f"/stats/funds/?year={year}",
        f"/stats/public/?year={year}",
        f"/stats/records/?year={year}&city=430100&measure=contracted",
    ]
    load_requests = os.getloadavg()
    results = [_timed(client, url, args.requests) for url in urls]
    bare = _timed(client, "/bench/bare", args.requests)
    load_after = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stats_explain.txt").write_text(explain(client, urls, year), encoding="utf-8")
    report = {
        "procurements": args.procurements,
        "facts": facts,
        "summaries": summaries,
        "rollups": grains,
        "data": args.data,
        "organizations": args.organizations if args.data == "lifecycle" else None,
        "generated": generated,
        "refresh_s" if args.data == "lifecycle" else "regroup_s": round(refresh_s, 1),
        "refresh_phases_s": phases,
        "dashboards": results,
        "bare": bare,
        "load_before": [round(v, 2) for v in load],
        "load_requests": [round(v, 2) for v in load_requests],
        "load_after": [round(v, 2) for v in load_after],
        "cpus": os.cpu_count(),
    }
    lines = [
        f"# Statistics dashboards: {args.procurements:,} procurements"
        f"{f', {args.organizations:,} organizations' if args.data == 'lifecycle' else ''}, "
        f"{facts:,} facts, {summaries:,} summary rows",
        "",
        f"{what} (with the rollups, {sum(grains.values()):,} rows): {refresh_s:.1f} s "
        f"(the slowest; target < {TARGET_REFRESH_S:.0f} s). Load average {load[0]:.2f} before it, "
        f"{load_requests[0]:.2f} before the requests, {load_after[0]:.2f} after; {os.cpu_count()} CPUs.",
        "",
        *(
            f"- refresh {n}: {r['seconds']} s at load {r['load']}; by part (s): {r['phases']}"
            for n, r in enumerate(generated.get("refreshes", []), 1)
        ),
        "",
        "| request | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        *(f"| `{r['url']}` | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |" for r in [*results, bare]),
    ]
    (RESULTS / "stats.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (RESULTS / "stats.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    missed = [r["url"] for r in results if r["p95_ms"] > TARGET_P95_MS]
    if missed or refresh_s > TARGET_REFRESH_S:
        print(f"targets missed: {', '.join(missed) or 'refresh time'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
