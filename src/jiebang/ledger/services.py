"""Changes to the two ledgers: decomposing a project into tasks, reporting progress and
indicator figures, confirming or returning them, accepting tasks and completing projects."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.roles import Role
from jiebang.projects.models import Indicator, Project

from .models import (
    DeadlineChangeRequest,
    Evidence,
    IndicatorMeasurement,
    ProgressUpdate,
    Review,
    Task,
    validate_evidence,
)

# A project is decomposed while its letter is drafted and worked through until completed.
LEDGER_STATUSES = (
    Project.Status.CLAIMED,
    Project.Status.ASSIGNED,
    Project.Status.CONTRACTED,
    Project.Status.IN_PROGRESS,
)
TASK_FIELDS = {"title", "department", "owner", "start", "deadline", "deliverable", "weight"}


def _require_open_project(project: Project) -> None:
    if project.status not in LEDGER_STATUSES:
        raise DomainError(
            _("The ledger of a project in status “%(status)s” cannot be changed.")
            % {"status": project.get_status_display()}
        )


def _clean_task_fields(project: Project, fields: dict) -> dict:
    """Checks shared by create and update; returns the cleaned fields."""
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise DomainError(_("A task needs a title."))
    if "weight" in fields:
        try:
            weight = Decimal(str(fields["weight"]))
        except (InvalidOperation, ValueError):
            raise DomainError(_("The weight must be a positive number.")) from None
        if not weight.is_finite() or weight <= 0 or weight >= Decimal("100000"):
            raise DomainError(_("The weight must be a positive number."))
        fields["weight"] = weight.quantize(Decimal("0.01"))
    owner = fields.get("owner")
    if owner is not None and (
        owner.role != Role.UNIT or owner.institution_id != project.implementing_unit_id
    ):
        raise DomainError(_("The owner must be a person of the implementing unit."))
    for name in ("department", "deliverable"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return fields


def letter_confirmed(project: Project) -> bool:
    """The unit head has confirmed the project's responsibility letter (accountability): its
    roadmap binds, so a task's dates change only through a DeadlineChangeRequest."""
    from jiebang.accountability.models import ResponsibilityLetter  # a sibling app

    confirmed = ResponsibilityLetter.Status.CONFIRMED
    return ResponsibilityLetter.objects.filter(project=project, status=confirmed).exists()


def _check_dates(start, deadline) -> None:
    if deadline is None:
        raise DomainError(_("A task needs a deadline."))
    check_date_range(start, deadline)
    if start and start > deadline:
        raise DomainError(_("The deadline must not be before the start."))


@transaction.atomic
def create_task(
    project: Project,
    *,
    acting_user,
    title,
    deadline,
    department="",
    owner=None,
    start=None,
    deliverable="",
    weight=1,
    parent=None,
) -> Task:
    """Add a task (or a sub-task under a top-level task) to the project's ledger.

    PermissionDenied unless city staff or a user of the implementing unit; DomainError when
    the project is not being implemented, the parent belongs elsewhere or is itself a
    sub-task, the owner is not of the unit, or the dates or the weight are wrong."""
    require_perm(acting_user, "ledger.manage_tasks", project)
    _require_open_project(project)
    fields = _clean_task_fields(
        project,
        {
            "title": title,
            "department": department,
            "owner": owner,
            "deliverable": deliverable,
            "weight": weight,
        },
    )
    _check_dates(start, deadline)
    if parent is not None:
        if parent.project_id != project.pk:
            raise DomainError(_("The parent task belongs to another project."))
        if parent.parent_id is not None:
            raise DomainError(_("A sub-task cannot have sub-tasks of its own."))
        if parent.status == Task.Status.DONE:
            raise DomainError(_("A done task cannot get new sub-tasks."))
    task = Task(
        project=project,
        parent=parent,
        start=start,
        deadline=deadline,
        created_by=acting_user,
        **fields,
    )
    task._history_user = acting_user
    task.save()
    if parent is not None:
        _roll_up(parent, by=acting_user)
    return task


