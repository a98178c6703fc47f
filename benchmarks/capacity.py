"""Social-work station coverage at province scale on PostgreSQL, against a bare baseline.

    python -m benchmarks.capacity [--requests 40] [--database-url URL] [--replace]

Creates the dedicated database if missing (default opengps_bench_capacity), migrates it and, unless
the data is there, generates it: Hunan's 122 counties (the shipped GB/T 2260 list), 1,900 townships
spread over them, 200 operator organizations, 14,300 stations (one serving each township — a few
suspended — and 12,400 closed predecessors of earlier contracts, so the coverage queries skip
history as the province's would), 30,000 social workers (a third uncertified) with 36,000 postings
(one running each, some ended), and three years of monthly service logs for every serving station
(68,400 rows), and the service points (社工室) of the villages and communities: 12,000 open under
the serving stations (0 to 10 a station, none under one in ten; 12-digit village codes beginning
with the station's township code, as `rules.capacity_growth.check_point_village` wants), 2,400
closed earlier in villages that have one open again, and 6,200 closed with the predecessor stations
they served (two under every fourth). Rows are bulk-inserted in one transaction (no audit events,
no service checks: benchmark data, not demo data) and ``ANALYZE``d. Data generated before the
points existed (the rest there, no points) gets its points added, not regenerated.

Then, in this process (Django's test client, signed in as a provincial administrator, nothing
cached — the coverage has no cache: every request runs its queries), it times `--requests` requests
of each: the province's coverage page (``/capacity/``, 122 county rows rendered), one city's and
one county's, the coverage API, and the bare JSON endpoint ``/bench/bare`` as the baseline, in
rounds so the load of the machine falls on all alike. Reports the queries of one request and
p50/p95/max per kind with the load average, EXPLAINs the province page's queries, writes
benchmarks/results/capacity_coverage.{json,md} and _explain.txt, prints the markdown and exits 1
when the p95 target (300 ms) is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from benchmarks.generate import ensure_database, setup_django
from benchmarks.run import RESULTS, percentile

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_capacity"
TOWNSHIPS = 1_900
STATIONS = 14_300
WORKERS = 30_000
ORGANIZATIONS = 200
LOG_YEARS = 3
POINTS_OPEN = 12_000
POINT_SLOTS = 10
"""The most service points under one station."""
TARGET_P95_MS = 300.0
MAX_REQUESTS = 500
TODAY = date(2026, 12, 1)
"""The generated data's today (the logs run three years up to it); the pages are read on the real day."""


def _counts() -> dict[str, int]:
    from opengps.capacity.models import Posting, ServiceLog, ServicePoint, SocialWorker, Station, Township

    return {
        "townships": Township.objects.count(),
        "stations": Station.objects.count(),
        "workers": SocialWorker.objects.count(),
        "postings": Posting.objects.count(),
        "logs": ServiceLog.objects.count(),
        "service points": ServicePoint.objects.count(),
        "open service points": ServicePoint.objects.filter(closed_on__isnull=True).count(),
    }


def _wipe() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE capacity_servicepoint, capacity_servicelog, capacity_posting, capacity_socialworker, "
            "capacity_station, capacity_township CASCADE"
        )


def _id_number(n: int, county: str) -> str:
    """A unique 18-digit identity number (benchmark data: the check character is not computed)."""
    return f"{county}{n:012d}"


