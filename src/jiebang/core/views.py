from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from jiebang.core.roles import Role
from jiebang.core.scoping import user_scope
from jiebang.orgs.models import Institution, User
from jiebang.workbench.views import summary as workbench_summary

from . import history
from .navigation import STAGES_BY_SLUG, menu_for
from .params import parse_page
from .permissions import require_perm


@login_not_required
def ping(request):
    """For load balancers and the portal benchmark's ceiling: the server answers."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def home(request):
    """The landing page of the signed-in user's role: their queue first (what to do today),
    then figures from their scope. An anonymous visitor lands on the public portal."""
    user = request.user
    if not user.is_authenticated:
        return redirect("portal:home")
    institutions = Institution.objects.visible_to(user)
    by_kind = {row["kind"]: row["n"] for row in institutions.values("kind").annotate(n=Count("pk"))}
    context = {
        "scope": user_scope(user),
        "institution_total": sum(by_kind.values()),
        "institutions_by_kind": [
            (label, by_kind[value]) for value, label in Institution.Kind.choices if value in by_kind
        ],
        "stages": menu_for(user)["stages"],
        **workbench_summary(user),
    }
    if user.role == Role.CITY_ADMIN:
        context["users_by_role"] = [
            (Role(row["role"]).label, row["n"])
            for row in User.objects.filter(is_active=True).values("role").annotate(n=Count("pk"))
        ]
        context["recent_changes"], _more = history.search(models=history.audited_models(), limit=8)
    return render(request, f"core/home_{user.role}.html", context)


def stage(request, slug):
    stage = STAGES_BY_SLUG.get(slug)
    if stage is None:
        raise Http404
    require_perm(request.user, stage.perm)
    entries = next(s for s in menu_for(request.user)["stages"] if s["slug"] == slug)["entries"]
    return render(request, "core/stage.html", {"stage": stage, "entries": entries})


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit(request):
    """The city admin's search over every domain model's history."""
    require_perm(request.user, "core.view_audit")
    models = history.audited_models()
    model_choices = [(m._meta.label, m.instance_type._meta.verbose_name) for m in models]
    selected = request.GET.get("model", "")
    if selected:
        models = [m for m in models if m._meta.label == selected]
    page = parse_page(request.GET.get("page"), history.MAX_PAGE)
    rows, has_next = history.search(
        models=models,
        user_query=request.GET.get("user", "").strip(),
        date_from=_parse_date(request.GET.get("from")),
        date_to=_parse_date(request.GET.get("to")),
        kind=request.GET.get("kind", "") if request.GET.get("kind") in {"+", "~", "-"} else "",
        offset=(page - 1) * history.PAGE_SIZE,
        limit=history.PAGE_SIZE,
    )
    context = {
        "rows": rows,
        "model_choices": model_choices,
        "page": page,
        "has_next": has_next and page < history.MAX_PAGE,
        "params": request.GET,
    }
    template = "core/_audit_table.html" if request.htmx else "core/audit.html"
    return render(request, template, context)
