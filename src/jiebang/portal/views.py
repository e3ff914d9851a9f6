"""The public portal 改革进行时 (no account needed): the home page with the headline figures,
the published lists and projects, a project's page, news and press conferences, and the work
briefings with their PDF. Anonymous answers are cached (portal/cache.py); staff who manage the
news or the briefings also see drafts here, as a preview (never cached)."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from jiebang.core.params import parse_page
from jiebang.core.permissions import can
from jiebang.evaluation.queries import published_top_ten
from jiebang.ledger.queries import progress_of

from . import briefings, queries
from .cache import cached_public_page
from .forms import ProjectFilterForm
from .models import Briefing, NewsItem

PAGE_SIZE = 20
MAX_PAGE = 1000


def _page(request, template: str, context: dict) -> HttpResponse:
    """Render a public page (cached by cached_public_page)."""
    return render(request, template, context)


def _paged(request, rows, size=PAGE_SIZE):
    paginator = Paginator(rows, size)
    return paginator.page(parse_page(request.GET.get("page"), min(paginator.num_pages, MAX_PAGE)))


@login_not_required
@cached_public_page
def home(request):
    context = {
        "figures": queries.headline_figures(),
        "chart": queries.dimension_chart(),
        "lists": queries.lists_with_counts(),
        "news": queries.latest_news(),
        "briefings": queries.latest_briefings(),
        "top_ten": published_top_ten(),
        "form": ProjectFilterForm(),
    }
    return _page(request, "portal/home.html", context)


@login_not_required
@cached_public_page
def project_list(request):
    """The published lists and their projects: search, filters, pages of PAGE_SIZE."""
    form = ProjectFilterForm(request.GET or None)
    projects = form.filter(
        queries.public_projects().select_related("dimension", "implementing_unit", "project_list")
    ).order_by("-project_list__round_number", "-project_list__pk", "code")
    page = _paged(request, projects)
    progress = progress_of([p.pk for p in page.object_list])
    for project in page.object_list:
        project.progress = progress[project.pk]
    return _page(request, "portal/project_list.html", {"form": form, "page": page})


@login_not_required
@cached_public_page
def project_detail(request, pk):
    """A public project's page; 404 for any other (draft, withdrawn, in a draft list)."""
    project = get_object_or_404(
        queries.public_projects().select_related("dimension", "implementing_unit", "project_list"),
        pk=pk,
    )
    return _page(request, "portal/project_detail.html", queries.project_page(project))


def _news(request):
    """Published items; every item for the staff who manage them (a preview)."""
    if can(request.user, "portal.manage_news"):
        return NewsItem.objects.all()
    return NewsItem.objects.published()


@login_not_required
@cached_public_page
def news_list(request):
    kind = request.GET.get("kind", "")
    items = NewsItem.objects.published()
    if kind in NewsItem.Kind.values:
        items = items.filter(kind=kind)
    context = {"page": _paged(request, items), "kind": kind, "kinds": NewsItem.Kind.choices}
    return _page(request, "portal/news_list.html", context)


@login_not_required
@cached_public_page
def news_detail(request, pk):
    item = get_object_or_404(_news(request), pk=pk)
    return _page(request, "portal/news_detail.html", {"item": item})


def _briefings(request):
    if can(request.user, "portal.manage_briefings"):
        return Briefing.objects.all()
    return Briefing.objects.published()


@login_not_required
@cached_public_page
def briefing_list(request):
    page = _paged(request, Briefing.objects.published())
    return _page(request, "portal/briefing_list.html", {"page": page})


@login_not_required
@cached_public_page
def briefing_detail(request, pk):
    briefing = get_object_or_404(_briefings(request), pk=pk)
    context = {
        "briefing": briefing,
        "rows": briefings.figure_rows(briefing.figures),
        "projects": briefing.projects.select_related("implementing_unit"),
    }
    return _page(request, "portal/briefing_detail.html", context)


@login_not_required
@cached_public_page
def briefing_pdf(request, pk):
    briefing = get_object_or_404(_briefings(request), pk=pk)
    response = HttpResponse(briefings.briefing_pdf(briefing), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{briefing.number}.pdf"'
    return response
