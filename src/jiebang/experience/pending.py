"""Experience supervision's kind of pending work for the workbench: suggestions of open days
and experience officers waiting for a decision (adopt, with the project or measure they
become, or decline with the reason)."""

from django.utils.translation import gettext_lazy as _

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.workbench.registry import Kind, register

from .models import Suggestion
from .queries import awaiting_decision


def deciders(suggestion):
    """Who is told of a new suggestion: the task force and the bureau of the event's county
    (queries.awaiting_decision says whose queue holds it)."""
    return User.objects.with_role(Role.TASK_FORCE) | User.objects.bureaus_over(
        suggestion.event.region
    )


register(
    Kind(
        key="experience.decide_suggestion",
        label=_("Experience officers' suggestions to decide"),
        pending=awaiting_decision,
        link="experience:suggestion-detail",
        title="text",
        unit="event__host",
        region="event__region",
        order=45,
        assignees=deciders,
        announce_when=lambda suggestion: suggestion.status == Suggestion.Status.RECEIVED,
    ),
    model=Suggestion,
)
