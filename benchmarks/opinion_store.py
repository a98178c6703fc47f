"""The store mode of the opinion ingest benchmark (`benchmarks.opinion`, the default of
`make bench-opinion`): items ingested through `opinion.services.items_collect` into PostgreSQL."""

from __future__ import annotations

import os
import platform
import random
import time
from datetime import date
from typing import Any

from benchmarks.generate import ensure_database, setup_django
from benchmarks.opinion import FLAT_MB, ROUND, TARGET, names, rss_mb, texts
from opengps.opinion.matching import Name

REPEAT_EVERY = 50
"""One entry in this many repeats an earlier URL, one more reposts an earlier text under a byline."""
BYLINE = "（来源：某某网）"
SOURCE_NAME = "基准测试：监测机构文件"


def _marker(organizations: int, seed: int) -> str:
    return f"opinion benchmark: {organizations} organizations, seed {seed}"


def _world(orgs: list[Name], organizations: int, seed: int) -> tuple[bool, float]:
    """The organizations (full names) and their short names, bulk-created once; (created, seconds)."""
    from django.db import transaction

    from opengps.accounts.models import Region
    from opengps.accounts.services import regions_load
    from opengps.core import clock
    from opengps.demo import world
    from opengps.opinion.models import NameKind, OrgName
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build

    marker = _marker(organizations, seed)
    existing = Organization.objects.order_by("pk").values_list("business_scope", flat=True).first()
    if existing is not None:
        if existing != marker or Organization.objects.count() != organizations:
            raise SystemExit(
                f"the benchmark database holds other organizations ({existing!r}); "
                "drop it (dropdb opengps_bench_opinion) or use another --database-url"
            )
        return False, 0.0
    started = time.perf_counter()
    with transaction.atomic():
        regions_load()
        units = world.units_create()
        counties = list(Region.objects.filter(level="county").order_by("code"))
        full = [name for name in orgs if name.via == "full"]
        built = [
            organization_build(
                OrganizationInput(
                    name=name.text,
                    uscc=world.uscc_for(name.organization + 1),
                    org_type="social_service_agency",
                    region=counties[name.organization % len(counties)].code,
                    founded_on=date(2015, 3, 1),
                    business_scope=marker,
                ).normalized(),
                authority=units["civil"],
                region=counties[name.organization % len(counties)],
            )
            for name in full
        ]
        Organization.objects.bulk_create(built, batch_size=1000)
        pks = {name.organization: org.pk for name, org in zip(full, built, strict=True)}
        now = clock.now()
        OrgName.objects.bulk_create(
            [
                OrgName(
                    organization_id=pks[name.organization],
                    name=name.text,
                    kind=NameKind.SHORT,
                    created_at=now,
                )
                for name in orgs
                if name.via == "short"
            ],
            batch_size=1000,
        )
    return True, time.perf_counter() - started


def _empty_opinion_tables() -> None:
    """Start from no items (the benchmark database only)."""
    from django.db import connection

    from opengps.opinion.models import Alert, Decision, Item, Match, ToneCorrection

    tables = [
        Decision._meta.db_table,
        Alert.items.through._meta.db_table,
        Alert.units.through._meta.db_table,
        Alert._meta.db_table,
        ToneCorrection._meta.db_table,
        Match._meta.db_table,
        Item._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in tables) + " CASCADE")


def _entries(batch: list[str], round_no: int, rng: random.Random) -> list[Any]:
    """The round's texts as incoming items with URLs, one in `REPEAT_EVERY` repeating an earlier
    URL of the round and one reposting an earlier text under a byline (no URL)."""
    from opengps.opinion.services import Incoming

    made: list[Incoming] = []
    for n, text in enumerate(batch):
        if n and n % REPEAT_EVERY == REPEAT_EVERY - 1:
            earlier = made[rng.randrange(len(made))]
            made.append(Incoming(title=f"转载：{earlier.title}", text="", url=earlier.url or ""))
        elif n and n % REPEAT_EVERY == REPEAT_EVERY // 2:
            earlier = made[rng.randrange(len(made))]
            made.append(Incoming(title=earlier.title, text=earlier.text + BYLINE))
        else:
            url = f"https://news.example.cn/bench/{round_no}/{n}.html"
            made.append(Incoming(title=text[:30], text=text, url=url))
    return made


