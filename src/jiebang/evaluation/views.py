"""评榜提质 pages: rounds, nominations and their screening and verification, the panel and its
draw, the raters' sheets (on the page or in Excel), the corrected ranking and the top ten."""

import os

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.forms import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.exports import csv_response, xlsx_response
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404

from . import excel, queries, ranking, services
from .forms import (
    AssignForm,
    CitationFormSet,
    DrawForm,
    NominationForm,
    PanelMemberForm,
    RoundForm,
    ScreenForm,
    SheetFileForm,
    SheetForm,
    VerificationForm,
)
from .models import Criterion, EvaluationRound, Nomination, PanelMember, ScoreSheet

Status = EvaluationRound.Status


def round_list(request):
    require_perm(request.user, "evaluation.view_evaluation")
    rounds = EvaluationRound.objects.visible_to(request.user).annotate(
        admitted=Count("nominations", filter=Q(nominations__status="accepted"), distinct=True),
        panel_size=Count("members", distinct=True),
    )
    return render(request, "evaluation/round_list.html", {"rounds": rounds})


def round_create(request):
    require_perm(request.user, "evaluation.manage_rounds")
    initial = {"year": timezone.localdate().year, **services.default_deadlines()}
    return submit(
        request,
        RoundForm(request.POST or None, initial=initial),
        lambda **data: services.create_round(acting_user=request.user, **data),
        message=_("The round is open for nominations."),
        success=lambda round_: round_,
        template="evaluation/round_form.html",
    )


def _detail_context(request, round_) -> dict:
    user = request.user
    manage = can(user, "evaluation.manage_rounds", round_)
    nominations = (
        Nomination.objects.visible_to(user)
        .filter(round=round_)
        .select_related("project__implementing_unit", "nominating_unit")
        .annotate(
            drawn=Count("sheets"),
            handed_in=Count("sheets", filter=Q(sheets__submitted_at__isnull=False)),
        )
    )
    context = {
        "round": round_,
        "nominations": nominations,
        "seat": round_.members.filter(user=user.pk).first(),
        "can_nominate": can(user, "evaluation.nominate", round_)
        and services.nominable_projects(round_, user).exists(),
        "history": object_history(round_),
    }
    if can(user, "evaluation.view_sheets", round_):
        context["progress"] = queries.progress(round_)
        context["raters"] = queries.rater_summaries(round_)
    elif can(user, "evaluation.view_panel", round_):
        context["members"] = round_.members.select_related("user")
    if manage:
        context.update(
            edit_form=RoundForm(initial=model_to_dict(round_)),
            member_form=PanelMemberForm(round_=round_),
            draw_form=DrawForm(initial={"per_nomination": round_.raters_per_nomination}),
            file_form=SheetFileForm(),
        )
    return context


def round_detail(request, pk):
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.view_evaluation")
    return render(request, "evaluation/round_detail.html", _detail_context(request, round_))


def _managed(request, pk) -> EvaluationRound:
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.manage_rounds", round_)
    return round_


@require_POST
def round_edit(request, pk):
    round_ = _managed(request, pk)
    return submit(
        request,
        RoundForm(request.POST),
        lambda **data: services.update_round(round_, acting_user=request.user, **data),
        message=_("The round was saved."),
        success=round_,
        template="evaluation/round_detail.html",
        context=lambda: _detail_context(request, round_),
        form_name="edit_form",
    )


@require_POST
def panel_add(request, pk):
    round_ = _managed(request, pk)
    return submit(
        request,
        PanelMemberForm(request.POST, round_=round_),
        lambda **data: services.add_panel_member(round_, acting_user=request.user, **data),
        message=_("The member was added to the panel."),
        success=round_,
        template="evaluation/round_detail.html",
        context=lambda: _detail_context(request, round_),
        form_name="member_form",
    )


@require_POST
def panel_remove(request, pk):
    member = get_visible_or_404(PanelMember, request.user, pk=pk)
    return press(
        request,
        lambda: services.remove_panel_member(member, acting_user=request.user),
        message=_("The member was taken off the panel."),
        success=member.round,
    )


@require_POST
def round_draw(request, pk):
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    return press(
        request,
        lambda per_nomination: services.draw_panel(
            round_, acting_user=request.user, per_nomination=per_nomination
        ),
        form=DrawForm(request.POST),
        message=_("The panel was drawn; each rater finds their sheets in their queue."),
        success=round_,
    )


@require_POST
def round_close(request, pk):
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    return press(
        request,
        lambda: services.close_round(round_, acting_user=request.user),
        message=_("Scoring is closed; the ranking is final."),
        success=reverse("evaluation:round-ranking", args=[round_.pk]),
        back=round_,
    )


