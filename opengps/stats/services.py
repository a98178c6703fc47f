"""Writes of the stats app: rebuilding the summary tables from the lifecycle's records, and the
finance department's yearly target of the share going to social organizations."""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.errors import ServiceError
from opengps.stats import swap
from opengps.stats.errors import Code
from opengps.stats.events import Event
from opengps.stats.facts import facts_build
from opengps.stats.models import (
    CORE_DIMENSIONS,
    DIMENSION_FIELDS,
    GRAIN_PARENTS,
    GRAINS,
    TOTAL_FIELDS,
    Fact,
    Refresh,
    Rollup,
    ShareTarget,
    Summary,
)
from opengps.stats.swap import Tables

TARGET_SETTERS = (Role.FINANCE,)
"""Only the finance department sets the yearly target."""
BATCH = 2000


REGROUP_WORK_MEM = "1GB"
"""PostgreSQL's memory for the regrouping's sort (the facts' dimensions at national scale: ~700 MB)."""

# each summary column: the SQL aggregate of the fact column that fills it
SUMMED = {
    "records": "COUNT(*)",
    "amount": "COALESCE(SUM(amount), 0)",
    "budget": "COALESCE(SUM(budget), 0)",
    "paid": "COALESCE(SUM(paid), 0)",
    "opened": "COALESCE(SUM(opened), 0)",
    "bidders": "COALESCE(SUM(bidders), 0)",
    "non_competitive": "COALESCE(SUM(non_competitive), 0)",
    "single_bid": "COALESCE(SUM(single_bid), 0)",
    "days_award_sum": "COALESCE(SUM(days_award), 0)",
    "days_award_n": "COUNT(days_award)",
    "days_contract_sum": "COALESCE(SUM(days_contract), 0)",
    "days_contract_n": "COUNT(days_contract)",
    "late": "COALESCE(SUM(late), 0)",
}


def _regroup_sql(tables: Tables) -> str:
    """The facts grouped by every dimension, inserted as summary rows in one statement (the
    database groups and writes; no row passes through Python)."""
    fields = {f.name: f.column for f in Fact._meta.concrete_fields}
    columns = [fields[name] for name in DIMENSION_FIELDS]
    dimensions = ", ".join(f'"{c}"' for c in columns)
    targets = ", ".join([dimensions, *(f'"{c}"' for c in SUMMED)])
    sums = ", ".join(SUMMED.values())
    # every name in the statement comes from the models and SUMMED above, none from input
    return (
        f'INSERT INTO "{tables.summary}" ({targets}) '  # noqa: S608
        f'SELECT {dimensions}, {sums} FROM "{tables.fact}" GROUP BY {dimensions}'
    )


def summaries_refresh(*, actor: SystemOrActor) -> Refresh:
    """Rebuild the facts and the summaries from the lifecycle's records, in one transaction that
    replaces every row (readers see the old tables until it commits, then the new ones; on
    PostgreSQL the rows are written into fresh tables swapped in at the end: `stats.swap`). When
    the facts come out as the last refresh left them, the live tables are kept and only the last
    refresh's time of checking moves on."""
    started = clock.now()
    with transaction.atomic():
        # One refresh at a time: the latest refresh row is the lock (the first refresh takes none).
        list(Refresh.objects.select_for_update().order_by("-pk")[:1])
        with connection.cursor() as cursor:
            tables = swap.begin(cursor)
        facts = sum(facts_build(tables.fact).values())
        summaries = _regroup(tables)
        digest = _digest(tables.fact)
        previous = Refresh.objects.order_by("-finished_at", "-pk").first()
        if previous is not None and previous.digest == digest:
            with connection.cursor() as cursor:
                swap.abandon(cursor, tables)
            previous.finished_at = clock.now()
            previous.save(update_fields=["finished_at"])
            return previous
        with connection.cursor() as cursor:
            swap.commit(cursor, tables)
        refresh = Refresh.objects.create(
            started_at=started,
            finished_at=clock.now(),
            facts=facts,
            summaries=summaries,
            started_by=actor,
            digest=digest,
        )
        audit.record(
            actor=actor,
            action=Event.STATS_REFRESHED,
            obj=refresh,
            new={"facts": facts, "summaries": summaries},
        )
    return refresh


def _rollup_sql(grain: str, tables: Tables) -> tuple[str, list[Any]]:
    """The summary rows (or the finer rollup's, `GRAIN_PARENTS`) summed over all but the grain's
    dimensions, inserted as the grain's rollup rows in one statement; the dimensions it leaves out
    take their blank defaults (as parameters)."""
    fields = {f.name: f for f in Rollup._meta.concrete_fields}
    kept = {*CORE_DIMENSIONS, *GRAINS[grain]}
    parent = GRAIN_PARENTS.get(grain)
    table = tables.rollup if parent else tables.summary
    selected, params = [], []
    for name in DIMENSION_FIELDS:
        if name in kept:
            selected.append(f'"{fields[name].column}"')
        else:
            selected.append("%s")
            params.append(fields[name].get_default())
    grouped = ", ".join(f'"{fields[name].column}"' for name in DIMENSION_FIELDS if name in kept)
    targets = ", ".join(f'"{fields[name].column}"' for name in ["grain", *DIMENSION_FIELDS, *TOTAL_FIELDS])
    sums = ", ".join(f'SUM("{fields[name].column}")' for name in TOTAL_FIELDS)
    where = ' WHERE "grain" = %s' if parent else ""
    # every name in the statement comes from the models above, every value is a parameter
    sql = (
        f'INSERT INTO "{tables.rollup}" ({targets}) '  # noqa: S608
        f'SELECT %s, {", ".join(selected)}, {sums} FROM "{table}"{where} GROUP BY {grouped}'
    )
    return sql, [grain, *params, *([parent] if parent else [])]


