"""The task ledger in Excel (the 台账 staff know): a formatted export, and the import of a filled
task sheet back, row by row.

Every row is checked on its own and applied in its own transaction: a bad row is named with
file, row, column and reason and never stops the good ones, and no row is half-written.
任务编号 is the key: a row with it updates that task, a row without it adds a task.
"""

import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core import exports, jobs
from jiebang.core.errors import DomainError
from jiebang.core.params import parse_id
from jiebang.core.permissions import require_perm
from jiebang.orgs.models import User
from jiebang.projects.models import Project

from . import services
from .forms import TaskFilterForm, TaskForm
from .models import Task, TaskExport, TaskImport

logger = logging.getLogger(__name__)

TITLE = "聊城市“揭榜挂帅”改革项目任务台账"
# field → column header; the order is the sheet's.
COLUMNS = {
    "id": "任务编号",
    "project": "项目编号",
    "project_title": "项目名称",
    "parent": "上级任务编号",
    "title": "任务名称",
    "department": "责任部门",
    "owner": "责任人",
    "start": "开始日期",
    "deadline": "截止日期",
    "deliverable": "交付成果",
    "weight": "权重",
    "status": "状态",
    "percent": "进度(%)",
    "overdue": "是否逾期",
}
WIDTHS = {
    "id": 10,
    "project": 14,
    "project_title": 30,
    "parent": 12,
    "title": 36,
    "department": 16,
    "owner": 12,
    "start": 12,
    "deadline": 12,
    "deliverable": 30,
    "weight": 8,
    "status": 10,
    "percent": 10,
    "overdue": 10,
}
REQUIRED = ("project", "title", "deadline")
# Computed from the records; the import ignores them.
READ_ONLY = ("project_title", "status", "percent", "overdue")
HEADER_ROW = 3
# A sheet has at most MAX_ROWS task rows; up to INLINE_ROWS are applied while the user waits,
# more by a background job. The page lists the first MAX_REJECTS_SHOWN rejects, the CSV all.
MAX_ROWS = 5000
INLINE_ROWS = 300
MAX_REJECTS_SHOWN = 500
PROGRESS_EVERY = 100
# An export of more tasks than this is written by a background job, not in the request.
EXPORT_INLINE_ROWS = 1000


def _owner_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.username


