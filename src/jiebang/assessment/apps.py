"""Assessment points: admin-defined rules computing each unit's yearly points (F2.4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "jiebang.assessment"
    verbose_name = _("Assessment")
