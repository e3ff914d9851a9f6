"""竞技比武 pages: the admin's competitions, the panel's scoring sheets, the results."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import act
from jiebang.core.errors import DomainError
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope

from . import competitions
from .forms import CancelForm, CompetitionForm, CriterionFormSet, ScoreForm
from .models import Claim, Competition, Project, ScoreSheet


def competition_list(request):
    """The competitions the user may see; for the admin also the projects awaiting one."""
    require_perm(request.user, "projects.view_competitions")
    rows = (
        Competition.objects.visible_to(request.user)
        .select_related("project", "winner__claimant_unit")
        .annotate(panel_size=Count("panel", distinct=True))
    )
    awaiting = []
    if can(request.user, "projects.manage_competitions"):
        awaiting = (
            Project.objects.filter(status=Project.Status.PUBLISHED, channel=Project.Channel.OPEN)
            .annotate(open_claims=Count("claims", filter=Q(claims__status__in=Claim.OPEN_STATUSES)))
            .filter(open_claims__gte=2)
            .exclude(competitions__status__in=Competition.ACTIVE_STATUSES)
            .order_by("code")
        )
    context = {"competitions": rows, "awaiting": awaiting}
    return render(request, "projects/competition_list.html", context)


def competition_create(request, pk):
    """The admin opens a competition on a project with several open claims."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    require_perm(request.user, "projects.manage_competitions", project)
    form = CompetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            competition = competitions.open_competition(
                project, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The competition was opened."))
            return redirect(competition)
    context = {"form": form, "project": project, "claims": project.claims.open()}
    return render(request, "projects/competition_form.html", context)


def _criteria_initial(competition):
    return [
        {"name": c.name, "weight": c.weight, "max_score": c.max_score}
        for c in competition.criteria.all()
    ]


def _manage_forms(competition) -> dict:
    """The admin's forms on the competition page."""
    initial = {
        "session_at": competition.session_at,
        "place": competition.place,
        "note": competition.note,
        "panel": competition.panel.all(),
    }
    return {
        "edit_form": CompetitionForm(initial=initial),
        "criteria_forms": CriterionFormSet(initial=_criteria_initial(competition)),
        "cancel_form": CancelForm(),
    }


def competition_detail(request, pk, forms=None):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    can_manage = can(request.user, "projects.manage_competitions", competition)
    pitches = competition.current_pitches()
    if not can(request.user, "projects.view_competition_results", competition):
        own = user_scope(request.user)
        if not own.is_city and own.unit_id:
            pitches = pitches.filter(claimant_unit=own.unit_id)
    context = {
        "competition": competition,
        "pitches": pitches,
        "criteria": competition.criteria.all(),
        "panel": competition.panel.order_by("username"),
        "missing": competitions.missing_sheets(competition),
        # The forms only for who may submit them.
        **(_manage_forms(competition) if can_manage else {}),
        **(forms or {}),
        "history": object_history(competition),
    }
    return render(request, "projects/competition_detail.html", context)


@require_POST
def competition_edit(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.manage_competitions", competition)
    form = CompetitionForm(request.POST)
    if not form.is_valid():
        return competition_detail(request, pk, forms={"edit_form": form})
    edit = lambda: competitions.update_competition(  # noqa: E731
        competition, acting_user=request.user, **form.cleaned_data
    )
    return act(request, competition, edit, _("The competition was saved."))


@require_POST
def competition_criteria(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.manage_competitions", competition)
    formset = CriterionFormSet(request.POST)
    if not formset.is_valid():
        return competition_detail(request, pk, forms={"criteria_forms": formset})
    rows = [row for row in formset.cleaned_data if row.get("name")]
    save = lambda: competitions.set_criteria(competition, rows, acting_user=request.user)  # noqa: E731
    return act(request, competition, save, _("The criteria were saved."))


@require_POST
def competition_start(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    start = lambda: competitions.start_scoring(competition, acting_user=request.user)  # noqa: E731
    return act(request, competition, start, _("Scoring has started."))


@require_POST
def competition_close(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    close = lambda: competitions.close_competition(competition, acting_user=request.user)  # noqa: E731
    return act(request, competition, close, _("The competition was closed and the units told."))


@require_POST
def competition_cancel(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    reason = request.POST.get("reason", "")
    cancel = lambda: competitions.cancel_competition(  # noqa: E731
        competition, acting_user=request.user, reason=reason
    )
    return act(request, competition, cancel, _("The competition was cancelled."))


def _sheets(competition, member, **lookup):
    """The member's sheets on this competition by claim, with their scores (two queries)."""
    sheets = ScoreSheet.objects.filter(competition=competition, member=member, **lookup)
    return {s.claim_id: s for s in sheets.prefetch_related("scores")}


def _sheet_form(claim, sheet, criteria, data=None):
    initial = {}
    if sheet is not None:
        initial = {f"c{s.criterion_id}": s.value for s in sheet.scores.all()}
        initial["comment"] = sheet.comment
    form = ScoreForm(data, criteria=criteria, initial=initial, prefix=claim.pk)
    return {"claim": claim, "form": form, "sheet": sheet}


def competition_score(request, pk):
    """The panel member's page: one sheet per pitch, each saved on its own."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.score_competition", competition)
    pitches = competition.current_pitches().exclude(status=Claim.Status.WITHDRAWN)
    criteria = list(competition.criteria.all())
    sheets = _sheets(competition, request.user)
    cards = [_sheet_form(claim, sheets.get(claim.pk), criteria) for claim in pitches]
    context = {"competition": competition, "cards": cards}
    return render(request, "projects/competition_score.html", context)


@require_POST
def competition_score_pitch(request, pk, claim_pk):
    """Save one sheet; htmx gets the card back (errors in it, status 200), others a redirect."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.score_competition", competition)
    claim = get_object_or_404(competition.current_pitches(), pk=claim_pk)
    sheet = _sheets(competition, request.user, claim=claim).get(claim.pk)
    card = _sheet_form(claim, sheet, competition.criteria.all(), data=request.POST)
    form = card["form"]
    if form.is_valid():
        try:
            card["sheet"] = competitions.submit_scores(
                competition,
                claim,
                acting_user=request.user,
                values=form.values(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            card["saved"] = True
            if not request.htmx:
                messages.success(request, _("Your scores were saved."))
                return redirect("projects:competition-score", pk=competition.pk)
    context = {"competition": competition, "card": card}
    return render(request, "projects/_score_card.html", context)


def competition_results(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.view_competition_results", competition)
    context = {
        "competition": competition,
        "criteria": competition.criteria.all(),
        "standings": competitions.ranking(competition),
        "missing": competitions.missing_sheets(competition),
    }
    return render(request, "projects/competition_results.html", context)
