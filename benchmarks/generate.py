"""Registry data for benchmarks: 30,000 (province) to 900,000 (national) organizations with records.

This is benchmark data, not demo data: rows are COPYed straight into the tables, so no audit
events are written for them and no service rule is checked. The cached eligibility columns are
computed on the way in by the function `registry.services.organizations_refresh` uses
(`registry.derived.derived_columns`, over the same facts in memory), and a random sample is
checked against a fresh derivation from the database afterwards. Never point it at a database
whose audit chain matters; `benchmarks.run` uses dedicated databases (opengps_bench,
opengps_bench_national).

    python -m benchmarks.generate --organizations 30000 --database-url postgres://postgres@127.0.0.1:5432/opengps_bench
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench"
DEFAULT_ORGANIZATIONS = 30_000
DEFAULT_SEED = 20_260_101
BATCH = 2_000


def setup_django(database_url: str) -> None:
    """Point Django at `database_url` with the benchmark settings (before anything imports settings)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


PG_START_HINT = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in `database_url` if it is missing (trust auth, local)."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            f"Start it with:  {PG_START_HINT}"
        ) from exc


@dataclass(frozen=True)
class GenerationSummary:
    organizations: int
    ratings: int
    annual_reports: int
    credit_listings: int
    seconds: float
    generated: bool  # False when the data was already there


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return end
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _authorities(places: Sequence[Any]) -> dict[str, int]:
    """One civil-affairs unit (登记管理机关) per place, created in bulk; region code -> unit id."""
    from opengps.accounts.models import Unit

    names = {p.code: ("湖南省民政厅" if p.level == "province" else f"{p.prefix}民政局") for p in places}
    existing = set(Unit.objects.filter(name__in=names.values()).values_list("name", flat=True))
    Unit.objects.bulk_create(
        [
            Unit(name=name, kind=Unit.Kind.CIVIL_AFFAIRS, region_id=code)
            for code, name in names.items()
            if name not in existing
        ],
        batch_size=BATCH,
    )
    ids = dict(Unit.objects.filter(name__in=names.values()).values_list("name", "pk"))
    return {code: ids[name] for code, name in names.items()}


def _weights(places: Sequence[Any]) -> list[float]:
    """Most organizations are registered at county level; 长沙 has the most of any prefecture."""
    weights = []
    for place in places:
        changsha = place.prefecture_code == "430100"
        if place.level == "province":
            weights.append(300.0)
        elif place.level == "prefecture":
            weights.append(60.0 * (3 if changsha else 1))
        else:
            weights.append(16.0 * (2 if changsha else 1))
    return weights


def _organization(rng: random.Random, spec: Any, authority_id: int, today: date) -> Any:
    from opengps.registry.models import Organization, OrgStatus

    status, changed = OrgStatus.NORMAL, None
    roll = rng.random()
    if roll < 0.023:
        status = OrgStatus.DEREGISTERED if roll < 0.02 else OrgStatus.REVOKED
        changed = _between(rng, spec.founded_on + timedelta(days=400), today)
    return Organization(
        name=spec.name,
        uscc=spec.uscc,
        org_type=spec.org_type,
        is_charity=spec.is_charity,
        is_industry_association=spec.is_industry_association,
        is_community_org=spec.is_community_org,
        community_kind=spec.community_kind,
        registration_authority_id=authority_id,
        registration_level=spec.place.level,
        region_id=spec.place.code,
        founded_on=spec.founded_on,
        business_scope=spec.business_scope,
        legal_representative=spec.legal_representative,
        contact_person=spec.contact_person,
        contact_phone=spec.contact_phone,
        address=spec.address,
        status=status,
        status_changed_on=changed,
    )


def _ratings(rng: random.Random, org: Any, founded: date, today: date) -> list[Any]:
    """About 40% of the organizations eligible (2 full years registered) hold a rating."""
    from opengps.registry.models import Rating

    eligible_from = _plus_years(founded, 2)
    if eligible_from >= today or rng.random() >= 0.4:
        return []
    awarded = _between(rng, max(eligible_from, date(2010, 1, 1)), today)
    level = rng.choices([1, 2, 3, 4, 5], weights=[9, 18, 40, 25, 8])[0]
    revoked = rng.random() < 0.005
    ratings = [
        Rating(
            organization=org,
            level=level,
            awarded_on=awarded,
            valid_until=_plus_years(awarded, 5),
            decision_no=f"湘民评〔{awarded.year}〕{rng.randrange(1, 90)}号",
            revoked_on=_between(rng, awarded, today) if revoked else None,
            revocation_reason="列入严重违法失信名单" if revoked else "",
        )
    ]
    if awarded.year >= eligible_from.year + 6 and rng.random() < 0.3:
        earlier = _plus_years(awarded, -5)
        ratings.append(
            Rating(
                organization=org,
                level=max(1, level - rng.randrange(0, 2)),
                awarded_on=earlier,
                valid_until=_plus_years(earlier, 5),
                decision_no=f"湘民评〔{earlier.year}〕{rng.randrange(1, 90)}号",
            )
        )
    return ratings


