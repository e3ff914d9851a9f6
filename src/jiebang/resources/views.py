"""Resource pool pages: the expert directory, suggestions per project, advice records and the
兴聊号直通车 events."""

from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import next_url, press, submit
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.models import Project

from . import services
from .forms import (
    AdviceForm,
    AssignForm,
    AttendanceFormSet,
    EventFilterForm,
    EventForm,
    ExpertFilterForm,
    ExpertForm,
    ProjectPickForm,
)
from .models import Expert, OutreachEvent, ProjectExpert


def _expert_or_404(request, pk):
    require_perm(request.user, "resources.view_experts")
    return get_visible_or_404(Expert, request.user, pk=pk)


def _contact_flag(request):
    return {"can_see_contact": can(request.user, "resources.view_expert_contact")}


def expert_list(request):
    require_perm(request.user, "resources.view_experts")
    form = ExpertFilterForm(request.GET or None)
    experts = form.filter(Expert.objects.visible_to(request.user).select_related("institution"))
    context = {
        "form": form,
        "page": Paginator(experts, 50).get_page(request.GET.get("page")),
        "pick_form": ProjectPickForm(user=request.user),
        "can_manage": can(request.user, "resources.manage_experts"),
        **_contact_flag(request),
    }
    if request.htmx:
        return render(request, "resources/_expert_table.html", context)
    return render(request, "resources/expert_list.html", context)


def expert_detail(request, pk):
    expert = _expert_or_404(request, pk)
    visible_projects = Project.objects.visible_to(request.user)
    context = {
        "expert": expert,
        "advice": expert.advice.visible_to(request.user).select_related("project", "recorded_by"),
        "assignments": expert.assignments.filter(project__in=visible_projects).select_related(
            "project"
        ),
        "events": expert.outreach_events.visible_to(request.user).select_related("region"),
        "can_manage": can(request.user, "resources.manage_experts", expert),
        "can_record": can(request.user, "resources.record_advice", expert),
        "history": object_history(expert),
        **_contact_flag(request),
    }
    return render(request, "resources/expert_detail.html", context)


def _expert_form(request, expert=None):
    require_perm(request.user, "resources.manage_experts", expert)
    form = ExpertForm(request.POST or None, instance=expert)

    def save(**data):
        fields = {name: data[name] for name in form.Meta.fields}
        if expert is None:
            return services.create_expert(acting_user=request.user, **fields)
        return services.update_expert(expert, acting_user=request.user, **fields)

    return submit(
        request,
        form,
        save,
        message=_("The expert was saved."),
        success=lambda saved: saved,
        template="resources/expert_form.html",
        context={"expert": expert},
    )


def expert_create(request):
    return _expert_form(request)


def expert_edit(request, pk):
    return _expert_form(request, _expert_or_404(request, pk))


def project_pick(request):
    """The directory's project picker: go to the suggestions for the chosen project."""
    require_perm(request.user, "resources.view_experts")
    form = ProjectPickForm(request.GET or None, user=request.user)
    if form.is_valid():
        return redirect("resources:project-experts", pk=form.cleaned_data["project"].pk)
    return redirect("resources:expert-list")


def project_experts(request, pk):
    """The experts suggested for a project with the reasons, those assigned, and the advice
    given on it."""
    require_perm(request.user, "resources.view_experts")
    project = get_visible_or_404(Project, request.user, pk=pk)
    assigned = project.assigned_experts.select_related("expert__institution", "assigned_by")
    context = {
        "project": project,
        "suggestions": services.suggest_experts(project, limit=10),
        "assigned": assigned,
        "assigned_ids": {a.expert_id for a in assigned},
        "advice": project.advice.visible_to(request.user).select_related("expert", "recorded_by"),
        "can_assign": can(request.user, "resources.assign_expert", project),
        "can_record": can(request.user, "resources.record_advice"),
        **_contact_flag(request),
    }
    return render(request, "resources/project_experts.html", context)


