"""Fast insertion of many feedback items: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create spends most of its time building SQL; a hotline year is hundreds of
thousands of rows, so the import path writes them directly. Callers pass rows already checked
against the unique key; a concurrent import that slips in the same key falls back to
bulk_create(ignore_conflicts=True), so nothing is lost or duplicated.
"""

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


def insert_items(items) -> None:
    """Insert in one transaction: all of `items` (FeedbackItem-like rows) or none."""
    if not items:
        return
    table = FeedbackItem._meta.db_table
    columns = ", ".join(FIELDS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in _rows(items, lambda v: v):
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                placeholders = ", ".join(["%s"] * len(FIELDS))
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({placeholders})",
                    list(_rows(items, adapt)),
                )
    except IntegrityError:
        fields = [f for f in FIELDS if f != "created_at"]
        objects = [FeedbackItem(**{f: getattr(item, f) for f in fields}) for item in items]
        with transaction.atomic():
            FeedbackItem.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=True)
