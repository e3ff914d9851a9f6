"""Stage 4's kinds of pending work and its notices, for the workbench: letters the unit head
confirms and signs, rectifications the interviewed unit submits and the task force accepts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.models import Project
from jiebang.workbench.models import Topic
from jiebang.workbench.registry import Event, Kind, register, register_event

from .models import Interview, Rectification, ResponsibilityLetter

Letter = ResponsibilityLetter.Status
Rect = Rectification.Status


def _head_letters(user):
    if user.role != Role.UNIT or not user.is_unit_head or not user.institution_id:
        return ResponsibilityLetter.objects.none()
    return ResponsibilityLetter.objects.filter(
        project__implementing_unit=user.institution_id
    ).exclude(project__status=Project.Status.WITHDRAWN)


def _rectifications_of(user):
    if user.role != Role.UNIT or not user.institution_id:
        return Rectification.objects.none()
    return Rectification.objects.filter(interview__unit=user.institution_id)


LETTER = {
    "link": "accountability:letter-detail",
    "title": "project__title",
    "project": "project",
    "unit": "project__implementing_unit",
}
RECTIFICATION = {
    "link": "accountability:interview-detail",
    "link_arg": "interview_id",
    "title": "interview__project__title",
    "due": "interview__rectification_deadline",
    "project": "interview__project",
    "unit": "interview__unit",
}

register(
    Kind(
        key="accountability.confirm_letter",
        label=_("Responsibility letters to confirm"),
        pending=lambda user: _head_letters(user).filter(status=Letter.DRAFT),
        order=40,
        assignees=lambda letter: User.objects.heads_of(letter.project.implementing_unit_id),
        announce_when=lambda letter: letter.status == Letter.DRAFT,
        round=lambda letter: letter.version,
        **LETTER,
    ),
    model=ResponsibilityLetter,
)
register(
    Kind(
        key="accountability.sign_letter",
        label=_("Confirmed letters to sign and scan"),
        pending=lambda user: _head_letters(user).filter(
            status=Letter.CONFIRMED, signed_scan="", signed_on_site=False
        ),
        order=41,
        **LETTER,
    ),
    model=ResponsibilityLetter,
)
register(
    Kind(
        key="accountability.submit_rectification",
        label=_("Rectifications to report"),
        pending=lambda user: _rectifications_of(user).filter(status__in=[Rect.OPEN, Rect.RETURNED]),
        order=12,
        **RECTIFICATION,
    ),
    model=Rectification,
)
register(
    Kind(
        key="accountability.accept_rectification",
        label=_("Rectifications to accept"),
        pending=lambda user: (
            Rectification.objects.filter(status=Rect.SUBMITTED)
            if user.role == Role.TASK_FORCE
            else Rectification.objects.none()
        ),
        order=33,
        assignees=lambda rectification: User.objects.with_role(Role.TASK_FORCE),
        announce_when=lambda rectification: rectification.status == Rect.SUBMITTED,
        round=lambda rectification: (
            rectification.submitted_at and rectification.submitted_at.isoformat()
        ),
        **RECTIFICATION,
    ),
    model=Rectification,
)

register_event(
    Event(
        key="accountability.interview",
        topic=Topic.INTERVIEW,
        model=Interview,
        when=lambda interview: True,
        recipients=lambda interview: User.objects.of_unit(interview.unit_id),
        title=lambda interview: (
            _("Interview notice: %(project)s, held %(date)s")
            % {"project": interview.project.title, "date": f"{interview.held_at:%Y-%m-%d}"}
        ),
        url=lambda interview: interview.get_absolute_url(),
        occurrence=lambda interview: "",
    )
)
register_event(
    Event(
        key="accountability.rectification_order",
        topic=Topic.RECTIFICATION,
        model=Rectification,
        when=lambda rectification: rectification.status == Rect.OPEN,
        recipients=lambda rectification: User.objects.of_unit(rectification.interview.unit_id),
        title=lambda rectification: (
            _("Rectification ordered: %(project)s, due %(date)s")
            % {
                "project": rectification.interview.project.title,
                "date": rectification.interview.rectification_deadline.isoformat(),
            }
        ),
        url=lambda rectification: rectification.interview.get_absolute_url(),
        occurrence=lambda rectification: "",
    )
)
register_event(
    Event(
        key="accountability.rectification_returned",
        topic=Topic.RETURNED,
        model=Rectification,
        when=lambda rectification: rectification.status == Rect.RETURNED,
        recipients=lambda rectification: User.objects.of_unit(rectification.interview.unit_id),
        title=lambda rectification: (
            _("Rectification returned: %(reason)s") % {"reason": rectification.return_reason}
        ),
        url=lambda rectification: reverse(
            "accountability:interview-detail", args=[rectification.interview_id]
        ),
        occurrence=lambda rectification: rectification.updated_at.isoformat(),
    )
)
