"""On PostgreSQL, an index for names that start with what was typed (a surname: 王, 王芳).

Django's case-insensitive `startswith` is `UPPER(name::text) LIKE UPPER('王%')`, which a
text_pattern_ops index on that expression answers whatever the database's collation.
"""

from django.db import migrations

INDEX = "customers_customer_name_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer (UPPER(name::text) text_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_name_search_trigram")]

    operations = [migrations.RunPython(create, drop)]
