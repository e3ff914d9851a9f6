"""Forms of the list pages: a new list, its application guide, the drafts to put on it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.projects.models import Project, ProjectList


class ProjectListForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectList
        fields = ["name", "round_number"]


class GuideForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectList
        fields = ["name", "guide_process", "guide_materials", "guide_deadline", "guide_contact"]
        widgets = {
            "guide_deadline": forms.DateInput(attrs={"type": "date"}),
            "guide_process": forms.Textarea(attrs={"rows": 5}),
            "guide_materials": forms.Textarea(attrs={"rows": 5}),
        }


class AddProjectsForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Draft projects"),
        queryset=Project.objects.filter(status=Project.Status.DRAFT, project_list=None),
        widget=forms.CheckboxSelectMultiple,
    )
