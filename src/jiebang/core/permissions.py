"""The one permission question: may `user` do `perm` (on `obj`)? Asked by services, views,
templates ({% can %}) and the menu alike, so nobody is shown a button that answers 403.

Only the rules decide (django-rules' registry): a superuser gets no bypass (the city admin is
one, for the Django admin, yet may not score a proposal assigned to an expert, nor attach a unit
head's signed scan). user.has_perm and the templates' `perms` would let the superuser through;
tests/core/test_permissions.py fails if either appears in the code.
"""

import rules
from django.core.exceptions import PermissionDenied


def can(user, perm: str, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless `can(user, perm, obj)`. None is the system."""
    if user is None:
        return
    if not can(user, perm, obj):
        raise PermissionDenied(perm)
