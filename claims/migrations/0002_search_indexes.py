"""French full-text search indexes, on PostgreSQL only (SQLite searches by words).

The indexed expressions are exactly what SearchVector(..., config="french") generates,
so the planner uses them for claims_search and articles_search.
"""

from django.db import migrations

CLAIM_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_text_fr_search ON claims_claim "
    "USING gin (to_tsvector('french'::regconfig, COALESCE(text, '')))"
)
ARTICLE_INDEX = (
    "CREATE INDEX IF NOT EXISTS article_fr_search ON claims_article USING gin "
    "(to_tsvector('french'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLAIM_INDEX)
        schema_editor.execute(ARTICLE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_text_fr_search")
        schema_editor.execute("DROP INDEX IF EXISTS article_fr_search")


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