def _reports(rng: random.Random, org: Any, spec: Any, due_year: int) -> list[Any]:
    """Reports for the last three due years; 5% miss the latest one."""
    from opengps.registry.models import AnnualReport

    Result = AnnualReport.Result
    missing_latest = rng.random() < 0.05
    reports = []
    for year in range(max(spec.founded_on.year, due_year - 2), due_year + 1):
        if year == due_year and missing_latest:
            continue
        deadline = date(year + 1, 3, 31) if spec.org_type == "foundation" else date(year + 1, 5, 31)
        outcomes = [Result.QUALIFIED, Result.BASIC, Result.FAILED, Result.SUBMITTED]
        result = rng.choices(outcomes, [80, 10, 2, 8])[0]
        submitted = _between(rng, date(year + 1, 1, 10), deadline)
        reports.append(AnnualReport(organization=org, year=year, submitted_on=submitted, result=result))
    return reports


def _listings(rng: random.Random, org: Any, founded: date, decided_by: int, today: date) -> list[Any]:
    """4% on the 活动异常名录 (half removed), 0.5% on the 严重违法失信名单, 0.2% judgment defaulters."""
    from opengps.registry.models import CreditListing, CreditListKind

    roll = rng.random()
    if roll < 0.04:
        listed = _between(rng, max(founded + timedelta(days=400), date(2019, 1, 1)), today)
        removed: date | None = None
        if rng.random() < 0.5:
            removed = _between(rng, listed, min(today, listed + timedelta(days=365)))
        return [
            CreditListing(
                organization=org,
                kind=CreditListKind.ABNORMAL,
                reason="annual_report_missing",
                decision_document=f"湘民异〔{listed.year}〕{rng.randrange(1, 500)}号",
                listed_on=listed,
                removed_on=removed,
                removal_reason="已补报年度工作报告，经核实予以移出" if removed else "",
                decided_by_id=decided_by,
            )
        ]
    if roll < 0.045:
        listed = _between(rng, max(founded + timedelta(days=800), date(2018, 1, 1)), today)
        cleared: date | None = _plus_years(listed, 2) + timedelta(days=rng.randrange(1, 200))
        if rng.random() >= 0.3 or (cleared and cleared > today):
            cleared = None
        return [
            CreditListing(
                organization=org,
                kind=CreditListKind.SERIOUS,
                reason="fine_50000_plus",
                decision_document=f"湘民失信〔{listed.year}〕{rng.randrange(1, 90)}号",
                listed_on=listed,
                removed_on=cleared,
                removal_reason="列入满2年且未再受处罚，予以移出" if cleared else "",
                decided_by_id=decided_by,
            )
        ]
    if roll < 0.047:
        listed = _between(rng, date(2020, 1, 1), today)
        return [
            CreditListing(
                organization=org,
                kind=CreditListKind.JUDGMENT_DEFAULTER,
                reason="人民法院公布的失信被执行人",
                decision_document=f"（{listed.year}）湘01执{rng.randrange(100, 9999)}号",
                listed_on=listed,
            )
        ]
    return []


def _derive(log: Callable[[str], None], started: float) -> None:
    """Refresh the rows whose cached eligibility columns fell stale since the data was generated."""
    from django.db import connection

    from opengps.registry import derived, services
    from opengps.registry.models import Organization

    if connection.vendor == "postgresql":
        # Fresh statistics, also for indexes a migration added since the data was generated.
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{Organization._meta.db_table}"')
    stale = list(Organization.objects.filter(derived.stale()).values_list("pk", flat=True))
    if stale:
        services.organizations_refresh(organization_ids=stale)
        elapsed = time.perf_counter() - started
        log(f"refreshed the eligibility columns of {len(stale)} organizations ({elapsed:.1f} s)")
        if connection.vendor == "postgresql":
            # The refresh rewrote rows: vacuum the dead versions (as autovacuum would, later)
            # so the search is measured on a table in its steady state.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


