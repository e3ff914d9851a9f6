"""Every change a user can make to the organisation tree."""

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.scoping import user_scope

from .models import Institution

INSTITUTION_FIELDS = (
    "name",
    "kind",
    "level",
    "region",
    "grid",
    "medical_group",
    "address",
    "phone",
    "is_active",
)


def _check_region_in_scope(acting_user, region) -> None:
    scope = user_scope(acting_user) if acting_user else None
    if scope and scope.region_path and not region.path.startswith(scope.region_path):
        raise DomainError(_("You can only place institutions in your own county."))


@transaction.atomic
def create_institution(*, acting_user, **fields) -> Institution:
    """Add an institution; a county bureau only inside its county."""
    require_perm(acting_user, "orgs.add_institution")
    _check_region_in_scope(acting_user, fields["region"])
    institution = Institution(**{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS})
    institution._history_user = acting_user
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def update_institution(institution: Institution, *, acting_user, **fields) -> Institution:
    """Change an institution's fields; history records who changed what."""
    require_perm(acting_user, "orgs.change_institution", institution)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if "region" in fields:
        _check_region_in_scope(acting_user, fields["region"])
    changed = [k for k in INSTITUTION_FIELDS if k in fields]
    for key in changed:
        setattr(institution, key, fields[key])
    institution._history_user = acting_user
    institution.full_clean()
    institution.save(update_fields=changed)
    return institution
