"""Stage 6 spread and effect pages: the four-step promotion with its adoptions and spread,
effect measurement per project and for the programme, policy documents, reach records."""

from itertools import chain

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.forms import ReasonForm
from jiebang.core.history import object_history
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404
from jiebang.projects.models import Project

from . import charts, queries, services
from .forms import (
    AdoptionEditForm,
    AdoptionForm,
    AdoptionValueForm,
    ArticleForm,
    EffectFilterForm,
    InterventionForm,
    PolicyForm,
    PromotionCreateForm,
    PromotionFilterForm,
    PromotionForm,
    ReachFilterForm,
    ReachForm,
    StepFinishForm,
    StepPlanForm,
    StepStartForm,
)
from .models import (
    Adoption,
    AdoptionValue,
    PolicyArticle,
    PolicyDocument,
    Promotion,
    ReachRecord,
    Step,
    StepFile,
)

PAGE = 50


def _promotion(request, pk) -> Promotion:
    require_perm(request.user, "impact.view_promotions")
    return get_visible_or_404(Promotion, request.user, pk=pk)


def _step(request, pk) -> Step:
    require_perm(request.user, "impact.view_promotions")
    return get_object_or_404(
        Step.objects.visible_to(request.user).select_related("promotion__project"), pk=pk
    )


def _adoption(request, pk) -> Adoption:
    require_perm(request.user, "impact.view_promotions")
    return get_object_or_404(
        Adoption.objects.visible_to(request.user).select_related(
            "promotion__project__implementing_unit", "institution"
        ),
        pk=pk,
    )


def _history(*records, limit=50):
    rows = chain.from_iterable(object_history(r, limit=limit) for r in records)
    return sorted(rows, key=lambda row: row.date, reverse=True)[:limit]


# 四步工作法


def promotion_list(request):
    require_perm(request.user, "impact.view_promotions")
    form = PromotionFilterForm(request.GET or None)
    promotions = form.filter(
        Promotion.objects.visible_to(request.user)
        .select_related("project__implementing_unit")
        .prefetch_related("steps", "adoptions")
    )
    context = {
        "form": form,
        "page": Paginator(promotions, PAGE).get_page(request.GET.get("page")),
        "can_manage": can(request.user, "impact.manage_promotions"),
    }
    if request.htmx:
        return render(request, "impact/_promotion_table.html", context)
    return render(request, "impact/promotion_list.html", context)


def promotion_create(request):
    require_perm(request.user, "impact.manage_promotions")

    def start(project, title, summary):
        return services.start_promotion(
            project, acting_user=request.user, title=title, summary=summary
        )

    return submit(
        request,
        PromotionCreateForm(request.POST or None, initial={"project": request.GET.get("project")}),
        start,
        message=_("The promotion was started with its four steps."),
        success=lambda promotion: promotion,
        template="impact/promotion_form.html",
    )


def _current_step(steps: list[Step]) -> Step | None:
    return next((s for s in steps if s.status != Step.Status.DONE), None)


def _promotion_context(request, promotion, **forms) -> dict:
    steps = list(promotion.steps.select_related("owner").prefetch_related("files"))
    current = _current_step(steps)
    adoptions = list(promotion.adoptions.select_related("institution"))
    blocks = queries.spread(promotion, adoptions)
    active = promotion.status == Promotion.Status.ACTIVE
    return {
        "promotion": promotion,
        "project": promotion.project,
        "steps": steps,
        "current": current,
        "can_work": bool(active and current and can(request.user, "impact.work_on_step", current)),
        "can_manage": can(request.user, "impact.manage_promotions", promotion),
        "active": active,
        "start_form": forms.get("start_form") or StepStartForm(),
        "finish_form": forms.get("finish_form") or StepFinishForm(),
        "adoptions": adoptions,
        "blocks": blocks,
        "spread": charts.spread_data(blocks),
        "history": _history(promotion, *steps),
    }


def promotion_detail(request, pk):
    promotion = _promotion(request, pk)
    return render(request, "impact/promotion_detail.html", _promotion_context(request, promotion))


