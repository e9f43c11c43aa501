"""PostgreSQL only: each topic's and item's words for full-text search, stored.

Parsing every topic's explanation into a tsvector at each search cost 20 ms;
a generated column keeps it parsed, updated by PostgreSQL itself whenever
the row changes (the admin, an import, a fixture). It is no model field:
only tracker/progress/search.py reads it, and its weights match that
module's field lists. SQLite has no tsvector; there the migration does nothing.
A later migration that changes the type of a column named here (a longer
title) must drop search_document first and add it again after: PostgreSQL
refuses to alter a column a generated one reads.
"""

from django.db import migrations

COLUMNS = {
    "tracker_topic": """
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(explanation, '')), 'C')
    """,
    "tracker_subtopic": """
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(explanation, '')), 'C')
    """,
}


def add_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in COLUMNS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )


def drop_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_notes_and_links"),
    ]

    operations = [migrations.RunPython(add_documents, drop_documents)]
