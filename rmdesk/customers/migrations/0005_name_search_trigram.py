"""On PostgreSQL, a trigram index for searching customers by any part of their name.

Django's case-insensitive `contains` is `UPPER(name::text) LIKE UPPER('%...%')`; a GIN trigram
index on that expression answers it without reading the whole table. SQLite has no such index
and reads its (smaller) tables. pg_trgm ships with PostgreSQL; creating the extension needs a
role allowed to (the database owner on PostgreSQL 13 and later, as pg_trgm is trusted).
"""

from django.db import migrations

INDEX = "customers_customer_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin (UPPER(name::text) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_book_indexes")]

    operations = [migrations.RunPython(create, drop)]
