"""One check for every status machine: a model's TRANSITIONS table says where it may go."""

from .errors import DomainError


def require_transition(obj, status, message) -> None:
    """DomainError(message) unless obj.TRANSITIONS allows obj.status → status.

    `message` is the model's own translatable text with %(old)s and %(new)s placeholders."""
    statuses = type(obj).Status
    if status not in obj.TRANSITIONS[statuses(obj.status)]:
        raise DomainError(
            message % {"old": obj.get_status_display(), "new": statuses(status).label}
        )


class StatusMachine:
    """Mixin for a model with `status`, its `Status` choices and a TRANSITIONS table.

    Each model sets `transition_error`, its own translatable text with %(old)s and %(new)s."""

    transition_error = ""

    def move_to(self, status, *, by) -> None:
        """Set the status along TRANSITIONS, DomainError on an illegal move; the caller saves
        it with the other fields it changes (one history row per step)."""
        require_transition(self, status, self.transition_error)
        self.status = status
        self._history_user = by
