"""Stage 4 accountability pages: the per-project page (letter, task forces, minutes,
interviews, green-channel cases), the letters, the interviews, the monthly showing and the
escalation per unit."""

import datetime
import os

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import act
from jiebang.core.errors import DomainError
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.projects import services as project_services
from jiebang.projects.forms import CaseForm
from jiebang.projects.models import Project

from . import queries, services
from .forms import (
    AcceptanceForm,
    FollowUpFormSet,
    InterviewForm,
    MeetingForm,
    MemberForm,
    MonthForm,
    OnSiteForm,
    RectificationForm,
    RequiredScanForm,
    ReturnForm,
    ScanForm,
)
from .models import (
    Interview,
    Meeting,
    MonthlyShowing,
    Rectification,
    ResponsibilityLetter,
    TaskForce,
    TaskForceMember,
    stage_projects_visible_to,
)

VIEW = "accountability.view_accountability"


def _project(request, pk) -> Project:
    require_perm(request.user, VIEW)
    return get_object_or_404(stage_projects_visible_to(request.user), pk=pk)


def _accountability_url(project):
    return reverse("accountability:project-detail", args=[project.pk])


def project_list(request):
    """The stage-4 projects in scope with their letter status and open interviews."""
    require_perm(request.user, VIEW)
    projects = (
        stage_projects_visible_to(request.user)
        .filter(status__in=[*services.LETTER_STATUSES, Project.Status.COMPLETED])
        .select_related("implementing_unit", "dimension")
        .prefetch_related(
            Prefetch(
                "letters",
                ResponsibilityLetter.objects.exclude(status="superseded").order_by(
                    "status", "-version"
                ),
            )
        )
        .order_by("code")
    )
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    return render(request, "accountability/project_list.html", {"page": page})


def project_detail(request, pk):
    project = _project(request, pk)
    user = request.user
    task_forces = TaskForce.objects.filter(project=project).prefetch_related(
        Prefetch("members", TaskForceMember.objects.select_related("user"))
    )
    meetings = (
        Meeting.objects.filter(project=project)
        .select_related("task_force")
        .prefetch_related("follow_ups")
    )
    context = {
        "project": project,
        "letters": project.letters.select_related("confirmed_by", "generated_by"),
        "current_letter": services.current_letter(project),
        "task_forces": [
            (tf, MemberForm(task_force=tf, prefix=f"tf{tf.pk}"))
            if can(user, "accountability.manage_task_force", tf)
            else (tf, None)
            for tf in task_forces
        ],
        "meetings": meetings,
        "interviews": project.interviews.select_related("rectification"),
        "cases": project.green_channel_cases.visible_to(user).select_related("owner"),
        "can_generate": can(user, "accountability.generate_letter", project)
        and project.status in services.LETTER_STATUSES,
        "can_interview": can(user, "accountability.record_interview", project),
        "can_raise_case": can(user, "projects.raise_case")
        and project.implementing_unit_id == user_scope(user).unit_id,
        "case_form": CaseForm(user=user, project=project),
    }
    return render(request, "accountability/project_detail.html", context)


@require_POST
def letter_generate(request, pk):
    project = _project(request, pk)
    try:
        letter = services.generate_letter(project, acting_user=request.user)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(_accountability_url(project))
    messages.success(request, _("A new version of the letter was generated."))
    return redirect(letter)