# Second trade names (字号) that set apart the organizations of one more round of names: the name
# parts of `demo_names` hold a few hundred thousand distinct names, a nation holds 900,000.
EXTRA_TRADE_NAMES = [
    "金桥",
    "同舟",
    "惠众",
    "益心",
    "新星",
    "融爱",
    "启航",
    "泽润",
    "和煦",
    "沐光",
    "嘉禾",
    "睿德",
    "致远",
    "信达",
    "汇善",
    "承恩",
    "鸿雁",
    "谷雨",
    "立春",
    "青禾",
]
ROUND = 100_000  # organizations per round of names (a province's 30,000 fit in one round)
COPY_CHUNK = 50_000


def _specs(
    rng: random.Random, organizations: int, places: Sequence[Any], weights: Sequence[float], today: date
) -> Iterator[list[Any]]:
    """Organization specs in rounds of at most ROUND, names unique across rounds; USCCs by serial."""
    from opengps.registry import demo_names

    if organizations > ROUND * (len(EXTRA_TRADE_NAMES) + 1):
        raise SystemExit(f"at most {ROUND * (len(EXTRA_TRADE_NAMES) + 1):,} organizations")
    seen: set[str] = set()
    serial, made, round_no = 1, 0, 0
    while made < organizations:
        size = min(ROUND, organizations - made)
        batch = demo_names.generate_organizations(
            rng, size, places, today=today, weights=weights, serial_start=serial
        )
        serial += len(batch)
        if round_no:
            extra = EXTRA_TRADE_NAMES[(round_no - 1) % len(EXTRA_TRADE_NAMES)]
            batch = [
                dataclasses.replace(s, name=f"{s.place.prefix}{extra}{s.name[len(s.place.prefix) :]}")
                for s in batch
            ]
        fresh = [s for s in batch if s.name not in seen]
        seen.update(s.name for s in fresh)
        made += len(fresh)
        round_no += 1
        yield fresh


def _copy(cursor: Any, objects: Sequence[Any], now: datetime) -> None:
    """COPY model instances (ids set) into their table, every concrete column."""
    if not objects:
        return
    meta = objects[0]._meta
    fields = meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    attnames = [f.attname for f in fields]
    with cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
        for obj in objects:
            row = []
            for name in attnames:
                value = now if name in stamped else getattr(obj, name)
                row.append(value.value if isinstance(value, Enum) else value)
            copy.write_row(row)


