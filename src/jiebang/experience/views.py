"""Experience supervision pages: the staff's events, invitees, visit records, suggestions and
decisions, the figures; and the public list and page of held events (no account)."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404

from . import queries, services
from .forms import DecisionForm, EventFilterForm, EventForm, InviteeForm, SuggestionForm, VisitForm
from .models import Event, Invitee, Suggestion

VIEW = "experience.view_events"
MANAGE = "experience.manage_event"
DECIDE = "experience.decide_suggestion"
PAGE_SIZE = 30


def _event(request, pk) -> Event:
    require_perm(request.user, VIEW)
    return get_visible_or_404(Event, request.user, pk=pk)


def _suggestion(request, pk) -> Suggestion:
    require_perm(request.user, VIEW)
    return get_object_or_404(
        Suggestion.objects.visible_to(request.user).select_related("event__region", "invitee"),
        pk=pk,
    )


def event_list(request):
    require_perm(request.user, VIEW)
    form = EventFilterForm(request.GET or None, user=request.user)
    events = form.filter(Event.objects.visible_to(request.user))
    rows = queries.with_counts(events.select_related("host", "region")).order_by("-date", "-pk")
    context = {
        "form": form,
        "figures": queries.figures(events),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": can(request.user, MANAGE),
    }
    if request.htmx:
        return render(request, "experience/_event_table.html", context)
    return render(request, "experience/event_list.html", context)


def _detail_context(request, event, **forms) -> dict:
    """The event page, with the forms of its cards (a posted one bound, with its errors)."""
    user = request.user
    can_manage = can(user, MANAGE, event)
    visit_initial = {"visit_record": event.visit_record, "methods": event.methods}
    return {
        "event": event,
        "invitees": event.invitees.all(),
        "suggestions": event.suggestions.select_related(
            "invitee", "project", "decided_by", "feedback_item__category"
        ),
        "figures": queries.figures(Event.objects.filter(pk=event.pk)),
        "can_manage": can_manage,
        "can_suggest": can_manage and event.status == Event.Status.HELD,
        "can_contact": can(user, "experience.view_invitee_contact", event),
        "can_decide": can(user, DECIDE, event),
        "can_view_feedback": can(user, "needs.view_feedback"),
        "invitee_form": forms.get("invitee_form") or InviteeForm(prefix="invitee"),
        "visit_form": forms.get("visit_form") or VisitForm(initial=visit_initial),
        "suggestion_form": forms.get("suggestion_form") or SuggestionForm(event=event),
        "history": object_history(event),
    }


def event_detail(request, pk):
    event = _event(request, pk)
    return render(request, "experience/event_detail.html", _detail_context(request, event))


def _event_form(request, event=None):
    require_perm(request.user, MANAGE, event)

    def save(**data):
        if event is None:
            return services.create_event(acting_user=request.user, **data)
        return services.update_event(event, acting_user=request.user, **data)

    return submit(
        request,
        EventForm(request.POST or None, instance=event, user=request.user),
        save,
        message=_("The event was saved."),
        success=lambda saved: saved,
        template="experience/event_form.html",
        context={"event": event},
    )


def event_create(request):
    return _event_form(request)


def event_edit(request, pk):
    return _event_form(request, _event(request, pk))


def _card_action(request, event, form, form_name, perform, message):
    """A form of the event's page (invitee, visit record, suggestion): errors come back there.
    Who may not run the event gets 403 whatever the form holds."""
    require_perm(request.user, MANAGE, event)
    return submit(
        request,
        form,
        perform,
        message=message,
        success=event,
        template="experience/event_detail.html",
        context=lambda: _detail_context(request, event, **{form_name: form}),
        form_name=form_name,
    )


@require_POST
def invitee_add(request, pk):
    event = _event(request, pk)
    return _card_action(
        request,
        event,
        InviteeForm(request.POST, prefix="invitee"),
        "invitee_form",
        lambda **data: services.add_invitee(event, acting_user=request.user, **data),
        _("The invitee was added."),
    )


@require_POST
def invitee_remove(request, pk):
    require_perm(request.user, VIEW)
    invitee = get_visible_or_404(Invitee, request.user, pk=pk)
    return press(
        request,
        lambda: services.remove_invitee(invitee, acting_user=request.user),
        message=_("The invitee was taken off the list."),
        success=invitee.event,
    )


@require_POST
def event_visit(request, pk):
    event = _event(request, pk)
    return _card_action(
        request,
        event,
        VisitForm(request.POST),
        "visit_form",
        lambda **data: services.record_visit(event, acting_user=request.user, **data),
        _("The visit record was saved."),
    )


@require_POST
def suggestion_add(request, pk):
    event = _event(request, pk)
    return _card_action(
        request,
        event,
        SuggestionForm(request.POST, event=event),
        "suggestion_form",
        lambda **data: services.add_suggestion(event, acting_user=request.user, **data),
        _("The suggestion was recorded; it is also a feedback item for the next round."),
    )


def _suggestion_context(request, suggestion, form=None) -> dict:
    return {
        "suggestion": suggestion,
        "event": suggestion.event,
        "form": form or DecisionForm(user=request.user),
        "can_decide": can(request.user, DECIDE, suggestion) and suggestion.is_awaiting,
        "can_view_feedback": can(request.user, "needs.view_feedback"),
        "history": object_history(suggestion),
    }


def suggestion_detail(request, pk):
    suggestion = _suggestion(request, pk)
    return render(
        request, "experience/suggestion_detail.html", _suggestion_context(request, suggestion)
    )


@require_POST
def suggestion_decide(request, pk):
    suggestion = _suggestion(request, pk)
    require_perm(request.user, DECIDE, suggestion)
    form = DecisionForm(request.POST, user=request.user)

    def decide(decision, **data):
        adopted = decision == DecisionForm.ADOPT
        return services.decide_suggestion(
            suggestion, acting_user=request.user, adopted=adopted, **data
        )

    return submit(
        request,
        form,
        decide,
        message=lambda s: (
            _("The suggestion was marked “%(status)s”.") % {"status": s.get_status_display()}
        ),
        success=lambda s: s.event,
        template="experience/suggestion_detail.html",
        context=lambda: _suggestion_context(request, suggestion, form),
    )


@require_POST
def suggestion_study(request, pk):
    suggestion = _suggestion(request, pk)
    return press(
        request,
        lambda: services.study_suggestion(suggestion, acting_user=request.user),
        message=_("The suggestion is under study."),
        success=suggestion,
    )


def figures(request):
    """Per event and overall: suggestions, adopted, adoption rate, by invitee category."""
    require_perm(request.user, VIEW)
    form = EventFilterForm(request.GET or None, user=request.user)
    events = form.filter(Event.objects.visible_to(request.user))
    rows = queries.with_counts(events.select_related("host", "region")).order_by("-date", "-pk")
    context = {
        "form": form,
        "figures": queries.figures(events),
        "categories": queries.by_category(events),
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
    }
    return render(request, "experience/figures.html", context)


# The public pages: held events, invitees counted by category, suggestions redacted.


@login_not_required
def public_list(request):
    events = queries.public_events()
    rows = queries.with_counts(events.select_related("host", "region")).order_by("-date", "-pk")
    context = {
        "figures": queries.figures(events),
        "categories": queries.by_category(events),
        "page": Paginator(rows, 20).get_page(request.GET.get("page")),
    }
    return render(request, "experience/public_list.html", context)


@login_not_required
def public_detail(request, pk):
    event = get_object_or_404(queries.public_events().select_related("host", "region"), pk=pk)
    context = {
        "event": event,
        "description": queries.public_text(event.description),
        "invitees": queries.invitees_by_category(event),
        "suggestions": queries.public_suggestions(event),
        "figures": queries.figures(Event.objects.filter(pk=event.pk)),
    }
    return render(request, "experience/public_detail.html", context)
