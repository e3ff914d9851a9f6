"""The six stages of the closed loop and the menu each role sees.

Apps add their pages to a stage's `entries`; the menu shows an entry only to users with its
permission, and a stage only to users who work in it (core/rules.py STAGE_ACCESS).
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    perm: str
    icon: str = "circle"


@dataclass(frozen=True)
class Stage:
    slug: str
    number: int
    label: str
    summary: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def perm(self) -> str:
        return f"core.use_stage_{self.slug}"


STAGES = [
    Stage(
        "needs",
        1,
        _("Collect needs"),
        _(
            "Hotline, online and field-survey complaints are classified, grouped and shown on "
            "the pain-point heatmap; proposals are screened by experts and the practice panel."
        ),
    ),
    Stage(
        "publish",
        2,
        _("Publish the list"),
        _(
            "Projects with implementing body, coverage and quantified indicators are published "
            "in lists, by directed commission or open application."
        ),
    ),
    Stage(
        "compete",
        3,
        _("Claim and compete"),
        _(
            "Units claim projects, bid in roadshows, or are assigned projects by the optimiser; "
            "experts, the green channel and training events support them."
        ),
    ),
    Stage(
        "accountability",
        4,
        _("Accountability"),
        _(
            "Responsibility letters, the two task forces and the two ledgers; overdue tasks "
            "lead to interviews, rectification and acceptance."
        ),
    ),
    Stage(
        "supervision",
        5,
        _("Supervision"),
        _(
            "The public portal shows every project; QR feedback reaches the responsible unit, "
            "which rectifies and replies in time."
        ),
    ),
    Stage(
        "evaluation",
        6,
        _("Evaluation"),
        _(
            "Nominations are scored by the panel on five criteria, the ten best projects are "
            "ranked and spread across the city."
        ),
    ),
]
STAGES_BY_SLUG = {stage.slug: stage for stage in STAGES}


def add_entries(slug: str, entries: list[Entry]) -> None:
    """Called by each app's AppConfig.ready() to put its pages under a stage."""
    STAGES_BY_SLUG[slug].entries.extend(e for e in entries if e not in STAGES_BY_SLUG[slug].entries)


SYSTEM_ENTRIES = [
    Entry(_("Institutions"), "orgs:institution-list", "orgs.view_institution_list", "hospital"),
    Entry(_("Divisions"), "orgs:region-list", "orgs.view_region_list", "diagram-3"),
    Entry(_("Audit log"), "core:audit", "core.view_audit", "clock-history"),
    Entry(_("Administration"), "admin:index", "core.use_admin", "gear"),
]


def visible_entries(user, entries):
    return [
        {"label": e.label, "url": reverse(e.url_name), "icon": e.icon, "url_name": e.url_name}
        for e in entries
        if can(user, e.perm)
    ]


def menu_for(user) -> dict:
    """The stages and system pages this user may use, in menu order."""
    if not user.is_authenticated:
        return {"stages": [], "system": []}
    stages = [
        {
            "slug": s.slug,
            "number": s.number,
            "label": s.label,
            "url": reverse("core:stage", args=[s.slug]),
            "entries": visible_entries(user, s.entries),
        }
        for s in STAGES
        if can(user, s.perm)
    ]
    return {"stages": stages, "system": visible_entries(user, SYSTEM_ENTRIES)}


def navigation(request):
    """Template context processor: the menu of the current user."""
    return {"menu": menu_for(request.user)}
