"""The database clock: the one time a bid deadline is judged by, read inside the committing transaction.

PostgreSQL's ``clock_timestamp()`` is the wall clock at the statement (``now()`` and
``CURRENT_TIMESTAMP`` are frozen at the transaction start, which would let a transaction begun
before the deadline commit after it). SQLite's ``'now'`` is read per statement as well.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import connection

QUERIES = {
    "postgresql": "SELECT clock_timestamp()",
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def db_now() -> datetime:
    """The database server's current time (timezone-aware, UTC), read with a fresh statement."""
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
