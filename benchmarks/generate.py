"""Province-scale registry data for benchmarks: 30,000 organizations with ratings, reports and credit lists.

This is benchmark data, not demo data: rows are bulk-inserted straight into the tables, so no
audit events are written for them and no service rule is checked; only the cached eligibility
columns are then derived through `registry.services.organizations_refresh`. Never point it at a database
whose audit chain matters; `benchmarks.run` uses a dedicated database (opengps_bench).

    python -m benchmarks.generate --organizations 30000 --database-url postgres://postgres@127.0.0.1:5432/opengps_bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
    """Fill the cached eligibility columns the search filters on, as the services would; VACUUM ANALYZE."""
    from django.db import connection

    from opengps.registry import derived, services
    from opengps.registry.models import Organization

    stale = list(Organization.objects.filter(derived.stale()).values_list("pk", flat=True))
    if stale:
        services.organizations_refresh(organization_ids=stale)
        elapsed = time.perf_counter() - started
        log(f"derived eligibility columns of {len(stale)} organizations ({elapsed:.1f} s)")
        if connection.vendor == "postgresql":
            # The refresh rewrote every row: vacuum the dead versions (as autovacuum would, later)
            # so the search is measured on a table in its steady state.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


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
    data present it refuses unless `replace` is set, and then deletes it first.
    """
    from django.db import transaction

    from opengps.accounts.services import REGIONS_FILE, regions_load
    from opengps.registry import demo_names
    from opengps.registry.models import AnnualReport, CreditListing, Organization, Rating

    started = time.perf_counter()
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
    rng = random.Random(seed)
    regions_load()
    rows = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    places = demo_names.places_from_regions((r["code"], r["name"], r["level"], r["parent"]) for r in rows)

    with transaction.atomic():
        if existing:
            log(f"deleting {existing} existing organizations")
            for model in (CreditListing, AnnualReport, Rating, Organization):
                model.objects.all().delete()
        authority = _authorities(places)
        weights = _weights(places)
        specs = demo_names.generate_organizations(rng, organizations, places, today=today, weights=weights)
        log(f"generated {len(specs)} organization specs ({time.perf_counter() - started:.1f} s)")
        orgs = [_organization(rng, spec, authority[spec.place.code], today) for spec in specs]
        Organization.objects.bulk_create(orgs, batch_size=BATCH)
        log(f"inserted {len(orgs)} organizations ({time.perf_counter() - started:.1f} s)")

        due_year = today.year - 1 if (today.month, today.day) > (5, 31) else today.year - 2
        ratings: list[Rating] = []
        reports: list[AnnualReport] = []
        listings: list[CreditListing] = []
        for org, spec in zip(orgs, specs, strict=True):
            ratings += _ratings(rng, org, spec.founded_on, today)
            reports += _reports(rng, org, spec, due_year)
            listings += _listings(rng, org, spec.founded_on, authority[spec.place.code], today)
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        AnnualReport.objects.bulk_create(reports, batch_size=BATCH)
        CreditListing.objects.bulk_create(listings, batch_size=BATCH)
    log(
        f"inserted {len(ratings)} ratings, {len(reports)} annual reports, {len(listings)} credit listings "
        f"({time.perf_counter() - started:.1f} s)"
    )
    _derive(log, started)
    seconds = time.perf_counter() - started
    return GenerationSummary(len(orgs), len(ratings), len(reports), len(listings), seconds, generated=True)


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