@transaction.atomic
def update_task(task: Task, *, acting_user, **fields) -> Task:
    """Change a task's title, department, owner, dates, deliverable or weight; the figures
    (status, percent) change only through confirmed updates. Returns the task; nothing is
    written when nothing changed.

    DomainError for a change of start or deadline once the letter is confirmed, for anyone
    (city staff included): from then on a deadline moves only by an approved request."""
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValueError(f"unknown task fields: {sorted(unknown)}")
    require_perm(acting_user, "ledger.manage_tasks", task.project)
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    _require_open_project(task.project)
    fields = _clean_task_fields(task.project, dict(fields))
    _check_dates(fields.get("start", task.start), fields.get("deadline", task.deadline))
    changed = [name for name, value in fields.items() if getattr(task, name) != value]
    if not changed:
        return task
    if {"start", "deadline"} & set(changed) and letter_confirmed(task.project):
        raise DomainError(
            _(
                "The responsibility letter is confirmed, so the task's dates can no longer be "
                "changed directly: request a deadline change on the task's page; the task "
                "force or the county bureau decides."
            )
        )
    for name in changed:
        setattr(task, name, fields[name])
    task._history_user = acting_user
    task.save(update_fields=[*changed, "updated_at"])
    if "weight" in changed and task.parent_id:
        _roll_up(task.parent, by=acting_user)
    return task


def _save_evidence(files, *, acting_user, **owner) -> list[Evidence]:
    saved = []
    for upload in files or ():
        try:
            validate_evidence(upload)
        except ValidationError as e:
            raise DomainError(e.messages[0]) from e
        evidence = Evidence(
            file=upload,
            name=upload.name[:200],
            size=upload.size,
            uploaded_by=acting_user,
            **owner,
        )
        evidence._history_user = acting_user
        evidence.save()
        saved.append(evidence)
    return saved


def _check_percent(status, percent) -> int:
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise DomainError(_("The progress must be a whole number from 0 to 100.")) from None
    if not 0 <= percent <= 100:
        raise DomainError(_("The progress must be a whole number from 0 to 100."))
    if status not in Task.Status.values:
        raise DomainError(_("Unknown task status."))
    if status == Task.Status.DONE and percent != 100:
        raise DomainError(_("A done task is at 100 percent."))
    if percent == 100 and status != Task.Status.DONE:
        raise DomainError(_("At 100 percent the task is done; choose the status “Done”."))
    return percent


def decrease_error(confirmed: int) -> str:
    """The message for a figure below the confirmed one without a reason (form and service)."""
    return _("The progress is below the confirmed %(percent)s%%: give the reason.") % {
        "percent": confirmed
    }


@transaction.atomic
def report_progress(
    task: Task,
    *,
    acting_user,
    status,
    percent,
    text="",
    reported_on=None,
    evidence=(),
    decrease_reason="",
) -> ProgressUpdate:
    """The implementing unit reports a task's progress with evidence; it counts once confirmed.

    PermissionDenied for anyone outside the implementing unit (the city never types a figure
    on the unit's behalf); DomainError for a done task, a task with sub-tasks (report on
    those), a bad percent, a figure below the task's confirmed percent without a reason
    (the reviewer sees it beside the figure), a date in the future or a rejected file."""
    require_perm(acting_user, "ledger.report_progress", task)
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    _require_open_project(task.project)
    if task.status == Task.Status.DONE:
        raise DomainError(_("This task is done; it needs no more updates."))
    if task.subtasks.exists():
        raise DomainError(_("This task is split into sub-tasks; report on the sub-tasks."))
    percent = _check_percent(status, percent)
    decrease_reason = (decrease_reason or "").strip() if percent < task.percent else ""
    if percent < task.percent and not decrease_reason:
        raise DomainError(decrease_error(task.percent))
    reported_on = reported_on or timezone.localdate()
    check_date_range(reported_on)
    if reported_on > timezone.localdate():
        raise DomainError(_("The date of an update cannot be in the future."))
    update = ProgressUpdate(
        task=task,
        reported_on=reported_on,
        status=status,
        percent=percent,
        text=(text or "").strip(),
        previous_percent=task.percent,
        decrease_reason=decrease_reason,
        created_by=acting_user,
    )
    update._history_user = acting_user
    update.save()
    _save_evidence(evidence, acting_user=acting_user, update=update)
    return update


