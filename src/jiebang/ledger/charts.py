"""The data behind 一图一表 (F4.4): a project's Gantt and indicator trends, and the programme's
timeline of projects; the page shows the same figures as a table beside the chart."""

from datetime import timedelta

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.projects.assign.services import county_of
from jiebang.projects.models import Project

from .models import Review, Task
from .queries import overdue_counts, progress_of

STATUS_COLOURS = {
    Task.Status.NOT_STARTED: "#adb5bd",
    Task.Status.IN_PROGRESS: "#0d6efd",
    Task.Status.DONE: "#198754",
}
OVERDUE_COLOUR = "#dc3545"


def _labels() -> dict[str, str]:
    return {
        "today": _("Today"),
        "milestones": _("Milestones"),
        "target": _("Target"),
        "baseline": _("Baseline"),
        "confirmed": _("Confirmed figures"),
        "overdue": _("Overdue"),
        "progress": _("Progress"),
        "deadline": _("Deadline"),
        "start": _("Start"),
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def task_rows(project: Project) -> list[dict]:
    """The project's tasks, parents before their sub-tasks, with dates and colours."""
    today = timezone.localdate()
    tasks = list(project.tasks.select_related("owner").order_by("deadline", "pk"))
    children: dict[int, list[Task]] = {}
    for task in tasks:
        if task.parent_id:
            children.setdefault(task.parent_id, []).append(task)
    rows = []
    for task in [t for t in tasks if not t.parent_id]:
        for item in [task, *children.get(task.pk, [])]:
            start = item.start or project.start_date or item.deadline - timedelta(days=30)
            overdue = item.overdue_on(today)
            rows.append(
                {
                    "task": item,
                    "id": item.pk,
                    "name": ("└ " if item.parent_id else "") + item.title,
                    "start": _iso(min(start, item.deadline)),
                    "end": _iso(item.deadline),
                    "status": item.status,
                    "status_label": str(item.get_status_display()),
                    "percent": item.percent,
                    "overdue": overdue,
                    "colour": OVERDUE_COLOUR if overdue else STATUS_COLOURS[item.status],
                    "url": item.get_absolute_url(),
                }
            )
    return rows


def indicator_series(project: Project) -> list[dict]:
    """Each indicator with its confirmed measurements in period order, baseline and target."""
    series = []
    for indicator in project.indicators.prefetch_related("measurements"):
        points = [
            {"period": m.period.strftime("%Y-%m"), "value": float(m.value), "source": m.source}
            for m in sorted(indicator.measurements.all(), key=lambda m: m.period)
            if m.review == Review.CONFIRMED
        ]
        series.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "baseline": float(indicator.baseline),
                "target": float(indicator.target),
                "direction": indicator.direction,
                "points": points,
            }
        )
    return series


def project_chart(project: Project) -> dict:
    rows = task_rows(project)
    return {
        "today": timezone.localdate().isoformat(),
        "tasks": [{k: v for k, v in row.items() if k != "task"} for row in rows],
        "milestones": [
            {"name": m.title, "date": m.due_date.isoformat()} for m in project.milestones.all()
        ],
        "indicators": indicator_series(project),
        "labels": _labels(),
    }, rows


def programme_chart(projects, *, group: str) -> tuple[dict, list[dict]]:
    """Every project in `projects` as a bar from start to end with its computed progress,
    ordered by dimension or county."""
    projects = list(
        projects.select_related("dimension", "implementing_unit__region").annotate(
            first_start=Min("tasks__start"), last_deadline=Max("tasks__deadline")
        )
    )
    progress = progress_of([p.pk for p in projects])
    overdue = overdue_counts([p.pk for p in projects])
    counties = county_of(p.implementing_unit.region for p in projects if p.implementing_unit)
    today = timezone.localdate()
    rows = []
    for project in projects:
        start = project.start_date or project.first_start or project.last_deadline or today
        end = project.end_date or project.last_deadline or start
        unit = project.implementing_unit
        county = counties.get(unit.region_id) if unit else None
        group_name = (
            (project.dimension.name if project.dimension else "—")
            if group == "dimension"
            else (county.name if county else "—")
        )
        rows.append(
            {
                "project": project,
                "id": project.pk,
                "code": project.code,
                "name": f"{project.code} {project.title}",
                "group": group_name,
                "unit": str(project.implementing_unit or "—"),
                "start": _iso(min(start, end)),
                "end": _iso(end),
                "progress": progress[project.pk],
                "overdue": overdue[project.pk],
                "status_label": str(project.get_status_display()),
                "url": reverse("ledger:project-chart", args=[project.pk]),
            }
        )
    rows.sort(key=lambda r: (r["group"], r["code"]))
    groups: dict[str, list[float]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row["progress"])
    summary = [
        {"group": name, "projects": len(values), "progress": round(sum(values) / len(values), 1)}
        for name, values in groups.items()
    ]
    data = {
        "today": today.isoformat(),
        "projects": [{k: v for k, v in row.items() if k != "project"} for row in rows],
        "labels": _labels(),
    }
    return data, rows, summary
