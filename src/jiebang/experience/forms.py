from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiebang.core.forms import BootstrapMixin, LongSelect
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region
from jiebang.projects.models import Project

from .models import Event, Invitee, Method

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVENT_REGION_KINDS = [*Region.COUNTY_LEVEL, Region.Kind.CITY, Region.Kind.TOWN]
EVENT_REGION_KINDS += [Region.Kind.TOWNSHIP, Region.Kind.STREET]


def _regions(user):
    """The city (for city staff), counties and towns an event may be held in."""
    regions = Region.objects.filter(kind__in=EVENT_REGION_KINDS)
    if scope_path := user_scope(user).region_path:
        regions = regions.filter(path__startswith=scope_path)
    elif not user_scope(user).is_city:
        regions = regions.none()
    return regions


class EventFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("kind of event"), choices=[("", "—"), *Event.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Event.Status.choices], required=False
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DATE
    )
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
        if scope_path := user_scope(user).region_path:
            counties = counties.filter(path__startswith=scope_path)
        self.fields["county"].queryset = counties

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["q"]:
            events = events.filter(Q(title__icontains=data["q"]) | Q(place__icontains=data["q"]))
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["status"]:
            events = events.filter(status=data["status"])
        if data["county"]:
            events = events.filter(region__path__startswith=data["county"].path)
        if data["date_from"]:
            events = events.filter(date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(date__lte=data["date_to"])
        return events


class EventForm(BootstrapMixin, forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("ways of taking part"),
        choices=Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = ["kind", "title", "date", "host", "region", "place", "methods", "description"]
        widgets = {
            "date": DATE,
            "host": LongSelect,
            "region": LongSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            Institution.objects.visible_to(user).filter(is_active=True).order_by("name")
        )
        self.fields["host"].help_text = _("The institution the invitees visit, if any.")
        self.fields["region"].queryset = _regions(user)
        self.fields["region"].required = False
        self.fields["region"].help_text = _(
            "Where the event is held; left empty, the host institution's."
        )

    def clean(self):
        data = super().clean()
        if not data.get("host") and not data.get("region"):
            self.add_error("region", _("Give the host institution or the region of the event."))
        return data


class InviteeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Invitee
        fields = ["name", "category", "affiliation", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affiliation"].help_text = _("E.g. the deputy's delegation or workplace.")


class VisitForm(BootstrapMixin, forms.Form):
    visit_record = forms.CharField(
        label=_("visit record"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the invitees saw, followed and said (走访记录)."),
    )
    methods = forms.MultipleChoiceField(
        label=_("ways of taking part"),
        choices=Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SuggestionForm(BootstrapMixin, forms.Form):
    invitee = forms.ModelChoiceField(label=_("suggested by"), queryset=Invitee.objects.none())
    text = forms.CharField(label=_("suggestion"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitee"].queryset = event.invitees.all()


class DecisionForm(BootstrapMixin, forms.Form):
    ADOPT = "adopt"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(ADOPT, _("Adopt")), (DECLINE, _("Do not adopt"))],
        widget=forms.RadioSelect,
    )
    project = forms.ModelChoiceField(
        label=_("adopted into project"),
        queryset=Project.objects.none(),
        required=False,
        widget=LongSelect,
        empty_label="—",
    )
    measure = forms.CharField(
        label=_("adopted as measure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The measure it became, e.g. a new service window or a changed process."),
    )
    note = forms.CharField(
        label=pgettext_lazy("suggestion", "decision note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the suggestion is not adopted: the reason."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.visible_to(user)
            .exclude(status=Project.Status.WITHDRAWN)
            .order_by("code")
        )

    def decide_kwargs(self) -> dict:
        """The service's keywords from the cleaned data."""
        data = self.cleaned_data
        return {
            "adopted": data["decision"] == self.ADOPT,
            "project": data["project"],
            "measure": data["measure"],
            "note": data["note"],
        }