def _mark_reviewed(figure, review, *, acting_user, reason="") -> None:
    figure.review = review
    figure.reviewed_by = acting_user
    figure.reviewed_at = timezone.now()
    figure.return_reason = reason
    figure._history_user = acting_user
    figure.save(update_fields=["review", "reviewed_by", "reviewed_at", "return_reason"])


def _start_project(project: Project, *, by) -> None:
    """The first confirmed figure of a contracted project starts its implementation."""
    if project.status == Project.Status.CONTRACTED:
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status == Project.Status.CONTRACTED:
            project.move_to(Project.Status.IN_PROGRESS, by=by)


def _set_figures(task: Task, status, percent, *, by) -> None:
    task.status = status
    task.percent = percent
    task.done_at = timezone.now() if status == Task.Status.DONE else None
    task._history_user = by
    task.save(update_fields=["status", "percent", "done_at", "updated_at"])
    if task.parent_id:
        _roll_up(task.parent, by=by)


def _roll_up(parent: Task, *, by) -> None:
    """A parent's figures follow its sub-tasks: the weighted percent, done when all are."""
    subtasks = list(parent.subtasks.values_list("weight", "percent", "status"))
    if not subtasks:
        return
    weight = sum(w for w, _p, _s in subtasks)
    percent = round(sum(w * p for w, p, _s in subtasks) / weight) if weight else 0
    if all(s == Task.Status.DONE for _w, _p, s in subtasks):
        status = Task.Status.DONE
        percent = 100
    else:
        started = any(s != Task.Status.NOT_STARTED for _w, _p, s in subtasks)
        status = Task.Status.IN_PROGRESS if started else Task.Status.NOT_STARTED
        percent = min(percent, 99)
    if (parent.status, parent.percent) != (status, percent):
        parent = Task.objects.select_for_update().get(pk=parent.pk)
        parent.status = status
        parent.percent = percent
        parent.done_at = timezone.now() if status == Task.Status.DONE else None
        parent._history_user = by
        parent.save(update_fields=["status", "percent", "done_at", "updated_at"])


def _require_submitted(figure) -> None:
    if figure.review != Review.SUBMITTED:
        raise DomainError(_("Only a figure awaiting confirmation can be confirmed or returned."))


@transaction.atomic
def confirm_updates(updates, *, acting_user) -> int:
    """Confirm several progress updates at once (the queue's batch button), all or none: one
    that may not be confirmed stops the batch with its reason."""
    for update in updates:
        confirm_update(update, acting_user=acting_user)
    return len(updates)


@transaction.atomic
def confirm_update(update: ProgressUpdate, *, acting_user) -> ProgressUpdate:
    """The county bureau of the unit's county or the task force confirms a progress update:
    it becomes the task's official figure (unless a later update is confirmed already), and
    the first one of a contracted project moves the project to in progress."""
    require_perm(acting_user, "ledger.review_figure", update)
    update = (
        ProgressUpdate.objects.select_for_update().select_related("task__project").get(pk=update.pk)
    )
    _require_submitted(update)
    _mark_reviewed(update, Review.CONFIRMED, acting_user=acting_user)
    task = Task.objects.select_for_update().get(pk=update.task_id)
    later = task.updates.filter(review=Review.CONFIRMED).filter(
        Q(reported_on__gt=update.reported_on) | Q(reported_on=update.reported_on, pk__gt=update.pk)
    )
    if not later.exists() and task.status != Task.Status.DONE:
        _set_figures(task, update.status, update.percent, by=acting_user)
    _start_project(update.task.project, by=acting_user)
    return update


@transaction.atomic
def set_update_public(update: ProgressUpdate, *, acting_user, public: bool) -> ProgressUpdate:
    """Whoever may confirm the update (the county bureau of the unit's county or the task
    force) shows a confirmed update on the public portal, or takes it off. DomainError for an
    update that is not confirmed: only confirmed figures are public."""
    require_perm(acting_user, "ledger.review_figure", update)
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if public and update.review != Review.CONFIRMED:
        raise DomainError(_("Only a confirmed update can be shown on the public portal."))
    if update.is_public != public:
        update.is_public = public
        update._history_user = acting_user
        update.save(update_fields=["is_public"])
    return update


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is needed to return a figure."))
    return reason


