"""Stage 2 pages: projects with their three elements, the lists (榜单) and their guides."""

import os

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import act
from jiebang.core.errors import DomainError
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


def project_detail(request, pk, claim_form=None):
    project = get_visible_or_404(Project, request.user, pk=pk)
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
    context = {
        "application_deadline": services.application_deadline(project) if open_call else None,
        "applications_closed": closed,
        "claims": _claim_rows(project.claims.visible_to(request.user)),
        "claim_form": claim_form or (ClaimForm() if can_claim else None),
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
    return render(request, "projects/project_detail.html", context)


def _can_open_competition(user, project) -> bool:
    return (
        project.status == Project.Status.PUBLISHED
        and project.channel == Project.Channel.OPEN
        and can(user, "projects.manage_competitions", project)
        and project.claims.open().count() >= 2
        and not project.competitions.filter(status__in=Competition.ACTIVE_STATUSES).exists()
    )


def _save_project(request, project, form, indicators, milestones):
    """Create or update the project with the new indicators and milestones, in one go."""
    data = form.cleaned_data
    fields = {name: data[name] for name in form.Meta.fields}
    with transaction.atomic():
        if project is None:
            project = services.create_project(acting_user=request.user, **fields)
        else:
            project = services.update_project(project, acting_user=request.user, **fields)
        for row in indicators.cleaned_data:
            if row:
                services.add_indicator(project, acting_user=request.user, **row)
        for row in milestones.cleaned_data:
            if row:
                services.add_milestone(project, acting_user=request.user, **row)
    return project


def _project_form(request, project=None):
    require_perm(request.user, "projects.manage_projects", project)
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, instance=project)
    indicators = IndicatorFormSet(data, prefix="indicators")
    milestones = MilestoneFormSet(data, prefix="milestones")
    if data is not None and all(f.is_valid() for f in (form, indicators, milestones)):
        try:
            project = _save_project(request, project, form, indicators, milestones)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    context = {"form": form, "indicators": indicators, "milestones": milestones}
    return render(request, "projects/project_form.html", {"project": project, **context})


def project_create(request):
    return _project_form(request)


def project_edit(request, pk):
    return _project_form(request, get_visible_or_404(Project, request.user, pk=pk))


