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
