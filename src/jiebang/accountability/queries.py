"""Figures read by the accountability pages: the escalation of repeated overdue per unit and
the month-to-month comparison of the progress showing."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from jiebang.orgs.models import Institution

from .models import Interview, MonthlyShowing, Rectification, ShowingRow, stage_projects_visible_to

# Repeated overdue escalates (F4.5): two interviews or three overdue tasks make a unit a
# key case for supervision (重点督办); any interview or overdue task puts it on watch.
KEY_INTERVIEWS = 2
KEY_OVERDUE = 3


class Level:
    KEY = 2
    WATCH = 1
    NORMAL = 0

    LABELS = {
        KEY: _("Key supervision"),
        WATCH: _("On watch"),
        NORMAL: _("Normal"),
    }


def escalation_level(overdue: int, interviews: int) -> int:
    """`overdue` counts overdue tasks and overdue rectifications of public feedback alike."""
    if interviews >= KEY_INTERVIEWS or overdue >= KEY_OVERDUE:
        return Level.KEY
    if interviews or overdue:
        return Level.WATCH
    return Level.NORMAL


@dataclass
class UnitEscalation:
    unit: Institution
    overdue: int
    interviews: int
    open_rectifications: int
    overdue_feedback: int = 0  # public feedback (stage 5) past its rectification deadline

    @property
    def level(self) -> int:
        return escalation_level(self.overdue + self.overdue_feedback, self.interviews)

    @property
    def level_label(self) -> str:
        return str(Level.LABELS[self.level])


def escalation(user) -> list[UnitEscalation]:
    """Per implementing unit in the user's scope: overdue tasks now (today, Asia/Shanghai),
    overdue rectifications of public feedback, interviews so far and open rectifications; the
    most serious first. Four queries."""
    from django.utils import timezone

    from jiebang.ledger.models import Task
    from jiebang.supervision.models import Ticket

    projects = stage_projects_visible_to(user).exclude(implementing_unit=None)
    overdue = dict(
        Task.objects.overdue()
        .filter(project__in=projects.values("pk"))
        .order_by()
        .values_list("project__implementing_unit")
        .annotate(n=Count("pk"))
    )
    open_filter = ~Q(rectification__status=Rectification.Status.ACCEPTED)
    interviews = {
        row["unit"]: row
        for row in Interview.objects.visible_to(user)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"), open=Count("pk", filter=open_filter))
    }
    overdue_feedback = dict(
        Ticket.objects.visible_to(user)
        .overdue(timezone.localdate())
        .order_by()
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    unit_ids = set(overdue) | set(interviews) | set(overdue_feedback)
    units = Institution.objects.in_bulk(unit_ids)
    rows = [
        UnitEscalation(
            unit=units[pk],
            overdue=overdue.get(pk, 0),
            interviews=interviews.get(pk, {}).get("n", 0),
            open_rectifications=interviews.get(pk, {}).get("open", 0),
            overdue_feedback=overdue_feedback.get(pk, 0),
        )
        for pk in unit_ids
    ]
    rows.sort(
        key=lambda r: (-r.level, -(r.overdue + r.overdue_feedback), -r.interviews, r.unit.name)
    )
    return rows


@dataclass
class ShowingComparison:
    project: object
    progress: float
    previous: float | None
    overdue_count: int
    previous_overdue: int | None
    status: str

    @property
    def status_label(self) -> str:
        from jiebang.projects.models import Project

        return str(Project.Status(self.status).label)

    @property
    def delta(self) -> float | None:
        return None if self.previous is None else round(self.progress - self.previous, 1)


def compare(showing: MonthlyShowing, previous: MonthlyShowing | None, user):
    """The rows of `showing` the user may see beside the previous month's, largest advance
    first (projects new this month last)."""
    rows = ShowingRow.objects.visible_to(user).select_related("project__implementing_unit")
    before = {}
    if previous is not None:
        before = {
            r.project_id: r for r in ShowingRow.objects.visible_to(user).filter(showing=previous)
        }
    result = []
    for row in rows.filter(showing=showing):
        old = before.get(row.project_id)
        result.append(
            ShowingComparison(
                project=row.project,
                progress=row.progress,
                previous=old.progress if old else None,
                overdue_count=row.overdue_count,
                previous_overdue=old.overdue_count if old else None,
                status=row.status,
            )
        )
    result.sort(key=lambda c: (c.delta is None, -(c.delta or 0), -c.progress, c.project.code))
    return result
