"""Importing 12345 hotline exports (CSV or XLSX, UTF-8 or GBK/GB18030).

Every row is checked on its own: a bad row is rejected with its line, column and reason and
never stops the good ones; good rows are inserted in chunks, each chunk in one transaction.
工单编号 is the key, so importing the same file again adds nothing.
"""

import codecs
import csv
import gc
import io
import logging
import multiprocessing
import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as fixed_offset
from pathlib import Path
from zoneinfo import ZoneInfo

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core import jobs
from jiebang.core.errors import DomainError
from jiebang.core.exports import csv_bytes
from jiebang.core.scoping import Scope, user_scope
from jiebang.core.text import CONTROL_CHARS, clean_text
from jiebang.orgs.models import Institution, Region

from .bulk import deferred_indexes, encode_rows, insert_rows, row_format
from .clustering import cluster_items
from .maintenance import BIG_IMPORT, refresh_statistics
from .models import Category, Channel, FeedbackItem, ImportBatch

# Our field → the 12345 platform's column header.
COLUMNS = {
    "external_id": "工单编号",
    "received_at": "受理时间",
    "county": "所属区县",
    "institution": "涉及单位",
    "text": "诉求内容",
    "caller_name": "来电人",
    "caller_phone": "联系电话",
    "category_hint": "诉求类型",
}
REQUIRED = ("external_id", "received_at", "county", "institution", "text")
# Other spellings seen in exports, recognised without the mapping screen.
ALIASES = {
    "工单号": "external_id",
    "工单编码": "external_id",
    "受理日期": "received_at",
    "来电时间": "received_at",
    "登记时间": "received_at",
    "区县": "county",
    "所属县区": "county",
    "县市区": "county",
    "被反映单位": "institution",
    "涉及机构": "institution",
    "诉求描述": "text",
    "反映内容": "text",
    "内容": "text",
    "来电人姓名": "caller_name",
    "姓名": "caller_name",
    "来电号码": "caller_phone",
    "联系方式": "caller_phone",
    "电话": "caller_phone",
    "问题类型": "category_hint",
    "诉求分类": "category_hint",
}
MAX_TEXT = 5000  # characters of any cell: a longer one is a rejected row
# csv refuses fields over 131,072 characters by default, and after refusing one it reads the
# rest of that record as new ones: raise it above any web upload (50 MB), so a long cell is
# read whole and rejected by its row; only a broken file beyond it stops the import (by line).
CSV_FIELD_LIMIT = 64 * 1024 * 1024
MAX_REJECTS_KEPT = 10_000
CHUNK = 5000
WORKERS = 2  # processes that check and classify a big import while this one stores
MAPPING_TIMEOUT = timedelta(hours=24)  # a web upload left at its column mapping expires
SHANGHAI = ZoneInfo("Asia/Shanghai")
# China has kept UTC+8 without summer time since 1992: the same instants as SHANGHAI, with an
# offset that costs nothing to look up (a big import formats and compares a million times).
CHINA_STANDARD_TIME = fixed_offset(timedelta(hours=8), "CST")
# Digits, dashes, spaces and brackets only: no line breaks or tabs inside (\s would let them in),
# matched in full (fullmatch: "$" would also allow a final newline).
_PHONE = re.compile(r"\+?[\d\- ()]{7,20}")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
)
_HAS_CONTROL = CONTROL_CHARS.search
logger = logging.getLogger(__name__)
_CN_DATE = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[时:](\d{1,2})(?:分|:(\d{1,2}))?)?"
)


class MissingColumns(DomainError):
    def __init__(self, file_name, missing, headers):
        names = "、".join(COLUMNS[f] for f in missing)
        super().__init__(
            _("%(file)s: required columns missing: %(columns)s.")
            % {"file": file_name, "columns": names}
        )
        self.missing = missing
        self.headers = headers


@dataclass
class CsvSource:
    """Where a CSV file's data rows start, so that worker processes can parse them."""

    path: Path
    encoding: str
    offset: int  # byte offset of the first data record
    lines_before: int  # physical lines before it (the header)
    file_name: str = ""  # as the user named it, for messages


@dataclass
class Table:
    file_name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)
    total: int
    source: CsvSource | None = None
    close: Callable[[], None] = lambda: None  # frees the open workbook if rows are not read


@dataclass
class Reject:
    line: int
    column: str
    reason: str
    values: list[str] = field(default_factory=list)