def promotion_edit(request, pk):
    promotion = _promotion(request, pk)
    require_perm(request.user, "impact.manage_promotions", promotion)
    return submit(
        request,
        PromotionForm(
            request.POST or None,
            initial={"title": promotion.title, "summary": promotion.summary},
        ),
        lambda **data: services.update_promotion(promotion, acting_user=request.user, **data),
        message=_("The promotion was saved."),
        success=promotion,
        template="impact/promotion_form.html",
        context={"promotion": promotion},
    )


@require_POST
def promotion_close(request, pk):
    promotion = _promotion(request, pk)
    require_perm(request.user, "impact.manage_promotions", promotion)
    return press(
        request,
        lambda reason: services.close_promotion(promotion, acting_user=request.user, reason=reason),
        form=ReasonForm(request.POST),
        message=_("The promotion was stopped."),
        success=promotion,
    )


def step_edit(request, pk):
    step = _step(request, pk)
    require_perm(request.user, "impact.manage_promotions", step)
    initial = {
        "owner": step.owner_id,
        "planned_start": step.planned_start,
        "planned_end": step.planned_end,
    }
    return submit(
        request,
        StepPlanForm(request.POST or None, initial=initial, step=step),
        lambda **data: services.plan_step(step, acting_user=request.user, **data),
        message=_("The step was planned."),
        success=lambda saved: saved.get_absolute_url(),
        template="impact/step_form.html",
        context={"step": step},
    )


@require_POST
def step_start(request, pk):
    step = _step(request, pk)
    require_perm(request.user, "impact.work_on_step", step)
    return press(
        request,
        lambda started_on: services.start_step(
            step, acting_user=request.user, started_on=started_on
        ),
        form=StepStartForm(request.POST),
        message=_("The step was started."),
        success=step.get_absolute_url(),
    )


@require_POST
def step_finish(request, pk):
    step = _step(request, pk)
    require_perm(request.user, "impact.work_on_step", step)
    promotion = step.promotion

    def finish(outputs, files, finished_on):
        return services.finish_step(
            step, acting_user=request.user, outputs=outputs, files=files, finished_on=finished_on
        )

    form = StepFinishForm(request.POST, request.FILES)
    return submit(
        request,
        form,
        finish,
        message=_("The step was finished."),
        success=lambda saved: saved.get_absolute_url(),
        template="impact/promotion_detail.html",
        context=lambda: _promotion_context(request, promotion, finish_form=form),
        form_name="finish_form",
    )


