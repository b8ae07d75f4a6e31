"""Bulk loading of generated frames through Django's database connection, never row by row.

PostgreSQL: ``COPY ... FROM STDIN`` (psycopg 3) of CSV written by polars. SQLite:
``executemany`` in batches, with no fsync and a large page cache while loading.

Foreign keys are checked once, at the end, not row by row as rows arrive (which at ten
million transactions costs minutes): on PostgreSQL the constraints of the loaded tables are
dropped and added back in the same transaction (adding one checks every row in one join); on
SQLite enforcement is switched off around the transaction and ``PRAGMA foreign_key_check``
runs before commit. Either way a dangling key fails the load and rolls everything back.

Table and column names come from the models (``_meta.db_table``, ``field.column``). Frames
hold money as integer fen and rates as integer millionths: a ``DecimalField`` column is
formatted here, and only here, as a decimal string with the field's number of places.
Preparing a frame (formatting, CSV or Python values) needs no database, so a background
thread can prepare the next frames while the connection loads this one (``prefetch``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import models

_SQLITE_BATCH = 50_000
_SQLITE_CACHE_KIB = 400_000
"""Page cache of a bulk load on SQLite: 400 MB, well inside the seed's memory budget."""


def _decimal(column: str, places: int) -> pl.Expr:
    """Integer units of 10^-places as a decimal string (12345 with 2 places -> "123.45")."""
    value = pl.col(column).cast(pl.Int64)
    unit = 10**places
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    magnitude = value.abs()
    return pl.concat_str([sign, (magnitude // unit).cast(pl.Utf8), pl.lit("."), (magnitude % unit).cast(pl.Utf8).str.zfill(places)])


def model_of(label: str) -> type[models.Model]:
    """The model of a label such as ``"customers.Customer"``."""
    return apps.get_model(label)


@dataclass
class Prepared:
    """A frame ready to load: its table, columns and values in the form the database takes.

    ``payload`` is CSV bytes for PostgreSQL and, for SQLite, batches of column value lists.
    """

    label: str
    table: str
    columns: list[str]
    rows: int
    payload: Any


class BulkLoader:
    """Loads frames into their models' tables on one connection, inside the caller's transaction.

    Wrap the transaction in ``tuned()``; inside it call ``begin(labels)`` before the first
    frame, ``load(label, frame)`` (or ``load_prepared(prepare(label, frame))``) for each,
    and ``end()`` after the last: it checks the keys and moves the id sequences past the
    ids loaded.
    """

    def __init__(self, connection=default_connection) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self._foreign_keys: list[tuple[str, str, str]] = []
        self._models: list[type[models.Model]] = []
        self._checks_off = False

    def _quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    @contextmanager
    def tuned(self) -> Iterator[None]:
        """SQLite: keys unchecked until ``end()``, no fsync and a large page cache; restored after.

        Enter it outside the loading transaction: SQLite changes neither key enforcement nor
        the sync level inside one (under a test's transaction keys are then checked row by
        row, as Django does, and only the cache grows).
        """
        if self.vendor != "sqlite":
            yield
            return
        self.connection.ensure_connection()
        outside = not self.connection.in_atomic_block
        with self.connection.cursor() as cursor:
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
            if outside:
                cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        self._checks_off = self.connection.disable_constraint_checking() if outside else False
        try:
            yield
        finally:
            if self._checks_off:
                self.connection.enable_constraint_checking()
                self._checks_off = False
            with self.connection.cursor() as cursor:
                if outside:
                    cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")

    def begin(self, labels: Iterable[str]) -> None:
        """Prepare the connection for loading the tables of ``labels``."""
        self._models = [model_of(label) for label in dict.fromkeys(labels)]
        if self.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
                [[m._meta.db_table for m in self._models]],
            )
            self._foreign_keys = list(cursor.fetchall())
            for table, name, _ in self._foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {self._quote(name)}")

    def prepare(self, label: str, frame: pl.DataFrame) -> Prepared:
        """Format ``frame`` for the table of ``label`` (no database access: any thread may).

        Frame columns are the model's field names or attnames (``customer_id``), ids included.
        """
        model = model_of(label)
        columns, expressions = [], []
        for name in frame.columns:
            field = model._meta.get_field(name)
            columns.append(field.column)
            if isinstance(field, models.DecimalField):
                expressions.append(_decimal(name, field.decimal_places).alias(name))
            elif isinstance(field, models.DateTimeField):
                stamp = "%Y-%m-%d %H:%M:%S" if self.vendor == "sqlite" else "%Y-%m-%d %H:%M:%S+00:00"
                expressions.append(pl.col(name).dt.strftime(stamp).alias(name))
            elif isinstance(field, models.DateField):
                expressions.append(pl.col(name).cast(pl.Utf8).alias(name))
            else:
                expressions.append(pl.col(name))
        values = frame.select(expressions)
        if self.vendor == "postgresql":
            payload = values.write_csv(include_header=False, null_value="\\N").encode()
        else:
            payload = [
                [values.slice(offset, _SQLITE_BATCH).get_column(c).to_list() for c in values.columns]
                for offset in range(0, values.height, _SQLITE_BATCH)
            ]
        return Prepared(label=label, table=model._meta.db_table, columns=columns, rows=frame.height, payload=payload)

    def load_prepared(self, prepared: Prepared) -> int:
        """Insert a prepared frame; returns the rows loaded."""
        if prepared.rows == 0:
            return 0
        table = self._quote(prepared.table)
        column_list = ", ".join(self._quote(c) for c in prepared.columns)
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            ) as copy:
                copy.write(prepared.payload)
        else:
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join('?' * len(prepared.columns))})"
            raw = self.connection.connection.cursor()
            for batch in prepared.payload:
                raw.executemany(sql, zip(*batch, strict=True))
            raw.close()
        return prepared.rows

    def load(self, label: str, frame: pl.DataFrame) -> int:
        """Insert every row of ``frame`` into the table of ``label``; returns the rows loaded."""
        return self.load_prepared(self.prepare(label, frame))

    def end(self) -> None:
        """Check or put back the foreign keys (PostgreSQL: after gathering the loaded tables'
        statistics) and reset the id sequences.

        Raises ``IntegrityError`` (and the caller's transaction rolls back) on a key that
        points nowhere.
        """
        with self.connection.cursor() as cursor:
            if self._foreign_keys:
                # Statistics of the tables as loaded: without them the planner may check a key
                # row by row against the referenced table instead of in one hash join (minutes
                # instead of seconds on the demo bank's transactions).
                cursor.execute(f"ANALYZE {', '.join(self._quote(m._meta.db_table) for m in self._models)}")
            for table, name, definition in self._foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {self._quote(name)} {definition}")
            for statement in self.connection.ops.sequence_reset_sql(no_style(), self._models):
                cursor.execute(statement)
        if self._checks_off:
            self.connection.check_constraints(table_names=[m._meta.db_table for m in self._models])
        self._foreign_keys = []


