"""点单 pages: the claims each role works on, their attachments, endorsing and deciding."""

import os

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press
from jiebang.core.permissions import require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.projects.assign.services import CARRIED_STATUSES
from jiebang.projects.models import Claim, Project

from . import services
from .forms import DecisionForm, EndorseForm


def claim_rows(claims):
    """Claims with what their rows show (also on the project page)."""
    return claims.select_related(
        "project", "claimant_unit__region", "decided_by", "endorsed_by"
    ).prefetch_related("project__competitions")


def claim_forms():
    """The forms of a claim row's buttons (also on the project page)."""
    return {"endorse_form": EndorseForm(), "decision_form": DecisionForm()}


def claim_list(request):
    """The claims each role works on (tab 待办): a unit its own open ones, a county bureau
    those awaiting its endorsement, the city those endorsed and awaiting a decision, and the
    submitted claims of city-level units, which the task force endorses. Tab 已处理: the
    decided ones (the city), those the county endorsed, a unit's decided ones; searchable and
    paged."""
    require_perm(request.user, "projects.view_claims")
    decided = request.GET.get("view") == "decided"
    claims = services.decided_claims(request.user) if decided else _open_claims(request.user)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        claims = claims.filter(
            Q(project__title__icontains=query)
            | Q(project__code__icontains=query)
            | Q(claimant_unit__name__icontains=query)
        )
    page = Paginator(claim_rows(claims).order_by("-updated_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    context = {"claims": page, "page": page, "decided": decided, "query": query, **claim_forms()}
    scope = user_scope(request.user)
    if scope.unit_id and not decided:
        context["projects"] = (
            Project.objects.filter(implementing_unit=scope.unit_id, status__in=CARRIED_STATUSES)
            .select_related("dimension")
            .prefetch_related("status_changes")
            .order_by("-pk")
        )
    return render(request, "projects/claim_list.html", context)


def _open_claims(user):
    claims = Claim.objects.visible_to(user)
    scope = user_scope(user)
    if scope.is_city:
        return claims.filter(
            Q(status=Claim.Status.ENDORSED)
            | (Q(status=Claim.Status.SUBMITTED) & services.CITY_LEVEL)
        )
    if scope.region_path:
        return services.awaiting_endorsement(user)
    return claims  # a unit: its own claims, open and decided (few, and it wants the reasons)


def _claim_action(request, pk, perform, message, form=None):
    """A claim's button (with its note or reason): back to the page it is on (`next`), else
    the claims."""
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    return press(
        request,
        lambda **data: perform(claim, **data),
        form=form,
        message=message,
        success="projects:claim-list",
    )


def claim_attachment(request, pk):
    """The claim's attachment, only to those who may see the claim (no public media URL)."""
    claim = get_visible_or_404(Claim, request.user, pk=pk)
    if not claim.attachment:
        raise Http404
    name = os.path.basename(claim.attachment.name)
    return FileResponse(claim.attachment.open("rb"), as_attachment=True, filename=name)


@require_POST
def claim_endorse(request, pk):
    def endorse(claim, note):
        services.endorse_claim(claim, acting_user=request.user, note=note)

    form = EndorseForm(request.POST)
    return _claim_action(request, pk, endorse, _("The claim was endorsed."), form)


@require_POST
def claim_approve(request, pk):
    def approve(claim, reason):
        services.approve_claim(claim, acting_user=request.user, reason=reason)

    form = DecisionForm(request.POST)
    return _claim_action(request, pk, approve, _("The claim was approved."), form)


@require_POST
def claim_reject(request, pk):
    def reject(claim, reason):
        services.reject_claim(claim, acting_user=request.user, reason=reason)

    form = DecisionForm(request.POST)
    return _claim_action(request, pk, reject, _("The claim was rejected."), form)


@require_POST
def claim_withdraw(request, pk):
    def withdraw(claim):
        services.withdraw_claim(claim, acting_user=request.user)

    return _claim_action(request, pk, withdraw, _("The claim was withdrawn."))
