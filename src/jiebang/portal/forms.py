"""Forms of the portal: the public project filter, and the staff's news and briefing forms."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.projects.models import Dimension

from .models import NewsItem
from .queries import PUBLIC_STATUS_CHOICES, public_lists, public_projects, search_projects


class ProjectFilterForm(BootstrapMixin, forms.Form):
    """The public project list's search and filters (all optional; junk is ignored)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    project_list = forms.ModelChoiceField(
        label=_("List"), queryset=public_lists(), required=False, empty_label=_("All lists")
    )
    dimension = forms.ModelChoiceField(
        label=_("Reform dimension"),
        queryset=Dimension.objects.filter(is_active=True),
        required=False,
        empty_label=_("All dimensions"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *PUBLIC_STATUS_CHOICES],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Project, code or unit")

    def filter(self, projects):
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        projects = search_projects(projects, data["q"] or "")
        if data["project_list"]:
            projects = projects.filter(project_list=data["project_list"])
        if data["dimension"]:
            projects = projects.filter(dimension=data["dimension"])
        if data["status"]:
            projects = projects.filter(status=data["status"])
        return projects


class NewsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["kind", "title", "date", "source", "venue", "speakers", "body"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "venue": _("Press conferences only."),
            "speakers": _("Press conferences only: who spoke, with their posts."),
        }


def _default_period() -> tuple[datetime.date, datetime.date]:
    """The fortnight ending today."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=14), today


class BriefingGenerateForm(BootstrapMixin, forms.Form):
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Work briefing no. N”."),
    )

    def __init__(self, *args, last_end=None, **kwargs):
        start, end = _default_period()
        if last_end is not None and last_end < end:
            start = last_end + datetime.timedelta(days=1)
        kwargs.setdefault("initial", {"period_start": start, "period_end": end})
        super().__init__(*args, **kwargs)


class BriefingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    highlights = forms.CharField(
        label=_("Highlights"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Highlighted projects"),
        queryset=public_projects().order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Projects shown on the portal; hold Control to choose several."),
    )
