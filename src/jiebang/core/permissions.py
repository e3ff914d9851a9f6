from django.core.exceptions import PermissionDenied


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless `user` holds `perm` (on `obj`). None is the system."""
    if user is None:
        return
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)
