from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiebang.core.actions import submit
from jiebang.core.history import object_history
from jiebang.core.permissions import require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope

from . import services
from .forms import InstitutionFilterForm, InstitutionForm
from .models import Institution, Region


def institution_list(request):
    require_perm(request.user, "orgs.view_institution_list")
    form = InstitutionFilterForm(request.GET or None, user=request.user)
    institutions = form.filter(
        Institution.objects.visible_to(request.user).select_related("region", "grid")
    )
    page = Paginator(institutions, 50).get_page(request.GET.get("page"))
    template = "orgs/_institution_table.html" if request.htmx else "orgs/institution_list.html"
    return render(request, template, {"form": form, "page": page})


def institution_detail(request, pk):
    institution = get_visible_or_404(Institution, request.user, pk=pk)
    return render(
        request,
        "orgs/institution_detail.html",
        {"institution": institution, "history": object_history(institution)},
    )


def institution_edit(request, pk=None):
    """Add (no pk) or change an institution. The permission is checked before the form is
    built, on GET as on POST: whoever may not save sees no form."""
    if pk:
        institution = get_visible_or_404(Institution, request.user, pk=pk)
        require_perm(request.user, "orgs.change_institution", institution)
    else:
        institution = None
        require_perm(request.user, "orgs.add_institution")
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)

    def save(**data):
        if institution:
            return services.update_institution(institution, acting_user=request.user, **data)
        return services.create_institution(acting_user=request.user, **data)

    return submit(
        request,
        form,
        save,
        message=lambda saved: _("Saved %(name)s.") % {"name": saved.name},
        success=lambda saved: saved,
        template="orgs/institution_form.html",
        context={"institution": institution},
    )


def region_list(request):
    require_perm(request.user, "orgs.view_region_list")
    counties = Region.objects.filter(kind__in=Region.COUNTY_LEVEL)
    if path := user_scope(request.user).region_path:
        counties = counties.filter(path__startswith=path)
    counties = counties.annotate(
        towns=Count("children", distinct=True),
        villages=Count("children__children", distinct=True),
    )
    towns = (
        Region.objects.filter(parent__in=counties)
        .annotate(
            institution_count=Count("institutions", distinct=True),
            primary_care=Count(
                "institutions", filter=Q(institutions__kind__in=Institution.PRIMARY_CARE)
            ),
        )
        .select_related("parent")
    )
    by_county = {}
    for town in towns:
        by_county.setdefault(town.parent_id, []).append(town)
    rows = [(county, by_county.get(county.pk, [])) for county in counties]
    return render(request, "orgs/region_list.html", {"rows": rows})
