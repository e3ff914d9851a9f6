"""Changes to the portal's own records: news items and press-conference records written,
published and unpublished; work briefings generated for a period (numbered, their figures
computed from the records), edited and published. City staff only (portal/rules.py)."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.text import clean_text

from . import briefings
from .models import Briefing, NewsItem
from .queries import public_projects

NEWS_FIELDS = ("kind", "title", "date", "source", "venue", "speakers", "body")


def _clean_news(fields: dict) -> dict:
    fields = {
        name: clean_text(value).strip() if isinstance(value, str) else value
        for name, value in fields.items()
    }
    if not fields.get("title"):
        raise DomainError(_("A news item needs a title."))
    if not fields.get("body"):
        raise DomainError(_("A news item needs its text."))
    if fields.get("date") is None:
        raise DomainError(_("A news item needs a date."))
    check_date_range(fields["date"])
    if fields.get("kind") not in NewsItem.Kind.values:
        raise DomainError(_("Unknown kind of news item."))
    if fields["kind"] == NewsItem.Kind.PRESS_CONFERENCE:
        if not fields.get("venue") or not fields.get("speakers"):
            raise DomainError(_("A press conference needs its venue and its speakers."))
    else:
        fields["venue"] = fields["speakers"] = ""
    return fields


@transaction.atomic
def create_news(*, acting_user, **fields) -> NewsItem:
    """A news item or press-conference record, in draft. DomainError without a title, text or
    date, or for a press conference without its venue and speakers."""
    require_perm(acting_user, "portal.manage_news")
    item = NewsItem(created_by=acting_user, **_clean_news({f: fields.get(f) for f in NEWS_FIELDS}))
    item._history_user = acting_user
    item.save()
    return item


@transaction.atomic
def update_news(item: NewsItem, *, acting_user, **fields) -> NewsItem:
    """Change a news item (a published one stays published, with the new text)."""
    require_perm(acting_user, "portal.manage_news", item)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    current = {f: getattr(item, f) for f in NEWS_FIELDS}
    cleaned = _clean_news({**current, **{f: v for f, v in fields.items() if f in NEWS_FIELDS}})
    changed = [f for f in NEWS_FIELDS if cleaned[f] != current[f]]
    if changed:
        for name in changed:
            setattr(item, name, cleaned[name])
        item._history_user = acting_user
        item.save(update_fields=[*changed, "updated_at"])
    return item


@transaction.atomic
def publish_news(item: NewsItem, *, acting_user) -> NewsItem:
    """Show a draft news item on the portal. DomainError if it is published already."""
    require_perm(acting_user, "portal.manage_news", item)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    item.move_to(NewsItem.Status.PUBLISHED, by=acting_user)
    item.published_at = timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    return item


@transaction.atomic
def unpublish_news(item: NewsItem, *, acting_user) -> NewsItem:
    """Take a published news item off the portal (back to draft). DomainError for a draft."""
    require_perm(acting_user, "portal.manage_news", item)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    item.move_to(NewsItem.Status.DRAFT, by=acting_user)
    item.published_at = None
    item.save(update_fields=["status", "published_at", "updated_at"])
    return item


def _check_period(period_start, period_end) -> None:
    if period_start is None or period_end is None:
        raise DomainError(_("A briefing needs the first and the last day of its period."))
    check_date_range(period_start, period_end)
    if period_start > period_end:
        raise DomainError(_("The period must not end before it starts."))
    if period_end > timezone.localdate():
        raise DomainError(_("A briefing covers a period that has begun and ends by today."))


def next_number() -> int:
    return (Briefing.objects.aggregate(last=Max("number"))["last"] or 0) + 1


def generate_briefing(*, acting_user, period_start, period_end, title="") -> Briefing:
    """A new draft briefing for the period, numbered after the last one (第N期), its figures
    computed from the records and its text drafted from them.

    DomainError for a period without both days, ending before it starts or after today.
    The number is the highest plus one, taken inside the transaction that stores it: when
    two are generated at once the second one's insert hits the unique number and it takes
    the next (savepoint and retry)."""
    require_perm(acting_user, "portal.manage_briefings")
    _check_period(period_start, period_end)
    figures = briefings.compute_figures(period_start, period_end)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = next_number()
                briefing = Briefing(
                    number=number,
                    title=clean_text(title or "").strip() or briefings.default_title(number),
                    period_start=period_start,
                    period_end=period_end,
                    figures=figures,
                    figures_at=timezone.now(),
                    body=briefings.draft_body(period_start, period_end, figures),
                    created_by=acting_user,
                )
                briefing._history_user = acting_user
                briefing.save()
                return briefing
        except IntegrityError:
            if not Briefing.objects.filter(number=number).exists():
                raise
    raise DomainError(_("The briefing could not be numbered; please try again."))


def _require_draft(briefing: Briefing) -> None:
    if briefing.status != Briefing.Status.DRAFT:
        raise DomainError(_("A published briefing can no longer be changed."))


@transaction.atomic
def update_briefing(
    briefing: Briefing, *, acting_user, title, body, highlights="", projects=()
) -> Briefing:
    """Staff edit a draft briefing's title, text, highlights and highlighted projects (public
    projects only). DomainError once published, without a title, or for a project the public
    does not see."""
    require_perm(acting_user, "portal.manage_briefings", briefing)
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _require_draft(briefing)
    title = clean_text(title or "").strip()
    if not title:
        raise DomainError(_("A briefing needs a title."))
    projects = list(projects)
    public = set(
        public_projects().filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True)
    )
    if any(p.pk not in public for p in projects):
        raise DomainError(_("Only projects shown on the portal can be highlighted."))
    briefing.title = title
    briefing.body = clean_text(body or "").strip()
    briefing.highlights = clean_text(highlights or "").strip()
    briefing._history_user = acting_user
    briefing.save(update_fields=["title", "body", "highlights"])
    briefing.projects.set(projects)
    return briefing


@transaction.atomic
def refresh_figures(briefing: Briefing, *, acting_user) -> Briefing:
    """Compute a draft briefing's figures again from the records (its text is left as
    staff wrote it). DomainError once published: a published issue keeps its figures."""
    require_perm(acting_user, "portal.manage_briefings", briefing)
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _require_draft(briefing)
    briefing.figures = briefings.compute_figures(briefing.period_start, briefing.period_end)
    briefing.figures_at = timezone.now()
    briefing._history_user = acting_user
    briefing.save(update_fields=["figures", "figures_at"])
    return briefing


@transaction.atomic
def publish_briefing(briefing: Briefing, *, acting_user) -> Briefing:
    """Publish a draft briefing with the figures it holds: its public page and PDF open.
    DomainError if it is published already or has no text."""
    require_perm(acting_user, "portal.manage_briefings", briefing)
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if not briefing.body.strip():
        raise DomainError(_("Write the briefing's text before publishing it."))
    briefing.move_to(Briefing.Status.PUBLISHED, by=acting_user)
    briefing.published_at = timezone.now()
    briefing.save(update_fields=["status", "published_at"])
    return briefing
