"""Importing 12345 hotline exports (CSV or XLSX, UTF-8 or GBK/GB18030).

Every row is checked on its own: a bad row is rejected with its line, column and reason and
never stops the good ones; good rows are inserted in chunks, each chunk in one transaction.
工单编号 is the key, so importing the same file again adds nothing.
"""

import csv
import io
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
from pathlib import Path
from zoneinfo import ZoneInfo

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.orgs.models import Institution, Region

from .bulk import deferred_indexes, insert_items
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
MAX_TEXT = 5000
MAX_REJECTS_KEPT = 10_000
CHUNK = 5000
WORKERS = 2  # processes that check and classify a big import while this one stores
SHANGHAI = ZoneInfo("Asia/Shanghai")
_PHONE = re.compile(r"^\+?[\d\-\s()]{7,20}$")
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
class Table:
    file_name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)
    total: int


@dataclass
class Reject:
    line: int
    column: str
    reason: str
    values: list[str] = field(default_factory=list)


def _clean_header(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().lstrip("\ufeff")


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
    """Open a CSV or XLSX export; DomainError (in Chinese) when it is neither."""
    with open(path, "rb") as f:
        head = f.read(65536)
    if not head.strip():
        raise DomainError(_("%(file)s is empty.") % {"file": file_name})
    if head[:4] == b"PK\x03\x04":
        return _read_xlsx(path, file_name)
    if file_name.lower().endswith((".xlsx", ".xls")) or b"\x00" in head[:4096]:
        raise DomainError(
            _("%(file)s is not a CSV or XLSX file (old .xls: save it as .xlsx first).")
            % {"file": file_name}
        )
    return _read_csv(path, file_name, detect_encoding(head))


def _read_csv(path, file_name, encoding) -> Table:
    with open(path, "rb") as f:
        total = max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)
    stream = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115
    reader = csv.reader(stream)
    try:
        headers = [_clean_header(h) for h in next(reader)]
    except StopIteration:
        stream.close()
        raise DomainError(_("%(file)s is empty.") % {"file": file_name}) from None

    def rows():
        with stream:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, cells

    return Table(file_name, headers, rows(), total)


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
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        headers = [_clean_header(h) for h in next(iterator)]
    except StopIteration:
        workbook.close()
        raise DomainError(_("%(file)s is empty.") % {"file": file_name}) from None

    def rows():
        try:
            for line, values in enumerate(iterator, start=2):
                cells = [_cell(v) for v in values]
                if any(c.strip() for c in cells):
                    yield line, cells
        finally:
            workbook.close()

    return Table(file_name, headers, rows(), max(0, (sheet.max_row or 1) - 1))


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
    return parsed.replace(tzinfo=SHANGHAI)


class Lookups:
    """Counties and institutions by name, and institution names found inside a text."""

    def __init__(self):
        self.counties = {}
        for region in Region.objects.filter(kind__in=Region.COUNTY_LEVEL):
            for name in {region.name, f"聊城市{region.name}", f"聊城{region.name}"}:
                self.counties[name] = region
        self.institutions = {}
        self.county_of = {}
        by_path = {r.path: r for r in self.counties.values()}
        for inst in Institution.objects.select_related("region"):
            self.institutions[inst.name] = inst
            county_path = "/".join(inst.region.path.split("/")[:3]) + "/"
            self.county_of[inst.pk] = by_path.get(county_path)
        # Longest first, so 东昌府区中医院 wins over a shorter name inside it.
        self.names = sorted(self.institutions, key=len, reverse=True)
        self.categories = category_lookup()

    def county(self, name: str):
        return self.counties.get(name.strip())

    def institution(self, named: str, text: str):
        named = named.strip()
        if named in self.institutions:
            return self.institutions[named]
        for haystack in (named, text):
            if haystack:
                for name in self.names:
                    if name in haystack:
                        return self.institutions[name]
        return None


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


