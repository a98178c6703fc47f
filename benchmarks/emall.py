"""E-mall listing search under load: 100,000 listings on PostgreSQL, against the bare endpoint.

    python -m benchmarks.emall [--listings 100000] [--duration 15] [--clients 16] [--database-url URL]

Creates the dedicated database if missing (default opengps_bench_emall), migrates it and, unless
exactly `--listings` listings are there, generates them: regions, units and a 20-item catalogue
through the services, 1,000 supplier organizations bulk-created (as `benchmarks.bid_burst` does), then
the listings, their versions and service regions written with ``COPY`` in one transaction (no audit
events, no service checks: benchmark data, not demo data), then ``VACUUM ANALYZE``d. Then one
gunicorn with `benchmarks.settings` serves the public search API (``GET /api/v1/emall/listings``)
to `--clients` keep-alive clients for `--duration` seconds with random queries (catalogue item,
region, price range, in combinations; drawn from the generated data), then /bench/bare in the same
run, then the search paced at half its throughput (`benchmarks.run.run_mode`). Nothing is cached:
the search has no response cache, so every request runs its statement (one on PostgreSQL; only the
region division table is kept per process, as the registry keeps it). Samples worker memory,
EXPLAINs one request of each kind, writes benchmarks/results/emall_search.{json,md} and
_explain.txt, prints the markdown and exits 1 when a target is missed.
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from benchmarks.generate import ensure_database, setup_django
from benchmarks.run import RESULTS, Request, default_workers, explain, run_mode

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_emall"
DEFAULT_LISTINGS = 100_000
MAX_LISTINGS = 1_000_000
MAX_DURATION = 300.0
MAX_CLIENTS = 64
SUPPLIERS = 1_000
SEARCH_PATH = "/api/v1/emall/listings"
TARGET_P95_MS = 50.0
COPY_CHUNK = 20_000

ITEMS: tuple[tuple[str, str, str, int], ...] = (
    ("A0401", "居家养老上门服务", "户·月", 300),
    ("A0402", "社区日间照料服务", "人·月", 900),
    ("A0403", "老年人助餐服务", "人·次", 15),
    ("A0404", "失能老人长期照护服务", "人·月", 3200),
    ("A0405", "老年人能力评估服务", "人·次", 120),
    ("A0406", "养老机构运营服务", "项", 200_000),
    ("A0501", "残疾人居家托养服务", "人·月", 1500),
    ("A0502", "残疾人康复训练服务", "人·次", 80),
    ("A0601", "困境儿童关爱服务", "人·月", 400),
    ("A0602", "农村留守儿童探访服务", "人·次", 50),
    ("A0701", "社会救助对象入户核查服务", "户·次", 40),
    ("A0702", "低保家庭经济状况调查服务", "户·次", 60),
    ("A0801", "婚姻家庭辅导服务", "人·次", 200),
    ("A0901", "乡镇（街道）社工站运营服务", "站·年", 300_000),
    ("A0902", "社区社会工作服务", "人·月", 6000),
    ("A0903", "志愿服务组织培育服务", "项", 50_000),
    ("A1001", "殡葬服务设施运营服务", "项", 120_000),
    ("B0201", "绩效评价服务", "项", 50_000),
    ("B0202", "社会组织等级评估服务", "家", 3000),
    ("B0301", "政策研究与咨询服务", "项", 80_000),
)
"""(code, name, unit, typical price in yuan): the 20 catalogue items listings are spread over."""


@dataclass(frozen=True)
class Generated:
    listings: int
    versions: int
    version_regions: int
    seconds: float
    generated: bool


def _catalogue_content() -> Any:
    from opengps.catalog.content import CatalogueContent, ItemRow

    groups = sorted({code[:3] for code, _, _, _ in ITEMS})
    tops = sorted({code[0] for code in groups})
    names = {"A": "公共服务", "B": "政府履职所需辅助性服务"}
    rows = [ItemRow(top, names[top], 1, "") for top in tops]
    rows += [ItemRow(group, f"{group} 类服务", 2, group[0]) for group in groups]
    rows += [ItemRow(code, name, 3, code[:3]) for code, name, _, _ in ITEMS]
    return CatalogueContent(items=tuple(rows), prices=())


def _set_up_world(log: Callable[[str], None]) -> dict[str, Any]:
    """Regions, units, a finance official, an operator, a published catalogue and the suppliers."""
    from django.contrib.auth.hashers import make_password

    from opengps.accounts.models import Region
    from opengps.accounts.services import regions_load, user_create
    from opengps.catalog.models import CatalogItem
    from opengps.demo import world
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build

    regions_load()
    units = world.units_create()
    hashed = make_password(secrets.token_urlsafe(24))  # a random password: nobody logs in
    finance = user_create(
        actor=None, username="bench-finance", password_hash=hashed, role="finance", unit=units["finance"]
    )
    operator = user_create(
        actor=None,
        username="bench-operator",
        password_hash=hashed,
        role="emall_operator",
        unit=units["finance"],
    )
    catalogue = world.catalogue_publish(
        finance, content=_catalogue_content(), title="湖南省政府购买服务指导性目录（电子卖场基准测试）"
    )
    counties = list(Region.objects.filter(level="county").order_by("code"))
    orgs = []
    for n in range(SUPPLIERS):
        county = counties[n % len(counties)]
        orgs.append(
            organization_build(
                OrganizationInput(
                    name=f"电子卖场基准测试社会工作服务中心{n:04d}",
                    uscc=world.uscc_for(8000 + n),
                    org_type="social_service_agency",
                    region=county.code,
                    founded_on=date(2015, 3, 1),
                ).normalized(),
                authority=units["civil"],
                region=county,
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=1000)
    log(f"world: {len(counties)} counties, {len(ITEMS)} catalogue items, {SUPPLIERS} suppliers")
    return {
        "operator": operator.pk,
        "items": {item.code: item.pk for item in CatalogItem.objects.filter(version=catalogue)},
        "organizations": list(Organization.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _copy_rows(cursor: Any, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    """COPY dict rows into `model`'s table, every concrete column (missing ones: their default)."""
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)
    written = 0
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[f.attname] if f.attname in row else f.get_default() for f in fields])
            written += 1
    return written