@transaction.atomic
def return_update(update: ProgressUpdate, *, acting_user, reason: str) -> ProgressUpdate:
    """Return a progress update to the unit with a reason; it does not count."""
    require_perm(acting_user, "ledger.review_figure", update)
    reason = _reason(reason)
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    _require_submitted(update)
    _mark_reviewed(update, Review.RETURNED, acting_user=acting_user, reason=reason)
    return update


@transaction.atomic
def accept_task(task: Task, *, acting_user, note, evidence=None) -> Task:
    """验收: the task force accepts a task, which is then done at 100 % (its open sub-tasks
    with it). Recorded as an acceptance update the task force confirms itself.
    DomainError when the task is done already or without a note."""
    require_perm(acting_user, "ledger.accept_task", task)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("An acceptance needs a note."))
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    _require_open_project(task.project)
    if task.status == Task.Status.DONE:
        raise DomainError(_("This task is done already."))
    for open_task in [*task.subtasks.exclude(status=Task.Status.DONE), task]:
        update = ProgressUpdate(
            task=open_task,
            kind=ProgressUpdate.Kind.ACCEPTANCE,
            status=Task.Status.DONE,
            percent=100,
            text=note,
            created_by=acting_user,
            review=Review.CONFIRMED,
            reviewed_by=acting_user,
            reviewed_at=timezone.now(),
        )
        update._history_user = acting_user
        update.save()
        if open_task is task and evidence:
            _save_evidence([evidence], acting_user=acting_user, update=update)
        _set_figures(open_task, Task.Status.DONE, 100, by=acting_user)
    _start_project(task.project, by=acting_user)
    task.refresh_from_db()
    return task


# Deadline changes once the letter is confirmed: the unit requests, a reviewer decides.


def can_request_deadline_change(task: Task) -> bool:
    """The task can take a request now: open project and task, letter confirmed, none
    pending (the rest of request_deadline_change's checks are about the request itself)."""
    return (
        task.project.status in LEDGER_STATUSES
        and task.status != Task.Status.DONE
        and not task.deadline_requests.pending().exists()
        and letter_confirmed(task.project)
    )


@transaction.atomic
def request_deadline_change(
    task: Task, *, acting_user, deadline, reason: str
) -> DeadlineChangeRequest:
    """The implementing unit asks for a new deadline, with a reason, once the letter is
    confirmed (before that it edits the task itself).

    PermissionDenied outside the implementing unit; DomainError without a reason, before the
    letter is confirmed, for a done task or a closed ledger, for the same deadline, one before
    the task's start or out of range, or while another request waits for a decision."""
    require_perm(acting_user, "ledger.request_deadline_change", task)
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    _require_open_project(task.project)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A deadline change needs a reason."))
    if not letter_confirmed(task.project):
        raise DomainError(
            _("The responsibility letter is not confirmed yet: edit the task's deadline itself.")
        )
    if task.status == Task.Status.DONE:
        raise DomainError(_("This task is done; its deadline no longer changes."))
    if deadline is None:
        raise DomainError(_("A task needs a deadline."))
    check_date_range(deadline)
    if deadline == task.deadline:
        raise DomainError(_("The task's deadline is that date already."))
    if task.start and deadline < task.start:
        raise DomainError(_("The deadline must not be before the start."))
    if task.deadline_requests.pending().exists():
        raise DomainError(_("A deadline change for this task is already awaiting a decision."))
    request = DeadlineChangeRequest(
        task=task,
        old_deadline=task.deadline,
        requested_deadline=deadline,
        reason=reason,
        requested_by=acting_user,
    )
    request._history_user = acting_user
    request.save()
    return request


def _locked_request(request: DeadlineChangeRequest) -> DeadlineChangeRequest:
    return DeadlineChangeRequest.objects.select_for_update().get(pk=request.pk)


