"""派单 pages: run the engine, inspect and edit the plan, confirm it; units' capabilities and
capacity."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.orgs.models import Institution
from jiebang.projects.models import AssignmentRun

from . import services
from .forms import AssignForm, PairForm, UnitFilterForm, UnitProfileForm


def assign_index(request):
    """The admin picks projects, units and weights and runs the engine; past runs below."""
    require_perm(request.user, "projects.view_assignment")
    can_run = can(request.user, "projects.manage_assignment")
    if request.method == "POST":
        require_perm(request.user, "projects.manage_assignment")

    def run(projects, kinds, counties, capability, locality, min_per_region):
        return services.run_assignment(
            acting_user=request.user,
            projects=projects,
            units=services.candidate_units(kinds, counties),
            weights=services.Weights(capability, locality, min_per_region),
        )

    runs = AssignmentRun.objects.select_related("created_by", "confirmed_by")
    context = {"runs": Paginator(runs, 20).get_page(request.GET.get("page")), "can_run": can_run}
    return submit(
        request,
        AssignForm(request.POST or None) if can_run else None,  # only for who may run
        run,
        message=_("The engine proposed a plan; check it and confirm."),
        success=lambda run: run,
        template="projects/assign_index.html",
        context=context,
    )


def assign_run(request, pk):
    """Who gets what and why, the score of each pair, the unassigned, objective vs greedy."""
    require_perm(request.user, "projects.view_assignment")
    run = get_object_or_404(AssignmentRun, pk=pk)
    pairs = list(run.pairs.select_related("project__region", "unit__region", "engine_unit"))
    paired = {p.project_id for p in pairs}
    unassigned = [p for p in run.projects.select_related("region") if p.pk not in paired]
    for pair in pairs:
        pair.why = services.why(pair)
    context = {
        "run": run,
        "pairs": pairs,
        "unassigned": unassigned,
        "gain": run.objective - run.greedy_objective,
        "shortfalls": services.region_shortfalls(run),
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
    current = run.pairs.filter(project=project).values_list("unit", flat=True).first()
    form = PairForm(
        request.POST or None,
        run=run,
        options=services.unit_options(run, project),
        initial={"unit": current},
        prefix=project.pk,
    )

    def reassign(unit):
        pair, warnings = services.reassign(run, project, unit, acting_user=request.user)
        for warning in warnings:
            messages.warning(request, warning)
        return pair

    return submit(
        request,
        form,
        reassign,
        message=_("The plan was changed for %(project)s.") % {"project": project},
        success=f"{run.get_absolute_url()}#pair-{project.pk}",
        template="projects/assign_pair.html",
        context={"run": run, "project": project},
        fragment="projects/_pair_form.html",
    )


@require_POST
def assign_confirm(request, pk):
    require_perm(request.user, "projects.manage_assignment")
    run = get_object_or_404(AssignmentRun, pk=pk)
    return press(
        request,
        lambda: services.confirm_run(run, acting_user=request.user),
        message=_("The run was confirmed; the projects are assigned."),
        success=run,
    )


def _unit_initial(unit) -> dict:
    return {"capabilities": unit.capabilities, "project_capacity": unit.project_capacity}


def _unit_form(unit):
    return UnitProfileForm(initial=_unit_initial(unit), prefix=unit.pk)


def assign_units(request):
    """Units' capability tags and capacity, editable in place by the admin."""
    require_perm(request.user, "projects.manage_assignment")
    form = UnitFilterForm(request.GET or None)
    units = form.filter(
        services.with_load(Institution.objects.filter(is_active=True)).select_related("region")
    )
    page = Paginator(units.order_by("region__path", "name"), 50).get_page(request.GET.get("page"))
    for unit in page:
        unit.form = _unit_form(unit)
    context = {"form": form, "page": page}
    return render(request, "projects/assign_units.html", context)


@require_POST
def assign_unit_edit(request, pk):
    """Save one unit's tags and capacity; htmx gets its row back (saved, or with the errors),
    others the units page (with only this unit's row when it is refused)."""
    require_perm(request.user, "projects.manage_assignment")
    unit = get_object_or_404(services.with_load(Institution.objects.all()), pk=pk)
    unit.form = UnitProfileForm(request.POST, initial=_unit_initial(unit), prefix=unit.pk)

    def saved_row(_result):
        saved = services.with_load(Institution.objects.all()).get(pk=pk)
        saved.form = _unit_form(saved)
        return render(request, "projects/_unit_row.html", {"unit": saved, "saved": True})

    def page():
        return {"form": UnitFilterForm(), "page": Paginator([unit], 50).get_page(1), "unit": unit}

    return submit(
        request,
        unit.form,
        lambda **data: services.update_unit_profile(unit, acting_user=request.user, **data),
        message=_("%(unit)s was saved.") % {"unit": unit},
        success="projects:assign-units",
        template="projects/assign_units.html",
        context=page,
        form_name="unit_form",
        fragment="projects/_unit_row.html",
        htmx_success=saved_row,
    )
