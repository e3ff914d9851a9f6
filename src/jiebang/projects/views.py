"""Stage 2 pages: projects with their three elements, the lists (榜单) and their guides."""

import os

from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.forms import ReasonForm
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope

from . import services
from .dispatch import CARRIED_STATUSES
from .forms import (
    AddProjectsForm,
    CaseFilterForm,
    CaseForm,
    ClaimForm,
    CloseCaseForm,
    DecisionForm,
    DimensionEditForm,
    DimensionForm,
    EndorseForm,
    GuideForm,
    IndicatorFormSet,
    MilestoneFormSet,
    ProjectFilterForm,
    ProjectForm,
    ProjectListForm,
    ResolveCaseForm,
    TakeCaseForm,
    WithdrawForm,
)
from .models import Claim, Competition, Dimension, GreenChannelCase, Project, ProjectList


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
    closed = open_call and services.applications_closed(project)
    can_claim = (
        open_call
        and not closed
        and can(request.user, "projects.claim_project", project)
        and not own_open_claim.exists()
    )
    return {
        "application_deadline": services.application_deadline(project) if open_call else None,
        "applications_closed": closed,
        "claims": _claim_rows(project.claims.visible_to(request.user)),
        "claim_form": ClaimForm() if can_claim else None,
        **_claim_forms(),
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

    def add(projects):
        services.add_projects_to_list(project_list, projects, acting_user=request.user)

    return submit(
        request,
        AddProjectsForm(request.POST or None) if can_manage else None,
        add,
        message=None,
        success=project_list,
        template="projects/list_detail.html",
        context={"project_list": project_list, "projects": projects, "can_manage": can_manage},
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


def _claim_rows(claims):
    return claims.select_related(
        "project", "claimant_unit__region", "decided_by", "endorsed_by"
    ).prefetch_related("project__competitions")


def _claim_forms():
    return {"endorse_form": EndorseForm(), "decision_form": DecisionForm()}


@require_POST
def project_claim(request, pk):
    """点单: a unit claims the project with its plan; errors come back on the project page."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "projects.claim_project", project)
    return submit(
        request,
        ClaimForm(request.POST, request.FILES),
        lambda **data: services.claim_project(project, acting_user=request.user, **data),
        message=_("Your claim was submitted."),
        success=project,
        template="projects/project_detail.html",
        context=lambda: _detail_context(request, project),
        form_name="claim_form",
    )


def claim_list(request):
    """The claims each role works on: a unit its own, a county bureau those awaiting its
    endorsement, the city those endorsed and awaiting a decision, and the submitted claims of
    city-level units, which the task force endorses."""
    require_perm(request.user, "projects.view_claims")
    claims = Claim.objects.visible_to(request.user)
    scope = user_scope(request.user)
    if scope.is_city:
        claims = claims.filter(
            Q(status=Claim.Status.ENDORSED)
            | Q(status=Claim.Status.SUBMITTED, claimant_unit__region__parent=None)
        )
    elif scope.region_path:
        claims = claims.filter(
            status=Claim.Status.SUBMITTED, claimant_unit__region__path__startswith=scope.region_path
        )
    context = {"claims": _claim_rows(claims), **_claim_forms()}
    if scope.unit_id:
        context["projects"] = (
            Project.objects.filter(implementing_unit=scope.unit_id, status__in=CARRIED_STATUSES)
            .select_related("dimension")
            .prefetch_related("status_changes")
            .order_by("-pk")
        )
    return render(request, "projects/claim_list.html", context)


def _claim_action(request, pk, perform, message, form=None):
    """A claim's button (with its note or reason): back to the page it is on (`next`), else
    the claims."""
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    return press(
        request,
        lambda **data: perform(claim, **data),
        form=form,
        message=message,
        success="projects:claim-list",
    )


def claim_attachment(request, pk):
    """The claim's attachment, only to those who may see the claim (no public media URL)."""
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    if not claim.attachment:
        raise Http404
    name = os.path.basename(claim.attachment.name)
    return FileResponse(claim.attachment.open("rb"), as_attachment=True, filename=name)


@require_POST
def claim_endorse(request, pk):
    def endorse(claim, note):
        services.endorse_claim(claim, acting_user=request.user, note=note)

    form = EndorseForm(request.POST)
    return _claim_action(request, pk, endorse, _("The claim was endorsed."), form)


@require_POST
def claim_approve(request, pk):
    def approve(claim, reason):
        services.approve_claim(claim, acting_user=request.user, reason=reason)

    form = DecisionForm(request.POST)
    return _claim_action(request, pk, approve, _("The claim was approved."), form)


@require_POST
def claim_reject(request, pk):
    def reject(claim, reason):
        services.reject_claim(claim, acting_user=request.user, reason=reason)

    form = DecisionForm(request.POST)
    return _claim_action(request, pk, reject, _("The claim was rejected."), form)


@require_POST
def claim_withdraw(request, pk):
    def withdraw(claim):
        services.withdraw_claim(claim, acting_user=request.user)

    return _claim_action(request, pk, withdraw, _("The claim was withdrawn."))


# 绿色通道/直报


def case_list(request):
    """The cases the user may see, active ones first by deadline (overdue at the top)."""
    require_perm(request.user, "projects.view_green_channel")
    filter_form = CaseFilterForm(request.GET or None)
    cases = filter_form.filter(
        GreenChannelCase.objects.visible_to(request.user).select_related(
            "raised_by_unit", "owner", "project"
        )
    )
    active = Case(
        When(status__in=GreenChannelCase.ACTIVE_STATUSES, then=Value(0)), default=Value(1)
    )
    cases = cases.order_by(active, "response_deadline", "-pk")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cases": page.object_list,
        "filter_form": filter_form,
        "can_raise": can(request.user, "projects.raise_case"),
    }
    return render(request, "projects/case_list.html", context)


def _case_context(request, case) -> dict:
    return {
        "case": case,
        "take_form": TakeCaseForm(initial={"response_deadline": case.response_deadline}),
        "resolve_form": ResolveCaseForm(),
        "close_form": CloseCaseForm(),
        "history": object_history(case),
    }


def case_detail(request, pk):
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    return render(request, "projects/case_detail.html", _case_context(request, case))


def case_create(request):
    require_perm(request.user, "projects.raise_case")
    return submit(
        request,
        CaseForm(request.POST or None, user=request.user),
        lambda **data: services.raise_case(acting_user=request.user, **data),
        message=_("The case was raised to the task force."),
        success=lambda case: case,
        template="projects/case_form.html",
    )


def _case_action(request, pk, form_class, name, perform, message):
    """A case's form on its page (take, resolve, close): errors come back there."""
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    return submit(
        request,
        form_class(request.POST),
        lambda **data: perform(case, **data),
        message=message,
        success=case,
        template="projects/case_detail.html",
        context=lambda: _case_context(request, case),
        form_name=name,
    )


@require_POST
def case_take(request, pk):
    def take(case, response_deadline):
        services.take_case(case, acting_user=request.user, response_deadline=response_deadline)

    return _case_action(request, pk, TakeCaseForm, "take_form", take, _("You took the case."))


@require_POST
def case_resolve(request, pk):
    def resolve(case, resolution):
        services.resolve_case(case, acting_user=request.user, resolution=resolution)

    message = _("The case was resolved.")
    return _case_action(request, pk, ResolveCaseForm, "resolve_form", resolve, message)


@require_POST
def case_close(request, pk):
    def close(case, reason):
        services.close_unresolved(case, acting_user=request.user, reason=reason)

    message = _("The case was closed unresolved.")
    return _case_action(request, pk, CloseCaseForm, "close_form", close, message)
