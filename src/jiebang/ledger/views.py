"""Pages of the two ledgers: the task ledger (任务台账), a project's ledger with its tasks and
indicator figures, task pages with progress updates and their review, the queue (我的待办),
一图一表, and the Excel export and import."""

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core import exports
from jiebang.core.actions import press, submit
from jiebang.core.forms import NoteForm, ReasonForm
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.models import Project

from . import charts, excel, services
from .forms import (
    AcceptForm,
    BatchConfirmForm,
    DeadlineRequestForm,
    ImportForm,
    MeasurementForm,
    ProgrammeFilterForm,
    ProgressForm,
    PublicForm,
    ReturnForm,
    TaskFilterForm,
    TaskForm,
)
from .models import (
    DeadlineChangeRequest,
    Evidence,
    IndicatorMeasurement,
    ProgressUpdate,
    Task,
    TaskImport,
)
from .queries import Queue, overdue_counts, progress_of

# Projects with a ledger: from the decomposition while the letter is drafted to evaluation.
LEDGER_PROJECT_STATUSES = (*services.LEDGER_STATUSES, "completed", "evaluated")


def ledger_projects(user):
    """The projects whose ledger the user may see (Project.objects.implemented_visible_to)."""
    return Project.objects.filter(status__in=LEDGER_PROJECT_STATUSES).implemented_visible_to(user)


def _project(request, pk) -> Project:
    require_perm(request.user, "ledger.view_ledger")
    return get_object_or_404(ledger_projects(request.user), pk=pk)


def _task(request, pk) -> Task:
    require_perm(request.user, "ledger.view_ledger")
    return get_visible_or_404(Task, request.user, pk=pk)


def task_list(request):
    """任务台账: every task in the user's scope, filterable, with export and import."""
    require_perm(request.user, "ledger.view_ledger")
    form = TaskFilterForm(request.GET or None)
    tasks = form.filter(
        Task.objects.visible_to(request.user).select_related(
            "project__implementing_unit", "owner", "parent"
        )
    ).order_by("deadline", "pk")
    context = {
        "form": form,
        "page": Paginator(tasks, 50).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
        "export_query": request.GET.urlencode(),
        "can_import": can(request.user, "ledger.import_tasks"),
    }
    return render(request, "ledger/task_list.html", context)


def _ledger_context(request, project) -> dict:
    """A project's ledger: its tasks and sub-tasks, the indicator figures, the forms."""
    user = request.user
    measurements = IndicatorMeasurement.objects.filter(indicator__project=project)
    context = {
        "project": project,
        "rows": charts.task_rows(project),
        "progress": progress_of([project.pk])[project.pk],
        "overdue": overdue_counts([project.pk])[project.pk],
        "measurements": measurements.select_related("indicator", "reviewed_by", "created_by")
        .prefetch_related("evidence")
        .order_by("indicator", "-period", "-pk"),
        "can_manage": can(user, "ledger.manage_tasks", project)
        and project.status in services.LEDGER_STATUSES,
        "can_report": can(user, "ledger.report_progress", project)
        and project.status in services.LEDGER_STATUSES,
        "can_review": can(user, "ledger.review_figure", project),
        "can_complete": can(user, "ledger.complete_project", project)
        and project.status == Project.Status.IN_PROGRESS
        and not project.tasks.filter(parent=None).exclude(status=Task.Status.DONE).exists(),
        "return_form": ReturnForm(),
    }
    if context["can_report"] and project.indicators.exists():
        context["measurement_form"] = MeasurementForm(project=project)
    return context


def project_ledger(request, pk):
    project = _project(request, pk)
    return render(request, "ledger/project_ledger.html", _ledger_context(request, project))


