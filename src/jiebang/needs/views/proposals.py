"""Proposals (F1.5): drafting, screening, ranking and the decision; the reserve pool (F1.6);
and the stage-1 settings (categories, scoring weights)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiebang.core.actions import submit
from jiebang.core.history import object_history
from jiebang.core.params import parse_ids
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.project import services as project_services

from .. import services
from ..forms_proposals import (
    CategoryForm,
    CategoryPickForm,
    DecideForm,
    ProposalFilterForm,
    ProposalForm,
    ReserveFilterForm,
    ReviewForm,
    ScoreForm,
    ScreeningForm,
    VerdictForm,
    WeightsForm,
)
from ..models import Category, Proposal, ScoringWeights
from ..queries import clusters_of_proposal

Status = Proposal.Status


def _require_assigned(user, perm, proposal):
    """Score and verdict rules are tested as written: `user.has_perm` lets a superuser (the
    demo city admin is one) through everything, but only the assigned may score or test."""
    if not can(user, perm, proposal):
        raise PermissionDenied(perm)


def _weighted(weights, feasibility, urgency, benefit):
    """The weighted mean on the 1–10 scale, as services.ranking computes it."""
    total = weights.feasibility + weights.urgency + weights.benefit or 1.0
    value = (
        weights.feasibility * feasibility + weights.urgency * urgency + weights.benefit * benefit
    )
    return round(value / total, 2)


def _summary(scores, weights):
    """Average of each criterion and the weighted score of the averages (the ranking's)."""
    if not scores:
        return None
    n = len(scores)
    averages = [
        sum(getattr(s, c) for s in scores) / n for c in ("feasibility", "urgency", "benefit")
    ]
    return {
        "n_scores": n,
        "averages": averages,
        "weighted": _weighted(weights, *averages),
    }


def _detail_context(request, proposal, **forms):
    """The proposal with its clusters, scores, verdicts and history, and the action forms the
    user may use now. Experts and panel members see only their own score or verdict, so that
    each judges independently; staff see all of them."""
    user = request.user
    in_screening = proposal.status == Status.SCREENING
    can_manage = can(user, "needs.manage_proposals", proposal)
    sees_all = can(user, "needs.view_all_sheets", proposal)
    scores = list(proposal.scores.select_related("expert").order_by("scored_at"))
    verdicts = list(proposal.verdicts.select_related("member__institution"))
    if not sees_all:
        scores = [s for s in scores if s.expert_id == user.pk]
        verdicts = [v for v in verdicts if v.member_id == user.pk]
    weights = ScoringWeights.current()
    for score in scores:
        score.weighted = _weighted(weights, score.feasibility, score.urgency, score.benefit)
    if in_screening and can(user, "needs.score_proposal", proposal):
        own = next((s for s in scores if s.expert_id == user.pk), None)
        forms.setdefault("score_form", ScoreForm(initial=own and model_to_dict(own)))
    if in_screening and can(user, "needs.record_verdict", proposal):
        own = next((v for v in verdicts if v.member_id == user.pk), None)
        forms.setdefault("verdict_form", VerdictForm(initial=own and model_to_dict(own)))
    if in_screening and can_manage:
        forms.setdefault("decide_form", DecideForm())
    if proposal.status == Status.RESERVE and can_manage:
        forms.setdefault("review_form", ReviewForm())
    return {
        "proposal": proposal,
        "clusters": clusters_of_proposal(proposal, request.user),
        "scores": scores,
        "verdicts": verdicts,
        "summary": _summary(scores, weights) if sees_all else None,
        "weights": weights,
        "can_manage": can_manage,
        "can_open_screening": can_manage and proposal.status == Status.DRAFT,
        "projects": proposal.projects.order_by("code"),
        "history": object_history(
            proposal, sealed=() if sees_all else ("experts", "panel_members")
        ),
        **forms,
    }


def _act(request, proposal, form_name, form, perform):
    """Run `perform(**cleaned_data)` (one service call, returning the success message) for a
    valid POST; otherwise show the proposal page with the form and its errors (200). Success
    goes back to the page the action came from (a posted `next`: ranking, reserve pool), else
    to the proposal."""
    return submit(
        request,
        form,
        perform,
        message=lambda message: message,
        success=proposal,
        template="needs/proposal_detail.html",
        context=lambda: _detail_context(request, proposal),
        form_name=form_name,
    )


def proposal_list(request):
    require_perm(request.user, "needs.view_proposals")
    visible = Proposal.objects.visible_to(request.user)
    form = ProposalFilterForm(request.GET or None)
    proposals = form.filter(
        visible.select_related("category", "region")
        .annotate(items=Sum("clusters__size"))
        .order_by("-created_at", "-pk")
    )
    can_manage = can(request.user, "needs.manage_proposals")
    context = {
        "form": form,
        "page": Paginator(proposals, 50).get_page(request.GET.get("page")),
        "can_manage": can_manage,
        "due_count": services.due_reviews(visible).count() if can_manage else 0,
    }
    template = "needs/proposal_list_table.html" if request.htmx else "needs/proposal_list.html"
    return render(request, template, context)


def proposal_create(request):
    """Draft a proposal, usually from clusters picked on the cluster page (`?clusters=1,2`)."""
    require_perm(request.user, "needs.draft_proposal")
    cluster_ids = parse_ids(",".join(request.GET.getlist("clusters")))
    return submit(
        request,
        ProposalForm(request.POST or None, user=request.user, cluster_ids=cluster_ids),
        lambda **data: services.draft_proposal(acting_user=request.user, **data),
        message=_("The proposal is drafted."),
        success=lambda proposal: proposal,
        template="needs/proposal_form.html",
    )


def proposal_detail(request, pk):
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    return render(request, "needs/proposal_detail.html", _detail_context(request, proposal))


def proposal_screening(request, pk):
    """The admin assigns experts and practice-panel members; screening opens."""
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    require_perm(request.user, "needs.manage_proposals", proposal)
    initial = {"experts": proposal.experts.all(), "panel_members": proposal.panel_members.all()}
    return submit(
        request,
        ScreeningForm(request.POST or None, initial=initial),
        lambda **data: services.open_screening(proposal, acting_user=request.user, **data),
        message=_("Screening is open."),
        success=proposal,
        template="needs/proposal_screening.html",
        context={"proposal": proposal},
    )


def proposal_score(request, pk):
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    _require_assigned(request.user, "needs.score_proposal", proposal)

    def perform(**data):
        services.score_proposal(proposal, acting_user=request.user, **data)
        return _("Your score is saved.")

    return _act(request, proposal, "score_form", ScoreForm(request.POST or None), perform)


def proposal_verdict(request, pk):
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    _require_assigned(request.user, "needs.record_verdict", proposal)

    def perform(**data):
        services.record_verdict(proposal, acting_user=request.user, **data)
        return _("Your verdict is saved.")

    return _act(request, proposal, "verdict_form", VerdictForm(request.POST or None), perform)


def proposal_decide(request, pk):
    """After screening: select into a project, or send to the reserve pool."""
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    require_perm(request.user, "needs.manage_proposals", proposal)

    def perform(**data):
        if data["action"] == DecideForm.SELECT:
            project = project_services.create_project_from_proposal(
                proposal, acting_user=request.user, note=data["note"]
            )
            return _("Selected: project %(code)s is created.") % {"code": project.code}
        services.send_to_reserve(
            proposal,
            acting_user=request.user,
            tag=data["tag"],
            review_date=data["review_date"],
            note=data["note"],
        )
        return _("Sent to the reserve pool.")

    return _act(request, proposal, "decide_form", DecideForm(request.POST or None), perform)


def proposal_review(request, pk):
    """Re-evaluating a reserve proposal: upgrade to a key project, or postpone the review."""
    proposal = get_visible_or_404(Proposal, request.user, pk=pk)
    require_perm(request.user, "needs.manage_proposals", proposal)

    def perform(**data):
        if data["action"] == ReviewForm.UPGRADE:
            project = project_services.upgrade_reserve_proposal(
                proposal, acting_user=request.user, note=data["note"]
            )
            return _("Upgraded: key project %(code)s is created.") % {"code": project.code}
        services.postpone_review(
            proposal, acting_user=request.user, review_date=data["review_date"], note=data["note"]
        )
        return _("The next review is on %(date)s.") % {"date": data["review_date"]}

    return _act(request, proposal, "review_form", ReviewForm(request.POST or None), perform)


def proposal_ranking(request):
    """Proposals in screening by weighted expert score, with the panel's verdicts."""
    require_perm(request.user, "needs.manage_proposals")
    in_screening = Proposal.objects.visible_to(request.user).filter(status=Status.SCREENING)
    context = {
        "rows": services.ranking(in_screening.select_related("category", "region")),
        "weights": ScoringWeights.current(),
        "tags": Proposal.ReserveTag.choices,
        "default_review_date": services.default_review_date(),
    }
    return render(request, "needs/proposal_ranking.html", context)


def reserve_pool(request):
    """The dynamic reserve pool by tag, with the reviews that are due on top."""
    require_perm(request.user, "needs.view_proposals")
    visible = Proposal.objects.visible_to(request.user).select_related("category", "region")
    form = ReserveFilterForm(request.GET or None)
    pool = visible.filter(status=Status.RESERVE).order_by("review_date", "pk")
    if form.is_valid() and form.cleaned_data["tag"]:
        pool = pool.filter(reserve_tag=form.cleaned_data["tag"])
    pool = list(pool)
    groups = [
        (label, [p for p in pool if p.reserve_tag == value])
        for value, label in Proposal.ReserveTag.choices
    ]
    context = {
        "form": form,
        "groups": [(label, rows) for label, rows in groups if rows],
        "due": list(services.due_reviews(visible)),
        "upgraded_count": visible.filter(status=Status.UPGRADED).count(),
        "can_manage": can(request.user, "needs.manage_proposals"),
        "default_review_date": services.default_review_date(),
    }
    return render(request, "needs/reserve_pool.html", context)


def category_list(request):
    """The problem categories with their item counts; add, rename, switch on or off (a row's
    form posts its category as `pk`)."""
    require_perm(request.user, "needs.manage_categories")
    pick = CategoryPickForm(request.POST or None)
    if pick.is_bound and not pick.is_valid():
        raise Http404
    instance = pick.cleaned_data["pk"] if pick.is_bound else None  # None: a new category
    context = {
        "categories": Category.objects.annotate(items=Count("feedbackitem")),
        "add_form": CategoryForm(),
        "edit_form": None,
    }
    return submit(
        request,
        CategoryForm(request.POST or None, instance=instance),
        lambda **data: services.save_category(instance, acting_user=request.user, **data),
        message=lambda category: _("Saved %(name)s.") % {"name": category.name},
        success="needs:category-list",
        template="needs/category_list.html",
        context=context,
        form_name="edit_form" if instance else "add_form",  # a rename or switch that failed
    )


def weights_edit(request):
    require_perm(request.user, "needs.manage_proposals")
    return submit(
        request,
        WeightsForm(request.POST or None, instance=ScoringWeights.current()),
        lambda **data: services.set_scoring_weights(acting_user=request.user, **data),
        message=_("The scoring weights are saved."),
        success="needs:proposal-ranking",
        template="needs/weights_form.html",
    )
