"""The ledger's kinds of pending work (我的待办) and its events, for the workbench. The
queries are the ledger's own (queries.Queue); this file says how the queue shows them and who
is told."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.workbench.models import Topic
from jiebang.workbench.registry import Event, Kind, register, register_event

from .models import DeadlineChangeRequest, IndicatorMeasurement, ProgressUpdate, Review, Task
from .queries import Queue


def _reviewers(project):
    """Who confirms a unit's figures and decides its deadline requests: the task force and
    the bureau of the unit's county (queries.reviewable_by)."""
    unit = project.implementing_unit
    bureaus = User.objects.bureaus_over(unit.region if unit else None)
    return User.objects.with_role(Role.TASK_FORCE) | bureaus


def _bulk(queryset):
    return lambda pks: queryset.in_bulk(pks)


UPDATES = _bulk(ProgressUpdate.objects.select_related("created_by").prefetch_related("evidence"))
FIGURES = _bulk(
    IndicatorMeasurement.objects.select_related("indicator", "created_by").prefetch_related(
        "evidence"
    )
)
REQUESTS = _bulk(DeadlineChangeRequest.objects.select_related("requested_by"))

TASK = {"link": "ledger:task-detail", "project": "project", "unit": "project__implementing_unit"}
ON_TASK = {
    "link": "ledger:task-detail",
    "link_arg": "task_id",
    "title": "task__title",
    "project": "task__project",
    "unit": "task__project__implementing_unit",
}
ON_INDICATOR = {
    "link": "ledger:project-ledger",
    "link_arg": "indicator__project_id",
    "title": "indicator__name",
    "project": "indicator__project",
    "unit": "indicator__project__implementing_unit",
}

register(
    Kind(
        key="ledger.overdue_task",
        label=_("Overdue tasks"),
        pending=lambda user: (Queue(user).own_overdue | Queue(user).scope_overdue).distinct(),
        title="title",
        due="deadline",
        order=10,
        **TASK,
    ),
    model=Task,
)
register(
    Kind(
        key="ledger.task_due_soon",
        label=_("Tasks due soon"),
        pending=lambda user: Queue(user).own_due_soon,
        title="title",
        due="deadline",
        order=20,
        **TASK,
    ),
    model=Task,
)
register(
    Kind(
        key="ledger.confirm_update",
        label=_("Progress updates to confirm"),
        pending=lambda user: Queue(user).waiting_updates,
        order=30,
        batch="ledger:updates-confirm",
        batch_label=_("Confirm the ticked updates"),
        detail="ledger/_work_update.html",
        records=UPDATES,
        assignees=lambda update: _reviewers(update.task.project),
        announce_when=lambda update: update.review == Review.SUBMITTED,
        **ON_TASK,
    ),
    model=ProgressUpdate,
)
register(
    Kind(
        key="ledger.confirm_measurement",
        label=_("Indicator figures to confirm"),
        pending=lambda user: Queue(user).waiting_measurements,
        order=31,
        detail="ledger/_work_measurement.html",
        records=FIGURES,
        assignees=lambda figure: _reviewers(figure.indicator.project),
        announce_when=lambda figure: figure.review == Review.SUBMITTED,
        **ON_INDICATOR,
    ),
    model=IndicatorMeasurement,
)
register(
    Kind(
        key="ledger.decide_deadline",
        label=_("Deadline changes to decide"),
        pending=lambda user: Queue(user).deadline_requests,
        order=32,
        detail="ledger/_work_deadline.html",
        records=REQUESTS,
        assignees=lambda request: _reviewers(request.task.project),
        announce_when=lambda request: request.status == DeadlineChangeRequest.Status.PENDING,
        **ON_TASK,
    ),
    model=DeadlineChangeRequest,
)
register(
    Kind(
        key="ledger.fix_update",
        label=_("Returned progress updates to fix"),
        pending=lambda user: Queue(user).returned_updates,
        order=15,
        detail="ledger/_work_returned.html",
        records=UPDATES,
        **ON_TASK,
    ),
    model=ProgressUpdate,
)
register(
    Kind(
        key="ledger.fix_measurement",
        label=_("Returned indicator figures to fix"),
        pending=lambda user: Queue(user).returned_measurements,
        order=16,
        detail="ledger/_work_returned.html",
        records=FIGURES,
        **ON_INDICATOR,
    ),
    model=IndicatorMeasurement,
)


def _reporters(figure):
    task_owner = getattr(getattr(figure, "task", None), "owner", None)
    return [u for u in {figure.created_by, task_owner} if u is not None]


for model, what in ((ProgressUpdate, "update"), (IndicatorMeasurement, "measurement")):
    register_event(
        Event(
            key=f"ledger.{what}_returned",
            topic=Topic.RETURNED,
            model=model,
            when=lambda figure: figure.review == Review.RETURNED,
            recipients=_reporters,
            title=lambda figure: (
                _("Returned: %(what)s — %(reason)s")
                % {"what": figure, "reason": figure.return_reason}
            ),
            url=lambda figure: (
                reverse("ledger:task-detail", args=[figure.task_id])
                if isinstance(figure, ProgressUpdate)
                else reverse("ledger:project-ledger", args=[figure.indicator.project_id])
            ),
            occurrence=lambda figure: figure.reviewed_at and figure.reviewed_at.isoformat(),
        )
    )
