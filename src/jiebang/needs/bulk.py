"""Fast insertion of many feedback items: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create spends most of its time building SQL; a hotline year is hundreds of
thousands of rows, so the import path writes them directly. Rows whose work order number is
stored already are skipped by the database itself (ON CONFLICT DO NOTHING / INSERT OR IGNORE),
which also keeps two imports running at once from storing a row twice.
"""

import re
import struct
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

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


# How encode_rows writes a row: PostgreSQL's binary COPY (no text for the server to parse),
# its text COPY (if the columns are not the types the binary rows are written for), or the
# parameters of an SQLite INSERT.
BINARY, TEXT, PARAMS = "copy-binary", "copy-text", "params"
_EXPECTED_TYPES = {
    "channel": {"character varying", "text"},
    "external_id": {"character varying", "text"},
    "received_at": {"timestamp with time zone"},
    "text": {"text", "character varying"},
    "confidence": {"double precision"},
    "status": {"character varying", "text"},
    "caller_name": {"character varying", "text"},
    "caller_phone": {"character varying", "text"},
    "created_at": {"timestamp with time zone"},
}
_ID_FIELDS = ("region_id", "institution_id", "category_id", "batch_id")


def row_format() -> tuple[str, dict]:
    """The row format for this database, and for binary COPY the byte width of each id
    column (8 for bigint, 4 for integer). Asked once per import, before the workers start."""
    if connection.vendor != "postgresql":
        return PARAMS, {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        encoding = cursor.fetchone()[0]
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND table_schema = current_schema()",
            [FeedbackItem._meta.db_table],
        )
        types = dict(cursor.fetchall())
    widths = {"bigint": 8, "integer": 4}
    ids = {name: widths.get(types.get(name)) for name in _ID_FIELDS}
    if (
        encoding.upper() not in {"UTF8", "UTF-8"}
        or any(types.get(name) not in allowed for name, allowed in _EXPECTED_TYPES.items())
        or None in ids.values()
    ):
        return TEXT, {}
    return BINARY, ids


def encode_rows(items, form: str, id_widths: dict | None = None) -> list:
    """The items as the insert wants them (see row_format): one bytes object per row for
    COPY, one tuple of parameters per row for SQLite. Runs in the checking processes, so the
    storing process only passes the rows on."""
    if form == BINARY:
        return _binary_rows(items, id_widths)
    if form == TEXT:
        return _text_rows(items)
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


# Binary COPY: a header, then per row the number of fields and each field as its length and
# bytes in network order (-1: NULL), then a trailer.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_BINARY_TRAILER = struct.pack("!h", -1)
_LENGTH = struct.Struct("!i").pack
_BIGINT = struct.Struct("!iq").pack
_INTEGER = struct.Struct("!ii").pack
_DOUBLE = struct.Struct("!id").pack
_NULL = _LENGTH(-1)
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _binary_text(value: str) -> bytes:
    data = (value.replace("\x00", "") if "\x00" in value else value).encode()
    return _LENGTH(len(data)) + data


def _binary_rows(items, id_widths) -> list[bytes]:
    def id_packer(width):
        pack = _BIGINT if width == 8 else _INTEGER
        return lambda value: _NULL if value is None else pack(width, value)

    region, institution, category, batch = (id_packer(id_widths[n]) for n in _ID_FIELDS)
    created = _BIGINT(8, (timezone.now() - _POSTGRES_EPOCH) // _MICROSECOND)
    field_count = struct.pack("!h", len(FIELDS))
    text, epoch, microsecond = _binary_text, _POSTGRES_EPOCH, _MICROSECOND
    constant = {}  # channel and status: a handful of values
    rows = []
    for item in items:
        channel = constant.get(item.channel) or constant.setdefault(
            item.channel, text(item.channel)
        )
        status = constant.get(item.status) or constant.setdefault(item.status, text(item.status))
        confidence = item.confidence
        rows.append(
            b"".join(
                (
                    field_count,
                    channel,
                    text(item.external_id),
                    _BIGINT(8, (item.received_at - epoch) // microsecond),
                    text(item.text),
                    region(item.region_id),
                    institution(item.institution_id),
                    category(item.category_id),
                    _NULL if confidence is None else _DOUBLE(8, confidence),
                    status,
                    text(item.caller_name),
                    text(item.caller_phone),
                    batch(item.batch_id),
                    created,
                )
            )
        )
    return rows


def _text_rows(items) -> list[bytes]:
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


# COPY's text format: backslash escapes for the separators; PostgreSQL text holds no NUL.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r\x00]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": None})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def insert_items(items) -> int:
    """Insert in one transaction (all of `items` or none); returns how many were new."""
    form, id_widths = row_format()
    return insert_rows(encode_rows(items, form, id_widths), form)


def insert_rows(rows: list, form: str) -> int:
    """Insert rows from `encode_rows` in one transaction (all or none); returns how many were
    new (a work order stored already is skipped by the unique key)."""
    if not rows:
        return 0
    if form != PARAMS:
        return _insert_postgresql(rows, form)
    table = FeedbackItem._meta.db_table
    placeholders = ", ".join(["%s"] * len(FIELDS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(FIELDS)}) VALUES ({placeholders})", rows
        )
        return cursor.rowcount


def _insert_postgresql(rows, form) -> int:
    """COPY straight into the table; if a work order is stored already, COPY the chunk into
    a staging table instead and insert from there, skipping the stored ones."""
    import psycopg

    table = FeedbackItem._meta.db_table
    columns = ", ".join(FIELDS)
    data = b"".join(rows)
    if form == BINARY:
        data = _BINARY_HEADER + data + _BINARY_TRAILER
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy(cursor, table, columns, data, form)
            return len(rows)
    except (IntegrityError, psycopg.IntegrityError):  # raw COPY errors are psycopg's own
        pass
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        _copy(cursor, STAGE, columns, data, form)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE} "
            "ON CONFLICT (channel, external_id) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {STAGE}")
        return inserted


def _copy(cursor, table, columns, data: bytes, form):
    options = " (FORMAT binary)" if form == BINARY else ""
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN{options}") as copy:
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
            postgresql = connection.vendor == "postgresql"
            if postgresql and connection.in_atomic_block:
                # Inside an outer transaction, deferred foreign-key checks must fire first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if postgresql:  # sort a million keys in memory rather than in temporary files
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, sql in definitions:
                cursor.execute(sql)
            if postgresql:
                cursor.execute("RESET maintenance_work_mem")
        if seconds is not None:
            seconds["indexes"] = time.process_time() - started
