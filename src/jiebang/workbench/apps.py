from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "jiebang.workbench"
    verbose_name = _("Workbench")

    def ready(self):
        from jiebang.core.navigation import SYSTEM_ENTRIES, Entry

        from . import signals

        entry = Entry(
            _("Outbound messages"), "workbench:deliveries", "workbench.view_deliveries", "send"
        )
        if entry not in SYSTEM_ENTRIES:
            SYSTEM_ENTRIES.insert(-1, entry)

        # Each app's pending.py registers its kinds of pending work and its events.
        autodiscover_modules("pending")
        signals.connect()
