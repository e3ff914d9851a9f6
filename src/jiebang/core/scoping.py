"""One helper scopes every queryset to what a user may see (SPEC §2).

A city user sees everything, a county bureau user what lies under its county's region path,
a unit user its own institution's rows, anyone else nothing. Out of scope is a 404,
the same as "does not exist".
"""

from dataclasses import dataclass
from typing import Self

from django.db import models
from django.shortcuts import get_object_or_404


@dataclass(frozen=True)
class Scope:
    is_city: bool = False
    region_path: str = ""  # materialised path of the county, "/3715/371522/"
    unit_id: int | None = None


NOTHING = Scope()


def user_scope(user) -> Scope:
    """The user's scope, computed once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    scope = getattr(user, "_jiebang_scope", None)
    if scope is None:
        scope = user.compute_scope()
        user._jiebang_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    region_path_field = ""  # e.g. "region__path"
    unit_field = ""  # e.g. "unit"

    def visible_to(self, user) -> Self:
        scope = user_scope(user)
        if scope.is_city:
            return self
        if scope.region_path:
            return self.filter(**{f"{self.region_path_field}__startswith": scope.region_path})
        if scope.unit_id:
            return self.filter(**{self.unit_field: scope.unit_id})
        return self.none()


def get_visible_or_404(model, user, **lookup):
    return get_object_or_404(model.objects.visible_to(user), **lookup)