def letter_list(request):
    require_perm(request.user, VIEW)
    status = request.GET.get("status", "")
    letters = ResponsibilityLetter.objects.visible_to(request.user).select_related(
        "project__implementing_unit", "confirmed_by"
    )
    if status in ResponsibilityLetter.Status.values:
        letters = letters.filter(status=status)
    else:
        letters = letters.exclude(status=ResponsibilityLetter.Status.SUPERSEDED)
    page = Paginator(letters.order_by("project__code", "-version"), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": ResponsibilityLetter.Status.choices}
    return render(request, "accountability/letter_list.html", context)


def _letter(request, pk) -> ResponsibilityLetter:
    require_perm(request.user, VIEW)
    return get_visible_or_404(ResponsibilityLetter, request.user, pk=pk)


def letter_detail(request, pk):
    letter = _letter(request, pk)
    user = request.user
    context = {
        "letter": letter,
        "c": letter.content,
        "can_confirm": letter.status == "draft"
        and can(user, "accountability.confirm_letter", letter),
        "can_attach": letter.status == "confirmed"
        and not letter.signed_scan
        and can(user, "accountability.confirm_letter", letter),
        "can_mark": letter.status != "superseded"
        and can(user, "accountability.mark_signed_on_site", letter),
        "scan_form": ScanForm(),
        "on_site_form": OnSiteForm(
            initial={"event_name": letter.event_name, "event_date": letter.event_date}
        ),
    }
    return render(request, "accountability/letter_detail.html", context)


def letter_pdf(request, pk):
    letter = _letter(request, pk)
    response = HttpResponse(services.letter_pdf(letter), content_type="application/pdf")
    name = f"{letter.project.code}-v{letter.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def letter_confirm(request, pk):
    letter = _letter(request, pk)
    require_perm(request.user, "accountability.confirm_letter", letter)

    def confirm(signed_scan):
        services.confirm_letter(letter, acting_user=request.user, signed_scan=signed_scan)

    form = ScanForm(request.POST, request.FILES)
    return act(request, letter, confirm, _("You confirmed the letter."), form)


@require_POST
def letter_attach_scan(request, pk):
    letter = _letter(request, pk)
    require_perm(request.user, "accountability.confirm_letter", letter)

    def attach(signed_scan):
        services.attach_signed_scan(letter, acting_user=request.user, signed_scan=signed_scan)

    form = RequiredScanForm(request.POST, request.FILES)
    return act(request, letter, attach, _("The signed scan was added."), form)


def letter_scan(request, pk):
    """The signed scan, only to those who may see the letter (no public media URL)."""
    letter = _letter(request, pk)
    if not letter.signed_scan:
        raise Http404
    name = os.path.basename(letter.signed_scan.name)
    return FileResponse(letter.signed_scan.open("rb"), as_attachment=True, filename=name)


@require_POST
def letter_on_site(request, pk):
    letter = _letter(request, pk)
    require_perm(request.user, "accountability.mark_signed_on_site", letter)

    def mark(event_name, event_date):
        services.mark_signed_on_site(
            letter, acting_user=request.user, event_name=event_name, event_date=event_date
        )

    form = OnSiteForm(request.POST)
    return act(request, letter, mark, _("The letter is marked as signed on site."), form)


# 双专班


def _task_force(request, pk) -> TaskForce:
    require_perm(request.user, VIEW)
    task_force = get_visible_or_404(TaskForce, request.user, pk=pk)
    require_perm(request.user, "accountability.manage_task_force", task_force)
    return task_force


@require_POST
def member_add(request, pk):
    task_force = _task_force(request, pk)

    def add(**data):
        services.add_member(task_force, acting_user=request.user, **data)

    form = MemberForm(request.POST, task_force=task_force, prefix=f"tf{task_force.pk}")
    target = _accountability_url(task_force.project)
    return act(request, target, add, _("The member was added."), form)


@require_POST
def member_remove(request, pk):
    require_perm(request.user, VIEW)
    member = get_object_or_404(
        TaskForceMember.objects.filter(task_force__in=TaskForce.objects.visible_to(request.user)),
        pk=pk,
    )
    remove = lambda: services.remove_member(member, acting_user=request.user)  # noqa: E731
    target = _accountability_url(member.task_force.project)
    return act(request, target, remove, _("The member was removed."))


def meeting_create(request, pk):
    task_force = _task_force(request, pk)
    project = task_force.project
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial={"date": timezone.localdate()})
    follow_ups = FollowUpFormSet(
        data, prefix="follow", form_kwargs={"unit_id": project.implementing_unit_id}
    )
    if data is not None and form.is_valid() and follow_ups.is_valid():
        rows = [row for row in follow_ups.cleaned_data if row]
        try:
            services.record_meeting(
                task_force, acting_user=request.user, follow_ups=rows, **form.cleaned_data
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The minutes were recorded."))
            return redirect(_accountability_url(project))
    context = {"task_force": task_force, "form": form, "follow_ups": follow_ups}
    return render(request, "accountability/meeting_form.html", context)


# 月进度晾晒


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


def showing(request):
    """This month's showing beside the previous month's: delta per project, sorted."""
    require_perm(request.user, VIEW)
    month = _month(request.GET.get("month", "")) or services.month_start(timezone.localdate())
    current = MonthlyShowing.objects.filter(month=month).first()
    previous = MonthlyShowing.objects.filter(month=services.previous_month(month)).first()
    context = {
        "month": month,
        "previous_month": services.previous_month(month),
        "current": current,
        "previous": previous,
        "rows": queries.compare(current, previous, request.user) if current else [],
        "months": MonthlyShowing.objects.values_list("month", flat=True),
        "can_take": can(request.user, "accountability.take_showing"),
        "take_form": MonthForm(initial={"month": month}),
    }
    return render(request, "accountability/showing.html", context)


@require_POST
def showing_take(request):
    require_perm(request.user, "accountability.take_showing")
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("accountability:showing")
    month = form.cleaned_data["month"]
    services.take_showing(month, acting_user=request.user)
    messages.success(
        request, _("The progress of %(month)s was taken.") % {"month": f"{month:%Y-%m}"}
    )
    return redirect(f"{reverse('accountability:showing')}?month={month:%Y-%m}")


# 约谈 → 整改 → 验收


def interview_list(request):
    require_perm(request.user, VIEW)
    status = request.GET.get("status", "")
    interviews = Interview.objects.visible_to(request.user).select_related(
        "project", "unit", "rectification"
    )
    if status in Rectification.Status.values:
        interviews = interviews.filter(rectification__status=status)
    context = {
        "page": Paginator(interviews, 50).get_page(request.GET.get("page")),
        "status": status,
        "statuses": Rectification.Status.choices,
        "can_see_escalation": can(request.user, "accountability.view_escalation"),
    }
    return render(request, "accountability/interview_list.html", context)


def interview_create(request, pk):
    project = _project(request, pk)
    require_perm(request.user, "accountability.record_interview", project)
    form = InterviewForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.record_interview(
                project, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The interview was recorded."))
            return redirect(interview)
    return render(request, "accountability/interview_form.html", {"project": project, "form": form})


def _interview(request, pk) -> Interview:
    require_perm(request.user, VIEW)
    return get_visible_or_404(Interview, request.user, pk=pk)


def interview_detail(request, pk):
    interview = _interview(request, pk)
    rectification = interview.rectification
    user = request.user
    context = {
        "interview": interview,
        "rectification": rectification,
        "tasks": interview.tasks.select_related("owner"),
        "can_submit": rectification.status in ("open", "returned")
        and can(user, "accountability.submit_rectification", interview),
        "can_review": rectification.status == "submitted"
        and can(user, "accountability.accept_rectification", interview),
        "submit_form": RectificationForm(),
        "return_form": ReturnForm(),
        "accept_form": AcceptanceForm(),
    }
    return render(request, "accountability/interview_detail.html", context)


def _rectification_action(request, pk, form_class, perform, message):
    interview = _interview(request, pk)
    form = form_class(request.POST, request.FILES)
    rectify = lambda **data: perform(interview.rectification, **data)  # noqa: E731
    return act(request, interview, rectify, message, form)


@require_POST
def rectification_submit(request, pk):
    def submit(rectification, report, evidence):
        services.submit_rectification(
            rectification, acting_user=request.user, report=report, evidence=evidence
        )

    message = _("The rectification report was submitted.")
    return _rectification_action(request, pk, RectificationForm, submit, message)


@require_POST
def rectification_return(request, pk):
    def give_back(rectification, reason):
        services.return_rectification(rectification, acting_user=request.user, reason=reason)

    message = _("The rectification was returned.")
    return _rectification_action(request, pk, ReturnForm, give_back, message)


@require_POST
def rectification_accept(request, pk):
    def accept(rectification, note, evidence):
        services.accept_rectification(
            rectification, acting_user=request.user, note=note, evidence=evidence
        )

    message = _("The rectification was accepted; the loop is closed.")
    return _rectification_action(request, pk, AcceptanceForm, accept, message)


def rectification_file(request, pk, kind):
    interview = _interview(request, pk)
    field = {"evidence": "evidence", "acceptance": "acceptance_evidence"}.get(kind)
    file = getattr(interview.rectification, field) if field else None
    if not file:
        raise Http404
    name = os.path.basename(file.name)
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


def escalation(request):
    require_perm(request.user, "accountability.view_escalation")
    context = {
        "rows": queries.escalation(request.user),
        "key_interviews": queries.KEY_INTERVIEWS,
        "key_overdue": queries.KEY_OVERDUE,
    }
    return render(request, "accountability/escalation.html", context)


@require_POST
def case_raise(request, pk):
    """A cross-department problem of the project goes to the green channel (绿色通道)."""
    project = _project(request, pk)
    require_perm(request.user, "projects.raise_case")

    def raise_case(**data):
        project_services.raise_case(acting_user=request.user, project=project, **data)

    form = CaseForm(request.POST, user=request.user, project=project)
    message = _("The case was raised to the task force.")
    return act(request, _accountability_url(project), raise_case, message, form)