def _task_form(request, project, task=None):
    require_perm(request.user, "ledger.manage_tasks", project)
    initial = {k: getattr(task, k) for k in services.TASK_FIELDS} if task else None
    locked = task is not None and services.letter_confirmed(project)

    def save(**data):
        if task is None:
            return services.create_task(project, acting_user=request.user, **data)
        return services.update_task(task, acting_user=request.user, **data)

    return submit(
        request,
        TaskForm(
            request.POST or None, project=project, task=task, initial=initial, dates_locked=locked
        ),
        save,
        message=_("The task was saved."),
        success=lambda saved: saved,
        template="ledger/task_form.html",
        context={"project": project, "task": task},
    )


def task_create(request, pk):
    return _task_form(request, _project(request, pk))


def task_edit(request, pk):
    task = _task(request, pk)
    return _task_form(request, task.project, task)


def _task_context(request, task) -> dict:
    """A task's page with the forms the user may use now."""
    user = request.user
    reportable = task.project.status in services.LEDGER_STATUSES
    open_leaf = task.status != Task.Status.DONE and not task.subtasks.exists()
    context = {
        "task": task,
        "project": task.project,
        "subtasks": task.subtasks.select_related("owner"),
        "updates": task.updates.select_related("created_by", "reviewed_by").prefetch_related(
            "evidence"
        ),
        "deadline_requests": task.deadline_requests.select_related("requested_by", "decided_by"),
        "dates_locked": services.letter_confirmed(task.project),
        "can_manage": reportable and can(user, "ledger.manage_tasks", task.project),
        "can_review": can(user, "ledger.review_figure", task),
        "return_form": ReturnForm(),
        "history": object_history(task),
    }
    if reportable and open_leaf and can(user, "ledger.report_progress", task):
        context["progress_form"] = ProgressForm(
            initial={"status": Task.Status.IN_PROGRESS, "percent": task.percent},
            confirmed_percent=task.percent,
        )
    if reportable and task.status != Task.Status.DONE and can(user, "ledger.accept_task", task):
        context["accept_form"] = AcceptForm()
    if can(user, "ledger.request_deadline_change", task) and (
        services.can_request_deadline_change(task)
    ):
        context["deadline_form"] = DeadlineRequestForm()
    return context


def task_detail(request, pk):
    task = _task(request, pk)
    return render(request, "ledger/task_detail.html", _task_context(request, task))


def _task_action(request, task, form, form_name, perform, message):
    """A form of the task's page (report, accept, ask for a deadline): errors come back
    there."""
    return submit(
        request,
        form,
        lambda **data: perform(task, acting_user=request.user, **data),
        message=message,
        success=task,
        template="ledger/task_detail.html",
        context=lambda: _task_context(request, task),
        form_name=form_name,
    )


@require_POST
def task_report(request, pk):
    task = _task(request, pk)
    require_perm(request.user, "ledger.report_progress", task)
    form = ProgressForm(request.POST, request.FILES, confirmed_percent=task.percent)
    message = _("Your update was sent for confirmation.")
    return _task_action(request, task, form, "progress_form", services.report_progress, message)


@require_POST
def task_accept(request, pk):
    task = _task(request, pk)
    require_perm(request.user, "ledger.accept_task", task)
    form = AcceptForm(request.POST, request.FILES)
    message = _("The task was accepted and is done.")
    return _task_action(request, task, form, "accept_form", services.accept_task, message)


@require_POST
def task_deadline_request(request, pk):
    """The unit asks for a new deadline (the letter is confirmed); errors on the task page."""
    task = _task(request, pk)
    require_perm(request.user, "ledger.request_deadline_change", task)
    form = DeadlineRequestForm(request.POST)
    message = _("Your deadline change request was sent for a decision.")
    perform = services.request_deadline_change
    return _task_action(request, task, form, "deadline_form", perform, message)


def _deadline_request(request, pk) -> DeadlineChangeRequest:
    require_perm(request.user, "ledger.view_ledger")
    return get_visible_or_404(DeadlineChangeRequest, request.user, pk=pk)


