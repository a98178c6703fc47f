"""Where a refresh writes: on PostgreSQL into fresh copies of the fact, summary and rollup tables,
swapped in for the live ones at the end of the refresh's transaction (when the application's role
owns them: `swapping`); elsewhere into the live tables emptied first.

Why, at national scale (4.7 million facts, 4.2 million summary rows; `make bench-stats`): deleting
the live rows and inserting the new ones in the same transaction keeps every old row and index entry
until the transaction ends (the tables double in size and every insert maintains six indexes past
them). Loading fresh tables without indexes, then building the indexes once, does the same work in
a fraction of the time, leaves no dead rows behind, and readers still see the old tables until the
refresh commits: the swap (drop the old table, rename the new one and its indexes and constraints to
the names the migrations gave) takes its lock for the last milliseconds only.

The copies take the live tables' columns, defaults, identity and check constraints (`LIKE …
INCLUDING`); their primary keys, unique constraints and indexes are read from the live tables'
catalogue entries and built after the load under temporary names, and other roles' grants on the
live tables are given again. The tables have no foreign keys (their unit column is checked where the
facts come from), so none is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.backends.utils import CursorWrapper

from opengps.stats.models import Fact, Rollup, Summary

NEXT = "_next"


@dataclass(frozen=True)
class Tables:
    """The three tables a refresh writes (quoted names are made where they are used)."""

    fact: str
    summary: str
    rollup: str

    def each(self) -> tuple[str, str, str]:
        return (self.fact, self.summary, self.rollup)


LIVE = Tables(Fact._meta.db_table, Summary._meta.db_table, Rollup._meta.db_table)
FRESH = Tables(*(name + NEXT for name in LIVE.each()))


def swapping(cursor: CursorWrapper) -> bool:
    """Whether this refresh writes into fresh tables and swaps them in: on PostgreSQL, when the
    connected role owns the three tables (or is a member of their owner) and may create tables in
    their schema. A deployment whose application role may not (README, "The audit chain", the
    statistics grants) refreshes in place: the same result, slower at national scale."""
    if connection.vendor != "postgresql":
        return False
    cursor.execute(
        "SELECT COUNT(*) = %s AND bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) "
        "AND has_schema_privilege(current_schema(), 'CREATE') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relname = ANY(%s)",
        [len(LIVE.each()), list(LIVE.each())],
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def begin(cursor: CursorWrapper) -> Tables:
    """Make the tables the refresh writes: fresh empty copies (`swapping`), or the live ones emptied."""
    if not swapping(cursor):
        for name in reversed(LIVE.each()):
            cursor.execute(f'DELETE FROM "{name}"')  # noqa: S608 - the model's own table
        return LIVE
    for live, fresh in zip(LIVE.each(), FRESH.each(), strict=True):
        cursor.execute(f'DROP TABLE IF EXISTS "{fresh}"')
        cursor.execute(
            f'CREATE TABLE "{fresh}" (LIKE "{live}" INCLUDING DEFAULTS INCLUDING IDENTITY '
            "INCLUDING CONSTRAINTS INCLUDING STORAGE)"
        )
    return FRESH


def abandon(cursor: CursorWrapper, tables: Tables) -> None:
    """Drop the fresh tables, if the refresh wrote into them: the live ones stay as they are."""
    if tables == FRESH:
        for fresh in FRESH.each():
            cursor.execute(f'DROP TABLE IF EXISTS "{fresh}"')


def _grants(cursor: CursorWrapper, live: str, fresh: str) -> None:
    """Give the fresh table the privileges other roles hold on the live one (a reporting role's
    SELECT, say): a new table starts with its owner's only."""
    cursor.execute(
        "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
        "ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
        "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [f'"{live}"'],
    )
    for privilege, grantee in cursor.fetchall():
        # both come from the catalogue: a privilege keyword and a quoted role name (or PUBLIC)
        cursor.execute(f'GRANT {privilege} ON "{fresh}" TO {grantee}')


def _temporary(name: str) -> str:
    return ("n_" + name)[:63]


def _keys_and_indexes(
    cursor: CursorWrapper, live: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The live table's primary key and unique constraints (name, definition) and its other
    indexes (name, CREATE statement)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype, conname",
        [f'"{live}"'],
    )
    constraints = [(str(name), str(definition)) for name, definition in cursor.fetchall()]
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
        "ORDER BY i.indexname",
        [live],
    )
    indexes = [(str(name), str(definition)) for name, definition in cursor.fetchall()]
    return constraints, indexes


def _retarget(definition: str, name: str, live: str, fresh: str) -> str:
    """An index's CREATE statement for the fresh table under its temporary name."""
    statement = definition.replace(f"INDEX {name} ON", f"INDEX {_temporary(name)} ON", 1)
    for table in (f'"{live}"', live):
        for schema in ("public.", ""):
            target = f" ON {schema}{table} "
            if target in statement:
                return statement.replace(target, f' ON "{fresh}" ', 1)
    raise AssertionError(f"cannot place index {name} on {fresh}: {definition}")


def commit(cursor: CursorWrapper, tables: Tables) -> None:
    """Build the fresh tables' keys and indexes, give them the live tables' grants, gather their
    statistics, and put them in place of the live tables under the live tables' names (when the
    refresh wrote into fresh tables; otherwise nothing to do)."""
    if tables != FRESH:
        return
    for live, fresh in zip(LIVE.each(), FRESH.each(), strict=True):
        _grants(cursor, live, fresh)
        constraints, indexes = _keys_and_indexes(cursor, live)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{fresh}" ADD CONSTRAINT "{_temporary(name)}" {definition}')
        for name, definition in indexes:
            cursor.execute(_retarget(definition, name, live, fresh))
        cursor.execute(f'ANALYZE "{fresh}"')
        cursor.execute(f'DROP TABLE "{live}"')
        cursor.execute(f'ALTER TABLE "{fresh}" RENAME TO "{live}"')
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{live}" RENAME CONSTRAINT "{_temporary(name)}" TO "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'ALTER INDEX "{_temporary(name)}" RENAME TO "{name}"')