def _depth(grain: str) -> int:
    """How many rollups a grain is built through (a rollup is built after the one it reads)."""
    parent = GRAIN_PARENTS.get(grain)
    return 0 if parent is None else 1 + _depth(parent)


def summaries_regroup() -> int:
    """The second half of a refresh over the live tables: the summary rows rebuilt from the facts as
    they stand, then the rollups (returns how many summary rows). The benchmark
    (benchmarks/stats.py `--data facts`) times it over generated facts, inside a transaction."""
    Rollup.objects.all().delete()
    Summary.objects.all().delete()
    return _regroup(swap.LIVE)


def _regroup(tables: Tables) -> int:
    """The summary rows grouped from the facts of `tables`, then the rollups from them, finer grains
    first (returns how many summary rows); the summary and rollup tables are empty."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the grouping sorts every fact: in memory it takes a fraction of an external merge sort
            # (the default 4 MB); LOCAL ends with the refresh's transaction
            cursor.execute(f"SET LOCAL work_mem = '{REGROUP_WORK_MEM}'")
        cursor.execute(_regroup_sql(tables))
        rows = int(cursor.rowcount)
        for grain in sorted(GRAINS, key=_depth):
            cursor.execute(*_rollup_sql(grain, tables))
    return rows


def _digest(table: str) -> str:
    """A fingerprint of the facts (every column but the id, in the order of source and record):
    equal fingerprints, equal data. PostgreSQL computes it where the rows are (an MD5 of each row's
    text, the SHA-256 of them all); elsewhere the rows are read and hashed here."""
    columns = [f.column for f in Fact._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        row = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            # every name comes from the model
            cursor.execute(
                "SELECT encode(sha256(convert_to(string_agg(md5(CAST(ROW("  # noqa: S608
                f"{row}) AS text)), '' ORDER BY \"source\", \"record_id\"), 'UTF8')), 'hex') "
                f'FROM "{table}"'
            )
            found = cursor.fetchone()
        return str(found[0] if found and found[0] else hashlib.sha256().hexdigest())
    assert table == Fact._meta.db_table  # only PostgreSQL writes into a fresh copy
    digest = hashlib.sha256()
    names = [f.attname for f in Fact._meta.concrete_fields if not f.primary_key]
    for row in Fact.objects.order_by("source", "record_id").values_list(*names).iterator(chunk_size=BATCH):
        digest.update(repr(row).encode())
    return digest.hexdigest()


# --- the yearly target ---------------------------------------------------------------------------


def _decimal(value: Any, code: Code, field: str, *, high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(code, field=field) from None
    if not number.is_finite() or number < 0 or (high is not None and number > high):
        raise ServiceError(code, field=field)
    if number != number.quantize(Decimal("0.01")):
        raise ServiceError(code, field=field)
    return number.quantize(Decimal("0.01"))


def share_target_set(
    *, actor: Actor, year: int, share: Any, amount: Any = None, note: str = ""
) -> ShareTarget:
    """Set (or change) a year's target: the share in percent and, optionally, the total in yuan."""
    require_role(actor, *TARGET_SETTERS)
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(Code.STATS_TARGET_YEAR_RANGE, field="year")
    share_value = _decimal(share, Code.STATS_TARGET_SHARE_RANGE, "share", high=Decimal(100))
    amount_value = (
        None
        if amount in (None, "")
        else _decimal(amount, Code.STATS_TARGET_AMOUNT_INVALID, "amount", high=Decimal("99999999999999.99"))
    )
    with transaction.atomic():
        target = ShareTarget.objects.select_for_update().filter(year=year).first()
        old = (
            {"share": target.share, "amount": target.amount, "note": target.note}
            if target is not None
            else None
        )
        new = {"share": share_value, "amount": amount_value, "note": note.strip()[:200]}
        if old == new:
            assert target is not None
            return target
        if target is None:
            target = ShareTarget(year=year, set_by=actor, set_at=clock.now(), **new)
            target.save()
        else:
            for name, value in new.items():
                setattr(target, name, value)
            target.set_by, target.set_at = actor, clock.now()
            target.save(update_fields=["share", "amount", "note", "set_by", "set_at"])
        audit.record(
            actor=actor, action=Event.STATS_TARGET_SET, obj=target, old=old, new={"year": year, **new}
        )
    return target
