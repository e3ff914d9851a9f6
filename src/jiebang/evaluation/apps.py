"""Stage 6 评榜提质 evaluation (F6.1): nominations, the panel drawn with a conflict-of-interest
rule, five-criterion scoring with rater-bias correction, and the published top ten (十佳)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "jiebang.evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from jiebang.core.navigation import Entry, add_entries

        # The kinds of pending work (workbench.registry); the workbench also autodiscovers it.
        from . import pending  # noqa: F401

        add_entries(
            "evaluation",
            [
                Entry(
                    _("Evaluation rounds"),
                    "evaluation:round-list",
                    "evaluation.view_evaluation",
                    "award",
                ),
            ],
        )