def _clean_header(value) -> str:
    return clean_text(unicodedata.normalize("NFKC", str(value or ""))).strip().lstrip("\ufeff")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when it decodes; otherwise charset-normalizer's guess (GBK widened to GB18030)."""
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        if e.start > len(sample) - 4:  # a character cut at the end of the sample
            return "utf-8-sig"
    best = from_bytes(sample).best()
    encoding = (best.encoding if best else "gb18030").lower()
    if encoding in {"gbk", "gb2312", "gb18030", "cp936", "hz"}:
        return "gb18030"
    return encoding


def read_table(path: Path, file_name: str) -> Table:
    """Open a CSV or XLSX export; DomainError (in Chinese) when it is neither, or when it
    is not a table (fewer than two column headings in its first row)."""
    with open(path, "rb") as f:
        head = f.read(65536)
    if not head.strip():
        raise DomainError(_("%(file)s is empty.") % {"file": file_name})
    if head[:4] == b"PK\x03\x04":
        return _read_xlsx(path, file_name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DomainError(
            _("%(file)s is UTF-16 text: save it as CSV (UTF-8) or as an Excel workbook (.xlsx).")
            % {"file": file_name}
        )
    encoding = detect_encoding(head)
    if (
        file_name.lower().endswith((".xlsx", ".xls"))
        or b"\x00" in head[:4096]
        or _looks_binary(head.decode(encoding, errors="replace"))
    ):
        raise DomainError(
            _("%(file)s is not a CSV or XLSX file (old .xls: save it as .xlsx first).")
            % {"file": file_name}
        )
    return _read_csv(path, file_name, encoding)


def _looks_binary(text: str) -> bool:
    """More than 1% control characters or undecodable bytes: not text someone exported (a
    few stray ones in a real export are dropped row by row)."""
    odd = len(CONTROL_CHARS.findall(text)) + text.count("\ufffd")
    return odd > max(8, len(text) // 100)


def _check_headers(headers: list[str], file_name: str) -> None:
    if sum(1 for h in headers if h) < 2:
        raise DomainError(
            _("%(file)s does not look like a table: its first row has fewer than two column names.")
            % {"file": file_name}
        )


def _allow_long_fields() -> None:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def _csv_records(reader, file_name: str, lines_before: int = 0):
    """(line, cells) of the reader's non-blank records; a record csv cannot read is a
    DomainError naming the line (csv would read the rest of it as more records)."""
    try:
        for cells in reader:
            if "".join(cells).strip():  # not a blank row
                yield lines_before + reader.line_num, cells
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            error = _("a cell is longer than %(n)s characters") % {"n": csv.field_size_limit()}
        else:
            error = str(e)
        raise DomainError(
            _(
                "%(file)s cannot be read on from line %(line)s (%(error)s). The rows before it "
                "are stored; importing the corrected file again adds only the missing ones."
            )
            % {"file": file_name, "line": lines_before + reader.line_num, "error": error}
        ) from e


def _read_csv(path, file_name, encoding) -> Table:
    _allow_long_fields()
    with open(path, "rb") as f:
        total = max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f)
        try:
            headers = [_clean_header(h) for h in next(reader)]
        except StopIteration:
            raise DomainError(_("%(file)s is empty.") % {"file": file_name}) from None
        except csv.Error as e:
            raise DomainError(
                _("%(file)s is not a CSV or XLSX file (old .xls: save it as .xlsx first).")
                % {"file": file_name}
            ) from e
        header_lines = reader.line_num
    _check_headers(headers, file_name)

    def rows():
        with open(path, encoding=encoding, errors="replace", newline="") as stream:
            reader = csv.reader(stream)
            next(reader)
            yield from _csv_records(reader, file_name)

    source = _csv_source(path, encoding, headers, header_lines, file_name)
    return Table(file_name, headers, rows(), total, source)


# Encodings in which a newline and a quote are single bytes that never occur inside another
# character, so the raw bytes can be cut into records without decoding them.
_SPLITTABLE = {"utf-8", "utf-8-sig", "gb18030", "ascii"}


def _csv_source(path, encoding, headers, header_lines, file_name="") -> CsvSource | None:
    """The byte offset of the first data record, checked against the header csv read."""
    if encoding not in _SPLITTABLE:
        return None
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    cut = _record_boundary(head, 0, len(head), first=True)
    if cut is None:
        return None
    text = head[:cut].decode(encoding, errors="replace")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    if len(parsed) != 1 or [_clean_header(h) for h in parsed[0]] != headers:
        return None
    if _count_lines(head[:cut]) != header_lines:
        return None
    return CsvSource(Path(path), encoding, cut, header_lines, file_name)


def _quoted_spans(data: bytes, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """Quoted fields in data[start:end] as csv reads them (start is a record's start):
    a quote opens a field only at the field's start; inside, "" is a quote and a lone quote
    closes it; any other quote is an ordinary character. Returns the spans (open, close)
    and whether data[start:end] ends inside a quoted field (its span then ends at `end`)."""
    spans = []
    pos = start
    while True:
        q = data.find(b'"', pos, end)
        if q < 0:
            return spans, False
        if q != start and data[q - 1] not in b",\r\n":
            pos = q + 1  # a quote inside an unquoted field: an ordinary character
            continue
        close = q + 1
        while True:
            close = data.find(b'"', close, end)
            if close < 0:
                spans.append((q, end))
                return spans, True
            if close + 1 < end and data[close + 1] == 0x22:  # "" inside quotes
                close += 2
                continue
            if close + 1 == end:  # the quote after it may still come: cut before this field
                spans.append((q, end))
                return spans, True
            break
        spans.append((q, close))
        pos = close + 1


def _record_boundary(data: bytes, start: int, end: int, first: bool = False) -> int | None:
    """Offset just after the last (with `first`: the first) newline in data[start:end] that
    ends a record, i.e. lies outside quoted fields; None when there is none."""
    spans, _open = _quoted_spans(data, start, end)
    if first:
        pos = start
        for open_, close in [*spans, (end, end)]:
            newline = data.find(b"\n", pos, open_)
            if newline >= 0:
                return newline + 1
            pos = close + 1
        return None
    limit = end
    for open_, close in reversed([(start - 1, start - 1), *spans]):
        newline = data.rfind(b"\n", close + 1, limit)
        if newline >= 0:
            return newline + 1
        limit = open_
    return None


def _count_lines(data: bytes) -> int:
    """Lines as csv counts them (a file opened with newline=""): \n, \r\n or a lone \r."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


@dataclass
class RawChunk:
    """Bytes of whole CSV records, parsed by the process that checks them."""

    data: bytes
    encoding: str
    lines_before: int
    file_name: str = ""

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        _allow_long_fields()
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        text = self.data.decode(encoding, errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""))
        yield from _csv_records(reader, self.file_name, self.lines_before)


def _raw_chunks(source: CsvSource, size: int) -> Iterator[RawChunk]:
    """The data records of the file in pieces of about `size` bytes, cut between records."""
    lines = source.lines_before
    with open(source.path, "rb") as f:
        f.seek(source.offset)
        data, want = b"", size
        while True:
            block = f.read(want)
            data += block
            if not block:
                if data:
                    yield RawChunk(data, source.encoding, lines, source.file_name)
                return
            cut = _record_boundary(data, 0, len(data))
            if cut is None:  # a record longer than the block (or an open quote): read on,
                want *= 2  # twice as much each time, so the rescans stay linear
                continue
            want = size
            piece, data = data[:cut], data[cut:]
            yield RawChunk(piece, source.encoding, lines, source.file_name)
            lines += _count_lines(piece)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path, file_name) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise DomainError(
            _("%(file)s could not be opened as an Excel workbook: %(error)s")
            % {"file": file_name, "error": e}
        ) from e
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        headers = [_clean_header(h) for h in next(iterator)]
        _check_headers(headers, file_name)
    except StopIteration:
        workbook.close()
        raise DomainError(_("%(file)s is empty.") % {"file": file_name}) from None
    except DomainError:
        workbook.close()
        raise
    except Exception as e:  # a damaged sheet inside a readable archive
        workbook.close()
        raise DomainError(
            _("%(file)s could not be opened as an Excel workbook: %(error)s")
            % {"file": file_name, "error": e}
        ) from e

    def rows():
        try:
            for line, values in enumerate(iterator, start=2):
                cells = [_cell(v) for v in values]
                if "".join(cells).strip():  # not a blank row
                    yield line, cells
        finally:
            workbook.close()

    total = max(0, (sheet.max_row or 1) - 1)
    return Table(file_name, headers, rows(), total, close=workbook.close)


def resolve_columns(table: Table, mapping: dict[str, str] | None = None) -> dict[str, int]:
    """Our field → column index, from the standard headers, known aliases or a user mapping."""
    index = {}
    for i, header in enumerate(table.headers):
        field_name = next((f for f, h in COLUMNS.items() if h == header), None)
        field_name = field_name or ALIASES.get(header)
        if field_name and field_name not in index:
            index[field_name] = i
    for field_name, header in (mapping or {}).items():
        if header and header in table.headers and field_name in COLUMNS:
            index[field_name] = table.headers.index(header)
    missing = [f for f in REQUIRED if f not in index]
    if missing:
        raise MissingColumns(table.file_name, missing, table.headers)
    return index


def parse_time(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:  # the common "2024-03-05 14:23:11" in C, before the slower formats
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None:
        return parsed
    for fmt in _DATE_FORMATS if parsed is None else ():
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None and (m := _CN_DATE.match(value)):
        y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
        try:
            parsed = datetime(y, mo, d, h, mi, s)
        except ValueError:
            return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=CHINA_STANDARD_TIME if parsed.year >= 1992 else SHANGHAI)


class Lookups:
    """Counties and institutions by name, and institution names found inside a text."""

    def __init__(self):
        self.counties = {}
        for region in Region.objects.filter(kind__in=Region.COUNTY_LEVEL):
            for name in {region.name, f"聊城市{region.name}", f"聊城{region.name}"}:
                self.counties[name] = region
        self.institutions = {}
        self.institution_by_id = {}
        self.county_of = {}
        by_path = {r.path: r for r in self.counties.values()}
        self.county_by_id = {r.pk: r for r in by_path.values()}
        for inst in Institution.objects.select_related("region"):
            self.institutions[inst.name] = inst
            self.institution_by_id[inst.pk] = inst
            county_path = "/".join(inst.region.path.split("/")[:3]) + "/"
            self.county_of[inst.pk] = by_path.get(county_path)
        # Longest first, so 东昌府区中医院 wins over a shorter name inside it.
        self.names = sorted(self.institutions, key=len, reverse=True)
        self.categories = category_lookup()
        # Ids for the checking loop, which needs no model instances.
        self.county_ids = {name: region.pk for name, region in self.counties.items()}
        self.institution_ids = {name: inst.pk for name, inst in self.institutions.items()}
        self.county_id_of = {pk: r.pk for pk, r in self.county_of.items() if r is not None}
        self.rank = {name: rank for rank, name in enumerate(self.names)}
        self._pattern = _names_pattern(self.names)

    def county(self, name: str):
        return self.counties.get(name.strip())

    def area(self, scope: Scope | None) -> "Area":
        """Where an import with this scope may write: anywhere for the city and for the
        system (no scope); a county bureau its county; anyone else nowhere."""
        if scope is None or scope.is_city:
            return Area()
        path = scope.region_path
        counties = [r for r in self.county_by_id.values() if path and r.path.startswith(path)]
        home = next((r.pk for r in counties if r.path == path), None)
        return Area(frozenset(r.pk for r in counties), home)

    def place_of(self, institution_id: int) -> str:
        """The county an institution lies in, else its own region (a city-level one)."""
        county = self.county_of.get(institution_id)
        return county.name if county else self.institution_by_id[institution_id].region.name

    def institution(self, named: str, text: str):
        named = named.strip()
        if named in self.institutions:
            return self.institutions[named]
        for haystack in (named, text):
            if haystack and (name := self.find_name(haystack)):
                return self.institutions[name]
        return None

    def find_name(self, haystack: str) -> str | None:
        """The first of `names` (longest first) that occurs in the haystack."""
        best = None
        search = self._pattern.search if self._pattern is not None else None
        match = search(haystack) if search else None
        while match is not None:  # the longest name at each place where one starts
            if best is None or self.rank[match.group()] < self.rank[best]:
                best = match.group()
            match = search(haystack, match.start() + 1)
        return best


# One Lookups per process for single items (the public forms): building it reads every
# institution and region and compiles their names (≈ 12 ms), too much for each QR rating. It is
# rebuilt when the institutions, regions or categories change in number or newest id, and at
# least every SHARED_LOOKUPS_SECONDS (a rename).
SHARED_LOOKUPS_SECONDS = 60
_shared: dict = {"lookups": None, "key": None, "at": 0.0}


def _lookups_key() -> tuple:
    from django.db.models import Count, Max

    from .models import Category

    return tuple(
        tuple(model.objects.aggregate(n=Count("pk"), m=Max("pk")).values())
        for model in (Institution, Region, Category)
    )


def shared_lookups() -> Lookups:
    key = _lookups_key()
    now = time.monotonic()
    if (
        _shared["lookups"] is None
        or _shared["key"] != key
        or now - _shared["at"] > SHARED_LOOKUPS_SECONDS
    ):
        _shared.update(lookups=Lookups(), key=key, at=now)
    return _shared["lookups"]


@dataclass(frozen=True)
class Area:
    """The counties an import may write into (`counties` None: anywhere), and the county of
    rows that name no place (the importing bureau's own)."""

    counties: frozenset[int] | None = None
    home: int | None = None


def _names_pattern(names) -> re.Pattern | None:
    """One regular expression finding the longest of the names that starts at a place of a
    text: the names as a trie (东昌府区(?:中医院)?…). Searching skips in C to the places where
    a name may start, instead of scanning the text once per name."""
    trie: dict = {}
    for name in names:
        if name:
            node = trie
            for char in name:
                node = node.setdefault(char, {})
            node[""] = {}

    def alternatives(node) -> str:
        branches = [re.escape(char) + alternatives(child) for char, child in node.items() if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{group})?" if "" in node else group  # a name ends here: longer ones first

    return re.compile(alternatives(trie)) if trie else None


def category_lookup() -> dict[str, Category]:
    """Category by the classifier's label and by its current name: the classifier speaks the
    default taxonomy's names, which the admin may since have renamed (matched by code)."""
    from .classifier.engine import CATEGORIES

    by_code = {c.code: c for c in Category.objects.all()}
    lookup = {c.name: c for c in by_code.values()}
    for code, label in CATEGORIES:
        if code in by_code:
            lookup[label] = by_code[code]
    return lookup


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" if digits else ""


@dataclass(slots=True)
class NewItem:
    """A checked row on its way into the database (lighter than a model instance)."""

    channel: str
    external_id: str
    received_at: datetime
    text: str
    region_id: int | None
    institution_id: int | None
    category_id: int | None
    confidence: float | None
    caller_name: str
    caller_phone: str
    batch_id: int | None
    line: int = 0  # in the file, for naming a repeat found after checking
    status: str = FeedbackItem.Status.OPEN


STEPS = ("parse", "check", "classify", "encode", "store")


@dataclass
class Result:
    total: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejected: int = 0
    # CPU-seconds by step, summed over the processes that ran it.
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STEPS, 0.0))


@dataclass
class Checked:
    """A chunk after checking and classifying: its good rows encoded for the database, with
    their work order numbers and lines (for finding repeats across chunks)."""

    external_ids: list[str]
    lines: list[int]
    rows: list
    partial: Result


def import_table(
    table: Table,
    *,
    channel: str = Channel.HOTLINE,
    batch: ImportBatch | None = None,
    mapping: dict[str, str] | None = None,
    classify: Callable | None = None,
    progress: Callable[[int, int], None] | None = None,
    lookups: Lookups | None = None,
    chunk_size: int = CHUNK,
    parallel: bool = False,
    bulk_load: bool = False,
    scope: Scope | None = None,
) -> Result:
    """Validate, classify and store the table's rows; returns what happened to each.

    `scope` is the importing user's (core.scoping.user_scope): a row whose county or
    institution lies outside it is rejected, and a row naming no place goes to the user's
    county; None (the system, as `jiebang import-feedback`) imports anywhere.

    With `parallel`, worker processes parse, check, classify and encode the next chunks
    (reading a CSV file's bytes themselves) while this one stores; with `bulk_load` the
    secondary indexes are rebuilt once at the end (both for very big files from the command
    line; web imports run inline).
    """
    from .classifier import classify as default_classify
    from .classifier import load_model

    columns = resolve_columns(table, mapping)
    lookups = lookups or Lookups()
    area = lookups.area(scope)
    if area.counties is not None and area.home is None:
        raise DomainError(_("Your account belongs to no county: it cannot import feedback."))
    checker = _Checker(
        columns=columns,
        headers=table.headers,
        channel=channel,
        batch_id=batch.pk if batch else None,
        lookups=lookups,
        classify=classify or default_classify,
        row_format=row_format(),
        area=area,
    )
    result = Result()
    seen: set[str] = set()
    executor = None
    if parallel:
        load_model()  # before the fork, so the workers inherit the loaded model
        executor = ProcessPoolExecutor(
            WORKERS,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(checker,),
        )
    id_header = table.headers[columns["external_id"]]
    form = checker.row_format[0]
    if executor is not None and table.source is not None:
        average = max(64, table.source.path.stat().st_size // max(1, table.total))
        chunks = _raw_chunks(table.source, chunk_size * average)
    else:
        chunks = _chunks(table.rows, chunk_size)
    pending: deque = deque()
    with deferred_indexes(result.seconds) if bulk_load else nullcontext(), _shutdown(executor):
        for chunk in chunks:
            if executor is None:
                _store_checked(checker.run(chunk), id_header, seen, result, form)
            else:
                # Workers handle the next chunks while this process stores; results are
                # taken in file order, so repeats across chunks are found here in file order.
                pending.append(executor.submit(_run_in_worker, chunk))
                if len(pending) > WORKERS:
                    _store_checked(pending.popleft().result(), id_header, seen, result, form)
            if progress:
                progress(result.total, table.total)
        while pending:
            _store_checked(pending.popleft().result(), id_header, seen, result, form)
            if progress:
                progress(result.total, table.total)
    result.rejects.sort(key=lambda r: r.line)
    if progress:
        progress(result.total, result.total)
    return result


@dataclass
class _Checker:
    """Everything a process needs to turn a chunk of rows into rows ready to insert."""

    columns: dict[str, int]
    headers: list[str]
    channel: str
    batch_id: int | None
    lookups: Lookups
    classify: Callable
    row_format: tuple[str, dict]  # bulk.row_format(): how rows are encoded for the insert
    area: Area = field(default_factory=Area)  # where rows may go (the workers check it too)

    def run(self, chunk) -> Checked:
        partial = Result()
        seconds = partial.seconds
        started = time.process_time()
        if isinstance(chunk, RawChunk):
            chunk = list(chunk.rows())
        checked = time.process_time()
        seconds["parse"] += checked - started
        items = _check_chunk(chunk, self, partial)
        classified = time.process_time()
        seconds["check"] += classified - checked
        to_classify = [item for item in items if item.category_id is None]
        labels = self.classify([item.text for item in to_classify])
        category_ids = {name: category.pk for name, category in self.lookups.categories.items()}
        for item, (name, confidence) in zip(to_classify, labels, strict=True):
            item.category_id = category_ids.get(name)
            item.confidence = confidence
        encoded = time.process_time()
        seconds["classify"] += encoded - classified
        rows = encode_rows(items, *self.row_format)
        seconds["encode"] += time.process_time() - encoded
        return Checked([i.external_id for i in items], [i.line for i in items], rows, partial)


# The worker process's checker for one import: set by the initializer at fork time.
_worker: dict = {}


def _init_worker(checker):
    _worker["checker"] = checker
    # What the worker inherited (Django, the model, the lookups) lives as long as it does:
    # keep it out of the collector's passes, and collect the chunks' many small objects
    # less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _run_in_worker(chunk) -> Checked:
    return _worker["checker"].run(chunk)


def _store_checked(checked: Checked, id_header, seen, result, form) -> None:
    """Insert a checked chunk (all of its new rows or none), rejecting work order numbers
    that an earlier chunk of the file had already."""
    partial, rows = checked.partial, checked.rows
    result.total += partial.total
    result.rejected += partial.rejected
    room = MAX_REJECTS_KEPT - len(result.rejects)
    result.rejects.extend(partial.rejects[: max(0, room)])
    for step, seconds in partial.seconds.items():
        result.seconds[step] += seconds
    if seen.isdisjoint(checked.external_ids):
        seen.update(checked.external_ids)
    else:
        kept = []
        for index, external_id in enumerate(checked.external_ids):
            if external_id in seen:
                reason = _("work order number repeated in this file")
                _reject(result, checked.lines[index], id_header, reason, [])
            else:
                seen.add(external_id)
                kept.append(rows[index])
        rows = kept
    started = time.process_time()
    inserted = insert_rows(rows, form)
    result.seconds["store"] += time.process_time() - started
    result.accepted += inserted
    result.duplicates += len(rows) - inserted


@contextmanager
def _shutdown(executor):
    try:
        yield
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reject(result, line, header, reason, cells):
    result.rejected += 1
    if len(result.rejects) < MAX_REJECTS_KEPT:
        if max(map(len, cells), default=0) > MAX_TEXT:  # kept for fixing, not megabytes of it
            cells = [c if len(c) <= MAX_TEXT else c[:MAX_TEXT] + "…" for c in cells]
        result.rejects.append(Reject(line, header, reason, cells))


def _shown(value: str, limit: int = 40) -> str:
    """A cell's value as a reason quotes it."""
    return value if len(value) <= limit else value[:limit] + "…"


def _column_name(headers: list[str], index: int) -> str:
    if index < len(headers) and headers[index]:
        return headers[index]
    return _("column %(n)s") % {"n": index + 1}


def _check_chunk(chunk, checker: _Checker, result: Result) -> list[NewItem]:
    """Validate every row of the chunk; return the good ones (stored ones are skipped on
    insert, where the unique key decides; a work order number repeated within the chunk is
    rejected here, across chunks by the storing process)."""
    columns, lookups = checker.columns, checker.lookups
    headers = {
        name: checker.headers[columns[name]] if name in columns else label
        for name, label in COLUMNS.items()
    }
    width = max(columns.values()) + 1
    optional = [columns.get(name) for name in ("caller_name", "caller_phone", "category_hint")]
    i_id, i_time, i_county, i_unit, i_text = (columns[name] for name in REQUIRED)
    i_name, i_phone, i_hint = (width if i is None else i for i in optional)
    width += 1  # one empty cell at the end stands in for a missing optional column
    latest = timezone.now() + timedelta(days=1)
    channel, batch_id = checker.channel, checker.batch_id
    county_ids, institution_ids = lookups.county_ids, lookups.institution_ids
    county_id_of, find_name = lookups.county_id_of, lookups.find_name
    allowed, home = checker.area.counties, checker.area.home
    category_ids = {name: category.pk for name, category in lookups.categories.items()}
    phone_ok = _PHONE.fullmatch
    has_control = _HAS_CONTROL
    seen = set()
    parsed = []
    for line, cells in chunk:
        result.total += 1
        if has_control("".join(cells)):  # NUL and the like: PostgreSQL refuses NUL in text
            cells = [clean_text(cell) for cell in cells]
        if max(map(len, cells)) > MAX_TEXT:
            index = next(i for i, cell in enumerate(cells) if len(cell) > MAX_TEXT)
            if index == i_text:
                reason = _("complaint text longer than %(n)s characters") % {"n": MAX_TEXT}
            else:
                reason = _("value longer than %(n)s characters") % {"n": MAX_TEXT}
            _reject(result, line, _column_name(checker.headers, index), reason, cells)
            continue
        row = cells if len(cells) >= width else cells + [""] * (width - len(cells))
        external_id = row[i_id].strip()
        if not external_id:
            _reject(result, line, headers["external_id"], _("empty work order number"), cells)
            continue
        if len(external_id) > 64:
            _reject(result, line, headers["external_id"], _("work order number too long"), cells)
            continue
        if external_id in seen:
            reason = _("work order number repeated in this file")
            _reject(result, line, headers["external_id"], reason, cells)
            continue
        raw_time = row[i_time].strip()
        received_at = parse_time(raw_time)
        if received_at is None:
            reason = (
                _("unrecognised time %(value)s") % {"value": _shown(raw_time)}
                if raw_time
                else _("empty time")
            )
            _reject(result, line, headers["received_at"], reason, cells)
            continue
        if received_at > latest:
            _reject(result, line, headers["received_at"], _("time lies in the future"), cells)
            continue
        text = row[i_text].strip()
        if not text:
            _reject(result, line, headers["text"], _("empty complaint text"), cells)
            continue
        county_name = row[i_county].strip()
        county_id = county_ids.get(county_name) if county_name else None
        if county_name and county_id is None:
            reason = _("unknown county %(value)s") % {"value": _shown(county_name)}
            _reject(result, line, headers["county"], reason, cells)
            continue
        if allowed is not None and county_id is not None and county_id not in allowed:
            county = lookups.county_by_id[county_id].name
            reason = _("%(county)s lies outside your area") % {"county": county}
            _reject(result, line, headers["county"], reason, cells)
            continue
        phone = row[i_phone].strip()
        if phone and not phone_ok(phone):
            _reject(result, line, headers["caller_phone"], _("malformed phone number"), cells)
            continue
        named = row[i_unit].strip()  # the unit's name, else the first one named in it or the text
        institution_id = institution_ids.get(named)
        unit_column = headers["institution"]
        if institution_id is None:
            name = find_name(named) if named else None
            if name is None and (name := find_name(text)):
                unit_column = headers["text"]
            institution_id = institution_ids[name] if name else None
        if (
            allowed is not None
            and institution_id is not None
            and county_id_of.get(institution_id) not in allowed
        ):
            reason = _("%(institution)s (%(county)s) lies outside your area") % {
                "institution": lookups.institution_by_id[institution_id].name,
                "county": lookups.place_of(institution_id),
            }
            _reject(result, line, unit_column, reason, cells)
            continue
        if county_id is None and institution_id is not None:
            county_id = county_id_of.get(institution_id)
        if county_id is None:
            county_id = home
        seen.add(external_id)
        hint = row[i_hint].strip()
        hinted = category_ids.get(hint) if hint else None
        parsed.append(
            NewItem(
                channel=channel,
                external_id=external_id,
                received_at=received_at,
                text=text,
                region_id=county_id,
                institution_id=institution_id,
                category_id=hinted,
                confidence=1.0 if hinted else None,
                caller_name=row[i_name].strip()[:60],
                caller_phone=phone[:30],
                batch_id=batch_id,
                line=line,
            )
        )
    return parsed


def rejects_csv(rejects: list[dict], headers: list[str]) -> bytes:
    """The rejected rows as a CSV Excel opens (core.exports): line, column, reason, values."""
    return csv_bytes(
        ["行号", "列", "原因", *headers],
        ([r["line"], r["column"], r["reason"], *r["values"]] for r in rejects),
    )


def missing_columns(batch: ImportBatch, mapping: dict[str, str] | None = None) -> list[str]:
    """The required fields the batch's file does not provide (by header, alias or mapping)."""
    table = read_table(Path(settings.MEDIA_ROOT) / batch.stored_file, batch.file_name)
    try:
        resolve_columns(table, mapping)
    except MissingColumns as e:
        return e.missing
    finally:
        table.close()
    return []


def _scope_of(batch: ImportBatch) -> Scope | None:
    """The scope the batch imports in: its uploader's (a county bureau writes only into its
    county); None, anywhere, for a batch the system made (no uploader)."""
    if batch.created_by_id is None:
        return None
    return user_scope(batch.created_by)


def failure_message(error: BaseException) -> str:
    """What a batch that stopped on an unexpected error tells its user."""
    if isinstance(error, DomainError):
        return error.message
    return _(
        "The import stopped on an unexpected error (%(error)s). The rows before it are "
        "stored; importing the file again adds only the missing ones."
    ) % {"error": clean_text(f"{type(error).__name__}: {error}")[:300]}


def run_batch(
    batch: ImportBatch,
    *,
    acting_user=None,
    progress_every: int = CHUNK,
    attempt: int | None = None,
    cluster: bool = False,
) -> ImportBatch:
    """Import the batch's stored file, recording progress and the outcome on the batch; with
    `cluster`, group the repeats among its rows before the batch is done.

    `attempt` is the run of the background job (core/jobs.py): it starts only a batch pending
    for it and stops at its next progress when the batch has expired or been retried (rows
    stored by then stay stored: the work order number keeps a retry from storing them again).
    """
    path = Path(settings.MEDIA_ROOT) / batch.stored_file
    records = jobs.owned(ImportBatch, batch.pk, attempt)
    if attempt is None:
        records.update(status=ImportBatch.Status.RUNNING, heartbeat=timezone.now())
    elif not jobs.claim(records):
        logger.info("Import batch %s is no longer waiting for run %s", batch.pk, attempt)
        batch.refresh_from_db()
        return batch
    table = None
    try:
        table = read_table(path, batch.file_name)
        jobs.beat(records, total_rows=table.total)

        def progress(done, total):
            jobs.beat(records, processed_rows=done, total_rows=total)

        result = import_table(
            table,
            channel=batch.channel,
            batch=batch,
            mapping=batch.mapping,
            progress=progress,
            scope=_scope_of(batch),
        )
        # A retry meets the rows its earlier runs stored as already present: they count as
        # imported by this batch, not as duplicates.
        good = result.accepted + result.duplicates
        retried = attempt is not None and attempt > 1
        accepted = FeedbackItem.objects.filter(batch=batch).count() if retried else result.accepted
        if result.accepted >= BIG_IMPORT:
            refresh_statistics()
        if cluster:
            cluster_items(
                FeedbackItem.objects.filter(batch=batch),
                progress=lambda done, total: jobs.beat(records),
            )
    except jobs.Superseded:
        logger.info("Import batch %s was taken from run %s", batch.pk, attempt)
    except DomainError as e:
        jobs.finish(records, ImportBatch.Status.FAILED, message=e.message)
    except Exception as e:  # whatever it was, the batch must not stay "running" for ever
        logger.exception("Import batch %s (%s) failed", batch.pk, batch.file_name)
        jobs.finish(records, ImportBatch.Status.FAILED, message=failure_message(e))
    else:
        jobs.finish(
            records,
            ImportBatch.Status.DONE,
            total_rows=result.total,
            processed_rows=result.total,
            accepted=accepted,
            duplicates=max(0, good - accepted),
            rejected=result.rejected,
            rejects=[r.__dict__ for r in result.rejects],
            mapping={**batch.mapping, "_headers": table.headers},
            message="",
        )
    finally:
        if table is not None:
            table.close()
    batch.refresh_from_db()
    return batch


def expire_stale_batches(now=None) -> int:
    """Mark failed the batches whose job is gone (core.jobs.expire), and those left at the
    column mapping for MAPPING_TIMEOUT."""
    return jobs.expire(ImportBatch, now=now, waiting_for_input=MAPPING_TIMEOUT)
