"""Forms of the proposal pages (F1.5), the reserve pool (F1.6) and the stage-1 settings."""

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import style_widgets
from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, Region, User

from . import services
from .models import Category, Cluster, FeedbackItem, PracticeVerdict, Proposal, ScoringWeights
from .queries import clusters_seen_by, seen_clusters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def visible_clusters(user, ids):
    """Clusters with at least one item the user may see: a county drafts from its own."""
    items = FeedbackItem.objects.visible_to(user).filter(cluster_id__in=ids)
    return Cluster.objects.filter(pk__in=items.values("cluster_id")).select_related("category")


def county_choices(user):
    counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
    if path := user_scope(user).region_path:
        counties = counties.filter(path__startswith=path)
    return counties


class ProposalForm(forms.ModelForm):
    """Title, description, category and county; `clusters` lists the pain points it answers."""

    clusters = forms.ModelMultipleChoiceField(
        label=_("Pain-point clusters"),
        queryset=Cluster.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["clusters"]

    class Meta:
        model = Proposal
        fields = ["title", "description", "category", "region"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, cluster_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        clusters = visible_clusters(user, cluster_ids)
        # Labels and the suggested title come from the user's own items (clusters_seen_by).
        seen = {
            c.pk: c
            for c in seen_clusters(
                clusters_seen_by(user, repeated_only=False, ids=list(cluster_ids))
            )
        }
        if cluster_ids:
            self.fields["clusters"].queryset = clusters
            self.fields["clusters"].label_from_instance = lambda c: seen[c.pk].label
        else:
            del self.fields["clusters"]
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["region"].queryset = county_choices(user)
        if user_scope(user).region_path:
            # A county's proposal without its county would vanish from its own lists.
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
            self.fields["region"].help_text = ""
        if not self.is_bound and cluster_ids and (first := clusters.first()):
            self.initial.update(
                clusters=[c.pk for c in clusters],
                title=seen[first.pk].text[:30],
                category=first.category_id,
            )
        style_widgets(self)


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Proposal.Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if q := self.cleaned_data["q"]:
            queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
        if status := self.cleaned_data["status"]:
            queryset = queryset.filter(status=status)
        return queryset


def _user_label(user):
    name, place = str(user), str(user.institution or "")
    return f"{name} · {place}" if place and place != name else name


class ScreeningForm(forms.Form):
    """Experts score the proposal; heads of county hospitals and sub-centres test it."""

    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    panel_members = forms.ModelMultipleChoiceField(
        label=_("Practice panel"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("County hospitals and medical sub-centres."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = User.objects.filter(is_active=True).select_related("institution")
        self.fields["experts"].queryset = active.filter(role=Role.EXPERT).order_by("username")
        self.fields["panel_members"].queryset = active.filter(
            role=Role.UNIT,
            institution__kind__in=[Institution.Kind.COUNTY_HOSPITAL, Institution.Kind.SUB_CENTRE],
        ).order_by("institution__region__path", "institution__name")
        for name in ("experts", "panel_members"):
            self.fields[name].label_from_instance = _user_label
        style_widgets(self)


def _score_field(label):
    return forms.IntegerField(
        label=label, min_value=1, max_value=10, widget=forms.NumberInput(attrs={"step": 1})
    )


class ScoreForm(forms.Form):
    feasibility = _score_field(_("Feasibility"))
    urgency = _score_field(_("Urgency"))
    benefit = _score_field(_("Social benefit"))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=PracticeVerdict.Verdict.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class DecideForm(forms.Form):
    """After screening: select into a project, or send to the reserve pool with a tag."""

    SELECT, RESERVE = "select", "reserve"
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[(SELECT, _("Select into a project")), (RESERVE, _("Send to the reserve pool"))],
        widget=forms.RadioSelect,
    )
    tag = forms.ChoiceField(
        label=_("Reserve tag"), required=False, choices=[("", "—"), *Proposal.ReserveTag.choices]
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("review_date", services.default_review_date())
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.RESERVE:
            if not data.get("tag"):
                self.add_error("tag", _("Choose a reserve tag."))
            if not data.get("review_date"):
                self.add_error("review_date", _("Set the date of the next review."))
        return data


class ReviewForm(forms.Form):
    """Re-evaluating a reserve proposal: upgrade it to a key project, or look again later."""

    UPGRADE, POSTPONE = "upgrade", "postpone"
    action = forms.ChoiceField(
        label=_("Re-evaluation"),
        choices=[(UPGRADE, _("Upgrade to a key project")), (POSTPONE, _("Review again later"))],
        widget=forms.RadioSelect,
    )
    review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("review_date", services.default_review_date())
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.POSTPONE and not data.get("review_date"):
            self.add_error("review_date", _("Set the date of the next review."))
        return data


class ReserveFilterForm(forms.Form):
    tag = forms.ChoiceField(
        label=_("Reserve tag"), required=False, choices=[("", "—"), *Proposal.ReserveTag.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CategoryForm(forms.ModelForm):
    """Add or rename a category, or switch it off; the change is recorded with its user."""

    class Meta:
        model = Category
        fields = ["name", "code", "order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is the stable key other data and the classifier's corpus refer to.
            self.fields["code"].disabled = True
        else:
            del self.fields["is_active"]  # a new category is in use at once
        style_widgets(self)


class CategoryPickForm(forms.Form):
    """The category a row of the category list posts its changes for (none: a new one)."""

    pk = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)


class WeightsForm(forms.ModelForm):
    """The weights of 可行性 / 紧迫性 / 社会效益 in the experts' weighted score."""

    class Meta:
        model = ScoringWeights
        fields = ["feasibility", "urgency", "benefit"]
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.05", "min": "0"})
            for name in ("feasibility", "urgency", "benefit")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.min_value = 0
            field.validators.append(MinValueValidator(0))
        style_widgets(self)

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in self.Meta.fields]
        if all(v is not None for v in values) and not any(values):
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return data
