"""PostgreSQL only: a GIN index on the names' character pairs, for two-character name searches.

pg_trgm (migration 0002) needs three characters; Chinese names are searched by two (养老, 社工)
as often as by more. Elsewhere (SQLite) nothing is created and the search scans, as before.
"""

from django.db import migrations

BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_name_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}'::text[])
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""


def bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS_FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS org_name_bigram_idx ON registry_organization "
        "USING gin (registry_name_bigrams(name))"
    )


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_name_bigram_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS registry_name_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_penalty")]

    operations = [migrations.RunPython(bigram_index, drop_bigram_index, elidable=False)]