@require_POST
def deadline_request_approve(request, pk):
    deadline_request = _deadline_request(request, pk)

    def approve(note):
        services.approve_deadline_change(deadline_request, acting_user=request.user, note=note)

    form = NoteForm(request.POST)
    message = _("The new deadline was approved.")
    return _review(request, deadline_request, approve, message, form)


@require_POST
def deadline_request_refuse(request, pk):
    deadline_request = _deadline_request(request, pk)

    def refuse(reason):
        services.refuse_deadline_change(deadline_request, acting_user=request.user, reason=reason)

    form = ReasonForm(request.POST)
    message = _("The deadline change was refused.")
    return _review(request, deadline_request, refuse, message, form)


def _review(request, figure, perform, message, form=None):
    """A reviewer's button (confirm, return with a reason …): back to the page it is on
    (`next`), else the queue."""
    require_perm(request.user, "ledger.review_figure", figure)
    return press(request, perform, form=form, message=message, success="ledger:queue")


@require_POST
def update_confirm(request, pk):
    update = get_visible_or_404(ProgressUpdate, request.user, pk=pk)
    confirm = lambda: services.confirm_update(update, acting_user=request.user)  # noqa: E731
    return _review(request, update, confirm, _("The update was confirmed."))


@require_POST
def updates_confirm(request):
    """The queue's batch button: confirm the ticked progress updates."""
    form = BatchConfirmForm(request.POST, waiting=Queue(request.user).waiting_updates)
    return press(
        request,
        lambda ids: services.confirm_updates(list(ids), acting_user=request.user),
        form=form,
        message=lambda n: _("%(n)s updates were confirmed.") % {"n": n},
        success="workbench:queue",
    )


@require_POST
def update_return(request, pk):
    update = get_visible_or_404(ProgressUpdate, request.user, pk=pk)

    def give_back(reason):
        services.return_update(update, acting_user=request.user, reason=reason)

    message = _("The update was returned to the unit.")
    return _review(request, update, give_back, message, ReasonForm(request.POST))


@require_POST
def update_publicise(request, pk):
    """The reviewer shows a confirmed update on the public portal, or takes it off."""
    update = get_visible_or_404(ProgressUpdate, request.user, pk=pk)
    require_perm(request.user, "ledger.review_figure", update)

    def perform(public):
        return services.set_update_public(update, acting_user=request.user, public=public)

    def message(result):
        if result.is_public:
            return _("The update is shown on the public portal.")
        return _("The update is no longer shown on the public portal.")

    form = PublicForm(request.POST)
    return press(request, perform, form=form, message=message, success=update.task)


@require_POST
def measurement_create(request, pk):
    project = _project(request, pk)
    require_perm(request.user, "ledger.report_progress", project)

    def report(indicator, **data):
        return services.report_measurement(indicator, acting_user=request.user, **data)

    return submit(
        request,
        MeasurementForm(request.POST, request.FILES, project=project),
        report,
        message=_("The figure was sent for confirmation."),
        success=reverse("ledger:project-ledger", args=[project.pk]),
        template="ledger/project_ledger.html",
        context=lambda: _ledger_context(request, project),
        form_name="measurement_form",
    )


@require_POST
def measurement_confirm(request, pk):
    figure = get_visible_or_404(IndicatorMeasurement, request.user, pk=pk)
    confirm = lambda: services.confirm_measurement(figure, acting_user=request.user)  # noqa: E731
    return _review(request, figure, confirm, _("The figure was confirmed."))


@require_POST
def measurement_return(request, pk):
    figure = get_visible_or_404(IndicatorMeasurement, request.user, pk=pk)

    def give_back(reason):
        services.return_measurement(figure, acting_user=request.user, reason=reason)

    message = _("The figure was returned to the unit.")
    return _review(request, figure, give_back, message, ReasonForm(request.POST))


