"""Numbers read from requests and uploads (ids, pages, limits): anything a database key or a
query cannot hold is ignored or refused, never passed on to overflow into a 500."""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_ID = 2**63 - 1  # the largest id a database key holds; larger ones would overflow the query


def parse_id(raw) -> int | None:
    """One id from a query string, form or sheet cell; None unless a key can hold it."""
    raw = str(raw if raw is not None else "").strip()
    # ASCII digits only (isdigit() also takes "²"), and short enough for int() to be cheap.
    if raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_ID:
        return int(raw)
    return None


def parse_ids(raw: str) -> list[int]:
    """`?clusters=1,2,3` as ids; anything that is not an id a key can hold is ignored."""
    return [pk for part in (raw or "").split(",") if (pk := parse_id(part)) is not None]


def parse_page(raw, maximum: int) -> int:
    """A page number within 1..maximum; junk is page 1 (for pages read by offset, where a
    huge number would cost as many rows)."""
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), maximum)


class BoundedLimitOffset(LimitOffsetPagination):
    """The API's pagination (settings.NINJA_PAGINATION_CLASS): limit and offset within what a
    page and the database hold; anything beyond is a 422, never an overflow in the query."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**31)
