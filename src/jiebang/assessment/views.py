"""Assessment pages: the ranked table and its export, a unit's breakdown, the rules and the
recognitions."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core import exports
from jiebang.core.actions import press, submit
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404, user_scope
from jiebang.orgs.models import Institution

from . import points, services
from .export import ranking_workbook
from .forms import PointRuleForm, RankingFilterForm, RecognitionForm
from .models import PointRule, Recognition


def _filters(request) -> RankingFilterForm:
    require_perm(request.user, "assessment.view_points")
    with_county = user_scope(request.user).is_city
    return RankingFilterForm(request.GET or None, years=points.years(), with_county=with_county)


def ranking(request):
    form = _filters(request)
    table = points.scoped_ranking(request.user, form.value("year"), form.value("county"))
    context = {
        "form": form,
        "table": table,
        "unavailable": PointRule.objects.filter(is_active=True).exclude(
            kind__in=list(points.SOURCES)
        ),
        "can_manage": can(request.user, "assessment.manage_rules"),
    }
    template = "assessment/_ranking_table.html" if request.htmx else "assessment/ranking.html"
    return render(request, template, context)


def ranking_export(request):
    """The ranked table as .xlsx, scoped like the page."""
    form = _filters(request)
    table = points.scoped_ranking(request.user, form.value("year"), form.value("county"))
    name = f"assessment-{table.year}{'-' + table.county.code if table.county else ''}.xlsx"
    return exports.xlsx_response(exports.workbook_bytes(ranking_workbook(table)), name)


def unit_breakdown(request, pk):
    """Every record of the year that earned the unit points, so it can see why."""
    form = _filters(request)
    unit = get_visible_or_404(Institution, request.user, pk=pk)
    year = form.value("year")
    lines = points.breakdown(year, unit)
    context = {
        "form": form,
        "unit": unit,
        "year": year,
        "lines": lines,
        "total": sum(line.points for line in lines),
    }
    return render(request, "assessment/unit_breakdown.html", context)


def rule_list(request):
    require_perm(request.user, "assessment.manage_rules")
    rules = points.in_kind_order(PointRule.objects.all())
    for rule in rules:
        rule.available = points.is_available(rule.kind)
    return render(request, "assessment/rule_list.html", {"rules": rules})


def _rule_form(request, rule=None):
    require_perm(request.user, "assessment.manage_rules", rule)

    def save(**data):
        if rule is None:
            return services.create_rule(acting_user=request.user, **data)
        return services.update_rule(rule, acting_user=request.user, **data)

    return submit(
        request,
        PointRuleForm(request.POST or None, instance=rule),
        save,
        message=_("The rule was saved."),
        success="assessment:rule-list",
        template="assessment/rule_form.html",
        context={"rule": rule},
    )


def rule_create(request):
    return _rule_form(request)


def rule_edit(request, pk):
    require_perm(request.user, "assessment.manage_rules")
    return _rule_form(request, get_object_or_404(PointRule, pk=pk))


def recognition_list(request):
    """Recognitions of the projects in the user's scope; the city admin records new ones."""
    require_perm(request.user, "assessment.view_points")
    if request.method == "POST":
        require_perm(request.user, "assessment.record_recognition")

    def record(project, **data):
        return services.record_recognition(project, acting_user=request.user, **data)

    def context():
        recognitions = Recognition.objects.visible_to(request.user).select_related(
            "project__implementing_unit", "recorded_by"
        )
        can_record = can(request.user, "assessment.record_recognition")
        return {"recognitions": recognitions, "can_record": can_record}

    return submit(
        request,
        RecognitionForm(request.POST or None),
        record,
        message=_("The recognition was recorded."),
        success="assessment:recognition-list",
        template="assessment/recognition_list.html",
        context=context,
    )


@require_POST
def recognition_remove(request, pk):
    recognition = get_visible_or_404(Recognition, request.user, pk=pk)
    return press(
        request,
        lambda: services.remove_recognition(recognition, acting_user=request.user),
        message=_("The recognition was removed."),
        success="assessment:recognition-list",
    )
