"""Changes in stage 4 accountability: letters generated and confirmed, task forces and their
minutes, the monthly showing, and the overdue loop (interview → rectification → acceptance).

The ledger app owns the tasks; this module calls its services (create_task, accept_task) and
imports it lazily, since the ledger builds on projects as this app does."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.pdf import render_pdf
from jiebang.core.permissions import require_perm
from jiebang.orgs.models import Institution, User
from jiebang.projects.models import Project

from .models import (
    Interview,
    Meeting,
    MonthlyShowing,
    Rectification,
    ResponsibilityLetter,
    ShowingRow,
    TaskForce,
    TaskForceMember,
    validate_evidence,
    validate_scan,
)

P = Project.Status
# A letter is first generated for a claimed or assigned project; it may be regenerated later.
LETTER_STATUSES = (P.CLAIMED, P.ASSIGNED, P.CONTRACTED, P.IN_PROGRESS)
# The projects of a monthly showing: every project past its letter and not yet evaluated.
SHOWING_STATUSES = (P.CONTRACTED, P.IN_PROGRESS, P.COMPLETED)


def _check(validator, upload) -> None:
    if upload:
        try:
            validator(upload)
        except ValidationError as e:
            raise DomainError(e.messages[0]) from e


# 责任书


def commission() -> Institution | None:
    """The commission that issues the letters: the city-level health bureau/commission."""
    return (
        Institution.objects.filter(kind=Institution.Kind.BUREAU, region__parent=None)
        .order_by("pk")
        .first()
    )


def head_of(institution) -> User | None:
    if institution is None:
        return None
    return User.objects.of_unit(institution).filter(is_unit_head=True).order_by("pk").first()


def _person(user) -> str:
    return str(user) if user else ""


def letter_content(project: Project) -> dict:
    """What the letter says, in the site language (Chinese), as plain JSON."""
    with translation.override(settings.LANGUAGE_CODE):
        issuer = commission()
        unit = project.implementing_unit
        indicators = [
            {
                "name": i.name,
                "unit": i.unit,
                "baseline": f"{i.baseline.normalize():f}",
                "target": f"{i.target.normalize():f}",
                "direction": i.direction,
                "direction_label": str(i.get_direction_display()),
                "method": i.method,
                "frequency": str(i.get_frequency_display()),
            }
            for i in project.indicators.all()
        ]
        milestones = [
            {"title": m.title, "due_date": m.due_date.isoformat()} for m in project.milestones.all()
        ]
        goal = _(
            "By %(end)s the implementing unit completes the project “%(title)s” and reaches "
            "every quantified indicator below."
        ) % {
            "end": project.end_date.isoformat() if project.end_date else _("the agreed date"),
            "title": project.title,
        }
        return {
            "heading": _("Responsibility letter of a reform project (揭榜挂帅)"),
            "project": {
                "code": project.code,
                "title": project.title,
                "description": project.description,
                "dimension": str(project.dimension or ""),
                "channel": str(project.get_channel_display()),
                "start_date": project.start_date.isoformat() if project.start_date else "",
                "end_date": project.end_date.isoformat() if project.end_date else "",
                "coverage": "、".join(r.name for r in project.coverage_regions.all()),
            },
            "commission": {
                "name": issuer.name if issuer else _("Municipal Health Commission"),
                "head": _person(head_of(issuer)),
            },
            "unit": {"name": unit.name, "head": _person(head_of(unit))},
            "goal": goal,
            "indicators": indicators,
            "milestones": milestones,
            "commission_duties": [
                _("Guide the project through the city guidance group and its weekly meetings."),
                _("Coordinate cross-department problems through the green channel."),
                _("Show the progress every month and accept the results on time."),
            ],
            "unit_duties": [
                _("The head of the unit is the first person responsible for the project."),
                _("Set up the unit working group, break the project into tasks with owners."),
                _("Report progress and indicator data truthfully, with evidence, on time."),
                _("Rectify overdue tasks by the deadline set at an interview."),
            ],
        }


@transaction.atomic
def generate_letter(project: Project, *, acting_user) -> ResponsibilityLetter:
    """Generate a new draft version of the project's letter from its current data (city staff).

    The content is frozen at once; older drafts are superseded, a confirmed letter stays.
    DomainError unless the project is claimed or assigned (or already contracted or in
    progress, for a new version) and has an implementing unit."""
    require_perm(acting_user, "accountability.generate_letter", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in LETTER_STATUSES:
        raise DomainError(_("A letter is generated for a claimed or assigned project only."))
    if project.implementing_unit_id is None:
        raise DomainError(_("The project has no implementing unit yet."))
    for draft in project.letters.filter(status=ResponsibilityLetter.Status.DRAFT):
        draft.move_to(ResponsibilityLetter.Status.SUPERSEDED, by=acting_user)
        draft.save(update_fields=["status"])
    last = project.letters.order_by("-version").values_list("version", flat=True).first()
    letter = ResponsibilityLetter(
        project=project,
        version=(last or 0) + 1,
        content=letter_content(project),
        generated_by=acting_user,
    )
    letter._history_user = acting_user
    letter.save()
    return letter


@transaction.atomic
def confirm_letter(letter: ResponsibilityLetter, *, acting_user, signed_scan=None):
    """The head of the implementing unit confirms the latest draft (PermissionDenied for anyone
    else), optionally with the signed scan. The letter is frozen for good, an older confirmed
    version is superseded, and a claimed or assigned project becomes contracted."""
    require_perm(acting_user, "accountability.confirm_letter", letter)
    _check(validate_scan, signed_scan)
    letter = ResponsibilityLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != ResponsibilityLetter.Status.DRAFT:
        raise DomainError(_("Only a draft letter can be confirmed."))
    project = Project.objects.select_for_update().get(pk=letter.project_id)
    if project.status == Project.Status.WITHDRAWN:
        raise DomainError(_("The project was withdrawn: its letter can no longer be confirmed."))
    for old in project.letters.filter(status=ResponsibilityLetter.Status.CONFIRMED):
        old.move_to(ResponsibilityLetter.Status.SUPERSEDED, by=acting_user)
        old.save(update_fields=["status"])
    letter.move_to(ResponsibilityLetter.Status.CONFIRMED, by=acting_user)
    letter.confirmed_by = acting_user
    letter.confirmed_at = timezone.now()
    fields = ["status", "confirmed_by", "confirmed_at"]
    if signed_scan:
        letter.signed_scan = signed_scan
        fields.append("signed_scan")
    letter.save(update_fields=fields)
    if project.status in (P.CLAIMED, P.ASSIGNED):
        project.move_to(P.CONTRACTED, by=acting_user, reason=_("Responsibility letter confirmed"))
    ensure_task_forces(project)
    return letter


@transaction.atomic
def attach_signed_scan(letter: ResponsibilityLetter, *, acting_user, signed_scan):
    """The unit head adds the signed scan to a confirmed letter that has none yet."""
    require_perm(acting_user, "accountability.confirm_letter", letter)
    _check(validate_scan, signed_scan)
    letter = ResponsibilityLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != ResponsibilityLetter.Status.CONFIRMED or letter.signed_scan:
        raise DomainError(_("A signed scan can be added once, to the confirmed letter."))
    letter.signed_scan = signed_scan
    letter._history_user = acting_user
    letter.save(update_fields=["signed_scan"])
    return letter


@transaction.atomic
def mark_signed_on_site(letter: ResponsibilityLetter, *, acting_user, event_name, event_date):
    """City staff record that the letter was signed on site at an event (签约仪式)."""
    require_perm(acting_user, "accountability.mark_signed_on_site", letter)
    if not event_name.strip() or event_date is None:
        raise DomainError(_("Name the event and its date."))
    check_date_range(event_date)
    letter = ResponsibilityLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status == ResponsibilityLetter.Status.SUPERSEDED:
        raise DomainError(_("A superseded letter cannot be changed."))
    letter.signed_on_site = True
    letter.event_name = event_name.strip()
    letter.event_date = event_date
    letter._history_user = acting_user
    letter.save(update_fields=["signed_on_site", "event_name", "event_date"])
    return letter


def current_letter(project: Project) -> ResponsibilityLetter | None:
    """The confirmed letter if there is one, else the latest draft."""
    letters = project.letters.exclude(status=ResponsibilityLetter.Status.SUPERSEDED)
    return letters.order_by("status", "-version").first()  # "confirmed" sorts before "draft"


def letter_pdf(letter: ResponsibilityLetter) -> bytes:
    """The letter as PDF from its frozen content (WeasyPrint, Noto CJK fonts)."""
    return render_pdf("accountability/letter_pdf.html", {"letter": letter})


# 双专班


def ensure_task_forces(project: Project) -> tuple[TaskForce, TaskForce]:
    """Both groups of a project, created when missing; the unit's head leads the unit group."""
    city, _created = TaskForce.objects.get_or_create(project=project, kind=TaskForce.Kind.CITY)
    unit, created = TaskForce.objects.get_or_create(project=project, kind=TaskForce.Kind.UNIT)
    head = head_of(project.implementing_unit)
    if created and head is not None:
        TaskForceMember.objects.create(task_force=unit, user=head, role=TaskForceMember.Role.LEADER)
    return city, unit


