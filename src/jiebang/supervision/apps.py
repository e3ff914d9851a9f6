"""Stage 5 亮榜督战 supervision: QR satisfaction feedback (扫码评价) per project and service
window, the public tickets (受理编号) of every public channel with their rectification
(routed to the unit, answered, checked by the county bureau, shown publicly), follow-ups with
the citizen, and the Open311 GeoReport v2 intake (F5.2, F5.4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "jiebang.supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        from . import pending  # noqa: F401  (its kinds of work and notices)

        add_entries(
            "supervision",
            [
                Entry(
                    _("Public feedback"),
                    "supervision:ticket-list",
                    "supervision.view_tickets",
                    "qr-code-scan",
                ),
                Entry(
                    _("Satisfaction"),
                    "supervision:satisfaction",
                    "supervision.view_tickets",
                    "graph-up",
                ),
                Entry(
                    _("Service windows and QR codes"),
                    "supervision:point-list",
                    "supervision.view_points",
                    "qr-code",
                ),
                Entry(
                    _("Rectification deadlines"),
                    "supervision:deadline-list",
                    "supervision.manage_deadlines",
                    "calendar-check",
                ),
                Entry(
                    _("Open311 API keys"),
                    "supervision:apikey-list",
                    "supervision.manage_api_keys",
                    "key",
                ),
            ],
        )