def _price(rng: random.Random, typical: int) -> Decimal:
    """A unit price around the item's typical one (0.55× to 1.8×, a few outliers either side)."""
    factor = rng.lognormvariate(0, 0.22)
    if rng.random() < 0.02:
        factor *= rng.choice((0.4, 2.5))
    return Decimal(max(1.0, typical * factor)).quantize(Decimal("0.01"))


def generate(*, listings: int, seed: int, replace: bool, log: Callable[[str], None] = print) -> Generated:
    """Fill the e-mall with `listings` listings (92% live, 4% suspended, 4% draft), reproducibly."""
    from django.db import connection, transaction
    from django.utils import timezone

    from opengps.accounts.models import Region
    from opengps.emall.models import Listing, ListingVersion

    started = time.perf_counter()
    through = ListingVersion.regions.through
    existing = Listing.objects.count()
    if existing == listings:
        return Generated(
            existing, ListingVersion.objects.count(), through.objects.count(), 0.0, generated=False
        )
    if existing and not replace:
        raise SystemExit(
            f"the database holds {existing} listings; --replace deletes them (benchmark databases only)"
        )
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if existing:
            log(f"emptying the e-mall listing tables ({existing} listings)")
            tables = ", ".join(f'"{m._meta.db_table}"' for m in (through, ListingVersion, Listing))
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        world = _set_up_world(log) if not Region.objects.exists() else _world_again()
        counties = list(Region.objects.filter(level="county").values_list("code", "parent_id"))
        prefectures = list(Region.objects.filter(level="prefecture").values_list("code", flat=True))
        operator, items, orgs = world["operator"], world["items"], world["organizations"]
        specs = {code: (unit, typical) for code, _, unit, typical in ITEMS}
        names = {code: name for code, name, _, _ in ITEMS}
        listing_rows: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        region_rows: list[dict[str, Any]] = []
        next_version = 1
        next_link = 1
        for pk in range(1, listings + 1):
            code = ITEMS[rng.randrange(len(ITEMS))][0]
            unit, typical = specs[code]
            roll = rng.random()
            status = "live" if roll < 0.92 else "suspended" if roll < 0.96 else "draft"
            created = now - timedelta(days=rng.randrange(1, 700))
            numbers = 2 if status != "draft" and rng.random() < 0.1 else 1
            live_version = live_price = None
            for number in range(1, numbers + 1):
                current = number == numbers
                v_status = "draft" if status == "draft" else "approved" if current else "superseded"
                price = _price(rng, typical)
                version_rows.append(
                    {
                        "id": next_version,
                        "listing_id": pk,
                        "number": number,
                        "status": v_status,
                        "title": f"{names[code]}（{pk}号）",
                        "standard": "按服务标准提供服务，服务记录可追溯，按月报送服务台账",
                        "unit": unit,
                        "unit_price": price,
                        "response_days": rng.randrange(1, 15),
                        "qualifications": "持证社会工作者" if rng.random() < 0.5 else "",
                        "created_by_id": operator,
                        "created_at": created + timedelta(days=number),
                        "reviewed_by_id": operator if v_status != "draft" else None,
                        "reviewed_at": created + timedelta(days=number + 1) if v_status != "draft" else None,
                        "review_note": "",
                    }
                )
                served = _served_regions(rng, counties, prefectures)
                for region in served:
                    region_rows.append(
                        {"id": next_link, "listingversion_id": next_version, "region_id": region}
                    )
                    next_link += 1
                if current and status != "draft":
                    live_version, live_price = next_version, price
                next_version += 1
            listing_rows.append(
                {
                    "id": pk,
                    "organization_id": orgs[rng.randrange(len(orgs))],
                    "item_id": items[code],
                    "item_code": code,
                    "status": status,
                    "live_version_id": live_version,
                    "live_price": live_price,
                    "created_by_id": operator,
                    "created_at": created,
                }
            )
        # The listing ↔ live version foreign keys point both ways: Django declares them deferred,
        # so both tables load in the one transaction and are checked at its commit.
        for model, rows in ((Listing, listing_rows), (ListingVersion, version_rows), (through, region_rows)):
            for start in range(0, len(rows), COPY_CHUNK):
                _copy_rows(cursor, model, iter(rows[start : start + COPY_CHUNK]))
            log(f"copied {len(rows):,} rows into {model._meta.db_table}")
        for model in (Listing, ListingVersion, through):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)",  # noqa: E501
                [table],
            )
    # VACUUM as well as ANALYZE: freshly copied tables have no visibility map, which autovacuum
    # sets in a running database; without it the search's region probe reads the heap.
    with connection.cursor() as cursor:
        for model in (Listing, ListingVersion, through):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return Generated(
        len(listing_rows), len(version_rows), len(region_rows), time.perf_counter() - started, True
    )