@transaction.atomic
def add_member(task_force: TaskForce, *, acting_user, role, user=None, name="", position=""):
    """Add a member (an account, or a name for someone without one) to a task force."""
    require_perm(acting_user, "accountability.manage_task_force", task_force)
    name = (name or "").strip()
    if user is None and not name:
        raise DomainError(_("Choose a user or type a name."))
    if role not in TaskForceMember.Role.values:
        raise DomainError(_("Unknown role in the group."))
    if user is not None and task_force.members.filter(user=user).exists():
        raise DomainError(_("This user is already in the group."))
    member = TaskForceMember(
        task_force=task_force,
        user=user,
        name="" if user else name,
        position=(position or "").strip(),
        role=role,
    )
    member._history_user = acting_user
    member.save()
    return member


@transaction.atomic
def remove_member(member: TaskForceMember, *, acting_user) -> None:
    require_perm(acting_user, "accountability.manage_task_force", member.task_force)
    member._history_user = acting_user
    member.delete()


@transaction.atomic
def record_meeting(
    task_force: TaskForce, *, acting_user, date, attendees, decisions, follow_ups=()
) -> Meeting:
    """周例会: minutes of a task force's meeting; each follow-up (a dict with title, deadline
    and optionally department, owner) becomes a ledger task of the project, linked here."""
    from jiebang.ledger import services as ledger

    require_perm(acting_user, "accountability.manage_task_force", task_force)
    if not attendees.strip() or not decisions.strip():
        raise DomainError(_("Minutes need the attendees and the decisions."))
    check_date_range(date)
    if date > timezone.localdate():
        raise DomainError(_("A meeting cannot be dated in the future."))
    meeting = Meeting(
        project=task_force.project,
        task_force=task_force,
        date=date,
        attendees=attendees.strip(),
        decisions=decisions.strip(),
        created_by=acting_user,
    )
    meeting._history_user = acting_user
    meeting.save()
    for follow_up in follow_ups:
        task = ledger.create_task(task_force.project, acting_user=acting_user, **follow_up)
        meeting.follow_ups.add(task)
    return meeting


