"""绿色通道/直报 pages: the cases, raising one, taking, resolving or closing it."""

from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import submit
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.models import GreenChannelCase

from . import services
from .forms import CaseFilterForm, CaseForm, CloseCaseForm, ResolveCaseForm, TakeCaseForm


def case_list(request):
    """The cases the user may see, active ones first by deadline (overdue at the top)."""
    require_perm(request.user, "projects.view_green_channel")
    filter_form = CaseFilterForm(request.GET or None)
    cases = filter_form.filter(
        GreenChannelCase.objects.visible_to(request.user).select_related(
            "raised_by_unit", "owner", "project"
        )
    )
    active = Case(
        When(status__in=GreenChannelCase.ACTIVE_STATUSES, then=Value(0)), default=Value(1)
    )
    cases = cases.order_by(active, "response_deadline", "-pk")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cases": page.object_list,
        "filter_form": filter_form,
        "can_raise": can(request.user, "projects.raise_case"),
    }
    return render(request, "projects/case_list.html", context)


def _case_context(request, case) -> dict:
    return {
        "case": case,
        "take_form": TakeCaseForm(initial={"response_deadline": case.response_deadline}),
        "resolve_form": ResolveCaseForm(),
        "close_form": CloseCaseForm(),
        "history": object_history(case),
    }


def case_detail(request, pk):
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    return render(request, "projects/case_detail.html", _case_context(request, case))


def case_create(request):
    require_perm(request.user, "projects.raise_case")
    return submit(
        request,
        CaseForm(request.POST or None, user=request.user),
        lambda **data: services.raise_case(acting_user=request.user, **data),
        message=_("The case was raised to the task force."),
        success=lambda case: case,
        template="projects/case_form.html",
    )


def _case_action(request, pk, form_class, name, perform, message):
    """A case's form on its page (take, resolve, close): errors come back there."""
    case = get_visible_or_404(GreenChannelCase, request.user, pk=pk)
    return submit(
        request,
        form_class(request.POST),
        lambda **data: perform(case, **data),
        message=message,
        success=case,
        template="projects/case_detail.html",
        context=lambda: _case_context(request, case),
        form_name=name,
    )


@require_POST
def case_take(request, pk):
    def take(case, response_deadline):
        services.take_case(case, acting_user=request.user, response_deadline=response_deadline)

    return _case_action(request, pk, TakeCaseForm, "take_form", take, _("You took the case."))


@require_POST
def case_resolve(request, pk):
    def resolve(case, resolution):
        services.resolve_case(case, acting_user=request.user, resolution=resolution)

    message = _("The case was resolved.")
    return _case_action(request, pk, ResolveCaseForm, "resolve_form", resolve, message)


@require_POST
def case_close(request, pk):
    def close(case, reason):
        services.close_unresolved(case, acting_user=request.user, reason=reason)

    message = _("The case was closed unresolved.")
    return _case_action(request, pk, CloseCaseForm, "close_form", close, message)