def round_ranking(request, pk):
    """The corrected ranking: live for city staff, for the panel once scoring is closed."""
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.view_ranking", round_)
    context = {"round": round_, "ranking": queries.round_ranking(round_)}
    if can(request.user, "evaluation.view_sheets", round_):
        context["raters"] = queries.rater_summaries(round_)
        context["progress"] = queries.progress(round_)
    return render(request, "evaluation/ranking.html", context)


def round_scores_csv(request, pk):
    """The handed-in scores as `jiebang rank --input` reads them."""
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.view_sheets", round_)
    rows = [(s.nomination, s.rater, s.criterion, s.score) for s in queries.scores_of(round_)]
    return csv_response(f"scores-{round_.pk}.csv", ranking.HEADER, rows)


def _publish_context(round_) -> dict:
    return {"round": round_, "top": queries.round_ranking(round_).standings[: services.TOP]}


def round_publish(request, pk):
    """The admin writes the citation of each of the ten and publishes them."""
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.publish_top_ten", round_)
    context = _publish_context(round_)
    formset = CitationFormSet(request.POST or None, initial=[{} for _row in context["top"]])
    for form, standing in zip(formset.forms, context["top"], strict=False):
        form.standing = standing

    def publish(rows):
        citations = [row.get("citation", "") for row in rows]
        return services.publish_top_ten(round_, acting_user=request.user, citations=citations)

    return submit(
        request,
        formset,
        publish,
        message=_("The top ten is published on the portal."),
        success="evaluation:top-ten",
        template="evaluation/publish.html",
        context=context,
        form_name="formset",
    )


# -- Nominations -----------------------------------------------------------------------------


def nomination_create(request, pk):
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.nominate", round_)
    projects = services.nominable_projects(round_, request.user)
    return submit(
        request,
        NominationForm(request.POST or None, request.FILES or None, projects=projects),
        lambda project, **data: services.nominate(
            round_, project, acting_user=request.user, **data
        ),
        message=_("The nomination was submitted."),
        success=lambda nomination: nomination,
        template="evaluation/nomination_form.html",
        context={"round": round_},
    )


def _nomination_context(request, nomination) -> dict:
    user = request.user
    context = {
        "nomination": nomination,
        "round": nomination.round,
        "figures": queries.indicator_figures(nomination),
        "satisfaction": queries.satisfaction(nomination),
        "verification": getattr(nomination, "verification", None),
        "own_sheet": nomination.sheets.filter(rater=user.pk).first(),
        "criteria": Criterion.labels,
        "history": object_history(nomination),
    }
    if can(user, "evaluation.view_sheets", nomination.round):
        context["sheets"] = nomination.sheets.select_related("member__user").order_by("member")
    if can(user, "evaluation.screen_nominations", nomination):
        context["screen_form"] = ScreenForm()
    if can(user, "evaluation.record_verification", nomination):
        verification = context["verification"]
        context["verify_form"] = VerificationForm(instance=verification)
    if can(user, "evaluation.manage_rounds", nomination.round):
        context["assign_form"] = AssignForm(nomination=nomination)
    return context


def _nomination(request, pk) -> Nomination:
    queryset = Nomination.objects.visible_to(request.user).select_related(
        "round", "project__implementing_unit", "nominating_unit", "nominated_by"
    )
    return get_object_or_404(queryset, pk=pk)


def nomination_detail(request, pk):
    nomination = _nomination(request, pk)
    return render(
        request, "evaluation/nomination_detail.html", _nomination_context(request, nomination)
    )


@require_POST
def nomination_screen(request, pk):
    nomination = _nomination(request, pk)
    require_perm(request.user, "evaluation.screen_nominations", nomination)

    def screen(decision, note):
        return services.screen_nomination(
            nomination, acting_user=request.user, accept=decision == "accept", note=note
        )

    return submit(
        request,
        ScreenForm(request.POST),
        screen,
        message=_("The screening was recorded."),
        success=nomination,
        template="evaluation/nomination_detail.html",
        context=lambda: _nomination_context(request, nomination),
        form_name="screen_form",
    )


@require_POST
def nomination_withdraw(request, pk):
    nomination = _nomination(request, pk)
    return press(
        request,
        lambda: services.withdraw_nomination(nomination, acting_user=request.user),
        message=_("The nomination was withdrawn."),
        success=nomination,
    )


def nomination_evidence(request, pk):
    """The evidence file, only to those who see the nomination (no public media URL)."""
    nomination = _nomination(request, pk)
    if not nomination.evidence:
        raise Http404
    name = os.path.basename(nomination.evidence.name)
    return FileResponse(nomination.evidence.open("rb"), as_attachment=True, filename=name)