def run_store(items: int, organizations: int, seed: int, batch: int, database_url: str) -> dict[str, Any]:
    rng = random.Random(seed)
    orgs = names(organizations, rng)
    ensure_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from opengps.core import clock
    from opengps.opinion import selectors, services
    from opengps.opinion.models import Item, Match, Source, SourceKind
    from opengps.rules.opinion import classify

    created, world_s = _world(orgs, organizations, seed)
    _empty_opinion_tables()
    source, _new = Source.objects.get_or_create(
        kind=SourceKind.IMPORT, name=SOURCE_NAME, created_by=None, defaults={"created_at": clock.now()}
    )
    load_before = [round(value, 2) for value in os.getloadavg()]
    started = time.perf_counter()
    matcher = selectors.matcher()
    build_s = time.perf_counter() - started
    classify("预热")  # trains the tone model once, outside the timed rounds
    rounds: list[dict[str, Any]] = []
    done = new = duplicates = refused = alerts = 0
    total_s = 0.0
    while done < items:
        round_texts = texts(min(ROUND, items - done), orgs, rng)  # new texts each round, not timed
        entries = _entries(round_texts, len(rounds), rng)
        del round_texts
        t0 = time.perf_counter()
        for start in range(0, len(entries), batch):
            collected = services.items_collect(
                actor=None, source=source, incoming=entries[start : start + batch], matcher=matcher
            )
            new += len(collected.new)
            duplicates += collected.duplicates
            refused += collected.refused
            alerts += len(collected.alerts)
            del collected
        elapsed = time.perf_counter() - t0
        total_s += elapsed
        done += len(entries)
        rounds.append(
            {
                "items": done,
                "items_per_s": round(len(entries) / elapsed),
                "rss_mb": round(rss_mb(), 1),
                "load_1min": round(os.getloadavg()[0], 2),
            }
        )
        del entries
    load_after = [round(value, 2) for value in os.getloadavg()]
    stored = Item.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    first, last = rounds[0]["rss_mb"], rounds[-1]["rss_mb"]
    return {
        "mode": "store",
        "items": items,
        "organizations": organizations,
        "names": matcher.size,
        "batch": batch,
        "world_created": created,
        "world_s": round(world_s, 1),
        "matcher_build_s": round(build_s, 2),
        "items_per_s": round(items / total_s),
        "seconds": round(total_s, 1),
        "new": new,
        "duplicates": duplicates,
        "refused": refused,
        "alerts": alerts,
        "items_stored": stored,
        "stored_as_expected": stored == new == items - duplicates - refused,
        "matches_stored": Match.objects.count(),
        "rss_mb_after_warm_up": first,
        "rss_mb_at_end": last,
        "memory_flat": last - first <= FLAT_MB,
        "rounds": rounds,
        "load_average_before": load_before,
        "load_average": load_after,
        "python": platform.python_version(),
        "database": f"PostgreSQL {server}",
        "cpus": os.cpu_count(),
    }


def store_markdown(result: dict[str, Any]) -> str:
    first, last = result["rss_mb_after_warm_up"], result["rss_mb_at_end"]
    speeds = [row["items_per_s"] for row in result["rounds"]]
    rss = [row["rss_mb"] for row in result["rounds"]]
    return "\n".join(
        [
            "# Opinion ingest stored in PostgreSQL (items_collect: dedup, tone, matching, writes, audit)",
            "",
            f"- {result['items']:,} items against {result['organizations']:,} organizations "
            f"({result['names']:,} names) in batches of {result['batch']:,}, {result['database']}; "
            f"matcher built from the database in {result['matcher_build_s']} s",
            f"- ingest: **{result['items_per_s']:,} items/s** "
            f"({result['seconds']} s; target ≥ {TARGET:,.0f})",
            f"- per round of {ROUND:,} items: {min(speeds):,}–{max(speeds):,} items/s",
            f"- stored {result['items_stored']:,} items (counted) = {result['items']:,} − "
            f"{result['duplicates']:,} duplicates − {result['refused']:,} refused: "
            + ("as expected" if result["stored_as_expected"] else "MISMATCH")
            + f"; {result['matches_stored']:,} matches; {result['alerts']:,} alerts",
            f"- resident memory per round (MB): {', '.join(str(value) for value in rss)} — "
            + ("flat" if result["memory_flat"] else f"grew more than {FLAT_MB} MB")
            + f" ({first} → {last})",
            f"- load average before {result['load_average_before']}, after {result['load_average']} "
            f"on {result['cpus']} CPUs (a shared machine), Python {result['python']}",
            "",
        ]
    )
