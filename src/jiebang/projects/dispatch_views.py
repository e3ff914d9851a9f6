"""派单 pages: run the engine, inspect and edit the plan, confirm it; units' capabilities and
capacity; a unit's own projects."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.errors import DomainError
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution

from . import dispatch
from .forms import DispatchForm, PairForm, UnitFilterForm, UnitProfileForm
from .models import AssignmentRun, Project


def assign_index(request):
    """The admin picks projects, units and weights and runs the engine; past runs below."""
    require_perm(request.user, "projects.view_assignment")
    can_run = can(request.user, "projects.manage_assignment")
    if request.method == "POST":
        require_perm(request.user, "projects.manage_assignment")
    form = DispatchForm(request.POST or None) if can_run else None  # only for who may run
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = dispatch.candidate_units(data["kinds"], data["counties"])
        weights = dispatch.Weights(data["capability"], data["locality"], data["min_per_region"])
        try:
            run = dispatch.run_assignment(
                acting_user=request.user,
                projects=data["projects"],
                units=units,
                weights=weights,
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The engine proposed a plan; check it and confirm."))
            return redirect(run)
    runs = AssignmentRun.objects.select_related("created_by", "confirmed_by")
    context = {
        "form": form,
        "runs": Paginator(runs, 20).get_page(request.GET.get("page")),
        "can_run": can_run,
    }
    return render(request, "projects/assign_index.html", context)


def assign_run(request, pk):
    """Who gets what and why, the score of each pair, the unassigned, objective vs greedy."""
    require_perm(request.user, "projects.view_assignment")
    run = get_object_or_404(AssignmentRun, pk=pk)
    pairs = list(run.pairs.select_related("project__region", "unit__region", "engine_unit"))
    paired = {p.project_id for p in pairs}
    unassigned = [p for p in run.projects.select_related("region") if p.pk not in paired]
    for pair in pairs:
        pair.why = dispatch.why(pair)
    context = {
        "run": run,
        "pairs": pairs,
        "unassigned": unassigned,
        "gain": run.objective - run.greedy_objective,
        "shortfalls": dispatch.region_shortfalls(run),
        "can_edit": can(request.user, "projects.manage_assignment") and not run.is_frozen,
        "history": object_history(run),
    }
    return render(request, "projects/assign_run.html", context)


def assign_pair(request, pk, project_pk):
    """GET: the units that could take the project instead (htmx loads it into the row);
    POST: give the project to one of them (or to none)."""
    require_perm(request.user, "projects.manage_assignment")
    run = get_object_or_404(AssignmentRun, pk=pk)
    project = get_object_or_404(run.projects.select_related("region"), pk=project_pk)
    if request.method != "POST":
        current = run.pairs.filter(project=project).values_list("unit", flat=True).first()
        options = dispatch.unit_options(run, project)
        form = PairForm(run=run, options=options, initial={"unit": current}, prefix=project.pk)
        context = {"run": run, "project": project, "form": form}
        template = "projects/_pair_form.html" if request.htmx else "projects/assign_pair.html"
        return render(request, template, context)
    form = PairForm(request.POST, run=run, prefix=project.pk)
    if not form.is_valid():
        messages.error(request, _("Choose one of the run's units."))
        return redirect(run)
    try:
        pair, warnings = dispatch.reassign(
            run, project, form.cleaned_data["unit"], acting_user=request.user
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("The plan was changed for %(project)s.") % {"project": project})
        for warning in warnings:
            messages.warning(request, warning)
    return redirect(f"{run.get_absolute_url()}#pair-{project.pk}")


@require_POST
def assign_confirm(request, pk):
    require_perm(request.user, "projects.manage_assignment")
    run = get_object_or_404(AssignmentRun, pk=pk)
    try:
        dispatch.confirm_run(run, acting_user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("The run was confirmed; the projects are assigned."))
    return redirect(run)


def assign_units(request):
    """Units' capability tags and capacity, editable in place by the admin."""
    require_perm(request.user, "projects.manage_assignment")
    form = UnitFilterForm(request.GET or None)
    units = form.filter(
        dispatch.with_load(Institution.objects.filter(is_active=True)).select_related("region")
    )
    page = Paginator(units.order_by("region__path", "name"), 50).get_page(request.GET.get("page"))
    for unit in page:
        unit.form = UnitProfileForm(
            initial={"capabilities": unit.capabilities, "project_capacity": unit.project_capacity},
            prefix=unit.pk,
        )
    context = {"form": form, "page": page}
    return render(request, "projects/assign_units.html", context)


@require_POST
def assign_unit_edit(request, pk):
    """Save one unit's tags and capacity; htmx gets its row back."""
    require_perm(request.user, "projects.manage_assignment")
    unit = get_object_or_404(dispatch.with_load(Institution.objects.all()), pk=pk)
    form = UnitProfileForm(request.POST, prefix=unit.pk)
    saved = False
    if form.is_valid():
        try:
            dispatch.update_unit_profile(unit, acting_user=request.user, **form.cleaned_data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            saved = True
            unit = dispatch.with_load(Institution.objects.all()).get(pk=pk)
    if not request.htmx:
        if saved:
            messages.success(request, _("%(unit)s was saved.") % {"unit": unit})
        else:
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            messages.error(request, " ".join(errors))
        return redirect("projects:assign-units")
    unit.form = (
        form
        if not saved
        else UnitProfileForm(
            initial={"capabilities": unit.capabilities, "project_capacity": unit.project_capacity},
            prefix=unit.pk,
        )
    )
    return render(request, "projects/_unit_row.html", {"unit": unit, "saved": saved})


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