# 月进度晾晒


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return month_start(month - datetime.timedelta(days=1))


@transaction.atomic
def take_showing(month: datetime.date, *, acting_user) -> MonthlyShowing:
    """Snapshot every stage-4 project's progress, overdue count and status for `month`.

    Taking a month again replaces its rows in one transaction: readers see the old or the new
    showing, never a mix."""
    from jiebang.ledger.queries import overdue_counts, progress_of

    require_perm(acting_user, "accountability.take_showing")
    check_date_range(month)
    month = month_start(month)
    MonthlyShowing.objects.filter(month=month).delete()
    showing = MonthlyShowing(month=month, taken_by=acting_user, taken_at=timezone.now())
    showing._history_user = acting_user
    showing.save()
    projects = list(Project.objects.filter(status__in=SHOWING_STATUSES).order_by("pk"))
    progress = progress_of(projects)
    overdue = overdue_counts(projects)
    ShowingRow.objects.bulk_create(
        ShowingRow(
            showing=showing,
            project=project,
            progress=round(float(progress.get(project.pk, 0.0)), 1),
            overdue_count=overdue.get(project.pk, 0),
            status=project.status,
        )
        for project in projects
    )
    return showing


# 约谈 → 整改 → 验收


@transaction.atomic
def record_interview(
    project: Project,
    *,
    acting_user,
    tasks,
    interviewees,
    interviewers,
    held_at,
    findings,
    rectification_deadline,
) -> Interview:
    """约谈: the task force records an interview about overdue tasks of the project and sets a
    rectification deadline; the rectification opens. DomainError without an overdue task of
    this project, without findings, or with a deadline before the interview."""
    require_perm(acting_user, "accountability.record_interview", project)
    tasks = list(tasks)
    if not tasks:
        raise DomainError(_("Choose the overdue tasks the interview is about."))
    if any(task.project_id != project.pk for task in tasks):
        raise DomainError(_("Every task must belong to the project."))
    if not all(task.is_overdue for task in tasks):
        raise DomainError(_("Only overdue tasks lead to an interview."))
    if not (interviewees.strip() and interviewers.strip() and findings.strip()):
        raise DomainError(_("Record who was interviewed, by whom, and the findings."))
    check_date_range(held_at, rectification_deadline)
    if rectification_deadline < timezone.localdate(held_at):
        raise DomainError(_("The rectification deadline cannot be before the interview."))
    if project.implementing_unit_id is None:
        raise DomainError(_("The project has no implementing unit yet."))
    interview = Interview(
        project=project,
        unit=project.implementing_unit,
        interviewees=interviewees.strip(),
        interviewers=interviewers.strip(),
        held_at=held_at,
        findings=findings.strip(),
        rectification_deadline=rectification_deadline,
        created_by=acting_user,
    )
    interview._history_user = acting_user
    interview.save()
    interview.tasks.set(tasks)
    rectification = Rectification(interview=interview)
    rectification._history_user = acting_user
    rectification.save()
    return interview