@dataclass
class Result:
    total: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejected: int = 0
    seconds: dict[str, float] = field(
        default_factory=lambda: {"check": 0.0, "classify": 0.0, "store": 0.0}
    )


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
) -> Result:
    """Validate, classify and store the table's rows; returns what happened to each.

    With `parallel`, a second process checks and classifies chunk N while this one stores
    chunk N-1; with `bulk_load` the secondary indexes are rebuilt once at the end
    (both for very big files from the command line; web imports run inline).
    """
    from .classifier import classify as default_classify
    from .classifier import load_model

    classify = classify or default_classify
    columns = resolve_columns(table, mapping)
    lookups = lookups or Lookups()
    result = Result()
    seen: set[str] = set()
    executor = None
    if parallel:
        load_model()  # before the fork, so the worker inherits the loaded model
        executor = ProcessPoolExecutor(
            WORKERS,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(
                columns,
                Table(table.file_name, table.headers, iter(()), table.total),
                channel,
                batch,
                lookups,
            ),
        )
    id_header = table.headers[columns["external_id"]]
    pending: deque = deque()
    with deferred_indexes() if bulk_load else nullcontext(), _shutdown(executor):
        for chunk in _chunks(table.rows, chunk_size):
            if executor is not None:
                # Workers check and classify the next chunks while this process stores;
                # results are taken in file order, so repeats within the file are found here.
                pending.append(executor.submit(_check_and_classify, chunk, classify))
                if len(pending) > WORKERS:
                    _store_checked(pending.popleft().result(), id_header, lookups, seen, result)
            else:
                fresh = _check_chunk(chunk, columns, table, channel, batch, lookups, seen, result)
                texts = [item.text for item in fresh if item.category_id is None]
                started = time.perf_counter()
                labels = classify(texts)
                result.seconds["classify"] += time.perf_counter() - started
                _store(fresh, labels, lookups, result)
            if progress:
                progress(result.total, table.total)
        while pending:
            _store_checked(pending.popleft().result(), id_header, lookups, seen, result)
    if progress:
        progress(result.total, result.total)
    return result


# The worker process's own state for one import: set by the initializer at fork time.
_worker: dict = {}


def _init_worker(columns, table, channel, batch, lookups):
    _worker.update(columns=columns, table=table, channel=channel, batch=batch, lookups=lookups)


def _check_and_classify(chunk, classify):
    """In a worker: validate a chunk and label its good rows."""
    w = _worker
    partial = Result()
    fresh = _check_chunk(
        chunk, w["columns"], w["table"], w["channel"], w["batch"], w["lookups"], None, partial
    )
    texts = [item.text for item in fresh if item.category_id is None]
    started = time.perf_counter()
    labels = classify(texts)
    partial.seconds["classify"] += time.perf_counter() - started
    return fresh, labels, partial


def _store_checked(checked, id_header, lookups, seen, result):
    fresh, labels, partial = checked
    result.total += partial.total
    kept_items, kept_labels, labelled = [], [], iter(labels)
    for item in fresh:
        label = next(labelled) if item.category_id is None else None
        if item.external_id in seen:
            _reject(result, item.line, id_header, _("work order number repeated in this file"), [])
            continue
        seen.add(item.external_id)
        kept_items.append(item)
        if label is not None:
            kept_labels.append(label)
    fresh, labels = kept_items, kept_labels
    result.rejected += partial.rejected
    room = MAX_REJECTS_KEPT - len(result.rejects)
    result.rejects.extend(partial.rejects[: max(0, room)])
    for step, seconds in partial.seconds.items():
        result.seconds[step] += seconds
    _store(fresh, labels, lookups, result)


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
        result.rejects.append(Reject(line, header, reason, cells))


