"""The city staff's pages behind the portal (stage 5 menu): news items and press conferences
written, published and unpublished; work briefings generated for a period, edited and
published."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.history import object_history
from jiebang.core.permissions import require_perm

from . import briefings, services
from .forms import BriefingForm, BriefingGenerateForm, NewsForm
from .models import Briefing, NewsItem

PAGE_SIZE = 50


def _news_item(request, pk) -> NewsItem:
    require_perm(request.user, "portal.manage_news")
    return get_object_or_404(NewsItem, pk=pk)


def news_manage(request):
    require_perm(request.user, "portal.manage_news")
    page = Paginator(NewsItem.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/news_manage.html", {"page": page})


def news_create(request):
    require_perm(request.user, "portal.manage_news")
    return submit(
        request,
        NewsForm(request.POST or None),
        lambda **data: services.create_news(acting_user=request.user, **data),
        message=_("The news item was saved as a draft."),
        success="portal:news-manage",
        template="portal/news_form.html",
    )


def news_edit(request, pk):
    item = _news_item(request, pk)
    return submit(
        request,
        NewsForm(request.POST or None, instance=item),
        lambda **data: services.update_news(item, acting_user=request.user, **data),
        message=_("The news item was saved."),
        success="portal:news-manage",
        template="portal/news_form.html",
        context={"item": item, "history": object_history(item)},
    )


@require_POST
def news_publish(request, pk):
    item = _news_item(request, pk)
    return press(
        request,
        lambda: services.publish_news(item, acting_user=request.user),
        message=_("The news item is on the portal."),
        success="portal:news-manage",
    )


@require_POST
def news_unpublish(request, pk):
    item = _news_item(request, pk)
    return press(
        request,
        lambda: services.unpublish_news(item, acting_user=request.user),
        message=_("The news item was taken off the portal."),
        success="portal:news-manage",
    )


def _briefing(request, pk) -> Briefing:
    require_perm(request.user, "portal.manage_briefings")
    return get_object_or_404(Briefing, pk=pk)


def briefing_manage(request):
    require_perm(request.user, "portal.manage_briefings")
    page = Paginator(Briefing.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/briefing_manage.html", {"page": page})


def briefing_generate(request):
    """Generate the next issue for a period (by default the fortnight after the last one)."""
    require_perm(request.user, "portal.manage_briefings")
    last = Briefing.objects.order_by("-number").first()
    form = BriefingGenerateForm(request.POST or None, last_end=last and last.period_end)
    return submit(
        request,
        form,
        lambda **data: services.generate_briefing(acting_user=request.user, **data),
        message=lambda b: _("%(issue)s was generated as a draft.") % {"issue": b.issue_label},
        success=lambda b: reverse("portal:briefing-edit", args=[b.pk]),
        template="portal/briefing_generate.html",
        context={"next_number": services.next_number()},
    )


def briefing_edit(request, pk):
    briefing = _briefing(request, pk)
    initial = {
        "title": briefing.title,
        "body": briefing.body,
        "highlights": briefing.highlights,
        "projects": briefing.projects.all(),
    }
    context = {
        "briefing": briefing,
        "rows": briefings.figure_rows(briefing.figures),
        "history": object_history(briefing),
    }
    return submit(
        request,
        BriefingForm(request.POST or None, initial=initial),
        lambda **data: services.update_briefing(briefing, acting_user=request.user, **data),
        message=_("The briefing was saved."),
        success=reverse("portal:briefing-edit", args=[briefing.pk]),
        template="portal/briefing_form.html",
        context=context,
    )


@require_POST
def briefing_refresh(request, pk):
    briefing = _briefing(request, pk)
    return press(
        request,
        lambda: services.refresh_figures(briefing, acting_user=request.user),
        message=_("The figures were computed again from the records."),
        success=reverse("portal:briefing-edit", args=[briefing.pk]),
    )


@require_POST
def briefing_publish(request, pk):
    briefing = _briefing(request, pk)
    return press(
        request,
        lambda: services.publish_briefing(briefing, acting_user=request.user),
        message=_("The briefing is published on the portal."),
        success=briefing,
        back=reverse("portal:briefing-edit", args=[briefing.pk]),
    )
