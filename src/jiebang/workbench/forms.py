from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, LongSelect
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project

from .models import Mode, Topic
from .queue import SORTS, Filters, subjects
from .registry import kinds

DUE_CHOICES = [
    ("", _("Any deadline")),
    ("overdue", _("Overdue")),
    ("soon", _("Due within 3 days")),
    ("later", _("Due later")),
    ("none", _("No deadline")),
]
SORT_CHOICES = [
    ("due", _("Deadline, soonest first")),
    ("-due", _("Deadline, latest first")),
    ("kind", _("Kind of work")),
    ("project", _("Project")),
]
assert {value for value, _label in SORT_CHOICES} == set(SORTS)


class QueueFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of work"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.none(), required=False, empty_label=_("All")
    )
    unit = forms.TypedChoiceField(
        label=_("Unit"), coerce=int, empty_value=None, required=False, widget=LongSelect
    )
    project = forms.TypedChoiceField(
        label=_("Project"), coerce=int, empty_value=None, required=False, widget=LongSelect
    )
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(k.key, k.label) for k in kinds()]
        scope = user_scope(user)
        counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
        if not scope.is_city:
            counties = counties.filter(path__startswith=scope.region_path or "-")
        self.fields["county"].queryset = counties
        # Only the units and projects something waits on: a short list, and no dead ends.
        units, projects = subjects(user)
        every = [("", _("All"))]
        self.fields["unit"].choices = every + list(
            Institution.objects.filter(pk__in=units).order_by("name").values_list("pk", "name")
        )
        self.fields["project"].choices = every + [
            (pk, f"{code} {title}")
            for pk, code, title in Project.objects.filter(pk__in=projects)
            .order_by("code")
            .values_list("pk", "code", "title")
        ]

    def _valid(self) -> dict:
        """The fields that are valid (a junk value in one does not drop the others)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self, *, with_kind=True) -> Filters:
        data = self._valid()
        return Filters(
            kinds=[data["kind"]] if with_kind and data.get("kind") else [],
            county=data.get("county"),
            unit=data.get("unit"),
            project=data.get("project"),
            due=data.get("due") or "",
        )

    def ordering(self) -> str:
        return self._valid().get("sort") or "due"


class PreferencesForm(BootstrapMixin, forms.Form):
    """One choice per topic: in the app only, also at once, or also in the daily digest."""

    def __init__(self, *args, modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for topic, label in Topic.choices:
            self.fields[topic] = forms.ChoiceField(
                label=label, choices=Mode.choices, initial=modes.get(topic, Mode.APP)
            )


class IdsForm(forms.Form):
    """The records a batch button acts on (checked boxes), at most one page's worth."""

    ids = forms.TypedMultipleChoiceField(coerce=int, required=True, choices=())

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in (allowed or [])]
