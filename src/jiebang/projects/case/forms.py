"""The green channel's forms; accountability's project page raises cases with CaseForm too."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.projects.models import GreenChannelCase, Project


class CaseForm(BootstrapMixin, forms.Form):
    """直报: what a unit raises to the task force, on the green-channel page or on one of its
    projects' accountability page (`project` given: the case is about that project and the
    form asks for no other)."""

    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 5}))
    departments = forms.MultipleChoiceField(
        label=_("departments"),
        choices=GreenChannelCase.Department.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, user, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            del self.fields["project"]
            self.fields["description"].widget.attrs["rows"] = 3
        else:
            # Only the projects the unit implements: published ones of other units are no
            # business of its cases (raise_case checks it again).
            self.fields["project"].queryset = Project.objects.implemented_visible_to(user)


class TakeCaseForm(BootstrapMixin, forms.Form):
    response_deadline = forms.DateField(
        label=_("response deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ResolveCaseForm(BootstrapMixin, forms.Form):
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseCaseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for closing"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseFilterForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("All statuses"))] + GreenChannelCase.Status.choices,
        required=False,
    )
    department = forms.ChoiceField(
        label=_("departments"),
        choices=[("", _("All departments"))] + GreenChannelCase.Department.choices,
        required=False,
    )

    def filter(self, cases):
        if not self.is_valid():
            return cases
        if status := self.cleaned_data["status"]:
            cases = cases.filter(status=status)
        if department := self.cleaned_data["department"]:
            # JSON lists are matched as text: works alike on SQLite and PostgreSQL.
            cases = cases.filter(departments__icontains=f'"{department}"')
        return cases
