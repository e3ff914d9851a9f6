"""榜单 pages: the lists, their projects and application guides; publishing a list."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.models import ProjectList

from . import services
from .forms import AddProjectsForm, GuideForm, ProjectListForm


def list_index(request):
    require_perm(request.user, "projects.view_project_list")
    can_manage = can(request.user, "projects.manage_projects")
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects")
    # The form only for who may submit it (checked before it is built, on GET as on POST).
    lists = ProjectList.objects.visible_to(request.user).prefetch_related("projects")
    return submit(
        request,
        ProjectListForm(request.POST or None) if can_manage else None,
        lambda **data: services.create_list(acting_user=request.user, **data),
        message=None,
        success=lambda project_list: project_list,
        template="projects/list_index.html",
        context={"lists": lists, "can_manage": can_manage},
    )


def list_detail(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    can_manage = can(request.user, "projects.manage_projects", project_list)
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects", project_list)
    projects = project_list.projects.visible_to(request.user).select_related(
        "dimension", "implementing_unit"
    )

    # Before publishing: every project that still lacks something, and what (marked rows).
    incomplete = {}
    if can_manage and project_list.status == ProjectList.Status.DRAFT:
        incomplete = services.incomplete_projects(projects)
    projects = list(projects)
    for project in projects:
        project.problems = incomplete.get(project.pk, [])

    def add(projects):
        services.add_projects_to_list(project_list, projects, acting_user=request.user)

    return submit(
        request,
        AddProjectsForm(request.POST or None) if can_manage else None,
        add,
        message=None,
        success=project_list,
        template="projects/list_detail.html",
        context={
            "project_list": project_list,
            "projects": projects,
            "can_manage": can_manage,
            "incomplete": incomplete,
        },
    )


@require_POST
def list_publish(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    require_perm(request.user, "projects.manage_projects", project_list)
    return press(
        request,
        lambda: services.publish_list(project_list, acting_user=request.user),
        message=_("The list was published."),
        success=project_list,
    )


def list_guide(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    can_manage = can(request.user, "projects.manage_projects", project_list)
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects", project_list)
    return submit(
        request,
        GuideForm(request.POST or None, instance=project_list) if can_manage else None,
        lambda **data: services.update_guide(project_list, acting_user=request.user, **data),
        message=_("The application guide was saved."),
        success=reverse("projects:list-guide", args=[project_list.pk]),
        template="projects/list_guide.html",
        context={"project_list": project_list, "can_manage": can_manage},
    )
