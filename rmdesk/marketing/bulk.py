"""Bulk insert of the batch's result rows: ``COPY ... FROM STDIN`` on PostgreSQL, ``executemany``
elsewhere; never one INSERT statement per row from Python.

``bulk_create`` passes each column as one array on PostgreSQL, and quoting columns of JSON
documents into array literals costs seconds per thousand rows (rmdesk.rating.services found
the same); COPY streams the rows as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _prepared(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def stored(values: Sequence) -> tuple:
    """A row's values with dicts and lists already written as JSON text (far smaller to hold
    in memory than the objects)."""
    return tuple(_prepared(value) for value in values)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (values in the order of the fields ``columns``, by attribute name) into
    ``model``'s table in one stream; dicts and lists are written as JSON. Returns the rows."""
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_prepared(value) for value in row])
                    count += 1
            return count
        prepared = [[_prepared(value) for value in row] for row in rows]
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared)
        return len(prepared)