def evidence(request, pk):
    """An evidence file, only to those who may see its figure (no public media URL)."""
    require_perm(request.user, "ledger.view_ledger")
    item = get_visible_or_404(Evidence, request.user, pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@require_POST
def project_complete(request, pk):
    project = _project(request, pk)
    require_perm(request.user, "ledger.complete_project", project)
    return press(
        request,
        lambda: services.complete_project(project, acting_user=request.user),
        message=_("The project is completed."),
        success=reverse("ledger:project-ledger", args=[project.pk]),
    )


def queue(request):
    """我的待办 is the workbench's now (every stage's work in one queue); old links land there."""
    return redirect("workbench:queue", permanent=True)


def project_chart(request, pk):
    """一图一表 of one project: Gantt and indicator trends beside their tables."""
    project = _project(request, pk)
    data, rows = charts.project_chart(project)
    context = {
        "project": project,
        "data": data,
        "rows": rows,
        "progress": progress_of([project.pk])[project.pk],
    }
    return render(request, "ledger/project_chart.html", context)


def programme_chart(request):
    """一图一表 of the programme: every project in scope from start to end with its progress."""
    require_perm(request.user, "ledger.view_ledger")
    form = ProgrammeFilterForm(request.GET or None)
    group = (form.is_valid() and form.cleaned_data["group"]) or "dimension"
    projects = form.filter(ledger_projects(request.user))
    data, rows, summary = charts.programme_chart(projects, group=group)
    context = {"form": form, "data": data, "rows": rows, "summary": summary, "group": group}
    return render(request, "ledger/programme_chart.html", context)


def export(request):
    """The task ledger in scope (filtered like the list) as a formatted workbook; more than
    excel.EXPORT_INLINE_ROWS tasks are written by a background job, whose page shows the
    progress and then the download (re-asking while it runs shows the same job)."""
    require_perm(request.user, "ledger.view_ledger")
    form = TaskFilterForm(request.GET or None)
    tasks = form.filter(Task.objects.visible_to(request.user))
    scope = str(request.user.institution or request.user.region or _("all projects"))
    if tasks.count() > excel.EXPORT_INLINE_ROWS:
        query = request.GET.copy()
        query.pop("page", None)
        record = excel.start_export(query.urlencode(), scope=scope, acting_user=request.user)
        return redirect(record)
    content = excel.export_tasks(tasks, scope=scope)
    return exports.xlsx_response(content, f"ledger-{timezone.localdate():%Y%m%d}.xlsx")


def import_tasks(request):
    """Upload a filled task sheet; small sheets are applied at once, big ones by a job. The
    user's recent imports are listed below the form."""
    require_perm(request.user, "ledger.import_tasks")
    context = {
        "imports": TaskImport.objects.filter(created_by=request.user)[:10],
        "max_rows": excel.MAX_ROWS,
        "list_url": reverse("ledger:task-list"),
    }
    return submit(
        request,
        ImportForm(request.POST or None, request.FILES or None),
        lambda file: excel.start_import(file, acting_user=request.user),
        message=None,
        success=lambda record: record,
        template="ledger/task_import.html",
        context=context,
        error_field="file",
    )


def _task_import(request, pk) -> TaskImport:
    require_perm(request.user, "ledger.import_tasks")
    return get_object_or_404(TaskImport, pk=pk, created_by=request.user)


def import_detail(request, pk):
    """An import's progress (polled while it runs), its counts and its first rejected rows."""
    record = _task_import(request, pk)
    context = {
        "record": record,
        "rejects": record.rejects[: excel.MAX_REJECTS_SHOWN],
        "max_shown": excel.MAX_REJECTS_SHOWN,
        "list_url": reverse("ledger:task-list"),
    }
    template = "ledger/_import_status.html" if request.htmx else "ledger/import_detail.html"
    return render(request, template, context)


def import_rejects(request, pk):
    record = _task_import(request, pk)
    return exports.attachment(
        excel.rejects_csv(record), f"rejects-{record.pk}.csv", "text/csv; charset=utf-8"
    )