def generate(*, seed: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """The province's stations, workers and logs (see the module docstring); returns the counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from opengps.accounts.models import Region, User
    from opengps.accounts.services import regions_load, user_create
    from opengps.capacity.models import (
        Posting,
        ServiceLog,
        SocialWorker,
        Station,
        Township,
    )
    from opengps.demo import world
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build

    started = time.perf_counter()
    rng = random.Random(seed)
    regions_load()
    if not User.objects.filter(username="bench-capacity-admin").exists():
        user_create(
            actor=None,
            username="bench-capacity-admin",
            password_hash=make_password(secrets.token_urlsafe(24)),
            role="admin",
        )
    admin = User.objects.get(username="bench-capacity-admin")
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    authority = world.units_create()["civil"] if not Organization.objects.exists() else None
    now = timezone.now()
    with transaction.atomic():
        if authority is not None:
            district = Region.objects.get(pk="430104")
            orgs = [
                organization_build(
                    OrganizationInput(
                        name=f"基准测试社会工作服务中心{n:04d}",
                        uscc=world.uscc_for(8000 + n),
                        org_type="social_service_agency",
                        region="430104",
                        founded_on=date(2012, 3, 1),
                    ).normalized(),
                    authority=authority,
                    region=district,
                )
                for n in range(ORGANIZATIONS)
            ]
            Organization.objects.bulk_create(orgs, batch_size=1000)
        operators = list(Organization.objects.order_by("pk").values_list("pk", flat=True))[:ORGANIZATIONS]
        townships = []
        for n in range(TOWNSHIPS):
            county = counties[n % len(counties)]
            townships.append(
                Township(
                    code=f"{county.code}{n // len(counties) + 1:03d}",
                    name=f"乡镇{n:04d}",
                    kind="town",
                    county=county,
                )
            )
        Township.objects.bulk_create(townships, batch_size=5000)
        log(f"  {len(townships)} townships")
        serving: list[Station] = []
        closed: list[Station] = []
        for n, township in enumerate(townships):
            opened = date(2019 + n % 4, 1 + n % 12, 1)
            serving.append(
                Station(
                    name=f"{township.name}社会工作服务站",
                    township=township,
                    operator_id=operators[n % len(operators)],
                    opened_on=opened,
                    status="suspended" if n % 50 == 0 else "operating",
                    address=f"{township.name}政府大院",
                    opening_hours="周一至周五 8:30-17:30",
                    created_at=now,
                    created_by=admin,
                )
            )
        for n in range(STATIONS - TOWNSHIPS):
            township = townships[n % len(townships)]
            opened = date(2012 + n % 5, 1 + n % 12, 1)
            closed.append(
                Station(
                    name=f"{township.name}社工站（第{n // len(townships) + 1}期）",
                    township=township,
                    operator_id=operators[(n * 7) % len(operators)],
                    opened_on=opened,
                    closed_on=date(opened.year + 1, opened.month, 1),
                    status="closed",
                    created_at=now,
                    created_by=admin,
                )
            )
        Station.objects.bulk_create(serving + closed, batch_size=5000)
        log(f"  {len(serving) + len(closed)} stations")
        levels = ["none", "assistant", "assistant", "intermediate", "intermediate", "senior"]
        workers = []
        for n in range(WORKERS):
            county_code = counties[n % len(counties)].code
            number = _id_number(n, county_code)
            level = levels[n % len(levels)] if n % 3 else "none"
            workers.append(
                SocialWorker(
                    name=f"社工{n:05d}",
                    id_number=number,
                    id_number_masked=number[:6] + "*" * 8 + number[-4:],
                    level=level,
                    certificate_no="" if level == "none" else f"ZS{n:06d}",
                    certified_year=None if level == "none" else 2010 + n % 15,
                    region_id=county_code,
                    created_at=now,
                )
            )
        SocialWorker.objects.bulk_create(workers, batch_size=5000)
        log(f"  {len(workers)} workers")
        postings = []
        for n, worker in enumerate(workers):
            station = serving[rng.randrange(len(serving))]
            postings.append(
                Posting(worker=worker, station=station, starts_on=max(station.opened_on, date(2023, 1, 1)))
            )
            if n % 5 == 0:  # an earlier posting at a predecessor, ended
                old = closed[n % len(closed)]
                postings.append(
                    Posting(worker=worker, station=old, starts_on=old.opened_on, ends_on=old.closed_on)
                )
        Posting.objects.bulk_create(postings, batch_size=5000)
        log(f"  {len(postings)} postings")
        logs = []
        first = date(TODAY.year - LOG_YEARS, TODAY.month, 1)
        for station in serving:
            month = max(first, station.opened_on.replace(day=1))
            while month < TODAY:
                logs.append(
                    ServiceLog(
                        station=station,
                        month=month,
                        elderly=rng.randrange(80),
                        children=rng.randrange(40),
                        assistance=rng.randrange(30),
                        community=rng.randrange(20),
                        other=rng.randrange(10),
                        people_served=rng.randrange(60),
                        entered_by=admin,
                        entered_at=now,
                    )
                )
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if len(logs) >= 20_000:
                ServiceLog.objects.bulk_create(logs, batch_size=5000)
                logs = []
        ServiceLog.objects.bulk_create(logs, batch_size=5000)
        generate_points(seed=seed, log=log)
    with connection.cursor() as cursor:
        for table in ("township", "station", "socialworker", "posting", "servicelog"):
            cursor.execute(f"ANALYZE capacity_{table}")
    counts = _counts()
    log(f"  generated in {time.perf_counter() - started:.1f} s: {counts}")
    return counts


def _day_between(rng: random.Random, first: date, last: date) -> date:
    """A day from `first` to `last`, both included."""
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def generate_points(*, seed: int, log: Callable[[str], None] = print) -> int:
    """The service points of the stations already there (see the module docstring), replacing any;
    ``ANALYZE``s them and returns how many. Villages of a township are numbered 001–010 for the
    points of its serving station, 101 on for those of its predecessors."""
    from django.db import connection, transaction
    from django.utils import timezone

    from opengps.capacity.models import ServicePoint, Station

    rng = random.Random(seed * 31 + 7)
    now = timezone.now()
    stations = Station.objects.select_related("township").order_by("pk")
    serving = list(stations.exclude(status="closed"))
    closed = list(stations.filter(status="closed"))
    # Up to POINT_SLOTS villages a station, none under one station in ten; POINTS_OPEN of the slots
    # drawn at random, so a station has 0 to 10 (about seven) and the province POINTS_OPEN.
    slots = [(s, k) for n, s in enumerate(serving) if n % 10 != 7 for k in range(POINT_SLOTS)]
    chosen = sorted(rng.sample(slots, min(POINTS_OPEN, len(slots))), key=lambda sk: (sk[0].pk, sk[1]))
    points: list[ServicePoint] = []

    def point(station: Station, village: int, opened_on: date, closed_on: date | None) -> ServicePoint:
        name = f"{station.township.name}第{village}{'村' if village % 3 else '社区'}"
        return ServicePoint(
            station=station,
            village_code=f"{station.township_id}{village:03d}",
            village_name=name,
            address=f"{name}党群服务中心",
            opening_hours="周二、周四 9:00-17:00",
            contact="值班社工",
            opened_on=opened_on,
            closed_on=closed_on,
            created_at=now,
        )

    for n, (station, k) in enumerate(chosen):
        opened_on = _day_between(rng, station.opened_on, TODAY)
        if n % 5 == 0 and opened_on > station.opened_on:  # an earlier point in the village, closed
            earlier = _day_between(rng, station.opened_on, opened_on)
            points.append(point(station, k + 1, earlier, _day_between(rng, earlier, opened_on)))
        points.append(point(station, k + 1, opened_on, None))
    for n, station in enumerate(closed):
        if n % 4 == 0 and station.closed_on is not None:  # two points, closed with their station
            for k in range(2):
                opened_on = _day_between(rng, station.opened_on, station.closed_on)
                points.append(point(station, 101 + (n // 4) % 800 + k, opened_on, station.closed_on))
    with transaction.atomic():
        ServicePoint.objects.all().delete()
        ServicePoint.objects.bulk_create(points, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE capacity_servicepoint")
    log(f"  {len(points)} service points ({len(chosen)} open)")
    return len(points)


def _time(client: Any, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return elapsed


def _queries(client: Any, path: str) -> int:
    """The number of queries one request of `path` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries.captured_queries)


