from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.core.roles import Role
from jiebang.orgs.models import User

from .models import TaskForce, TaskForceMember, validate_evidence, validate_scan

# Date inputs take ISO values only (the Chinese locale would render 2026/03/31, which the
# browser drops).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScanForm(BootstrapMixin, forms.Form):
    signed_scan = forms.FileField(
        label=_("signed scan"),
        required=False,
        validators=[validate_scan],
        help_text=_("PDF, JPG or PNG, up to 10 MB."),
    )


class RequiredScanForm(ScanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_scan"].required = True


class OnSiteForm(BootstrapMixin, forms.Form):
    event_name = forms.CharField(label=_("event"), max_length=200)
    event_date = forms.DateField(label=_("event date"), widget=DATE)


class MemberForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.none(), required=False)
    name = forms.CharField(
        label=_("name"),
        max_length=60,
        required=False,
        help_text=_("For a member without an account."),
    )
    position = forms.CharField(label=_("position"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("role in group"), choices=TaskForceMember.Role.choices)

    def __init__(self, *args, task_force: TaskForce, **kwargs):
        super().__init__(*args, **kwargs)
        unit = task_force.project.implementing_unit_id
        if task_force.kind == TaskForce.Kind.CITY:
            users = User.objects.filter(
                Q(role__in=[Role.CITY_ADMIN, Role.TASK_FORCE, Role.COUNTY_BUREAU])
                | Q(institution=unit, role=Role.UNIT)
            )
        else:
            users = User.objects.of_unit(unit)
        self.fields["user"].queryset = users.filter(is_active=True).order_by("username")


class MeetingForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    attendees = forms.CharField(label=_("attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    decisions = forms.CharField(label=_("decisions"), widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("follow-up"), max_length=200)
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    department = forms.CharField(label=_("responsible department"), max_length=100, required=False)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.of_unit(unit_id)


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3)


class MonthForm(BootstrapMixin, forms.Form):
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"required": _("Choose a month."), "invalid": _("Choose a month.")},
    )


class InterviewForm(BootstrapMixin, forms.Form):
    tasks = forms.ModelMultipleChoiceField(
        label=_("overdue tasks"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    interviewees = forms.CharField(
        label=_("interviewed"),
        max_length=200,
        help_text=_("Names and positions of the people interviewed."),
    )
    interviewers = forms.CharField(label=_("interviewers"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("held at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 4}))
    rectification_deadline = forms.DateField(label=_("rectification deadline"), widget=DATE)

    def __init__(self, *args, project, **kwargs):
        from jiebang.ledger.models import Task

        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = Task.objects.overdue().filter(project=project)


class RectificationForm(BootstrapMixin, forms.Form):
    report = forms.CharField(
        label=_("rectification report"), widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("evidence"),
        required=False,
        validators=[validate_evidence],
        help_text=_("PDF, Word, Excel, JPG or PNG, up to 10 MB."),
    )


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptanceForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("acceptance note"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("acceptance evidence"),
        required=False,
        validators=[validate_evidence],
        help_text=_("PDF, Word, Excel, JPG or PNG, up to 10 MB."),
    )