@require_POST
def nomination_verify(request, pk):
    nomination = _nomination(request, pk)
    require_perm(request.user, "evaluation.record_verification", nomination)
    return submit(
        request,
        VerificationForm(request.POST),
        lambda **data: services.record_verification(nomination, acting_user=request.user, **data),
        message=_("The on-site verification was recorded."),
        success=nomination,
        template="evaluation/nomination_detail.html",
        context=lambda: _nomination_context(request, nomination),
        form_name="verify_form",
    )


@require_POST
def nomination_assign(request, pk):
    nomination = _nomination(request, pk)
    require_perm(request.user, "evaluation.manage_rounds", nomination.round)
    return submit(
        request,
        AssignForm(request.POST, nomination=nomination),
        lambda member: services.assign_rater(nomination, member, acting_user=request.user),
        message=_("The rater was given the nomination."),
        success=nomination,
        template="evaluation/nomination_detail.html",
        context=lambda: _nomination_context(request, nomination),
        form_name="assign_form",
    )


# -- The raters' sheets ----------------------------------------------------------------------


def _score_list_context(round_, seat) -> dict:
    sheets = seat.sheets.select_related("nomination__project__implementing_unit").order_by(
        "submitted_at", "nomination"
    )
    return {"round": round_, "seat": seat, "sheets": sheets, "file_form": SheetFileForm()}


def score_list(request, pk):
    """The rater's own sheets of the round (blind: nobody else's), and the Excel sheet."""
    round_ = get_visible_or_404(EvaluationRound, request.user, pk=pk)
    require_perm(request.user, "evaluation.view_scoring", round_)
    seat = round_.members.get(user=request.user)
    return render(request, "evaluation/score_list.html", _score_list_context(round_, seat))


def _sheet_context(request, sheet, form=None) -> dict:
    nomination = sheet.nomination
    initial = {**sheet.scores(), "comment": sheet.comment}
    return {
        "sheet": sheet,
        "nomination": nomination,
        "round": sheet.round,
        "figures": queries.indicator_figures(nomination),
        "satisfaction": queries.satisfaction(nomination),
        "verification": getattr(nomination, "verification", None),
        "form": form or SheetForm(initial=initial),
        "can_score": can(request.user, "evaluation.score", sheet)
        and sheet.round.status == Status.SCORING,
    }


def _next_sheet(sheet) -> str:
    """The rater's next sheet still blank, else their list."""
    following = (
        ScoreSheet.objects.filter(member=sheet.member, submitted_at__isnull=True)
        .exclude(pk=sheet.pk)
        .order_by("nomination")
        .first()
    )
    if following:
        return following.get_absolute_url()
    return reverse("evaluation:score-list", args=[sheet.round_id])


def score_sheet(request, pk):
    """One nomination's sheet: its figures and on-site verification beside the score fields."""
    sheet = get_visible_or_404(ScoreSheet, request.user, pk=pk)
    if request.method == "POST":
        require_perm(request.user, "evaluation.score", sheet)
    form = SheetForm(request.POST or None, initial={**sheet.scores(), "comment": sheet.comment})
    return submit(
        request,
        form,
        lambda comment, **scores: services.submit_sheet(
            sheet, acting_user=request.user, scores=scores, comment=comment
        ),
        message=_("Your scores were saved."),
        success=_next_sheet,
        template="evaluation/score_sheet.html",
        context=lambda: _sheet_context(request, sheet, form),
    )


def member_sheet_export(request, pk):
    member = get_visible_or_404(PanelMember, request.user, pk=pk)
    require_perm(request.user, "evaluation.use_sheet_file", member)
    return xlsx_response(excel.export_sheet(member), excel.file_name(member))


@require_POST
def member_sheet_import(request, pk):
    member = get_visible_or_404(PanelMember, request.user, pk=pk)
    require_perm(request.user, "evaluation.use_sheet_file", member)
    own = member.user_id == request.user.pk
    back = reverse("evaluation:score-list", args=[member.round_id]) if own else member.round

    def message(result):
        return _("Sheets saved: %(saved)d, unchanged: %(unchanged)d, left blank: %(blank)d.") % {
            "saved": result.saved,
            "unchanged": result.unchanged,
            "blank": result.blank,
        }

    return submit(
        request,
        SheetFileForm(request.POST, request.FILES),
        lambda file: excel.import_sheet(member, file.read(), file.name, acting_user=request.user),
        message=message,
        success=back,
        template="evaluation/score_list.html" if own else "evaluation/round_detail.html",
        context=lambda: (
            _score_list_context(member.round, member)
            if own
            else _detail_context(request, member.round)
        ),
        form_name="file_form",
    )


# -- Public ----------------------------------------------------------------------------------


@login_not_required
def top_ten(request):
    """十佳改革项目: the published rounds' ten best, newest first — rank, project, unit and
    citation, nothing else."""
    rounds = [(r, queries.published_entries(r)) for r in queries.published_rounds()]
    return render(request, "evaluation/top_ten.html", {"rounds": rounds})
