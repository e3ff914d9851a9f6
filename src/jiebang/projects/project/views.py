"""Stage 2 pages: projects with their three elements (the project page also takes a unit's
claim), a unit's own projects, and the reform dimensions."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.forms import ReasonForm
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.projects.claim import services as claim_services
from jiebang.projects.claim.forms import ClaimForm
from jiebang.projects.claim.views import claim_forms, claim_rows
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Competition, Dimension, Project

from . import services
from .forms import (
    DimensionEditForm,
    DimensionForm,
    IndicatorFormSet,
    MilestoneFormSet,
    ProjectFilterForm,
    ProjectForm,
    WithdrawForm,
)


def project_list(request):
    require_perm(request.user, "projects.view_project_list")
    form = ProjectFilterForm(request.GET or None)
    projects = form.filter(
        Project.objects.visible_to(request.user)
        .select_related("dimension", "implementing_unit", "region", "project_list")
        .order_by("-created_at", "-pk")
    )
    context = {
        "form": form,
        "page": Paginator(projects, 50).get_page(request.GET.get("page")),
        "can_manage": can(request.user, "projects.manage_projects"),
    }
    return render(request, "projects/project_list.html", context)


def _detail_context(request, project) -> dict:
    own_open_claim = project.claims.open().filter(claimant_unit=user_scope(request.user).unit_id)
    is_open = project.channel == Project.Channel.OPEN
    open_call = is_open and project.status == Project.Status.PUBLISHED
    closed = open_call and list_services.applications_closed(project)
    can_claim = (
        open_call
        and not closed
        and can(request.user, "projects.claim_project", project)
        and not own_open_claim.exists()
    )
    return {
        "application_deadline": list_services.application_deadline(project) if open_call else None,
        "applications_closed": closed,
        "claims": claim_rows(project.claims.visible_to(request.user)),
        "claim_form": ClaimForm() if can_claim else None,
        **claim_forms(),
        "project": project,
        "indicators": project.indicators.all(),
        "milestones": project.milestones.all(),
        "status_changes": project.status_changes.select_related("changed_by"),
        "coverage_regions": project.coverage_regions.all(),
        "can_manage": can(request.user, "projects.manage_projects", project),
        "competitions": project.competitions.visible_to(request.user),
        "can_open_competition": _can_open_competition(request.user, project),
        "withdraw_form": WithdrawForm(),
        "history": object_history(project),
        "works_on": project.implementing_unit_id is not None
        and Project.objects.implemented_visible_to(request.user).filter(pk=project.pk).exists(),
    }


def project_detail(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


def _can_open_competition(user, project) -> bool:
    return (
        project.status == Project.Status.PUBLISHED
        and project.channel == Project.Channel.OPEN
        and can(user, "projects.manage_competitions", project)
        and project.claims.open().count() >= 2
        and not project.competitions.filter(status__in=Competition.ACTIVE_STATUSES).exists()
    )


def _project_form(request, project=None):
    require_perm(request.user, "projects.manage_projects", project)
    form = ProjectForm(request.POST or None, instance=project)
    indicators = IndicatorFormSet(request.POST or None, prefix="indicators")
    milestones = MilestoneFormSet(request.POST or None, prefix="milestones")

    def save(**data):
        fields = {name: data[name] for name in form.Meta.fields}
        return services.save_project(
            project,
            acting_user=request.user,
            indicators=[row for row in indicators.cleaned_data if row],
            milestones=[row for row in milestones.cleaned_data if row],
            **fields,
        )

    return submit(
        request,
        form,
        save,
        also={"indicators": indicators, "milestones": milestones},
        message=_("The project was saved."),
        success=lambda saved: saved,
        template="projects/project_form.html",
        context={"project": project},
    )


def project_create(request):
    return _project_form(request)


def project_edit(request, pk):
    return _project_form(request, get_visible_or_404(Project, request.user, pk=pk))


@require_POST
def indicator_remove(request, pk, indicator_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    indicator = get_object_or_404(project.indicators, pk=indicator_pk)
    return press(
        request,
        lambda: services.remove_indicator(indicator, acting_user=request.user),
        message=_("The indicator was removed."),
        success=project,
    )


@require_POST
def milestone_remove(request, pk, milestone_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    return press(
        request,
        lambda: services.remove_milestone(milestone, acting_user=request.user),
        message=_("The milestone was removed."),
        success=project,
    )


@require_POST
def project_withdraw(request, pk):
    """Withdraw the project; the service asks for the reason."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "projects.manage_projects", project)
    return press(
        request,
        lambda reason: services.withdraw_project(project, acting_user=request.user, reason=reason),
        form=ReasonForm(request.POST),
        message=_("The project was withdrawn."),
        success=project,
    )


@require_POST
def project_claim(request, pk):
    """点单: a unit claims the project with its plan; errors come back on the project page."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "projects.claim_project", project)
    return submit(
        request,
        ClaimForm(request.POST, request.FILES),
        lambda **data: claim_services.claim_project(project, acting_user=request.user, **data),
        message=_("Your claim was submitted."),
        success=project,
        template="projects/project_detail.html",
        context=lambda: _detail_context(request, project),
        form_name="claim_form",
    )


def my_projects(request):
    """我的任务: the projects the user's unit implements (assigned by 派单 or won by 点单)."""
    require_perm(request.user, "projects.view_own_projects")
    projects = (
        Project.objects.filter(implementing_unit=user_scope(request.user).unit_id)
        .exclude(status=Project.Status.WITHDRAWN)
        .select_related("dimension", "region", "project_list")
        .prefetch_related("status_changes")
        .order_by("-pk")
    )
    return render(request, "projects/my_projects.html", {"projects": projects})


def _dimension_page(request, edited=None, form=None) -> dict:
    """The list of dimensions; the row of `edited` shows what was posted for it (`form`),
    which failed, with its errors above the table."""
    dimensions = list(Dimension.objects.annotate(project_count=Count("projects")))
    for dimension in dimensions:
        if edited is not None and dimension.pk == edited.pk:  # display only, never saved
            dimension.name = form["name"].value()
            dimension.order = form["order"].value()
            dimension.is_active = form["is_active"].value()
    return {"dimensions": dimensions, "form": DimensionForm(), "edit_form": form}


def dimension_list(request):
    """改革维度: the city admin's list of reform dimensions; POST adds one (last)."""
    require_perm(request.user, "projects.manage_dimensions")
    # Each row is its own small form (DimensionEditForm's fields, posted to dimension_edit).
    return submit(
        request,
        DimensionForm(request.POST or None),
        lambda name: services.create_dimension(acting_user=request.user, name=name),
        message=_("The reform dimension was added."),
        success="projects:dimension-list",
        template="projects/dimension_list.html",
        context=lambda: _dimension_page(request),
    )


@require_POST
def dimension_edit(request, pk):
    """Rename, reorder or switch off (on) one reform dimension."""
    require_perm(request.user, "projects.manage_dimensions")
    dimension = get_object_or_404(Dimension, pk=pk)
    form = DimensionEditForm(request.POST)
    return submit(
        request,
        form,
        lambda **data: services.update_dimension(dimension, acting_user=request.user, **data),
        message=_("The reform dimension was saved."),
        success="projects:dimension-list",
        template="projects/dimension_list.html",
        context=lambda: _dimension_page(request, dimension, form),
        form_name="edit_form",
    )