@require_POST
def project_expert_assign(request, pk):
    require_perm(request.user, "resources.view_experts")
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "resources.assign_expert", project)

    def assign(expert):
        return services.assign_expert(project, expert, acting_user=request.user)

    return press(
        request,
        assign,
        form=AssignForm(request.POST),
        message=lambda assignment: _("%(name)s was assigned.") % {"name": assignment.expert.name},
        success=reverse("resources:project-experts", args=[project.pk]),
    )


@require_POST
def project_expert_unassign(request, pk, assignment_pk):
    require_perm(request.user, "resources.view_experts")
    project = get_visible_or_404(Project, request.user, pk=pk)
    assignment = get_object_or_404(ProjectExpert, project=project, pk=assignment_pk)
    return press(
        request,
        lambda: services.unassign_expert(assignment, acting_user=request.user),
        message=_("The expert was taken off the project."),
        success=reverse("resources:project-experts", args=[project.pk]),
    )


def advice_create(request):
    """Record advice: an expert their own, city staff anyone's; ?expert= and ?project= preset
    the form; a safe ?next= (or posted next) is where the user goes afterwards."""
    require_perm(request.user, "resources.record_advice")
    initial = {k: request.GET[k] for k in ("expert", "project") if request.GET.get(k)}
    return submit(
        request,
        AdviceForm(request.POST or None, initial=initial, user=request.user),
        lambda **data: services.record_advice(acting_user=request.user, **data),
        message=_("The advice was recorded."),
        success=lambda advice: reverse("resources:project-experts", args=[advice.project_id]),
        template="resources/advice_form.html",
        context={"next": next_url(request)},
    )


# 兴聊号直通车


def event_list(request):
    require_perm(request.user, "resources.view_events")
    form = EventFilterForm(request.GET or None, user=request.user)
    events = form.filter(OutreachEvent.objects.visible_to(request.user))
    context = {
        "form": form,
        "totals": services.event_totals(events),
        "page": Paginator(
            events.select_related("region")
            .order_by("-date", "-pk")
            .prefetch_related("experts")
            .annotate(village_doctor_total=Coalesce(Sum("attendance__village_doctors"), 0)),
            50,
        ).get_page(request.GET.get("page")),
        "can_record": can(request.user, "resources.record_event"),
    }
    if request.htmx:
        return render(request, "resources/_event_table.html", context)
    return render(request, "resources/event_list.html", context)


def event_detail(request, pk):
    require_perm(request.user, "resources.view_events")
    event = get_visible_or_404(OutreachEvent, request.user, pk=pk)
    context = {
        "event": event,
        "attendance": event.attendance.select_related("institution"),
        "totals": services.event_totals(OutreachEvent.objects.filter(pk=event.pk)),
        "can_edit": can(request.user, "resources.record_event", event),
        "history": object_history(event),
    }
    return render(request, "resources/event_detail.html", context)


def _event_form(request, event=None):
    require_perm(request.user, "resources.record_event", event)
    initial = [
        {
            "institution": a.institution_id,
            "attendees": a.attendees,
            "village_doctors": a.village_doctors,
        }
        for a in (event.attendance.all() if event else [])
    ]
    rows = AttendanceFormSet(
        request.POST or None,
        initial=initial,
        prefix="attendance",
        form_kwargs={"user": request.user},
    )

    def save(experts, **data):
        fields = {name: data[name] for name in services.EVENT_FIELDS}
        attendance = [
            services.AttendanceRow(**row) for row in rows.cleaned_data if row.get("institution")
        ]
        if event is None:
            return services.create_event(
                acting_user=request.user, experts=experts, attendance=attendance, **fields
            )
        return services.update_event(
            event, acting_user=request.user, experts=experts, attendance=attendance, **fields
        )

    return submit(
        request,
        EventForm(request.POST or None, instance=event, user=request.user),
        save,
        also={"rows": rows},
        message=_("The event was saved."),
        success=lambda saved: saved,
        template="resources/event_form.html",
        context={"event": event},
    )


def event_create(request):
    return _event_form(request)


def event_edit(request, pk):
    require_perm(request.user, "resources.view_events")
    return _event_form(request, get_visible_or_404(OutreachEvent, request.user, pk=pk))