def _world_again() -> dict[str, Any]:
    """The world of an earlier generation (regions, catalogue and suppliers already there)."""
    from opengps.accounts.models import User
    from opengps.catalog.models import CatalogItem
    from opengps.registry.models import Organization

    codes = [code for code, _, _, _ in ITEMS]
    return {
        "operator": User.objects.get(username="bench-operator").pk,
        "items": {i.code: i.pk for i in CatalogItem.objects.filter(code__in=codes).order_by("pk")},
        "organizations": list(Organization.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _served_regions(
    rng: random.Random, counties: Sequence[tuple[str, str]], prefectures: Sequence[str]
) -> list[str]:
    """Province-wide 8%, one prefecture 30%, else one to three counties of one prefecture."""
    roll = rng.random()
    if roll < 0.08:
        return ["430000"]
    if roll < 0.38:
        return [prefectures[rng.randrange(len(prefectures))]]
    code, parent = counties[rng.randrange(len(counties))]
    neighbours = [c for c, p in counties if p == parent and c != code]
    return [code, *rng.sample(neighbours, min(len(neighbours), rng.randrange(0, 3)))]


# ---------------------------------------------------------------------------------------------
# The queries


def random_mix(seed: int, size: int = 20_000) -> list[Request]:
    """Searches as purchasers make them: by item (most), region, price range, their combinations;
    pages 1–3 (80% page 1). Regions are counties (70%), prefectures (25%) or the province."""
    from opengps.accounts.models import Region

    rng = random.Random(seed)
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    prefectures = list(Region.objects.filter(level="prefecture").values_list("code", flat=True))
    kinds = (
        ("item", 0.20),
        ("item+region", 0.25),
        ("item+price", 0.15),
        ("item+region+price", 0.20),
        ("region", 0.08),
        ("price", 0.05),
        ("region+price", 0.04),
        ("browse", 0.03),
    )
    names, weights = zip(*kinds, strict=True)
    mix = []
    for _ in range(size):
        kind = rng.choices(names, weights)[0]
        code, _, _, typical = ITEMS[rng.randrange(len(ITEMS))]
        params: dict[str, str] = {}
        if "item" in kind:
            params["item"] = code
        if "region" in kind:
            roll = rng.random()
            pool = counties if roll < 0.7 else prefectures if roll < 0.95 else ["430000"]
            params["region"] = pool[rng.randrange(len(pool))]
        if "price" in kind:
            low = typical * rng.uniform(0.5, 1.0)
            params["price_min"] = str(int(low))
            params["price_max"] = str(int(low * rng.uniform(1.2, 2.0)) + 1)
        page = 1 if rng.random() < 0.8 else rng.randrange(2, 4)
        if page > 1:
            params["page"] = str(page)
        mix.append(Request(kind, f"{SEARCH_PATH}?{urlencode(params)}" if params else SEARCH_PATH))
    return mix


# ---------------------------------------------------------------------------------------------
# Report


def markdown(report: dict[str, Any]) -> str:
    run, config, machine, data = report["run"], report["config"], report["machine"], report["data"]
    search, bare, paced = run["search"], run["bare"], run["search_paced"]

    def mark(ok: bool) -> str:
        return "met" if ok else "**MISSED**"

    def row(r: dict[str, Any]) -> str:
        return (
            f"| {r['name']} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
        )

    workers = ", ".join(f"{w['max_rss_mb']:.0f}" for w in run["workers"])
    targets = run["targets"]
    lines = [
        "# E-mall listing search benchmark",
        "",
        f"{report['timestamp']} · {machine['cpus']} CPUs · Python {machine['python']} · "
        f"{machine['database']} · "
        f"gunicorn {config['workers']} sync workers · {config['clients']} clients · {config['duration']:g} s "
        f"per phase · load average at start {machine['load_average_at_start']} (1/5/15 min: "
        f"{machine['load_average_1_5_15']})",
        "",
        f"Data: {data['listings']:,} listings ({data['live']:,} live), {data['versions']:,} versions, "
        f"{data['version_regions']:,} version–region links; "
        + (f"generated in {data['seconds']} s." if data["generated"] else "already there."),
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row(search),
        row(bare),
        row(paced),
        "",
        "| kind | requests | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
        *[
            f"| {kind} | {v['requests']} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} |"
            for kind, v in search.get("by_kind", {}).items()
        ],
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| search p95 < {TARGET_P95_MS:.0f} ms (closed loop) | {search['p95_ms']} ms "
        f"| {mark(targets['p95']['met'])} |",
        f"| search p95 < {TARGET_P95_MS:.0f} ms (paced) | {paced['p95_ms']} ms "
        f"| {mark(targets['p95_paced']['met'])} |",
        f"| search throughput ≥ 25% of bare | {run['ratio']:.1%} ({search['rps']} vs {bare['rps']} req/s) "
        f"| {mark(targets['ratio']['met'])} |",
        f"| each worker < 300 MB RSS | {workers} MB | {mark(targets['memory']['met'])} |",
        "",
        "In-process, one request of each kind (plans in `emall_search_explain.txt`):",
        "",
        "| kind | queries | ms | slowest query ms |",
        "| --- | ---: | ---: | ---: |",
        *[
            f"| {e['kind']} | {e['queries']} | {e['in_process_ms']} | {e['slowest_query_ms']} |"
            for e in report["explain"]
        ],
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="E-mall listing search benchmark (see benchmarks/README.md)")
    parser.add_argument("--listings", type=int, default=DEFAULT_LISTINGS, help="listings (default 100,000)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before measuring")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="paced phase req/s (default: half the search's)"
    )
    parser.add_argument("--seed", type=int, default=20_261_206)
    parser.add_argument("--replace", action="store_true", help="regenerate the listings of another size")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_EMALL_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --clients in [1, {MAX_CLIENTS}]")
    if not 0 < args.listings <= MAX_LISTINGS:
        parser.error(f"--listings must be in [1, {MAX_LISTINGS}]")
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL (--database-url postgres://…)")
    if not args.database_url.rsplit("/", 1)[-1].startswith("opengps_bench"):
        parser.error("use a dedicated database whose name starts with opengps_bench")

    load = os.getloadavg()
    if load[0] > 0.5:
        print(f"note: load average {load[0]:.2f} at start; other work on this machine skews results")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    import django
    from django.core.management import call_command
    from django.db import connection

    from opengps.emall.models import Listing

    call_command("migrate", verbosity=0)
    data = generate(listings=args.listings, seed=args.seed, replace=args.replace)
    print(
        f"data: {data.listings:,} listings, {data.versions:,} versions, {data.version_regions:,} region links"
        + (f" (generated in {data.seconds:.1f} s)" if data.generated else " (already there)")
    )
    mix = random_mix(args.seed)
    live = Listing.objects.filter(status="live").count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()
    run = run_mode("emall", args, mix, TARGET_P95_MS)
    explained, plans = explain(mix)
    connection.close()
    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": f"PostgreSQL {server_version}",
            "load_average_at_start": round(load[0], 2),
            "load_average_1_5_15": " / ".join(f"{value:.2f}" for value in load),
        },
        "config": {
            "listings": args.listings,
            "duration": args.duration,
            "clients": args.clients,
            "workers": args.workers,
            "seed": args.seed,
        },
        "data": {
            "listings": data.listings,
            "live": live,
            "versions": data.versions,
            "version_regions": data.version_regions,
            "seconds": round(data.seconds, 1),
            "generated": data.generated,
        },
        "run": run,
        "explain": explained,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "emall_search.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (RESULTS / "emall_search_explain.txt").write_text(plans, encoding="utf-8")
    text = markdown(report)
    (RESULTS / "emall_search.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(t["met"] for t in run["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