def export_tasks(tasks, *, scope: str, progress: Callable[[int, int], None] | None = None):
    """A formatted workbook (bytes) with one row per task of `tasks`, parents before their
    sub-tasks."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    tasks = list(
        tasks.select_related("project", "owner", "parent").order_by(
            "project__code", "deadline", "pk"
        )
    )
    tasks = _parents_first(tasks)
    today = timezone.localdate()
    workbook = exports.new_workbook()
    sheet = workbook.active
    sheet.title = "任务台账"
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = (
        f"范围：{scope}　导出日期：{today:%Y-%m-%d}　共 {len(tasks)} 项任务　"
        "（项目名称、状态、进度、是否逾期由系统计算，导入时不读取）"
    )
    sheet["A2"].font = Font(size=10, color="666666")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for col, (name, header) in enumerate(COLUMNS.items(), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[name]
    sheet.row_dimensions[HEADER_ROW].height = 22
    overdue_fill = PatternFill("solid", fgColor="F8D7DA")
    done_fill = PatternFill("solid", fgColor="D1E7DD")
    for i, task in enumerate(tasks):
        overdue = task.overdue_on(today)
        values = {
            "id": task.pk,
            "project": task.project.code,
            "project_title": task.project.title,
            "parent": task.parent_id,
            "title": task.title,
            "department": task.department,
            "owner": _owner_name(task.owner),
            "start": task.start,
            "deadline": task.deadline,
            "deliverable": task.deliverable,
            "weight": float(task.weight),
            "status": str(task.get_status_display()),
            "percent": task.percent / 100,
            "overdue": "是" if overdue else "否",
        }
        row = HEADER_ROW + 1 + i
        for col, name in enumerate(COLUMNS, start=1):
            cell = exports.write(sheet, row, col, values[name])
            cell.border = border
            if name in ("start", "deadline"):
                cell.number_format = "yyyy-mm-dd"
            elif name == "percent":
                cell.number_format = "0%"
            elif name == "title" and task.parent_id:
                cell.alignment = Alignment(indent=2)
            if name == "overdue" and overdue:
                cell.fill = overdue_fill
                cell.font = Font(bold=True, color="B02A37")
            elif name == "status" and task.status == Task.Status.DONE:
                cell.fill = done_fill
        if progress and (i % 200 == 0 or i == len(tasks) - 1):
            progress(i + 1, len(tasks))
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(tasks), 1)}"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    return exports.workbook_bytes(workbook)


def _parents_first(tasks: list[Task]) -> list[Task]:
    children: dict[int, list[Task]] = {}
    for task in tasks:
        if task.parent_id:
            children.setdefault(task.parent_id, []).append(task)
    present = {task.pk for task in tasks}
    ordered = []
    for task in tasks:
        if task.parent_id in present:
            continue  # placed right after its parent
        ordered.append(task)
        ordered.extend(children.get(task.pk, ()))
    return ordered


# Import


@dataclass
class Reject:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    file_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [
            _("%(file)s, row %(row)d, column “%(column)s”: %(reason)s")
            % {"file": self.file_name, "row": r.row, "column": r.column, "reason": r.reason}
            for r in self.rejects
        ]


class RowError(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value, column: str, *, required: bool):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise RowError(column, _("a date is required"))
        return None
    if m := _DATE.match(text.split(" ")[0]):
        try:
            return date(*(int(x) for x in m.groups()))
        except ValueError:
            pass
    raise RowError(column, _("“%(value)s” is not a date (use 2026-03-31)") % {"value": text})


def _int_id(value, column: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    if (pk := parse_id(text)) is None:
        raise RowError(column, _("“%(value)s” is not a task id") % {"value": text[:40]})
    return pk


@dataclass
class Sheet:
    """The first sheet of an uploaded workbook, read as a stream (openpyxl's read-only mode): the
    column index of each known header and the number of task rows below the header."""

    workbook: object
    file_name: str
    index: dict[str, int]
    header_row: int
    total: int = 0

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(sheet row number, values) of each non-empty row below the header."""
        sheet = self.workbook.worksheets[0]
        for line, values in enumerate(
            sheet.iter_rows(min_row=self.header_row + 1, values_only=True),
            start=self.header_row + 1,
        ):
            if any(_text(v) for v in values):
                yield line, values

    def close(self) -> None:
        self.workbook.close()


def open_sheet(content: bytes, file_name: str) -> Sheet:
    """The workbook's first sheet, checked: DomainError (naming the file) when it is no
    workbook, lacks a required column or has more than MAX_ROWS task rows."""
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise DomainError(_("%(file)s is not an Excel workbook (.xlsx).") % {"file": file_name})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = _find_header(workbook, file_name)
        for _line, _values in sheet.rows():
            sheet.total += 1
            if sheet.total > MAX_ROWS:
                raise DomainError(
                    _("%(file)s has more than %(max)d task rows; split it into several files.")
                    % {"file": file_name, "max": MAX_ROWS}
                )
    except DomainError:
        raise
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise DomainError(
            _("%(file)s could not be opened as an Excel workbook: %(error)s")
            % {"file": file_name, "error": e}
        ) from e
    return sheet


def _find_header(workbook, file_name: str) -> Sheet:
    headers = {header: name for name, header in COLUMNS.items()}
    if not workbook.worksheets:
        raise DomainError(_("%(file)s has no worksheet.") % {"file": file_name})
    first = workbook.worksheets[0]
    for number, values in enumerate(first.iter_rows(max_row=10, values_only=True), start=1):
        cells = [_text(v) for v in values]
        if COLUMNS["title"] in cells:
            index = {headers[c]: i for i, c in enumerate(cells) if c in headers}
            if all(f in index for f in REQUIRED):
                return Sheet(workbook, file_name, index, number)
            break
    raise DomainError(
        _("%(file)s: required columns missing: %(columns)s.")
        % {"file": file_name, "columns": "、".join(COLUMNS[f] for f in REQUIRED)}
    )


class _Lookups:
    def __init__(self, user):
        self.user = user
        self.projects = {}
        self.people = {}

    def project(self, code: str) -> Project | None:
        if code not in self.projects:
            self.projects[code] = (
                Project.objects.visible_to(self.user)
                .filter(code__iexact=code)
                .select_related("implementing_unit__region")
                .first()
            )
        return self.projects[code]

    def owner(self, project: Project, name: str) -> User:
        key = (project.implementing_unit_id, name)
        if key not in self.people:
            users = User.objects.of_unit(project.implementing_unit_id)
            matches = list(users.filter(username=name)) or list(users.filter(full_name=name))
            self.people[key] = matches[0] if len(matches) == 1 else None
        if self.people[key] is None:
            raise RowError(
                COLUMNS["owner"],
                _("“%(name)s” is not a person of %(unit)s")
                % {"name": name, "unit": project.implementing_unit or "—"},
            )
        return self.people[key]


def _row_fields(index, values, lookups: _Lookups) -> tuple[Task | None, Project, dict]:
    def cell(name):
        i = index.get(name)
        return values[i] if i is not None and i < len(values) else None

    task_id = _int_id(cell("id"), COLUMNS["id"]) if "id" in index else None
    code = _text(cell("project"))
    if not code:
        raise RowError(COLUMNS["project"], _("a project code is required"))
    project = lookups.project(code)
    if project is None:
        raise RowError(COLUMNS["project"], _("no project with code “%(code)s”") % {"code": code})
    task = None
    if task_id is not None:
        task = Task.objects.visible_to(lookups.user).filter(pk=task_id).first()
        if task is None:
            raise RowError(COLUMNS["id"], _("no task with id %(id)d") % {"id": task_id})
        if task.project_id != project.pk:
            raise RowError(
                COLUMNS["project"],
                _("task %(id)d belongs to project %(code)s")
                % {"id": task_id, "code": task.project.code},
            )
    title = _text(cell("title"))
    if not title:
        raise RowError(COLUMNS["title"], _("a task title is required"))
    fields = {"title": _as_in_form("title", title)}
    fields["deadline"] = _date(cell("deadline"), COLUMNS["deadline"], required=True)
    if "start" in index:
        fields["start"] = _date(cell("start"), COLUMNS["start"], required=False)
    for name in ("department", "deliverable"):
        if name in index:
            fields[name] = _as_in_form(name, _text(cell(name)))
    if "owner" in index:
        name = _text(cell("owner"))
        fields["owner"] = lookups.owner(project, name) if name else None
    if "weight" in index and _text(cell("weight")):
        try:
            weight = Decimal(_text(cell("weight")))
        except InvalidOperation:
            weight = Decimal(0)
        if not weight.is_finite() or weight <= 0 or weight >= 100000:
            raise RowError(COLUMNS["weight"], _("the weight must be a positive number"))
        fields["weight"] = weight
    start = fields.get("start", task.start if task else None)
    if start and start > fields["deadline"]:
        raise RowError(COLUMNS["deadline"], _("the deadline is before the start"))
    if "parent" in index:
        parent_id = _int_id(cell("parent"), COLUMNS["parent"])
        if task is not None:
            if parent_id != task.parent_id:
                raise RowError(
                    COLUMNS["parent"], _("the parent of an existing task cannot be changed")
                )
        elif parent_id is not None:
            parent = project.tasks.filter(pk=parent_id).first()
            if parent is None:
                raise RowError(
                    COLUMNS["parent"],
                    _("no task %(id)d in this project") % {"id": parent_id},
                )
            fields["parent"] = parent
    return task, project, fields


def _as_in_form(name: str, value):
    """`value` checked by the web form's own field (length limits, required), so a sheet can
    store nothing the task form would refuse."""
    try:
        return TaskForm.base_fields[name].clean(value)
    except ValidationError as e:
        raise RowError(COLUMNS[name], " ".join(e.messages)) from e


def import_tasks(
    content: bytes,
    file_name: str,
    *,
    acting_user,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Apply a filled task sheet row by row (see the module docstring); `progress(done, total)`
    is called every PROGRESS_EVERY rows."""
    sheet = open_sheet(content, file_name)
    try:
        return _apply(sheet, acting_user, progress)
    finally:
        sheet.close()


def _apply(
    sheet: Sheet,
    acting_user,
    progress,
    *,
    result: ImportResult | None = None,
    after_row: int = 0,
    checkpoint: Callable[[int, ImportResult, bool], None] | None = None,
) -> ImportResult:
    """Apply the sheet's rows after `after_row` (those up to it were applied by an earlier run
    and are counted in `result`). `checkpoint(row, result, applied)` follows every row; for
    an applied row it runs inside the row's transaction, so the row and the record of it
    are written together or not at all."""
    result = result or ImportResult(sheet.file_name)
    lookups = _Lookups(acting_user)
    index = sheet.index
    for done, (line, values) in enumerate(sheet.rows(), start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, sheet.total)
        if line <= after_row:
            continue
        try:
            with transaction.atomic():
                task, project, fields = _row_fields(index, values, lookups)
                if task is None:
                    services.create_task(project, acting_user=acting_user, **fields)
                    result.created += 1
                else:
                    before = task.updated_at
                    task = services.update_task(task, acting_user=acting_user, **fields)
                    if task.updated_at == before:
                        result.unchanged += 1
                    else:
                        result.updated += 1
                if checkpoint:
                    checkpoint(line, result, True)
            continue
        except RowError as e:
            result.rejects.append(Reject(line, e.column, e.reason))
        except DomainError as e:
            result.rejects.append(Reject(line, COLUMNS["project"], e.message))
        except PermissionDenied:
            result.rejects.append(
                Reject(line, COLUMNS["project"], _("you may not change this project's tasks"))
            )
        if checkpoint:
            checkpoint(line, result, False)
    return result


# The web import: a TaskImport record per upload.


def start_import(upload, *, acting_user) -> TaskImport:
    """Check the uploaded sheet and record it; small sheets are applied at once, bigger ones
    by the background job. DomainError (nothing stored) when the file is refused."""
    from .tasks import import_task_sheet

    require_perm(acting_user, "ledger.import_tasks")
    content = upload.read()
    sheet = open_sheet(content, upload.name)
    try:
        inline = sheet.total <= INLINE_ROWS
        record = TaskImport(
            file_name=upload.name[:200],
            created_by=acting_user,
            total_rows=sheet.total,
            attempt=1 if inline else 0,  # the request is the first run of a small one
        )
        record.file.save(upload.name, ContentFile(content), save=True)
        if inline:
            # The sheet just checked is applied as it is: not read back from storage, its
            # rows not counted again.
            return run_import(record, attempt=1, sheet=sheet)
    finally:
        sheet.close()
    jobs.enqueue(import_task_sheet, record)
    return record


def retry_import(record: TaskImport, *, acting_user) -> TaskImport:
    """Apply a failed import again, as a background job that resumes after the last row the
    failed run applied (TaskImport.applied_row): a row without a task id never adds its task
    twice. An import that is not failed (a second click, a retry already queued) is left as
    it is. PermissionDenied for anyone but its uploader; DomainError when its file is gone."""
    from .tasks import import_task_sheet

    require_perm(acting_user, "ledger.import_tasks")
    if record.created_by_id != acting_user.pk:
        raise PermissionDenied
    if record.status != TaskImport.Status.FAILED:
        return record
    if not record.file or not record.file.storage.exists(record.file.name):
        raise DomainError(
            _("The file of %(file)s is no longer kept: upload it again.")
            % {"file": record.file_name}
        )
    jobs.enqueue(
        import_task_sheet,
        record,
        only_from=[TaskImport.Status.FAILED],
        message="",
        finished_at=None,
    )
    return record


def run_import(
    record: TaskImport, *, attempt: int | None = None, sheet: Sheet | None = None
) -> TaskImport:
    """Apply the record's stored sheet as its uploader, recording progress and outcome, from
    the row after the last one applied (a retry resumes there). Any failure marks the import
    failed with its reason; rows applied before it stay applied. `attempt` is the run of the
    background job (core/jobs.py): it starts only an import pending for it, and stops before
    its next row once the import has expired or been retried.

    `sheet` is the stored file already opened and counted (start_import applies a small sheet
    in the request that checked it); the caller closes it. Without it the stored file is
    opened here."""
    records = jobs.owned(TaskImport, record.pk, attempt)
    if attempt is None:
        records.update(status=TaskImport.Status.RUNNING, heartbeat=timezone.now())
    elif not jobs.claim(records):
        logger.info("task sheet import %s is no longer waiting for run %s", record.pk, attempt)
        record.refresh_from_db()
        return record
    record.refresh_from_db()  # what earlier runs applied
    result = ImportResult(
        record.file_name,
        created=record.added,
        updated=record.updated,
        unchanged=record.unchanged,
        rejects=[Reject(**r) for r in record.rejects],
    )
    saved = {"row": record.applied_row, "rejects": len(result.rejects)}

    def progress(done, total):
        jobs.beat(records, processed_rows=done, total_rows=total)

    def checkpoint(line, result, applied):
        # An applied row is recorded with it, in its transaction; rejected rows change
        # nothing, so they are recorded now and then (a resumed run checks them again).
        if not applied and line - saved["row"] < PROGRESS_EVERY:
            return
        fields = {
            "applied_row": line,
            "added": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if len(result.rejects) != saved["rejects"]:
            fields["rejected"] = len(result.rejects)
            fields["rejects"] = [r.__dict__ for r in result.rejects]
        jobs.beat(records, **fields)
        saved.update(row=line, rejects=len(result.rejects))

    opened = None
    try:
        if sheet is None:
            with record.file.open("rb") as f:
                content = f.read()
            sheet = opened = open_sheet(content, record.file_name)
        result = _apply(
            sheet,
            record.created_by,
            progress,
            result=result,
            after_row=record.applied_row,
            checkpoint=checkpoint,
        )
    except jobs.Superseded:
        logger.info("task sheet import %s was taken from run %s", record.pk, attempt)
    except DomainError as e:
        _finish(records, status=TaskImport.Status.FAILED, message=e.message)
    except Exception as e:
        logger.exception("task sheet import %s failed", record.pk)
        _finish(
            records,
            status=TaskImport.Status.FAILED,
            message=_("The import stopped on an unexpected error: %(error)s") % {"error": e},
        )
    else:
        _finish(
            records,
            status=TaskImport.Status.DONE,
            processed_rows=record.total_rows,
            added=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=len(result.rejects),
            rejects=[r.__dict__ for r in result.rejects],
        )
    finally:
        if opened is not None:
            opened.close()
    record.refresh_from_db()
    return record


def _finish(records, *, status, **fields) -> None:
    jobs.finish(records, status, finished_at=timezone.now(), **fields)


def rejects_csv(record: TaskImport) -> bytes:
    return exports.csv_bytes(
        ["文件", "行号", "列", "原因"],
        ([record.file_name, r["row"], r["column"], r["reason"]] for r in record.rejects),
    )


# The export of a big scope: a TaskExport record written by a background job.


def start_export(query: str, *, scope: str, acting_user) -> TaskExport:
    """Queue the export of the tasks the user sees, filtered by the task list's query string
    (TaskFilterForm); the user's unfinished export of the same filters is reused (a second
    click, a reload), so asking twice queues one job."""
    from .tasks import export_task_ledger

    require_perm(acting_user, "ledger.view_ledger")
    unfinished = TaskExport.objects.filter(
        created_by=acting_user, query=query, status__in=jobs.UNFINISHED
    )
    if record := unfinished.first():
        return record
    record = TaskExport.objects.create(created_by=acting_user, query=query, scope=scope[:200])
    jobs.enqueue(export_task_ledger, record, only_from=[TaskExport.Status.PENDING])
    return record


def run_export(record: TaskExport, *, attempt: int | None = None) -> TaskExport:
    """Write the export's workbook: the tasks its requester sees now, filtered as asked. Any
    failure marks the export failed with its reason."""
    records = jobs.owned(TaskExport, record.pk, attempt)
    if attempt is None:
        records.update(status=TaskExport.Status.RUNNING, heartbeat=timezone.now())
    elif not jobs.claim(records):
        record.refresh_from_db()
        return record
    stored = ""
    try:
        form = TaskFilterForm(QueryDict(record.query) or None)
        tasks = form.filter(Task.objects.visible_to(record.created_by))
        total = tasks.count()
        jobs.beat(records, total_rows=total)
        content = export_tasks(
            tasks,
            scope=record.scope,
            progress=lambda done, total: jobs.beat(records, processed_rows=done),
        )
        name = f"ledger-{timezone.localdate():%Y%m%d}-{record.pk}.xlsx"
        stored = record.file.storage.save(
            record.file.field.generate_filename(record, name), ContentFile(content)
        )
    except jobs.Superseded:
        logger.info("task ledger export %s was taken from run %s", record.pk, attempt)
    except Exception as e:
        logger.exception("task ledger export %s failed", record.pk)
        message = _("The export stopped on an unexpected error: %(error)s") % {"error": e}
        jobs.finish(records, TaskExport.Status.FAILED, message=message, finished_at=timezone.now())
    else:
        done = jobs.finish(
            records,
            TaskExport.Status.DONE,
            file=stored,
            total_rows=total,
            processed_rows=total,
            finished_at=timezone.now(),
        )
        if not done:  # expired meanwhile: nobody will download it
            record.file.storage.delete(stored)
    record.refresh_from_db()
    return record


def expire_stale_jobs(now=None) -> int:
    """Mark failed the task sheet imports and exports whose job is gone (core.jobs.expire)."""
    return jobs.expire(TaskImport, now=now) + jobs.expire(TaskExport, now=now)
