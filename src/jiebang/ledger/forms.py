from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin, style_widgets
from jiebang.orgs.models import Region, User
from jiebang.projects.models import Dimension, Project

from .models import Task, validate_evidence
from .services import decrease_error


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files in one input, each checked by validate_evidence."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("validators", [validate_evidence])
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Images (JPG, PNG), PDF or Excel, up to 10 MB each."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# A date input takes ISO values only: the Chinese locale would render 2026/03/31, which the
# browser drops (and a required date then blocks the form).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IMPORT_MAX_BYTES = 10 * 1024 * 1024


class TaskForm(forms.Form):
    title = forms.CharField(label=_("task"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("parent task"),
        queryset=Task.objects.none(),
        required=False,
        help_text=_("Leave empty for a top-level task."),
    )
    department = forms.CharField(label=_("responsible department"), max_length=100, required=False)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none(), required=False)
    start = forms.DateField(label=_("start"), required=False, widget=DATE)
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    deliverable = forms.CharField(label=_("deliverable"), max_length=300, required=False)
    weight = forms.DecimalField(
        label=_("weight"), min_value=0.01, max_digits=7, decimal_places=2, initial=1
    )

    def __init__(self, *args, project, task=None, dates_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.of_unit(project.implementing_unit_id).order_by(
            "username"
        )
        if task is None:
            self.fields["parent"].queryset = project.tasks.filter(parent=None).exclude(
                status=Task.Status.DONE
            )
        else:
            del self.fields["parent"]
        if dates_locked:
            # The letter is confirmed: the dates keep their values whatever is posted.
            for name in ("start", "deadline"):
                self.fields[name].disabled = True
            self.fields["deadline"].help_text = _(
                "The responsibility letter is confirmed: request a deadline change on the "
                "task's page."
            )
        style_widgets(self)


class ProgressForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Task.Status.choices)
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("date"), initial=timezone.localdate, widget=DATE)
    text = forms.CharField(
        label=_("progress note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decrease_reason = forms.CharField(
        label=_("reason for the lower progress"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = EvidenceField(label=_("evidence files"))

    def __init__(self, *args, confirmed_percent=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmed_percent = confirmed_percent
        self.fields["decrease_reason"].help_text = _(
            "Required when the progress is below the confirmed %(percent)s%%."
        ) % {"percent": confirmed_percent}

    def clean(self):
        data = super().clean()
        percent = data.get("percent")
        lower = percent is not None and percent < self.confirmed_percent
        if lower and not data.get("decrease_reason", "").strip():
            self.add_error("decrease_reason", decrease_error(self.confirmed_percent))
        return data


class DeadlineRequestForm(BootstrapMixin, forms.Form):
    deadline = forms.DateField(label=_("requested deadline"), widget=DATE)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=None)
    period = forms.DateField(
        label=_("reporting period"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("The month the period starts in."),
    )
    value = forms.DecimalField(label=_("value"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=_("data source"), max_length=200, required=False)
    evidence = EvidenceField(label=_("evidence files"))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = project.indicators.all()
        style_widgets(self)


class BatchConfirmForm(forms.Form):
    """The progress updates ticked in the queue; only those waiting for this reviewer count."""

    ids = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = waiting
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "Update %(value)s is no longer waiting for your confirmation."
        )


class PublicForm(forms.Form):
    """The reviewer's button on a confirmed update: show it on the public portal or not."""

    public = forms.BooleanField(required=False)


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("acceptance note"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(
        label=_("evidence file"), required=False, validators=[validate_evidence]
    )


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Task sheet (XLSX)"),
        help_text=_("A ledger exported here, edited in Excel; rows without a task id are added."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("“%(name)s” is larger than %(limit)d MB.")
                % {"name": upload.name, "limit": IMPORT_MAX_BYTES // 1024 // 1024}
            )
        return upload


def _county_choices():
    return Region.objects.filter(kind__in=Region.COUNTY_LEVEL)


class TaskFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    project = forms.CharField(label=_("project code"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=_county_choices(), required=False, empty_label="—"
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Task.Status.choices], required=False
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        choices=[("", "—"), ("yes", _("Overdue only")), ("soon", _("Due within 7 days"))],
        required=False,
    )

    def filter(self, tasks):
        if not self.is_valid():
            return tasks
        data = self.cleaned_data
        if data["q"]:
            tasks = tasks.filter(Q(title__icontains=data["q"]) | Q(department__icontains=data["q"]))
        if data["project"]:
            tasks = tasks.filter(project__code__iexact=data["project"].strip())
        if data["county"]:
            tasks = tasks.filter(
                project__implementing_unit__region__path__startswith=data["county"].path
            )
        if data["status"]:
            tasks = tasks.filter(status=data["status"])
        if data["overdue"] == "yes":
            tasks = tasks.overdue()
        elif data["overdue"] == "soon":
            tasks = tasks.due_soon()
        return tasks


class ProgrammeFilterForm(BootstrapMixin, forms.Form):
    """一图一表 for the programme: which projects, grouped how."""

    group = forms.ChoiceField(
        label=_("Group by"),
        choices=[("dimension", _("reform dimension")), ("county", _("County"))],
        required=False,
    )
    dimension = forms.ModelChoiceField(
        label=_("reform dimension"),
        queryset=Dimension.objects.all(),
        required=False,
        empty_label="—",
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=_county_choices(), required=False, empty_label="—"
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            ("", "—"),
            *[
                (s.value, s.label)
                for s in (
                    Project.Status.CONTRACTED,
                    Project.Status.IN_PROGRESS,
                    Project.Status.COMPLETED,
                    Project.Status.EVALUATED,
                )
            ],
        ],
        required=False,
    )

    def filter(self, projects):
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        if data["dimension"]:
            projects = projects.filter(dimension=data["dimension"])
        if data["county"]:
            projects = projects.filter(
                implementing_unit__region__path__startswith=data["county"].path
            )
        if data["status"]:
            projects = projects.filter(status=data["status"])
        return projects
