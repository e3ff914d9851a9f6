from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core import exports, throttle
from jiebang.core.actions import submit
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


def _detail_context(request, item) -> dict:
    item.contact_name, item.contact_phone = _contact(request, item)
    similar = _visible(request).filter(cluster=item.cluster).count() if item.cluster_id else 0
    form = CorrectCategoryForm(initial={"category": item.category_id})
    return {"item": item, "correct_form": form, "similar": similar}


def feedback_detail(request, pk):
    require_perm(request.user, "needs.view_feedback")
    item = get_visible_or_404(FeedbackItem, request.user, pk=pk)
    return render(request, "needs/feedback_detail.html", _detail_context(request, item))


@require_POST
def feedback_correct(request, pk):
    """Set the item's category; htmx gets the item's category badge back (saved or with the
    error), others the item's page."""
    item = get_visible_or_404(FeedbackItem, request.user, pk=pk)

    def saved_badge(item):
        return render(request, "needs/_category_badge.html", {"item": item, "saved": True})

    return submit(
        request,
        CorrectCategoryForm(request.POST),
        lambda category: services.correct_category(item, category, acting_user=request.user),
        message=_("Category saved."),
        success=item,
        template="needs/feedback_detail.html",
        context=lambda: _detail_context(request, item),
        form_name="correct_form",
        fragment="needs/_category_badge.html",
        htmx_success=saved_badge,
    )


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
    return submit(
        request,
        SurveyForm(request.POST or None, user=request.user),
        lambda **data: services.record_survey(acting_user=request.user, **data),
        message=lambda item: (
            _("Survey record saved and classified as %(c)s.") % {"c": item.category}
        ),
        success="needs:survey-create",
        template="needs/survey_form.html",
    )


@login_not_required
def online_form(request):
    """The public 回音壁 column: no account. As every public form: a honeypot, limits per device
    and per address (core.throttle), the duplicate check, and a tracking number (受理编号) whose
    page follows the reply (supervision.public_views.track_detail)."""
    from jiebang.supervision import services as public  # stage 5 keeps the public's tickets

    def post(text, county, name, phone, website):
        if website:  # the honeypot: only a robot fills it in; thank it and keep nothing
            return None
        throttle.check(request, "public")
        return public.submit_public(
            source=public.Ticket.Source.ONLINE,
            text=text,
            region=county,
            name=name,
            phone=phone,
            device=throttle.device_of(request) or "",
        )

    def done(ticket):
        if ticket is None:
            return render(request, "needs/online_thanks.html")
        return redirect(ticket.get_public_url())

    response = submit(
        request,
        OnlineFeedbackForm(request.POST or None),
        post,
        message=lambda ticket: (
            ticket
            and _("Thank you. Your tracking number is %(number)s; keep it to follow the reply.")
            % {"number": ticket.number}
        ),
        success=done,
        template="needs/online_form.html",
    )
    return throttle.give_device(request, response)


def cluster_list(request):
    """高频投诉: repeated complaints, counted and shown over the user's own items only."""
    require_perm(request.user, "needs.view_feedback")
    page = Paginator(clusters_seen_by(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "needs/cluster_list.html", {"page": page, "clusters": seen_clusters(page)}
    )