def measure(requests: int) -> dict[str, Any]:
    """`requests` timed requests of each kind, in rounds, after one warm-up round (which also counts
    each kind's queries)."""
    from django.conf import settings
    from django.test import Client

    from opengps.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(username="bench-capacity-admin"))
    kinds = {
        "coverage_province_page": "/capacity/",
        "coverage_city_page": "/capacity/?region=430100",
        "coverage_county_page": "/capacity/?region=430104",
        "coverage_province_api": "/api/v1/capacity/coverage",
        "bare": "/bench/bare",
    }
    for path in kinds.values():
        _time(client, path)
    queries = {kind: _queries(client, path) for kind, path in kinds.items()}
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _round in range(requests):
        for kind, path in kinds.items():
            samples[kind].append(_time(client, path))
    rows = []
    for kind, values in samples.items():
        ordered = sorted(values)
        rows.append(
            {
                "kind": kind,
                "path": kinds[kind],
                "requests": len(ordered),
                "queries": queries[kind],
                "p50_ms": round(percentile(ordered, 0.50), 1),
                "p95_ms": round(percentile(ordered, 0.95), 1),
                "max_ms": round(ordered[-1], 1),
            }
        )
    return {"rows": rows}


def explain_page(path: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every query the page makes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from opengps.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-capacity-admin"))
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    text = [f"## GET {path}: {len(queries.captured_queries)} queries\n"]
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "capacity_" not in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            text.append(f"### {query['time']} s\n{sql}\n\n{plan}\n")
    return "\n".join(text)


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Capacity: station coverage at province scale (PostgreSQL, uncached)",
        "",
        f"{report['when']} · {report['machine']} · load average before {report['load_before']}, "
        f"after {report['load_after']}",
        "",
        "Data: " + ", ".join(f"{value:,} {name}" for name, value in report["counts"].items()),
        "",
        "| request | path | n | queries | p50 ms | p95 ms | max ms | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["rows"]:
        target = "" if row["kind"] == "bare" else ("✓ < 300" if row["p95_ms"] < TARGET_P95_MS else "✗ ≥ 300")
        lines.append(
            f"| {row['kind']} | `{row['path']}` | {row['requests']} | {row['queries']} | {row['p50_ms']} "
            f"| {row['p95_ms']} "
            f"| {row['max_ms']} | {target} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_CAPACITY_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--replace", action="store_true", help="generate the data again")
    args = parser.parse_args(argv)
    requests = max(5, min(args.requests, MAX_REQUESTS))
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    expected = {"townships": TOWNSHIPS, "stations": STATIONS, "workers": WORKERS}
    counts = _counts()
    if args.replace or any(counts[name] != value for name, value in expected.items()):
        print("generating…")
        _wipe()
        counts = generate(seed=args.seed)
    elif counts["open service points"] != POINTS_OPEN:
        print("adding the service points (data generated before they existed)…")
        generate_points(seed=args.seed)
        counts = _counts()
    load_before = os.getloadavg()
    measured = measure(requests)
    load_after = os.getloadavg()
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()} · {os.cpu_count()} CPUs · Python {platform.python_version()}",
        "load_before": " ".join(f"{x:.2f}" for x in load_before),
        "load_after": " ".join(f"{x:.2f}" for x in load_after),
        "counts": counts,
        **measured,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "capacity_coverage.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    text = markdown(report)
    (RESULTS / "capacity_coverage.md").write_text(text)
    (RESULTS / "capacity_coverage_explain.txt").write_text(explain_page("/capacity/"))
    print(text)
    missed = [r for r in report["rows"] if r["kind"] != "bare" and r["p95_ms"] >= TARGET_P95_MS]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
