from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiebang.core"
    verbose_name = _("Core")

    def ready(self):
        from .text import clean_stored_text

        # Every row any app saves, forms, services, imports and the admin alike.
        pre_save.connect(clean_stored_text, dispatch_uid="jiebang-clean-stored-text")