def _secondary_indexes(cursor: Any, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on `tables` that back no constraint (dropped while loading)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexname::regclass)
        ORDER BY i.indexname
        """,
        [list(tables)],
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def _next_ids(cursor: Any, models: Sequence[Any]) -> dict[Any, int]:
    ids = {}
    for model in models:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        ids[model] = int(cursor.fetchone()[0])
    return ids


def _reset_sequences(cursor: Any, models: Sequence[Any]) -> None:
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)",  # noqa: E501
            [table],
        )


def _verify_sample(rng: random.Random, total: int, today: date, size: int = 500) -> int:
    """Re-derive a random sample from the database as `organizations_refresh` would; mismatches."""
    from opengps.registry import derived
    from opengps.registry.models import Organization

    ids = rng.sample(range(1, total + 1), min(size, total))
    sample = Organization.objects.filter(pk__in=ids).prefetch_related(*derived.facts_prefetch())
    mismatches = 0
    for org in sample:
        stored = tuple(getattr(org, f) for f in derived.DERIVED_FIELDS)
        if stored != derived.derived_columns(org, today):
            mismatches += 1
    return mismatches


def generate(
    *,
    organizations: int = DEFAULT_ORGANIZATIONS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    replace: bool = False,
    log: Callable[[str], None] = print,
) -> GenerationSummary:
    """Fill the registry tables with `organizations` generated organizations (reproducible by `seed`).

    Does nothing when exactly that many organizations are there already. With other registry
    data present it refuses unless `replace` is set, and then empties the registry tables first.
    PostgreSQL only: the rows are COPYed, secondary indexes dropped while loading and rebuilt.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from opengps.accounts.services import REGIONS_FILE, regions_load
    from opengps.registry import demo_names, derived
    from opengps.registry.models import AnnualReport, CreditListing, Organization, Penalty, Rating

    started = time.perf_counter()
    if connection.vendor != "postgresql":
        raise SystemExit("the generator loads PostgreSQL (COPY)")
    existing = Organization.objects.count()
    if existing == organizations and Rating.objects.exists():
        _derive(log, started)
        return GenerationSummary(
            existing,
            Rating.objects.count(),
            AnnualReport.objects.count(),
            CreditListing.objects.count(),
            time.perf_counter() - started,
            generated=False,
        )
    if existing and not replace:
        raise SystemExit(
            f"the database holds {existing} organizations; --replace deletes them (benchmark databases only)"
        )
    today = today or date.today()
    now = timezone.now()
    rng = random.Random(seed)
    regions_load()
    rows = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    places = demo_names.places_from_regions((r["code"], r["name"], r["level"], r["parent"]) for r in rows)
    due_year = today.year - 1 if (today.month, today.day) > (5, 31) else today.year - 2
    models = [Organization, Rating, AnnualReport, CreditListing]
    tables = [m._meta.db_table for m in models]
    counts = dict.fromkeys(models, 0)

    with transaction.atomic(), connection.cursor() as cursor:
        if existing:
            # Everything that refers to an organization goes too (dedicated benchmark databases only).
            log(f"emptying the registry tables ({existing} organizations)")
            names = ", ".join(f'"{m._meta.db_table}"' for m in [*models, Penalty])
            cursor.execute(f"TRUNCATE {names} CASCADE")
        # Foreign keys are checked row by row while loading (Django declares them deferred, and an
        # index cannot be built on a table with checks pending).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        indexes = _secondary_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        authority = _authorities(places)
        weights = _weights(places)
        ids = _next_ids(cursor, models)
        for specs in _specs(rng, organizations, places, weights, today):
            for start in range(0, len(specs), COPY_CHUNK):
                chunk = specs[start : start + COPY_CHUNK]
                orgs, ratings, reports, listings = [], [], [], []
                for spec in chunk:
                    org = _organization(rng, spec, authority[spec.place.code], today)
                    org.pk = ids[Organization]
                    ids[Organization] += 1
                    records = {
                        Rating: _ratings(rng, org, spec.founded_on, today),
                        AnnualReport: _reports(rng, org, spec, due_year),
                        CreditListing: _listings(
                            rng, org, spec.founded_on, authority[spec.place.code], today
                        ),
                    }
                    for model, made in records.items():
                        for obj in made:
                            obj.pk = ids[model]
                            ids[model] += 1
                    # The derivation reads the records through the related managers, as after a prefetch.
                    org._prefetched_objects_cache = {
                        "ratings": records[Rating],
                        "credit_listings": records[CreditListing],
                        "annual_reports": records[AnnualReport],
                        "penalties": [],
                    }
                    for field_name, value in zip(
                        derived.DERIVED_FIELDS, derived.derived_columns(org, today), strict=True
                    ):
                        setattr(org, field_name, value)
                    orgs.append(org)
                    ratings += records[Rating]
                    reports += records[AnnualReport]
                    listings += records[CreditListing]
                for model, objects in ((Organization, orgs), (Rating, ratings), (AnnualReport, reports)):
                    _copy(cursor, objects, now)
                    counts[model] += len(objects)
                _copy(cursor, listings, now)
                counts[CreditListing] += len(listings)
            log(f"loaded {counts[Organization]:,} organizations ({time.perf_counter() - started:.1f} s)")
        _reset_sequences(cursor, models)
        for _name, definition in indexes:
            cursor.execute(definition)
        log(f"rebuilt {len(indexes)} indexes ({time.perf_counter() - started:.1f} s)")
    log(
        f"{counts[Rating]:,} ratings, {counts[AnnualReport]:,} annual reports, "
        f"{counts[CreditListing]:,} credit listings ({time.perf_counter() - started:.1f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    mismatches = _verify_sample(random.Random(seed + 1), counts[Organization], today)
    if mismatches:
        raise SystemExit(
            f"{mismatches} sampled organizations have derived columns the refresh disagrees with"
        )
    seconds = time.perf_counter() - started
    log(f"done in {seconds:.1f} s (derived columns of a 500-organization sample re-checked: identical)")
    return GenerationSummary(
        counts[Organization],
        counts[Rating],
        counts[AnnualReport],
        counts[CreditListing],
        seconds,
        generated=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--organizations", type=int, default=DEFAULT_ORGANIZATIONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--replace", action="store_true", help="delete existing registry data first")
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    summary = generate(organizations=args.organizations, seed=args.seed, replace=args.replace)
    print(summary)


if __name__ == "__main__":
    main()