def _locked_rectification(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update()
        .select_related("interview")
        .get(pk=rectification.pk)
    )


@transaction.atomic
def submit_rectification(rectification, *, acting_user, report, evidence=None) -> Rectification:
    """The interviewed unit reports its rectification, with evidence (open or returned)."""
    require_perm(acting_user, "accountability.submit_rectification", rectification.interview)
    if not report.strip():
        raise DomainError(_("Describe the rectification."))
    _check(validate_evidence, evidence)
    rectification = _locked_rectification(rectification)
    rectification.move_to(Rectification.Status.SUBMITTED, by=acting_user)
    rectification.report = report.strip()
    rectification.submitted_by = acting_user
    rectification.submitted_at = timezone.now()
    fields = ["status", "report", "submitted_by", "submitted_at", "updated_at"]
    if evidence:
        rectification.evidence = evidence
        fields.append("evidence")
    rectification.save(update_fields=fields)
    return rectification


@transaction.atomic
def return_rectification(rectification, *, acting_user, reason) -> Rectification:
    """The task force returns a submitted rectification with a reason."""
    require_perm(acting_user, "accountability.accept_rectification", rectification.interview)
    if not reason.strip():
        raise DomainError(_("A reason is needed to return a rectification."))
    rectification = _locked_rectification(rectification)
    rectification.move_to(Rectification.Status.RETURNED, by=acting_user)
    rectification.return_reason = reason.strip()
    rectification.save(update_fields=["status", "return_reason", "updated_at"])
    return rectification


@transaction.atomic
def accept_rectification(rectification, *, acting_user, note, evidence=None) -> Rectification:
    """验收: the task force accepts a submitted rectification with its evidence; the loop is
    closed and every task of the interview is accepted as done in the ledger."""
    from jiebang.ledger import services as ledger

    require_perm(acting_user, "accountability.accept_rectification", rectification.interview)
    if not note.strip():
        raise DomainError(_("Record what the acceptance found."))
    _check(validate_evidence, evidence)
    rectification = _locked_rectification(rectification)
    rectification.move_to(Rectification.Status.ACCEPTED, by=acting_user)
    rectification.acceptance_note = note.strip()
    rectification.accepted_by = acting_user
    rectification.accepted_at = timezone.now()
    fields = ["status", "acceptance_note", "accepted_by", "accepted_at", "updated_at"]
    if evidence:
        rectification.acceptance_evidence = evidence
        fields.append("acceptance_evidence")
    rectification.save(update_fields=fields)
    for task in rectification.interview.tasks.all():
        if task.status != task.Status.DONE:
            ledger.accept_task(
                task,
                acting_user=acting_user,
                note=note.strip(),
                evidence=evidence,
            )
    return rectification
