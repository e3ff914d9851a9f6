import rules
from django.core.exceptions import PermissionDenied


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless the rules grant `user` `perm` (on `obj`).

    Only the rules decide: a superuser gets no bypass (the city admin is one, for the Django
    admin, yet may not score a proposal assigned to an expert). None is the system.
    """
    if user is None:
        return
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(perm)
