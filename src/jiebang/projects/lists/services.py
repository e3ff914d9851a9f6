"""榜单: the city admin opens a list, writes its application guide (申报指南), puts draft
projects on it and publishes it (发榜); the application deadline its guide sets."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.projects.models import Project, ProjectList
from jiebang.projects.project.services import require_draft


@transaction.atomic
def create_list(*, acting_user, name: str, round_number: int = 1, **guide) -> ProjectList:
    """The city admin opens a new list (榜单) in draft, optionally with its guide."""
    require_perm(acting_user, "projects.manage_projects")
    check_date_range(guide.get("guide_deadline"))
    project_list = ProjectList(
        name=name, round_number=round_number, created_by=acting_user, **guide
    )
    project_list._history_user = acting_user
    project_list.save()
    return project_list


@transaction.atomic
def update_guide(project_list: ProjectList, *, acting_user, **guide) -> ProjectList:
    """The city admin edits a list's name and application guide (申报指南)."""
    require_perm(acting_user, "projects.manage_projects", project_list)
    check_date_range(guide.get("guide_deadline"))
    for name, value in guide.items():
        setattr(project_list, name, value)
    project_list._history_user = acting_user
    project_list.save(update_fields=list(guide) or None)
    return project_list


@transaction.atomic
def add_projects_to_list(project_list: ProjectList, projects, *, acting_user) -> int:
    """Put draft projects on a list; DomainError for a project that is no longer a draft."""
    require_perm(acting_user, "projects.manage_projects", project_list)
    count = 0
    for project in projects:
        require_draft(project)
        project.project_list = project_list
        project._history_user = acting_user
        project.save(update_fields=["project_list"])
        count += 1
    return count


def incomplete_projects(projects) -> dict[int, list[str]]:
    """Why each draft project of `projects` cannot be published yet (one query): the three
    elements and a timeline are needed. Projects that can be published are left out."""
    drafts = projects.filter(status=Project.Status.DRAFT).annotate(
        n_indicators=Count("indicators", distinct=True),
        n_milestones=Count("milestones", distinct=True),
    )
    found = {}
    for project in drafts:
        problems = []
        if project.implementing_unit_id is None and project.channel != Project.Channel.OPEN:
            problems.append(_("a directed project needs an implementing unit"))
        if not project.n_indicators:
            problems.append(_("at least one quantified indicator is needed"))
        if not (project.start_date and project.end_date) and not project.n_milestones:
            problems.append(_("a timeline (start and end dates or milestones) is needed"))
        if problems:
            found[project.pk] = problems
    return found


@transaction.atomic
def publish_list(project_list: ProjectList, *, acting_user) -> ProjectList:
    """发榜: the city admin publishes a list; its draft projects become published, and each
    directed (委托) project moves on to assigned with the unit the list names, a recorded step
    that says so (it is never claimed nor given out by 派单; its letter can be generated
    next).

    DomainError if the list is already published, has no draft project, or one of them lacks
    an implementing unit (unless open for application), an indicator or a timeline.
    """
    require_perm(acting_user, "projects.manage_projects", project_list)
    project_list = ProjectList.objects.select_for_update().get(pk=project_list.pk)
    if project_list.status == ProjectList.Status.PUBLISHED:
        raise DomainError(_("This list is already published."))
    drafts = list(project_list.projects.filter(status=Project.Status.DRAFT))
    if not drafts:
        raise DomainError(_("The list has no draft project to publish."))
    incomplete = incomplete_projects(project_list.projects.all())
    if incomplete:
        named = {p.pk: p for p in drafts}
        raise DomainError(
            ngettext(
                "%(n)s project cannot be published yet: %(projects)s.",
                "%(n)s projects cannot be published yet: %(projects)s.",
                len(incomplete),
            )
            % {
                "n": len(incomplete),
                "projects": pgettext("between items", "; ").join(
                    _("%(project)s (%(problems)s)")
                    % {
                        "project": named[pk],
                        "problems": pgettext("between words", ", ").join(problems),
                    }
                    for pk, problems in incomplete.items()
                ),
            }
        )
    for project in drafts:
        project.move_to(Project.Status.PUBLISHED, by=acting_user)
        if project.channel == Project.Channel.DIRECTED:
            reason = _("Directed commission to %(unit)s, named in the published list.")
            project.move_to(
                Project.Status.ASSIGNED,
                by=acting_user,
                reason=reason % {"unit": project.implementing_unit},
            )
    project_list.status = ProjectList.Status.PUBLISHED
    project_list.published_at = timezone.now()
    project_list._history_user = acting_user
    project_list.save(update_fields=["status", "published_at"])
    return project_list


def application_deadline(project: Project):
    """The application deadline of the project's list (its guide's), or None."""
    if project.project_list_id is None:
        return None
    return ProjectList.objects.values_list("guide_deadline", flat=True).get(
        pk=project.project_list_id
    )


def applications_closed(project: Project) -> bool:
    """The deadline has passed: it is over at the end of its day in Asia/Shanghai."""
    deadline = application_deadline(project)
    return deadline is not None and deadline < timezone.localdate()
