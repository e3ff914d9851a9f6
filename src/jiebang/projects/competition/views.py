"""竞技比武 pages: the admin's competitions, the panel's scoring sheets, the results."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.forms import ReasonForm
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.projects.models import Claim, Competition, Project, ScoreSheet

from . import services
from .forms import CancelForm, CompetitionForm, CriterionFormSet, ScoreForm


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
    return submit(
        request,
        CompetitionForm(request.POST or None),
        lambda **data: services.open_competition(project, acting_user=request.user, **data),
        message=_("The competition was opened."),
        success=lambda competition: competition,
        template="projects/competition_form.html",
        context=lambda: {"project": project, "claims": project.claims.open()},
    )


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


def _detail_context(request, competition) -> dict:
    can_manage = can(request.user, "projects.manage_competitions", competition)
    pitches = competition.current_pitches()
    sees_panel = can(request.user, "projects.view_competition_panel", competition)
    if not can(request.user, "projects.view_competition_results", competition):
        own = user_scope(request.user)
        if not own.is_city and own.unit_id:
            pitches = pitches.filter(claimant_unit=own.unit_id)
    return {
        "competition": competition,
        "pitches": pitches,
        "criteria": competition.criteria.all(),
        "panel": competition.panel.order_by("username") if sees_panel else None,
        "missing": services.missing_sheets(competition),
        # The forms only for who may submit them.
        **(_manage_forms(competition) if can_manage else {}),
        "history": object_history(competition, sealed=() if sees_panel else ("panel",)),
    }


def competition_detail(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    context = _detail_context(request, competition)
    return render(request, "projects/competition_detail.html", context)


def _manage(request, pk) -> Competition:
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.manage_competitions", competition)
    return competition


@require_POST
def competition_edit(request, pk):
    competition = _manage(request, pk)
    return submit(
        request,
        CompetitionForm(request.POST),
        lambda **data: services.update_competition(competition, acting_user=request.user, **data),
        message=_("The competition was saved."),
        success=competition,
        template="projects/competition_detail.html",
        context=lambda: _detail_context(request, competition),
        form_name="edit_form",
    )


@require_POST
def competition_criteria(request, pk):
    competition = _manage(request, pk)

    def save(rows):
        rows = [row for row in rows if row.get("name")]
        services.set_criteria(competition, rows, acting_user=request.user)

    return submit(
        request,
        CriterionFormSet(request.POST),
        save,
        message=_("The criteria were saved."),
        success=competition,
        template="projects/competition_detail.html",
        context=lambda: _detail_context(request, competition),
        form_name="criteria_forms",
    )


@require_POST
def competition_start(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    return press(
        request,
        lambda: services.start_scoring(competition, acting_user=request.user),
        message=_("Scoring has started."),
        success=competition,
    )


@require_POST
def competition_close(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    return press(
        request,
        lambda: services.close_competition(competition, acting_user=request.user),
        message=_("The competition was closed and the units told."),
        success=competition,
    )


@require_POST
def competition_cancel(request, pk):
    """Cancel the competition; the service asks for the reason."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)

    def cancel(reason):
        services.cancel_competition(competition, acting_user=request.user, reason=reason)

    return press(
        request,
        cancel,
        form=ReasonForm(request.POST),
        message=_("The competition was cancelled."),
        success=competition,
    )


def _sheets(competition, member, **lookup):
    """The member's sheets on this competition by claim, with their scores (two queries)."""
    sheets = ScoreSheet.objects.filter(competition=competition, member=member, **lookup)
    return {s.claim_id: s for s in sheets.prefetch_related("scores")}


def _sheet_initial(sheet) -> dict:
    if sheet is None:
        return {}
    return {f"c{s.criterion_id}": s.value for s in sheet.scores.all()} | {"comment": sheet.comment}


def _sheet_form(claim, sheet, criteria):
    form = ScoreForm(criteria=criteria, initial=_sheet_initial(sheet), prefix=claim.pk)
    return {"claim": claim, "form": form, "sheet": sheet}


def _score_context(request, competition, card=None) -> dict:
    """The member's cards, one per pitch (`card`, posted and refused, in its place)."""
    pitches = competition.current_pitches().exclude(status=Claim.Status.WITHDRAWN)
    criteria = list(competition.criteria.all())
    sheets = _sheets(competition, request.user)
    cards = [
        card
        if card and card["claim"].pk == claim.pk
        else _sheet_form(claim, sheets.get(claim.pk), criteria)
        for claim in pitches
    ]
    return {"competition": competition, "cards": cards, "card": card}


def competition_score(request, pk):
    """The panel member's page: one sheet per pitch, each saved on its own."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.score_competition", competition)
    context = _score_context(request, competition)
    return render(request, "projects/competition_score.html", context)


@require_POST
def competition_score_pitch(request, pk, claim_pk):
    """Save one sheet; htmx gets the card back (saved, or with its errors), others the page."""
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.score_competition", competition)
    claim = get_object_or_404(competition.current_pitches(), pk=claim_pk)
    sheet = _sheets(competition, request.user, claim=claim).get(claim.pk)
    form = ScoreForm(
        request.POST,
        criteria=competition.criteria.all(),
        initial=_sheet_initial(sheet),
        prefix=claim.pk,
    )
    card = {"claim": claim, "form": form, "sheet": sheet}

    def save(comment, **scores):
        return services.submit_scores(
            competition, claim, acting_user=request.user, values=form.values(), comment=comment
        )

    def saved_card(sheet):
        card.update(sheet=sheet, saved=True)
        return render(
            request, "projects/_score_card.html", {"competition": competition, "card": card}
        )

    return submit(
        request,
        form,
        save,
        message=_("Your scores were saved."),
        success=reverse("projects:competition-score", args=[competition.pk]),
        template="projects/competition_score.html",
        context=lambda: _score_context(request, competition, card),
        form_name="score_form",
        fragment="projects/_score_card.html",
        htmx_success=saved_card,
    )


def competition_results(request, pk):
    competition = get_visible_or_404(Competition, request.user, pk=pk)
    require_perm(request.user, "projects.view_competition_results", competition)
    context = {
        "competition": competition,
        "criteria": competition.criteria.all(),
        "standings": services.ranking(competition),
        "missing": services.missing_sheets(competition),
    }
    return render(request, "projects/competition_results.html", context)