@require_POST
def indicator_remove(request, pk, indicator_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    indicator = get_object_or_404(project.indicators, pk=indicator_pk)
    remove = lambda: services.remove_indicator(indicator, acting_user=request.user)  # noqa: E731
    return act(request, project, remove, _("The indicator was removed."))


@require_POST
def milestone_remove(request, pk, milestone_pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    remove = lambda: services.remove_milestone(milestone, acting_user=request.user)  # noqa: E731
    return act(request, project, remove, _("The milestone was removed."))


@require_POST
def project_withdraw(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "projects.manage_projects", project)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    withdraw = lambda: services.withdraw_project(  # noqa: E731
        project, acting_user=request.user, reason=reason
    )
    return act(request, project, withdraw, _("The project was withdrawn."))


def dimension_list(request):
    """改革维度: the city admin's list of reform dimensions; POST adds one (last)."""
    require_perm(request.user, "projects.manage_dimensions")
    if request.method == "POST":
        add = lambda name: services.create_dimension(acting_user=request.user, name=name)  # noqa: E731
        message = _("The reform dimension was added.")
        return act(request, "projects:dimension-list", add, message, DimensionForm(request.POST))
    # Each row is its own small form (DimensionEditForm's fields, posted to dimension_edit).
    dimensions = Dimension.objects.annotate(project_count=Count("projects"))
    context = {"dimensions": dimensions, "form": DimensionForm()}
    return render(request, "projects/dimension_list.html", context)


@require_POST
def dimension_edit(request, pk):
    """Rename, reorder or switch off (on) one reform dimension."""
    require_perm(request.user, "projects.manage_dimensions")
    dimension = get_object_or_404(Dimension, pk=pk)

    def edit(name, order, is_active):
        services.update_dimension(
            dimension, acting_user=request.user, name=name, order=order, is_active=is_active
        )

    message = _("The reform dimension was saved.")
    form = DimensionEditForm(request.POST)
    return act(request, "projects:dimension-list", edit, message, form)


def list_index(request):
    require_perm(request.user, "projects.view_project_list")
    can_manage = can(request.user, "projects.manage_projects")
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects")
    # The form only for who may submit it (checked before it is built, on GET as on POST).
    form = ProjectListForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        project_list = services.create_list(acting_user=request.user, **form.cleaned_data)
        return redirect(project_list)
    lists = ProjectList.objects.visible_to(request.user).prefetch_related("projects")
    context = {"lists": lists, "form": form, "can_manage": can_manage}
    return render(request, "projects/list_index.html", context)


def list_detail(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    can_manage = can(request.user, "projects.manage_projects", project_list)
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects", project_list)
    form = AddProjectsForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        services.add_projects_to_list(
            project_list, form.cleaned_data["projects"], acting_user=request.user
        )
        return redirect(project_list)
    projects = project_list.projects.visible_to(request.user).select_related(
        "dimension", "implementing_unit"
    )
    context = {"project_list": project_list, "projects": projects, "form": form}
    return render(request, "projects/list_detail.html", {**context, "can_manage": can_manage})


@require_POST
def list_publish(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    require_perm(request.user, "projects.manage_projects", project_list)
    publish = lambda: services.publish_list(project_list, acting_user=request.user)  # noqa: E731
    return act(request, project_list, publish, _("The list was published."))


def list_guide(request, pk):
    project_list = get_visible_or_404(ProjectList, request.user, pk=pk)
    can_manage = can(request.user, "projects.manage_projects", project_list)
    if request.method == "POST":
        require_perm(request.user, "projects.manage_projects", project_list)
    form = GuideForm(request.POST or None, instance=project_list) if can_manage else None
    if request.method == "POST" and form.is_valid():
        services.update_guide(project_list, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("The application guide was saved."))
        return redirect("projects:list-guide", pk=project_list.pk)
    context = {"project_list": project_list, "form": form, "can_manage": can_manage}
    return render(request, "projects/list_guide.html", context)


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
    form = ClaimForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.claim_project(project, acting_user=request.user, **form.cleaned_data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Your claim was submitted."))
            return redirect(project)
    return project_detail(request, pk, claim_form=form)


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


def _claim_action(request, pk, perform, message):
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    try:
        perform(claim)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, message)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("projects:claim-list")
    return redirect(next_url)


def claim_attachment(request, pk):
    """The claim's attachment, only to those who may see the claim (no public media URL)."""
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    if not claim.attachment:
        raise Http404
    name = os.path.basename(claim.attachment.name)
    return FileResponse(claim.attachment.open("rb"), as_attachment=True, filename=name)


def _text(request, name):
    return request.POST.get(name, "").strip()


@require_POST
def claim_endorse(request, pk):
    def endorse(claim):
        services.endorse_claim(claim, acting_user=request.user, note=_text(request, "note"))

    return _claim_action(request, pk, endorse, _("The claim was endorsed."))


@require_POST
def claim_approve(request, pk):
    def approve(claim):
        services.approve_claim(claim, acting_user=request.user, reason=_text(request, "reason"))

    return _claim_action(request, pk, approve, _("The claim was approved."))


@require_POST
def claim_reject(request, pk):
    def reject(claim):
        services.reject_claim(claim, acting_user=request.user, reason=_text(request, "reason"))

    return _claim_action(request, pk, reject, _("The claim was rejected."))


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


def case_detail(request, pk, forms=None):
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    context = {
        "case": case,
        "take_form": TakeCaseForm(initial={"response_deadline": case.response_deadline}),
        "resolve_form": ResolveCaseForm(),
        "close_form": CloseCaseForm(),
        **(forms or {}),
        "history": object_history(case),
    }
    return render(request, "projects/case_detail.html", context)


def case_create(request):
    require_perm(request.user, "projects.raise_case")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.raise_case(acting_user=request.user, **form.cleaned_data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The case was raised to the task force."))
            return redirect(case)
    return render(request, "projects/case_form.html", {"form": form})


def _case_action(request, pk, form_class, name, perform, message):
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(case, **form.cleaned_data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, message)
            return redirect(case)
    return case_detail(request, pk, forms={name: form})


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
