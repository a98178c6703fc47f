"""The database clock: the one time a bid deadline is judged by, read inside the committing transaction.

PostgreSQL's ``clock_timestamp()`` is the wall clock at the statement (``now()`` and
``CURRENT_TIMESTAMP`` are frozen at the transaction start, which would let a transaction begun
before the deadline commit after it). SQLite runs inside this process, so its clock *is* the
process clock: it is read through `opengps.core.clock` (the same OS clock SQLite's ``'now'`` reads),
while the transaction holds SQLite's write lock. That keeps tests that pin the one clock with
time-machine consistent with the deadline they check on SQLite; on PostgreSQL the server decides.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import connection

from opengps.core import clock

QUERIES = {
    "postgresql": "SELECT clock_timestamp()",
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def db_now() -> datetime:
    """The database server's current time (timezone-aware, UTC), read with a fresh statement."""
    if connection.vendor == "sqlite":
        return clock.now()
    with connection.cursor() as cursor:
        cursor.execute(QUERIES.get(connection.vendor, "SELECT CURRENT_TIMESTAMP"))
        row = cursor.fetchone()
    value: Any = row[0] if row else None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    moment: datetime = value.astimezone(UTC)
    return moment
