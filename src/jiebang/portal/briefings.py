"""The figures of a work briefing (工作简报), computed from the records of one period, the
draft text written from them, and the briefing's PDF. Plain functions, no request: the staff
pages, the demo and the tests call them alike.

A period runs from `start` to `end`, both local dates (Asia/Shanghai) included. The figures:

- projects started / completed: projects whose status moved to in progress / completed in
  the period (projects.StatusChange);
- tasks overdue at the end of the period: ledger tasks and sub-tasks due before the period's
  last day and not done by the end of it (done later, or not yet) — the rule of
  Task.overdue_on, read back in time through done_at;
- public tickets received in the period, closed in it, closed in it by their deadline
  (Ticket.in_time), and the average rating of the ratings received in it (dismissed tickets
  are not public and count nowhere);
- interviews (约谈) held in the period.
"""

import datetime

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiebang.accountability.models import Interview
from jiebang.core.pdf import render_pdf
from jiebang.ledger.models import Task
from jiebang.projects.models import Project, StatusChange
from jiebang.supervision.models import Ticket

# The figures in the order a briefing shows them, with their labels.
FIGURES = [
    ("projects_started", gettext_lazy("Projects started")),
    ("projects_completed", gettext_lazy("Projects completed")),
    ("tasks_overdue", gettext_lazy("Tasks overdue at the end of the period")),
    ("tickets_received", gettext_lazy("Public feedback received")),
    ("tickets_closed", gettext_lazy("Public feedback rectified and closed")),
    ("tickets_closed_in_time", gettext_lazy("Of which rectified in time")),
    ("in_time_rate", gettext_lazy("Share rectified in time (%)")),
    ("average_rating", gettext_lazy("Average rating (out of 5)")),
    ("ratings", gettext_lazy("Ratings received")),
    ("interviews", gettext_lazy("Interviews held")),
]


def period_bounds(start: datetime.date, end: datetime.date):
    """The aware datetimes [first moment of `start`, first moment after `end`) in the local
    time zone."""
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    return begin, after


def _moved_to(status: str, begin, after) -> int:
    changes = StatusChange.objects.filter(to_status=status, changed_at__gte=begin)
    return changes.filter(changed_at__lt=after).values("project").distinct().count()


def overdue_at_end(end: datetime.date) -> int:
    """Tasks and sub-tasks overdue at the end of day `end`: due before it and not done by the
    end of it."""
    _begin, after = period_bounds(end, end)
    not_done_then = ~Q(status=Task.Status.DONE) | Q(done_at__gte=after)
    return Task.objects.filter(deadline__lt=end).filter(not_done_then).count()


def compute_figures(start: datetime.date, end: datetime.date) -> dict:
    """The briefing's figures for the period `start`–`end` (see the module's docstring), as a
    JSON-ready dict: counts, the in-time share in percent and the average rating (None when
    nothing was closed or rated)."""
    begin, after = period_bounds(start, end)
    tickets = Ticket.objects.public()
    received = tickets.filter(received_at__gte=begin, received_at__lt=after)
    ratings = received.exclude(rating=None).aggregate(n=Count("pk"), avg=Avg("rating"))
    closed = tickets.filter(
        status=Ticket.Status.CLOSED, closed_at__gte=begin, closed_at__lt=after
    ).aggregate(n=Count("pk"), in_time=Count("pk", filter=Q(in_time=True)))
    return {
        "projects_started": _moved_to(Project.Status.IN_PROGRESS, begin, after),
        "projects_completed": _moved_to(Project.Status.COMPLETED, begin, after),
        "tasks_overdue": overdue_at_end(end),
        "tickets_received": received.count(),
        "tickets_closed": closed["n"],
        "tickets_closed_in_time": closed["in_time"],
        "in_time_rate": round(100 * closed["in_time"] / closed["n"], 1) if closed["n"] else None,
        "average_rating": round(ratings["avg"], 2) if ratings["n"] else None,
        "ratings": ratings["n"],
        "interviews": Interview.objects.filter(held_at__gte=begin, held_at__lt=after).count(),
    }


def figure_rows(figures: dict) -> list[dict]:
    """The briefing's figures as labelled rows, in order (a figure missing from an older
    snapshot is left out)."""
    return [
        {"key": key, "label": label, "value": figures[key]}
        for key, label in FIGURES
        if key in figures
    ]


def default_title(number: int) -> str:
    """工作简报第N期 (in the platform's language, like the text: it is the commission's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Work briefing no. %(number)s") % {"number": number}


def draft_body(start: datetime.date, end: datetime.date, figures: dict) -> str:
    """The text a new briefing starts with, written from its figures (staff edit it), in the
    platform's language whoever generates it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draft_body(start, end, figures)


def _draft_body(start, end, figures) -> str:
    parts = [
        _(
            "From %(start)s to %(end)s, %(started)s reform projects started and %(completed)s "
            "were completed; %(overdue)s tasks were overdue at the end of the period, and "
            "%(interviews)s interviews were held."
        )
        % {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "started": figures["projects_started"],
            "completed": figures["projects_completed"],
            "overdue": figures["tasks_overdue"],
            "interviews": figures["interviews"],
        },
        _(
            "The public gave %(received)s opinions through the QR codes and the online column; "
            "%(closed)s were rectified and closed, %(in_time)s of them in time."
        )
        % {
            "received": figures["tickets_received"],
            "closed": figures["tickets_closed"],
            "in_time": figures["tickets_closed_in_time"],
        },
    ]
    if figures.get("average_rating") is not None:
        parts.append(
            _("The average rating was %(rating)s out of 5 (%(n)s ratings).")
            % {"rating": figures["average_rating"], "n": figures["ratings"]}
        )
    return "\n".join(parts)


def briefing_pdf(briefing) -> bytes:
    """The published briefing as an A4 PDF (WeasyPrint with the Noto CJK fonts, in Chinese
    whatever the reader's language: it is the commission's document), the same way the
    responsibility letter is printed (accountability.services.letter_pdf)."""
    return render_pdf(
        "portal/briefing_pdf.html",
        {
            "briefing": briefing,
            "rows": figure_rows(briefing.figures),
            "projects": briefing.projects.select_related("implementing_unit"),
        },
    )
