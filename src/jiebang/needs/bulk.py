"""Fast insertion of many feedback items: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create spends most of its time building SQL; a hotline year is hundreds of
thousands of rows, so the import path writes them directly. Rows whose work order number is
stored already are skipped by the database itself (ON CONFLICT DO NOTHING / INSERT OR IGNORE),
which also keeps two imports running at once from storing a row twice.
"""

import re
import time
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import FeedbackItem

FIELDS = [
    "channel",
    "external_id",
    "received_at",
    "text",
    "region_id",
    "institution_id",
    "category_id",
    "confidence",
    "status",
    "caller_name",
    "caller_phone",
    "batch_id",
    "created_at",
]
STAGE = "feedback_import_stage"


def encode_rows(items, vendor: str) -> list:
    """The items as the insert wants them: for PostgreSQL one line of COPY text each (bytes),
    for SQLite one tuple of parameters each. Runs in the checking processes, so the storing
    process only passes the rows on."""
    if vendor == "postgresql":
        now = timezone.now().isoformat(" ")
        special, escape, null = _COPY_SPECIAL.search, _copy_text, "\\N"
        rows = []
        for item in items:
            external_id, text, name, phone = (
                item.external_id,
                item.text,
                item.caller_name,
                item.caller_phone,
            )
            if special(external_id + text + name + phone):
                external_id, text, name, phone = map(escape, (external_id, text, name, phone))
            region, institution, category, confidence, batch = (
                item.region_id,
                item.institution_id,
                item.category_id,
                item.confidence,
                item.batch_id,
            )
            rows.append(
                f"{item.channel}\t{external_id}\t{item.received_at.isoformat(' ')}\t{text}\t"
                f"{null if region is None else region}\t"
                f"{null if institution is None else institution}\t"
                f"{null if category is None else category}\t"
                f"{null if confidence is None else confidence}\t{item.status}\t{name}\t{phone}\t"
                f"{null if batch is None else batch}\t{now}\n".encode()
            )
        return rows
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    return [
        (
            item.channel,
            item.external_id,
            adapt(item.received_at),
            item.text,
            item.region_id,
            item.institution_id,
            item.category_id,
            item.confidence,
            item.status,
            item.caller_name,
            item.caller_phone,
            item.batch_id,
            now,
        )
        for item in items
    ]


# COPY's text format: backslash escapes for the separators; PostgreSQL text holds no NUL.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r\x00]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": None})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def insert_items(items) -> int:
    """Insert in one transaction (all of `items` or none); returns how many were new."""
    return insert_rows(encode_rows(items, connection.vendor))


def insert_rows(rows: list) -> int:
    """Insert rows from `encode_rows` in one transaction (all or none); returns how many were
    new (a work order stored already is skipped by the unique key)."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _insert_postgresql(rows)
    table = FeedbackItem._meta.db_table
    placeholders = ", ".join(["%s"] * len(FIELDS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(FIELDS)}) VALUES ({placeholders})", rows
        )
        return cursor.rowcount


def _insert_postgresql(rows) -> int:
    """COPY straight into the table; if a work order is stored already, COPY the chunk into
    a staging table instead and insert from there, skipping the stored ones."""
    import psycopg

    table = FeedbackItem._meta.db_table
    columns = ", ".join(FIELDS)
    data = b"".join(rows)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy(cursor, table, columns, data)
            return len(rows)
    except (IntegrityError, psycopg.IntegrityError):  # raw COPY errors are psycopg's own
        pass
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        _copy(cursor, STAGE, columns, data)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE} "
            "ON CONFLICT (channel, external_id) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {STAGE}")
        return inserted


def _copy(cursor, table, columns, data: bytes):
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(data)


@contextmanager
def deferred_indexes(seconds: dict | None = None):
    """Bulk-load mode for very big imports: drop the feedback table's secondary indexes,
    load, then rebuild them — much faster than maintaining them row by row (PostgreSQL's
    "Populating a Database" advice). The primary key and the unique work-order key stay, so
    duplicates are still refused on insert. Indexes are rebuilt even if the import fails.
    The rebuild's CPU-seconds (of this process) go to `seconds["indexes"]`."""
    table = FeedbackItem._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        definitions = [(name, sql) for name, sql in cursor.fetchall() if "UNIQUE" not in sql]
        for name, _sql in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.process_time()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                # Inside an outer transaction, deferred foreign-key checks must fire first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, sql in definitions:
                cursor.execute(sql)
        if seconds is not None:
            seconds["indexes"] = time.process_time() - started
