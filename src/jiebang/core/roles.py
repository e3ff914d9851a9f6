from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The rooms of SPEC §2. The public needs no account."""

    CITY_ADMIN = "city_admin", _("City administrator")
    TASK_FORCE = "task_force", _("City task force")
    COUNTY_BUREAU = "county_bureau", _("County health bureau")
    UNIT = "unit", _("Unit")
    EXPERT = "expert", _("Expert")
    PANEL = "panel", _("Panel member")


CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.TASK_FORCE})
