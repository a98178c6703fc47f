"""PostgreSQL only: pg_trgm GIN indexes so the portal's substring search on titles stays fast.

SQLite gets nothing (the same LIKE queries are correct there, just unindexed).
"""

from django.db import migrations

INDEXES = (
    ("portal_procurement_title_trgm", "procurement_procurement", "title"),
    ("portal_intention_title_trgm", "planning_purchaseintention", "title"),
    ("portal_clarification_text_trgm", "procurement_clarification", "text"),
    ("portal_contract_title_trgm", "contracts_contract", "title"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0001_initial"),
        ("planning", "0001_initial"),
        ("contracts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
