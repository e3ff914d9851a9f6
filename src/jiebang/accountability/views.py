"""Stage 4 accountability pages: the per-project page (letter, task forces, minutes,
interviews, green-channel cases), the letters, the interviews, the monthly showing and the
escalation per unit."""

import datetime
import os

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.projects.case import services as case_services
from jiebang.projects.case.forms import CaseForm
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


def _project_context(request, project, posted=None) -> dict:
    """The per-project page; `posted` (task force, its member form posted and refused) puts
    that form in its task force's place."""
    user = request.user
    task_forces = TaskForce.objects.filter(project=project).prefetch_related(
        Prefetch("members", TaskForceMember.objects.select_related("user"))
    )
    meetings = (
        Meeting.objects.filter(project=project)
        .select_related("task_force")
        .prefetch_related("follow_ups")
    )

    def member_form(tf):
        if not can(user, "accountability.manage_task_force", tf):
            return None
        if posted is not None and posted[0].pk == tf.pk:
            return posted[1]
        return MemberForm(task_force=tf, prefix=f"tf{tf.pk}")

    return {
        "project": project,
        "letters": project.letters.select_related("confirmed_by", "generated_by"),
        "current_letter": services.current_letter(project),
        "task_forces": [(tf, member_form(tf)) for tf in task_forces],
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


def project_detail(request, pk):
    project = _project(request, pk)
    context = _project_context(request, project)
    return render(request, "accountability/project_detail.html", context)


@require_POST
def letter_generate(request, pk):
    project = _project(request, pk)
    return press(
        request,
        lambda: services.generate_letter(project, acting_user=request.user),
        message=_("A new version of the letter was generated."),
        success=lambda letter: letter,
        back=_accountability_url(project),
    )


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


def _letter_context(request, letter) -> dict:
    user = request.user
    return {
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


def letter_detail(request, pk):
    letter = _letter(request, pk)
    return render(request, "accountability/letter_detail.html", _letter_context(request, letter))


def _letter_action(request, letter, form, perform, message, form_name="scan_form"):
    """A form of the letter's page: errors come back there."""
    return submit(
        request,
        form,
        perform,
        message=message,
        success=letter,
        template="accountability/letter_detail.html",
        context=lambda: _letter_context(request, letter),
        form_name=form_name,
    )


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
    return _letter_action(request, letter, form, confirm, _("You confirmed the letter."))


@require_POST
def letter_attach_scan(request, pk):
    letter = _letter(request, pk)
    require_perm(request.user, "accountability.confirm_letter", letter)

    def attach(signed_scan):
        services.attach_signed_scan(letter, acting_user=request.user, signed_scan=signed_scan)

    form = RequiredScanForm(request.POST, request.FILES)
    return _letter_action(request, letter, form, attach, _("The signed scan was added."))


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
    message = _("The letter is marked as signed on site.")
    return _letter_action(request, letter, form, mark, message, form_name="on_site_form")


# 双专班


def _task_force(request, pk) -> TaskForce:
    require_perm(request.user, VIEW)
    task_force = get_visible_or_404(TaskForce, request.user, pk=pk)
    require_perm(request.user, "accountability.manage_task_force", task_force)
    return task_force


@require_POST
def member_add(request, pk):
    task_force = _task_force(request, pk)
    project = task_force.project
    form = MemberForm(request.POST, task_force=task_force, prefix=f"tf{task_force.pk}")
    return submit(
        request,
        form,
        lambda **data: services.add_member(task_force, acting_user=request.user, **data),
        message=_("The member was added."),
        success=_accountability_url(project),
        template="accountability/project_detail.html",
        context=lambda: _project_context(request, project, posted=(task_force, form)),
        form_name="member_form",
    )


@require_POST
def member_remove(request, pk):
    require_perm(request.user, VIEW)
    member = get_object_or_404(
        TaskForceMember.objects.filter(task_force__in=TaskForce.objects.visible_to(request.user)),
        pk=pk,
    )
    return press(
        request,
        lambda: services.remove_member(member, acting_user=request.user),
        message=_("The member was removed."),
        success=_accountability_url(member.task_force.project),
    )


def meeting_create(request, pk):
    task_force = _task_force(request, pk)
    project = task_force.project
    follow_ups = FollowUpFormSet(
        request.POST or None,
        prefix="follow",
        form_kwargs={"unit_id": project.implementing_unit_id},
    )

    def record(**data):
        rows = [row for row in follow_ups.cleaned_data if row]
        services.record_meeting(task_force, acting_user=request.user, follow_ups=rows, **data)

    return submit(
        request,
        MeetingForm(request.POST or None, initial={"date": timezone.localdate()}),
        record,
        also={"follow_ups": follow_ups},
        message=_("The minutes were recorded."),
        success=_accountability_url(project),
        template="accountability/meeting_form.html",
        context={"task_force": task_force},
    )


# 月进度晾晒


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


def _showing_context(request, month) -> dict:
    current = MonthlyShowing.objects.filter(month=month).first()
    previous = MonthlyShowing.objects.filter(month=services.previous_month(month)).first()
    return {
        "month": month,
        "previous_month": services.previous_month(month),
        "current": current,
        "previous": previous,
        "rows": queries.compare(current, previous, request.user) if current else [],
        "months": MonthlyShowing.objects.values_list("month", flat=True),
        "can_take": can(request.user, "accountability.take_showing"),
        "take_form": MonthForm(initial={"month": month}),
    }


def showing(request):
    """This month's showing beside the previous month's: delta per project, sorted."""
    require_perm(request.user, VIEW)
    month = _month(request.GET.get("month", "")) or services.month_start(timezone.localdate())
    return render(request, "accountability/showing.html", _showing_context(request, month))


@require_POST
def showing_take(request):
    require_perm(request.user, "accountability.take_showing")
    month = services.month_start(timezone.localdate())
    return submit(
        request,
        MonthForm(request.POST),
        lambda month: services.take_showing(month, acting_user=request.user),
        message=lambda showing: (
            _("The progress of %(month)s was taken.") % {"month": f"{showing.month:%Y-%m}"}
        ),
        success=lambda showing: f"{reverse('accountability:showing')}?month={showing.month:%Y-%m}",
        template="accountability/showing.html",
        context=lambda: _showing_context(request, month),
        form_name="take_form",
    )


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
    return submit(
        request,
        InterviewForm(request.POST or None, project=project),
        lambda **data: services.record_interview(project, acting_user=request.user, **data),
        message=_("The interview was recorded."),
        success=lambda interview: interview,
        template="accountability/interview_form.html",
        context={"project": project},
    )


def _interview(request, pk) -> Interview:
    require_perm(request.user, VIEW)
    return get_visible_or_404(Interview, request.user, pk=pk)


def _interview_context(request, interview) -> dict:
    rectification = interview.rectification
    user = request.user
    return {
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


def interview_detail(request, pk):
    interview = _interview(request, pk)
    context = _interview_context(request, interview)
    return render(request, "accountability/interview_detail.html", context)


def _rectification_action(request, pk, perm, form_class, form_name, perform, message):
    """A form of the interview's page (submit, return, accept): errors come back there. Who
    may not take the step gets 403 whatever the form holds."""
    interview = _interview(request, pk)
    require_perm(request.user, perm, interview)
    return submit(
        request,
        form_class(request.POST, request.FILES),
        lambda **data: perform(interview.rectification, **data),
        message=message,
        success=interview,
        template="accountability/interview_detail.html",
        context=lambda: _interview_context(request, interview),
        form_name=form_name,
    )


ACCEPT = "accountability.accept_rectification"  # returning is part of accepting (验收)


@require_POST
def rectification_submit(request, pk):
    def submit_report(rectification, report, evidence):
        services.submit_rectification(
            rectification, acting_user=request.user, report=report, evidence=evidence
        )

    message = _("The rectification report was submitted.")
    return _rectification_action(
        request,
        pk,
        "accountability.submit_rectification",
        RectificationForm,
        "submit_form",
        submit_report,
        message,
    )


@require_POST
def rectification_return(request, pk):
    def give_back(rectification, reason):
        services.return_rectification(rectification, acting_user=request.user, reason=reason)

    message = _("The rectification was returned.")
    return _rectification_action(request, pk, ACCEPT, ReturnForm, "return_form", give_back, message)


@require_POST
def rectification_accept(request, pk):
    def accept(rectification, note, evidence):
        services.accept_rectification(
            rectification, acting_user=request.user, note=note, evidence=evidence
        )

    message = _("The rectification was accepted; the loop is closed.")
    return _rectification_action(
        request, pk, ACCEPT, AcceptanceForm, "accept_form", accept, message
    )


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
        return case_services.raise_case(acting_user=request.user, project=project, **data)

    return submit(
        request,
        CaseForm(request.POST, user=request.user, project=project),
        raise_case,
        message=_("The case was raised to the task force."),
        success=_accountability_url(project),
        template="accountability/project_detail.html",
        context=lambda: _project_context(request, project),
        form_name="case_form",
    )