def _check_chunk(chunk, columns, table, channel, batch, lookups, seen, result) -> list[NewItem]:
    """Validate every row of the chunk; return the good ones (stored ones are skipped on
    insert, where the unique key decides)."""
    started = time.perf_counter()
    headers = table.headers
    now = timezone.now()
    latest = now + timedelta(days=1)
    parsed = []
    for line, cells in chunk:
        result.total += 1

        def get(name, cells=cells):
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def header(name):
            return headers[columns[name]] if name in columns else COLUMNS[name]

        external_id = get("external_id")
        if not external_id:
            _reject(result, line, header("external_id"), _("empty work order number"), cells)
            continue
        if len(external_id) > 64:
            _reject(result, line, header("external_id"), _("work order number too long"), cells)
            continue
        if seen is not None and external_id in seen:
            _reject(
                result,
                line,
                header("external_id"),
                _("work order number repeated in this file"),
                cells,
            )
            continue
        received_at = parse_time(get("received_at"))
        if received_at is None:
            reason = (
                _("empty time")
                if not get("received_at")
                else _("unrecognised time %(value)s") % {"value": get("received_at")}
            )
            _reject(result, line, header("received_at"), reason, cells)
            continue
        if received_at > latest:
            _reject(result, line, header("received_at"), _("time lies in the future"), cells)
            continue
        text = get("text")
        if not text:
            _reject(result, line, header("text"), _("empty complaint text"), cells)
            continue
        if len(text) > MAX_TEXT:
            _reject(
                result,
                line,
                header("text"),
                _("complaint text longer than %(n)s characters") % {"n": MAX_TEXT},
                cells,
            )
            continue
        county_name = get("county")
        county = lookups.county(county_name) if county_name else None
        if county_name and county is None:
            _reject(
                result,
                line,
                header("county"),
                _("unknown county %(value)s") % {"value": county_name},
                cells,
            )
            continue
        phone = get("caller_phone")
        if phone and not _PHONE.match(phone):
            _reject(result, line, header("caller_phone"), _("malformed phone number"), cells)
            continue
        institution = lookups.institution(get("institution"), text)
        if county is None and institution is not None:
            county = lookups.county_of.get(institution.pk)
        if seen is not None:
            seen.add(external_id)
        hinted = lookups.categories.get(get("category_hint"))
        parsed.append(
            NewItem(
                channel=channel,
                external_id=external_id,
                received_at=received_at,
                text=text,
                region_id=county.pk if county else None,
                institution_id=institution.pk if institution else None,
                category_id=hinted.pk if hinted else None,
                confidence=1.0 if hinted else None,
                caller_name=get("caller_name")[:60],
                caller_phone=phone[:30],
                batch_id=batch.pk if batch else None,
                line=line,
            )
        )
    result.seconds["check"] += time.perf_counter() - started
    return parsed


def _store(fresh, labels, lookups, result) -> None:
    """Attach the classifier's labels and insert the chunk (all of it or none)."""
    if hasattr(labels, "result"):
        started = time.perf_counter()
        labels = labels.result()
        result.seconds["classify"] += time.perf_counter() - started
    to_classify = [item for item in fresh if item.category_id is None]
    for item, (name, confidence) in zip(to_classify, labels, strict=True):
        category = lookups.categories.get(name)
        item.category_id = category.pk if category else None
        item.confidence = confidence
    started = time.perf_counter()
    inserted = insert_items(fresh)
    result.seconds["store"] += time.perf_counter() - started
    result.accepted += inserted
    result.duplicates += len(fresh) - inserted


def rejects_csv(rejects: list[dict], headers: list[str]) -> bytes:
    """The rejected rows as a CSV Excel opens (UTF-8 with BOM): line, column, reason, values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "列", "原因", *headers])
    for r in rejects:
        writer.writerow([r["line"], r["column"], r["reason"], *r["values"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run_batch(batch: ImportBatch, *, acting_user=None, progress_every: int = CHUNK) -> ImportBatch:
    """Import the batch's stored file, recording progress and the outcome on the batch."""
    path = Path(settings.MEDIA_ROOT) / batch.stored_file
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    try:
        table = read_table(path, batch.file_name)
        ImportBatch.objects.filter(pk=batch.pk).update(total_rows=table.total)

        def progress(done, total):
            ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done, total_rows=total)

        result = import_table(
            table, channel=batch.channel, batch=batch, mapping=batch.mapping, progress=progress
        )
    except DomainError as e:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, message=e.message
        )
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.DONE,
            total_rows=result.total,
            processed_rows=result.total,
            accepted=result.accepted,
            duplicates=result.duplicates,
            rejected=result.rejected,
            rejects=[r.__dict__ for r in result.rejects],
            mapping={**batch.mapping, "_headers": table.headers},
        )
    batch.refresh_from_db()
    if batch.accepted >= BIG_IMPORT:
        refresh_statistics()
    return batch
