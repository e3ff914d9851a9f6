"""Database upkeep after big imports."""

from django.db import connection

from .models import FeedbackItem

BIG_IMPORT = 50_000


def refresh_statistics() -> None:
    """Fresh planner statistics and, on PostgreSQL, a visibility map, so the heatmap's
    aggregates run as index-only scans right away (autovacuum would get there later)."""
    table = FeedbackItem._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {table}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute(f"ANALYZE {table}")
