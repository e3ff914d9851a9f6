"""The ledger's source of assessment points (assessment/points.py keeps the registry): overdue
tasks, one record per project and year."""

from collections.abc import Iterable

from django.db.models import Count, Max
from django.utils.translation import ngettext

from jiebang.assessment.points import SourceRow, day_of, live

from .models import Task


def overdue_tasks(year: int) -> Iterable[SourceRow]:
    """Overdue tasks whose deadline fell in the year, one record per project."""
    rows = (
        live(Task.objects.overdue().filter(deadline__year=year))
        .values("project__implementing_unit_id", "project_id")
        .annotate(n=Count("pk"), last=Max("deadline"))
    )
    for row in rows:
        yield SourceRow(
            row["project__implementing_unit_id"],
            row["project_id"],
            row["n"],
            ngettext("%(count)d overdue task", "%(count)d overdue tasks", row["n"])
            % {"count": row["n"]},
            day_of(row["last"]),
        )