def prefetch(items: Iterable[Any], work: Callable[[Any], Any], depth: int) -> Iterator[Any]:
    """``work(item)`` for each item, computed up to ``depth`` items ahead in a background thread.

    The results come in order. The thread must not use the database connection (it belongs
    to the caller's thread); an exception in it is raised here, and stopping early stops it.
    """
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                result = (work(item), None)
                while not stop.is_set():
                    try:
                        results.put(result, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            results.put((done, None))
        except BaseException as error:  # noqa: BLE001 - handed to the consuming thread
            results.put((None, error))

    thread = threading.Thread(target=produce, name="seed-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            result, error = results.get()
            if error is not None:
                raise error
            if result is done:
                return
            yield result
    finally:
        stop.set()
        thread.join()


def empty_tables(model_list: Iterable[type[models.Model]], connection=default_connection) -> None:
    """Delete every row of the tables of ``model_list`` and of every table that refers to them.

    PostgreSQL: one ``TRUNCATE ... RESTART IDENTITY CASCADE``. SQLite: ``DELETE`` table by
    table, referring tables before the tables they refer to, so no key is left dangling, and
    their id sequences start again.
    """
    targets = _with_referrers(list(model_list))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in targets)
            # Rows written earlier in the same transaction leave deferred key checks pending,
            # and TRUNCATE refuses to run past them: check them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        for model in _children_first(targets):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        # As RESTART IDENTITY does on PostgreSQL: rows written after the reset by the ORM (book
        # positions, say) get the ids they got the first time, so a reseed is the same bank.
        names = [m._meta.db_table for m in targets]
        cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({', '.join(['%s'] * len(names))})", names)


def _references(model: type[models.Model]) -> set[type[models.Model]]:
    """Models that ``model``'s foreign keys point to."""
    return {f.related_model for f in model._meta.get_fields(include_hidden=True) if f.concrete and f.is_relation and f.related_model is not None}


def _with_referrers(model_list: list[type[models.Model]]) -> list[type[models.Model]]:
    every = apps.get_models(include_auto_created=True)
    chosen = list(dict.fromkeys(model_list))
    changed = True
    while changed:
        changed = False
        for model in every:
            if model not in chosen and _references(model) & set(chosen):
                chosen.append(model)
                changed = True
    return chosen


def _children_first(model_list: list[type[models.Model]]) -> list[type[models.Model]]:
    remaining = list(model_list)
    ordered: list[type[models.Model]] = []
    while remaining:
        # A model goes next when no other remaining model still refers to it.
        ready = [m for m in remaining if not any(m in _references(other) for other in remaining if other is not m)]
        if not ready:
            raise ValueError(f"circular references among {[m._meta.label for m in remaining]}")
        ordered.extend(ready)
        remaining = [m for m in remaining if m not in ready]
    return ordered
