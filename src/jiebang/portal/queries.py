"""What the public portal may show, read from the other apps' records: the published lists and
their projects, the headline figures, and a project's public page.

Only published things reach a visitor: projects in Project.PUBLIC_STATUSES that stand in a
published list, confirmed figures only (indicator measurements and task progress), progress
updates confirmed *and* marked public by their reviewer, and the public tickets (never a
dismissed one) with the citizen's words redacted. No person's name or phone, internal note or
return reason is read here."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiebang.core.text import redact
from jiebang.ledger.models import IndicatorMeasurement, ProgressUpdate, Review, Task
from jiebang.ledger.queries import progress_of
from jiebang.projects.models import Project, ProjectList
from jiebang.supervision.models import Ticket

from .models import Briefing, NewsItem

PUBLIC_STATUS_CHOICES = [
    (value, label) for value, label in Project.Status.choices if value in Project.PUBLIC_STATUSES
]
COMPLETED = (Project.Status.COMPLETED, Project.Status.EVALUATED)
RECENT_UPDATES = 10
RECENT_TICKETS = 20


def public_lists():
    return ProjectList.objects.filter(status=ProjectList.Status.PUBLISHED)


def public_projects():
    """Every project the public sees: published (or further on) in a published list."""
    return Project.objects.filter(
        status__in=Project.PUBLIC_STATUSES, project_list__status=ProjectList.Status.PUBLISHED
    )


def search_projects(projects, text: str):
    """Projects whose title, code or implementing unit's name contains `text`."""
    text = text.strip()
    if not text:
        return projects
    return projects.filter(
        Q(title__icontains=text)
        | Q(code__icontains=text)
        | Q(implementing_unit__name__icontains=text)
    )


def lists_with_counts():
    """The published lists, newest first, each with the number of its public projects."""
    public = Q(projects__status__in=Project.PUBLIC_STATUSES)
    return public_lists().annotate(n_projects=Count("projects", filter=public))


def headline_figures() -> dict:
    """The portal's headline: projects published, in progress and completed; public feedback
    received and closed, the share of the closed rectified in time, the average rating."""
    projects = public_projects().aggregate(
        published=Count("pk"),
        in_progress=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
        completed=Count("pk", filter=Q(status__in=COMPLETED)),
    )
    tickets = Ticket.objects.public().aggregate(
        received=Count("pk"),
        closed=Count("pk", filter=Q(status=Ticket.Status.CLOSED)),
        in_time=Count("pk", filter=Q(status=Ticket.Status.CLOSED, in_time=True)),
        ratings=Count("rating"),
        rating=Avg("rating"),
    )
    closed = tickets["closed"]
    return {
        **projects,
        "tickets_received": tickets["received"],
        "tickets_closed": closed,
        "in_time_rate": round(100 * tickets["in_time"] / closed, 1) if closed else None,
        "average_rating": round(tickets["rating"], 1) if tickets["ratings"] else None,
        "ratings": tickets["ratings"],
    }


def dimension_chart() -> dict:
    """Public projects per reform dimension and stage, for the home page's chart."""
    rows = (
        public_projects()
        .values("dimension__name")
        .annotate(
            total=Count("pk"),
            in_progress=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
            completed=Count("pk", filter=Q(status__in=COMPLETED)),
        )
        .order_by("dimension__order", "dimension__name")
    )
    preparing = [r["total"] - r["in_progress"] - r["completed"] for r in rows]
    series = [
        (_("Being prepared"), "#adb5bd", preparing),
        (Project.Status.IN_PROGRESS.label, "#0d6efd", [r["in_progress"] for r in rows]),
        (Project.Status.COMPLETED.label, "#198754", [r["completed"] for r in rows]),
    ]
    return {
        "dimensions": [row["dimension__name"] or "—" for row in rows],
        "series": [{"name": name, "colour": colour, "data": data} for name, colour, data in series],
    }


def latest_news(limit=5):
    return NewsItem.objects.published()[:limit]


def latest_briefings(limit=3):
    return Briefing.objects.published()[:limit]


@dataclass
class IndicatorRow:
    indicator: object
    latest: IndicatorMeasurement | None  # the latest confirmed figure, by period
    points: list  # every confirmed figure, oldest first


def indicator_rows(project) -> list[IndicatorRow]:
    """The project's indicators, each with its confirmed figures (two queries)."""
    confirmed = (
        IndicatorMeasurement.objects.confirmed()
        .filter(indicator__project=project)
        .order_by("indicator", "period", "pk")
    )
    by_indicator: dict[int, list] = {}
    for figure in confirmed:
        by_indicator.setdefault(figure.indicator_id, []).append(figure)
    rows = []
    for indicator in project.indicators.all():
        points = by_indicator.get(indicator.pk, [])
        rows.append(IndicatorRow(indicator, points[-1] if points else None, points))
    return rows


def trend_chart(rows: list[IndicatorRow]) -> dict:
    """The indicators' confirmed figures for the trend charts (json_script)."""
    labels = {"value": _("Confirmed value"), "baseline": _("Baseline"), "target": _("Target")}
    return {
        "labels": labels,
        "indicators": [
            {
                "name": row.indicator.name,
                "unit": row.indicator.unit,
                "baseline": float(row.indicator.baseline),
                "target": float(row.indicator.target),
                "periods": [f"{p.period:%Y-%m}" for p in row.points],
                "values": [float(p.value) for p in row.points],
            }
            for row in rows
        ],
    }


def public_updates(project):
    """Progress updates confirmed and marked public, newest first."""
    return (
        ProgressUpdate.objects.filter(
            task__project=project, review=Review.CONFIRMED, is_public=True
        )
        .select_related("task")
        .order_by("-reported_on", "-pk")[:RECENT_UPDATES]
    )


@dataclass
class PublicTicket:
    """What the public reads of a closed ticket: no number, phone, name or internal step."""

    received_at: object
    closed_at: object
    aspect: str
    text: str  # redacted
    reply: str  # redacted
    rating: int | None
    in_time: bool | None


def public_feedback(project) -> dict:
    """群众评价与整改: the project's closed public tickets (the citizen's words and the reply
    redacted), and the average of all its public ratings."""
    tickets = Ticket.objects.public().filter(project=project)
    closed = (
        tickets.filter(status=Ticket.Status.CLOSED)
        .select_related("item__category")
        .order_by("-closed_at", "-pk")[:RECENT_TICKETS]
    )
    rated = tickets.aggregate(n=Count("rating"), avg=Avg("rating"))
    return {
        "tickets": [
            PublicTicket(
                received_at=t.received_at,
                closed_at=t.closed_at,
                aspect=str(t.category or ""),
                text=redact(t.text),
                reply=redact(t.reply),
                rating=t.rating,
                in_time=t.in_time,
            )
            for t in closed
        ],
        "rating_count": rated["n"],
        "average_rating": round(rated["avg"], 1) if rated["n"] else None,
        "closed_count": tickets.filter(status=Ticket.Status.CLOSED).count(),
    }


def project_page(project) -> dict:
    """Everything the project's public page shows."""
    rows = indicator_rows(project)
    return {
        "project": project,
        "coverage_regions": project.coverage_regions.all(),
        "indicators": rows,
        "chart": trend_chart(rows),
        "milestones": project.milestones.all(),
        "progress": progress_of([project.pk])[project.pk],
        "tasks": Task.objects.filter(project=project, parent=None).order_by("deadline", "pk"),
        "updates": public_updates(project),
        "feedback": public_feedback(project),
        "rate_url": reverse("feedback:rate-project", args=[project.pk]),
        "qr_url": reverse("feedback:project-qr", args=[project.pk]),
    }
