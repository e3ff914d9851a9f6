from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core import exports
from jiebang.core.errors import DomainError
from jiebang.core.permissions import can, require_perm
from jiebang.core.scoping import get_visible_or_404

from .. import services
from ..forms import CorrectCategoryForm, FeedbackFilterForm, OnlineFeedbackForm, SurveyForm
from ..importing import mask_phone
from ..models import FeedbackItem
from ..queries import clusters_seen_by, seen_clusters


def _visible(request):
    require_perm(request.user, "needs.view_feedback")
    return FeedbackItem.objects.visible_to(request.user).select_related(
        "category", "region", "institution"
    )


def _contact(request, item):
    if can(request.user, "needs.view_caller_contact"):
        return item.caller_name, item.caller_phone
    return services.mask_name(item.caller_name), mask_phone(item.caller_phone)


def feedback_list(request):
    form = FeedbackFilterForm(request.GET or None, user=request.user)
    items = form.filter(_visible(request))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    for item in page:
        item.contact_name, item.contact_phone = _contact(request, item)
    template = "needs/_feedback_table.html" if request.htmx else "needs/feedback_list.html"
    return render(
        request, template, {"form": form, "page": page, "threshold": services.review_threshold()}
    )


def review_queue(request):
    items = services.review_queue(_visible(request))
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "needs/review_queue.html",
        {"page": page, "categories": CorrectCategoryForm().fields["category"].queryset},
    )


def feedback_detail(request, pk):
    require_perm(request.user, "needs.view_feedback")
    item = get_visible_or_404(FeedbackItem, request.user, pk=pk)
    item.contact_name, item.contact_phone = _contact(request, item)
    form = CorrectCategoryForm(initial={"category": item.category_id})
    similar = _visible(request).filter(cluster=item.cluster).count() if item.cluster_id else 0
    context = {"item": item, "form": form, "similar": similar}
    return render(request, "needs/feedback_detail.html", context)


@require_POST
def feedback_correct(request, pk):
    item = get_visible_or_404(FeedbackItem, request.user, pk=pk)
    form = CorrectCategoryForm(request.POST)
    if form.is_valid():
        item = services.correct_category(
            item, form.cleaned_data["category"], acting_user=request.user
        )
        if request.htmx:
            return render(request, "needs/_category_badge.html", {"item": item, "saved": True})
        messages.success(request, _("Category saved."))
    return redirect(item)


def feedback_export(request):
    """CSV of the filtered items; personal data masked unless explicitly asked by a role
    that may see it."""
    form = FeedbackFilterForm(request.GET or None, user=request.user)
    items = form.filter(_visible(request))[:100_000]
    unmasked = request.GET.get("unmasked") == "1" and can(request.user, "needs.view_caller_contact")
    header = ["编号", "渠道", "受理时间", "区县", "机构", "类别", "置信度", "内容"]
    header += ["来电人", "联系电话"]

    def rows():
        for item in items.iterator(chunk_size=2000):
            name, phone = (
                (item.caller_name, item.caller_phone)
                if unmasked
                else (services.mask_name(item.caller_name), mask_phone(item.caller_phone))
            )
            yield [
                item.external_id or item.pk,
                item.get_channel_display(),
                timezone.localtime(item.received_at).strftime("%Y-%m-%d %H:%M"),
                str(item.region or ""),
                str(item.institution or ""),
                str(item.category or ""),
                f"{item.confidence:.2f}" if item.confidence is not None else "",
                item.text,
                name,
                phone,
            ]

    return exports.csv_response("feedback.csv", header, rows())


def survey_create(request):
    require_perm(request.user, "needs.record_survey")
    form = SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.record_survey(acting_user=request.user, **form.cleaned_data)
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(
                request, _("Survey record saved and classified as %(c)s.") % {"c": item.category}
            )
            return redirect("needs:survey-create")
    return render(request, "needs/survey_form.html", {"form": form})


ONLINE_LIMIT = 5  # posts per address per hour


@login_not_required
def online_form(request):
    """The public 回音壁 column: no account; a honeypot field and a rate limit keep spam out."""
    form = OnlineFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"online-feedback:{request.META.get('REMOTE_ADDR', '')}"
        if form.cleaned_data["website"]:
            return render(request, "needs/online_thanks.html")
        if cache.get(key, 0) >= ONLINE_LIMIT:
            form.add_error(
                None, _("Too many submissions from your network; please try again in an hour.")
            )
        else:
            cache.set(key, cache.get(key, 0) + 1, 3600)
            data = form.cleaned_data
            services.submit_online_feedback(
                text=data["text"], region=data["county"], name=data["name"], phone=data["phone"]
            )
            return render(request, "needs/online_thanks.html")
    return render(request, "needs/online_form.html", {"form": form})


def cluster_list(request):
    """高频投诉: repeated complaints, counted and shown over the user's own items only."""
    require_perm(request.user, "needs.view_feedback")
    page = Paginator(clusters_seen_by(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "needs/cluster_list.html", {"page": page, "clusters": seen_clusters(page)}
    )
