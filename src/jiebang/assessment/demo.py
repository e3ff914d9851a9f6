"""Demo data of the assessment app: the default point rules, and a few recognitions (十佳,
provincial typical case, national recognition) of completed or evaluated projects when the
earlier loaders made any. Idempotent: a project keeps the recognition it was given once."""

from django.db import transaction
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.models import Project, StatusChange

from .models import PointRule, Recognition
from .services import ensure_default_rules, record_recognition

# Kinds given, in order, to the first completed or evaluated projects (by code).
RECOGNITIONS = [
    (Recognition.Kind.TOP_TEN, "十佳改革项目"),
    (Recognition.Kind.TOP_TEN, "十佳改革项目"),
    (Recognition.Kind.TOP_TEN, "十佳改革项目"),
    (Recognition.Kind.PROVINCIAL_CASE, "入选全省卫生健康改革典型案例"),
    (Recognition.Kind.NATIONAL_RECOGNITION, "经验在全国会议上交流推广"),
]


def _completion_year(project: Project) -> int:
    change = (
        StatusChange.objects.filter(project=project, to_status=Project.Status.COMPLETED)
        .order_by("-changed_at")
        .first()
    )
    return timezone.localdate(change.changed_at).year if change else timezone.localdate().year


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    ensure_default_rules()
    admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    projects = Project.objects.filter(
        status__in=[Project.Status.COMPLETED, Project.Status.EVALUATED],
        implementing_unit__isnull=False,
    ).order_by("code")[: len(RECOGNITIONS)]
    for project, (kind, note) in zip(projects, RECOGNITIONS, strict=False):
        if not Recognition.objects.filter(project=project, kind=kind).exists():
            year = _completion_year(project)
            try:
                record_recognition(project, kind=kind, year=year, acting_user=admin, note=note)
            except DomainError:  # e.g. that year has its ten already: leave it
                continue
    return {
        "assessment_rules": PointRule.objects.count(),
        "assessment_recognitions": Recognition.objects.count(),
    }
