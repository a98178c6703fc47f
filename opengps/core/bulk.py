"""Bulk insert of many rows of one model: on PostgreSQL by COPY, elsewhere by `bulk_create`.

Django's `bulk_create` on PostgreSQL sends the rows as arrays (UNNEST) that psycopg quotes on the
client, element by element — for a thousand rows of text and JSON most of the time goes there.
COPY sends them as rows, written in C. The primary keys are drawn from the table's sequence first,
so the objects have them afterwards, ascending in list order, as after `bulk_create`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

COPY_FROM = 20
"""Fewer rows than this go by `bulk_create` (a COPY costs a round trip more)."""


def insert(objs: Sequence[models.Model], *, with_ids: bool = True) -> None:
    """Insert `objs` (unsaved instances of one model, every field set in Python: no database
    defaults or expressions), setting their primary keys unless `with_ids` is False. Must run
    inside the caller's transaction when the rows belong together."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        model._default_manager.bulk_create(objs, batch_size=500)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if with_ids or not field.primary_key]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, sorted(cursor.fetchall()), strict=True):
                obj.pk = pk
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([_db_value(field, obj) for field in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _db_value(field: models.Field[Any, Any], obj: models.Model) -> Any:
    return field.get_db_prep_save(getattr(obj, field.attname), connection)
