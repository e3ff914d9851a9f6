"""Resource pool: expert think tank and training events (stage 3, F3.3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "jiebang.resources"
    verbose_name = _("Resources")