def _decide(request: DeadlineChangeRequest, status, *, acting_user, note: str) -> None:
    request.move_to(status, by=acting_user)
    request.decided_by = acting_user
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def approve_deadline_change(
    request: DeadlineChangeRequest, *, acting_user, note: str = ""
) -> DeadlineChangeRequest:
    """The task force or the county bureau of the unit's county approves a pending request:
    the task's deadline becomes the requested one (its history shows both dates, by the
    approver). DomainError unless pending, or when the task is done or its ledger closed."""
    require_perm(acting_user, "ledger.review_figure", request)
    request = _locked_request(request)
    task = Task.objects.select_for_update().select_related("project").get(pk=request.task_id)
    _require_open_project(task.project)
    if task.status == Task.Status.DONE:
        raise DomainError(_("This task is done; its deadline no longer changes."))
    _decide(request, DeadlineChangeRequest.Status.APPROVED, acting_user=acting_user, note=note)
    task.deadline = request.requested_deadline
    task._history_user = acting_user
    task.save(update_fields=["deadline", "updated_at"])
    return request


@transaction.atomic
def refuse_deadline_change(
    request: DeadlineChangeRequest, *, acting_user, reason: str
) -> DeadlineChangeRequest:
    """The reviewer refuses a pending request with a reason; the deadline stays. DomainError
    without a reason or unless pending."""
    require_perm(acting_user, "ledger.review_figure", request)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is needed to refuse a deadline change."))
    request = _locked_request(request)
    _decide(request, DeadlineChangeRequest.Status.REFUSED, acting_user=acting_user, note=reason)
    return request


@transaction.atomic
def report_measurement(
    indicator: Indicator, *, acting_user, period, value, source="", evidence=()
) -> IndicatorMeasurement:
    """The implementing unit reports an indicator's value for a reporting period.

    PermissionDenied for anyone outside the implementing unit; DomainError when the period
    already has a figure awaiting confirmation or confirmed, or lies in the future."""
    require_perm(acting_user, "ledger.report_progress", indicator.project)
    _require_open_project(indicator.project)
    check_date_range(period)
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise DomainError(_("The reporting period cannot be in the future."))
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The value must be a number.")) from None
    if not value.is_finite():
        raise DomainError(_("The value must be a number."))
    live = indicator.measurements.filter(period=period).exclude(review=Review.RETURNED)
    if live.exists():
        raise DomainError(
            _("%(indicator)s already has a figure for %(period)s.")
            % {"indicator": indicator.name, "period": period.strftime("%Y-%m")}
        )
    measurement = IndicatorMeasurement(
        indicator=indicator,
        period=period,
        value=value.quantize(Decimal("0.01")),
        source=(source or "").strip(),
        created_by=acting_user,
    )
    measurement._history_user = acting_user
    measurement.save()
    _save_evidence(evidence, acting_user=acting_user, measurement=measurement)
    return measurement


@transaction.atomic
def confirm_measurement(measurement: IndicatorMeasurement, *, acting_user):
    """Confirm an indicator figure: it counts in the trend and the evaluations."""
    require_perm(acting_user, "ledger.review_figure", measurement)
    measurement = IndicatorMeasurement.objects.select_for_update().get(pk=measurement.pk)
    _require_submitted(measurement)
    _mark_reviewed(measurement, Review.CONFIRMED, acting_user=acting_user)
    return measurement


@transaction.atomic
def return_measurement(measurement: IndicatorMeasurement, *, acting_user, reason: str):
    """Return an indicator figure to the unit with a reason; it does not count."""
    require_perm(acting_user, "ledger.review_figure", measurement)
    reason = _reason(reason)
    measurement = IndicatorMeasurement.objects.select_for_update().get(pk=measurement.pk)
    _require_submitted(measurement)
    _mark_reviewed(measurement, Review.RETURNED, acting_user=acting_user, reason=reason)
    return measurement


@transaction.atomic
def complete_project(project: Project, *, acting_user, reason="") -> Project:
    """The task force marks a project in progress completed once all its top-level tasks
    are done. DomainError otherwise."""
    require_perm(acting_user, "ledger.complete_project", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    tasks = project.tasks.filter(parent=None)
    if not tasks.exists():
        raise DomainError(_("A project without tasks cannot be completed."))
    if tasks.exclude(status=Task.Status.DONE).exists():
        raise DomainError(_("Every top-level task must be done before the project is completed."))
    project.move_to(Project.Status.COMPLETED, by=acting_user, reason=reason)
    return project
