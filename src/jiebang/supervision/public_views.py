"""The public's pages of stage 5, without an account: the rating page behind each QR code, the
tracking page (查询进度) of every public submission, and the QR image of a project for the
portal. Every form here is throttled per device and per address (core.throttle)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from jiebang.core import throttle
from jiebang.core.errors import DomainError
from jiebang.projects.models import Project

from . import qr, services
from .forms import ConfirmForm, RateForm, TrackForm
from .models import ServicePoint, Ticket, TicketEvent
from .tasks import key_matches


def _public_projects():
    return Project.objects.filter(status__in=Project.PUBLIC_STATUSES).select_related(
        "implementing_unit"
    )


def _rate(request, *, project=None, point=None):
    """One rating page: stars, comment, phone. Success goes to the tracking page of the new
    ticket with its number; a robot filling the hidden field is thanked and nothing kept."""
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            return render(request, "supervision/public_thanks.html", status=200)
        try:
            throttle.check(request, "public")
            ticket = services.submit_public(
                source=Ticket.Source.QR,
                text=data["comment"],
                rating=data["rating"],
                project=project,
                service_point=point,
                phone=data["phone"],
                device=throttle.device_of(request) or "",
            )
        except services.Duplicate as duplicate:
            form.add_error(None, duplicate.message)
            if duplicate.ticket.device and duplicate.ticket.device == throttle.device_of(request):
                return redirect(duplicate.ticket.get_public_url())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Thank you. Your tracking number is %(number)s; keep it to follow the reply.")
                % {"number": ticket.number},
            )
            return redirect(ticket.get_public_url())
    context = {"form": form, "project": project, "point": point}
    response = render(request, "supervision/rate.html", context)
    return throttle.give_device(request, response)


@login_not_required
def rate_project(request, pk):
    return _rate(request, project=get_object_or_404(_public_projects(), pk=pk))


@login_not_required
def rate_window(request, pk):
    point = get_object_or_404(
        ServicePoint.objects.select_related("institution").filter(is_active=True), pk=pk
    )
    return _rate(request, point=point)


@login_not_required
@cache_control(max_age=3600, public=True)
def project_qr(request, pk):
    project = get_object_or_404(_public_projects(), pk=pk)
    return HttpResponse(qr.png(qr.absolute(qr.project_path(project))), content_type="image/png")


@login_not_required
def track(request):
    """查询进度: a tracking number opens its page."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        number = form.cleaned_data["number"]
        if Ticket.objects.public().filter(number=number).exists():
            return redirect("feedback:track-detail", number)
        form.add_error("number", _("No submission has this tracking number."))
    return render(request, "supervision/track.html", {"form": form})


@login_not_required
def track_detail(request, number):
    """What the public may know of one ticket: what was rated, the aspect, the status, the
    deadline, the accepted reply and the public steps; never the phone or a staff note. The
    citizen says here whether it was rectified (with the follow-up's signed link or the last
    four digits of the phone they left)."""
    ticket = (
        Ticket.objects.public()
        .select_related("item__category", "unit", "project", "service_point__institution")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    form = ConfirmForm(request.POST or None, initial={"key": request.GET.get("k", "")})
    key = form["key"].value() or ""  # posted, or the follow-up link's
    if request.method == "POST":
        if not services.confirmable(ticket):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                throttle.check(request, "confirm")
                proven = key_matches(ticket, data["key"]) or services.phone_matches(
                    ticket, data["digits"]
                )
                if not proven:
                    raise DomainError(
                        _("The last four digits do not match the phone left with this opinion.")
                    )
                services.citizen_says(ticket, fixed=data["fixed"], note=data["note"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you for confirming.")
                    if data["fixed"]
                    else _("The opinion was reopened; the unit must rectify it again."),
                )
                return redirect(ticket.get_public_url())
    context = {
        "ticket": ticket,
        "events": [e for e in ticket.events.all() if e.kind in TicketEvent.PUBLIC],
        "confirm_form": form if services.confirmable(ticket) else None,
        "needs_digits": bool(ticket.phone) and not key_matches(ticket, key),
        "text": services.public_text(ticket),
    }
    return throttle.give_device(request, render(request, "supervision/track_detail.html", context))