def step_file(request, pk):
    """An output file, only to those who see its step (no public media URL)."""
    require_perm(request.user, "impact.view_promotions")
    item = get_visible_or_404(StepFile, request.user, pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


# 复制推广


def adoption_create(request, pk):
    promotion = _promotion(request, pk)
    require_perm(request.user, "impact.manage_promotions", promotion)
    return submit(
        request,
        AdoptionForm(request.POST or None, promotion=promotion),
        lambda **data: services.add_adoption(promotion, acting_user=request.user, **data),
        message=_("The adoption was recorded."),
        success=lambda adoption: adoption,
        template="impact/adoption_form.html",
        context={"promotion": promotion},
    )


def _adoption_context(request, adoption, value_form=None) -> dict:
    effects = queries.adoption_effects(adoption)
    source = queries.confirmed_series(row.indicator.pk for row in effects)
    values = {
        (v.period, v.indicator_id): v.value
        for v in AdoptionValue.objects.filter(adoption=adoption).only(
            "period", "indicator", "value"
        )
    }
    months = sorted({period for period, _indicator in values}, reverse=True)
    project = adoption.promotion.project
    return {
        "adoption": adoption,
        "promotion": adoption.promotion,
        "project": project,
        "promotion_visible": Promotion.objects.visible_to(request.user)
        .filter(pk=adoption.promotion_id)
        .exists(),
        "effects": effects,
        "data": {
            "labels": charts.labels(),
            "charts": [charts.adoption_chart(r, source.get(r.indicator.pk, [])) for r in effects],
        },
        "value_rows": [
            (month, [values.get((month, row.indicator.pk)) for row in effects]) for month in months
        ],
        "can_record": can(request.user, "impact.record_adoption_value", adoption),
        "can_manage": can(request.user, "impact.manage_promotions", adoption),
        "value_form": value_form or AdoptionValueForm(adoption=adoption),
        "history": _history(adoption),
    }


def adoption_detail(request, pk):
    adoption = _adoption(request, pk)
    return render(request, "impact/adoption_detail.html", _adoption_context(request, adoption))


def adoption_edit(request, pk):
    adoption = _adoption(request, pk)
    require_perm(request.user, "impact.manage_promotions", adoption)
    initial = {"adopted_on": adoption.adopted_on, "status": adoption.status, "note": adoption.note}
    return submit(
        request,
        AdoptionEditForm(request.POST or None, initial=initial),
        lambda **data: services.update_adoption(adoption, acting_user=request.user, **data),
        message=_("The adoption was saved."),
        success=adoption,
        template="impact/adoption_form.html",
        context={"promotion": adoption.promotion, "adoption": adoption},
    )


@require_POST
def adoption_value(request, pk):
    adoption = _adoption(request, pk)
    require_perm(request.user, "impact.record_adoption_value", adoption)
    form = AdoptionValueForm(request.POST, adoption=adoption)
    return submit(
        request,
        form,
        lambda **data: services.record_adoption_value(adoption, acting_user=request.user, **data),
        message=_("The value was recorded."),
        success=adoption,
        template="impact/adoption_detail.html",
        context=lambda: _adoption_context(request, adoption, value_form=form),
        form_name="value_form",
    )


# 效果评估


def effect_list(request):
    """The programme's measured effects: every indicator with confirmed figures on both sides
    of its project's intervention date, in the user's scope."""
    require_perm(request.user, "impact.view_effects")
    form = EffectFilterForm(request.GET or None)
    projects = Project.objects.filter(status__in=services.PROMOTABLE).implemented_visible_to(
        request.user
    )
    rows = form.rows(queries.programme_effects(form.projects(projects)))
    context = {
        "form": form,
        "page": Paginator(rows, PAGE).get_page(request.GET.get("page")),
        "measured": sum(1 for r in rows if r.enough),
    }
    if request.htmx:
        return render(request, "impact/_effect_table.html", context)
    return render(request, "impact/effect_list.html", context)


def _effect_project(request, pk) -> Project:
    require_perm(request.user, "impact.view_effects")
    return get_object_or_404(
        Project.objects.implemented_visible_to(request.user).select_related("implementing_unit"),
        pk=pk,
    )


def project_effect(request, pk):
    """效果评估 of one project: per indicator, the chart with the intervention line, the
    before/after means and difference, and the segmented regression (or 数据不足)."""
    project = _effect_project(request, pk)
    when, rows = queries.project_effects(project)
    context = {
        "project": project,
        "when": when,
        "rows": rows,
        "data": charts.effects_data(rows),
        "can_set": can(request.user, "impact.set_intervention", project),
        "promotions": project.promotions.all(),
        "can_promote": project.status in services.PROMOTABLE
        and not project.promotions.active().exists()
        and can(request.user, "impact.manage_promotions", project),
    }
    return render(request, "impact/project_effect.html", context)


def intervention_edit(request, pk):
    project = _effect_project(request, pk)
    require_perm(request.user, "impact.set_intervention", project)
    when = queries.intervention_of(project)
    initial = {"date": when.chosen.date, "reason": when.chosen.reason} if when.chosen else {}
    return submit(
        request,
        InterventionForm(request.POST or None, initial=initial),
        lambda **data: services.set_intervention(project, acting_user=request.user, **data),
        message=_("The intervention date was saved."),
        success=reverse("impact:project-effect", args=[project.pk]),
        template="impact/intervention_form.html",
        context={"project": project, "when": when},
    )


# 制度化: policy documents


def _policy(request, pk) -> PolicyDocument:
    require_perm(request.user, "impact.view_policies")
    return get_visible_or_404(PolicyDocument, request.user, pk=pk)


def policy_list(request):
    require_perm(request.user, "impact.view_policies")
    documents = (
        PolicyDocument.objects.visible_to(request.user)
        .annotate(
            article_count=Count("articles", distinct=True),
            project_count=Count("articles__projects", distinct=True),
        )
        .order_by("-issued_on", "-pk")
    )
    context = {
        "page": Paginator(documents, PAGE).get_page(request.GET.get("page")),
        "can_manage": can(request.user, "impact.manage_policies"),
    }
    return render(request, "impact/policy_list.html", context)


def policy_detail(request, pk):
    document = _policy(request, pk)
    visible = set(Project.objects.visible_to(request.user).values_list("pk", flat=True))
    articles = document.articles.prefetch_related("projects")
    context = {
        "document": document,
        "articles": [(a, [p for p in a.projects.all() if p.pk in visible]) for a in articles],
        "can_manage": can(request.user, "impact.manage_policies", document),
        "history": object_history(document),
    }
    return render(request, "impact/policy_detail.html", context)


def _policy_form(request, document=None):
    require_perm(request.user, "impact.manage_policies", document)
    fields = services.POLICY_FIELDS
    initial = {name: getattr(document, name) for name in fields} if document else {}

    def save(file, **data):
        if document is None:
            return services.create_policy(acting_user=request.user, file=file, **data)
        return services.update_policy(document, acting_user=request.user, file=file, **data)

    return submit(
        request,
        PolicyForm(request.POST or None, request.FILES or None, initial=initial),
        save,
        message=_("The policy document was saved."),
        success=lambda saved: saved,
        template="impact/policy_form.html",
        context={"document": document},
    )


def policy_create(request):
    return _policy_form(request)


def policy_edit(request, pk):
    return _policy_form(request, _policy(request, pk))


def policy_file(request, pk):
    document = _policy(request, pk)
    if not document.file:
        raise Http404
    name = document.file_name or document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


def article_create(request, pk):
    document = _policy(request, pk)
    require_perm(request.user, "impact.manage_policies", document)
    number = (
        document.articles.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return submit(
        request,
        ArticleForm(request.POST or None, initial={"number": number}),
        lambda **data: services.add_article(document, acting_user=request.user, **data),
        message=_("The article was added."),
        success=lambda article: article.get_absolute_url(),
        template="impact/article_form.html",
        context={"document": document},
    )


def _article(request, pk) -> PolicyArticle:
    require_perm(request.user, "impact.view_policies")
    return get_object_or_404(
        PolicyArticle.objects.visible_to(request.user).select_related("document"), pk=pk
    )


def article_edit(request, pk):
    article = _article(request, pk)
    require_perm(request.user, "impact.manage_policies", article)
    initial = {"number": article.number, "text": article.text, "projects": article.projects.all()}
    return submit(
        request,
        ArticleForm(request.POST or None, initial=initial),
        lambda **data: services.update_article(article, acting_user=request.user, **data),
        message=_("The article was saved."),
        success=lambda saved: saved.get_absolute_url(),
        template="impact/article_form.html",
        context={"document": article.document, "article": article},
    )


@require_POST
def article_remove(request, pk):
    article = _article(request, pk)
    require_perm(request.user, "impact.manage_policies", article)
    return press(
        request,
        lambda: services.remove_article(article, acting_user=request.user),
        message=_("The article was removed."),
        success=article.document,
    )


# 示范辐射: reach records


def reach_list(request):
    require_perm(request.user, "impact.view_reach")
    form = ReachFilterForm(request.GET or None)
    records = form.filter(ReachRecord.objects.visible_to(request.user))
    context = {
        "form": form,
        "counts": queries.reach_table(queries.reach_counts(records)),
        "page": Paginator(
            records.prefetch_related("projects").order_by("-date", "-pk"), PAGE
        ).get_page(request.GET.get("page")),
        "can_manage": can(request.user, "impact.manage_reach"),
    }
    if request.htmx:
        return render(request, "impact/_reach_table.html", context)
    return render(request, "impact/reach_list.html", context)


def _reach_form(request, record=None):
    require_perm(request.user, "impact.manage_reach", record)
    fields = services.REACH_FIELDS
    initial = (
        {**{name: getattr(record, name) for name in fields}, "projects": record.projects.all()}
        if record
        else {}
    )

    def save(projects, **data):
        if record is None:
            return services.create_reach(acting_user=request.user, projects=projects, **data)
        return services.update_reach(record, acting_user=request.user, projects=projects, **data)

    return submit(
        request,
        ReachForm(request.POST or None, initial=initial),
        save,
        message=_("The record was saved."),
        success=reverse("impact:reach-list"),
        template="impact/reach_form.html",
        context={"record": record},
    )


def reach_create(request):
    return _reach_form(request)


def reach_edit(request, pk):
    require_perm(request.user, "impact.view_reach")
    return _reach_form(request, get_visible_or_404(ReachRecord, request.user, pk=pk))
