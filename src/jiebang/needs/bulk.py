"""Fast insertion of many feedback items: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create spends most of its time building SQL; a hotline year is hundreds of
thousands of rows, so the import path writes them directly. Rows whose work order number is
stored already are skipped by the database itself (ON CONFLICT DO NOTHING / INSERT OR IGNORE),
which also keeps two imports running at once from storing a row twice.
"""

from django.db import connection, transaction
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


def _rows(items, adapt):
    now = adapt(timezone.now())
    for item in items:
        yield (
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


def insert_items(items) -> int:
    """Insert in one transaction (all of `items` or none); returns how many were new."""
    if not items:
        return 0
    table = FeedbackItem._meta.db_table
    columns = ", ".join(FIELDS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                for row in _rows(items, lambda v: v):
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE} "
                "ON CONFLICT (channel, external_id) DO NOTHING"
            )
            inserted = cursor.rowcount
            cursor.execute(f"TRUNCATE {STAGE}")
            return inserted
        adapt = connection.ops.adapt_datetimefield_value
        placeholders = ", ".join(["%s"] * len(FIELDS))
        cursor.executemany(
            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({placeholders})",
            list(_rows(items, adapt)),
        )
        return cursor.rowcount
