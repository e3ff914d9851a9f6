"""Every change a user can make in stage 1 (征榜问需)."""

import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core import jobs
from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.scoping import user_scope
from jiebang.core.text import clean_text
from jiebang.core.transitions import require_transition

from .classifier import classify
from .classifier.engine import CATEGORIES
from .importing import missing_columns, read_table, resolve_columns, shared_lookups
from .models import (
    Category,
    CategoryCorrection,
    Channel,
    ExpertScore,
    FeedbackItem,
    ImportBatch,
    PracticeVerdict,
    Proposal,
    ScoringWeights,
)
from .tasks import import_batch, start_batch

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def review_threshold() -> float:
    return getattr(settings, "NEEDS_REVIEW_THRESHOLD", 0.6)


def ensure_categories() -> None:
    """The default taxonomy (idempotent; renamed or extra categories are left alone)."""
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def mask_name(name: str) -> str:
    name = name.strip()
    return f"{name[0]}{'*' * max(1, len(name) - 1)}" if name else ""


def review_queue(queryset):
    """Low-confidence items nobody has reviewed yet, least confident first."""
    return queryset.filter(reviewed_at=None, confidence__lt=review_threshold()).order_by(
        "confidence", "-received_at"
    )


@transaction.atomic
def correct_category(item: FeedbackItem, category: Category, *, acting_user) -> FeedbackItem:
    """Staff set an item's category; the correction is kept for retraining."""
    require_perm(acting_user, "needs.correct_category", item)
    item = FeedbackItem.objects.select_for_update().get(pk=item.pk)
    if item.category_id != category.pk:
        CategoryCorrection.objects.create(
            item=item,
            old_category_id=item.category_id,
            new_category=category,
            corrected_by=acting_user,
        )
    item.category = category
    item.confidence = 1.0
    item.reviewed_by = acting_user
    item.reviewed_at = timezone.now()
    item._history_user = acting_user
    item.save(update_fields=["category", "confidence", "reviewed_by", "reviewed_at"])
    return item


@transaction.atomic
def save_category(
    category: Category | None, *, acting_user, name, order, code=None, is_active=None
) -> Category:
    """Add a category (`category` None: in use at once, under its `code`) or rename, reorder,
    switch off or on one (its code is the stable key the corpus refers to: it stays)."""
    require_perm(acting_user, "needs.manage_categories")
    if category is None:
        category = Category(code=code)
    category.name = name
    category.order = order
    if is_active is not None:
        category.is_active = is_active
    category._history_user = acting_user
    category.save()
    return category


def correction_examples() -> list[tuple[str, str]]:
    """(text, category name) of the latest correction of every corrected item."""
    latest = {}
    for item_id, text, name in CategoryCorrection.objects.order_by("corrected_at").values_list(
        "item_id", "item__text", "new_category__name"
    ):
        latest[item_id] = (text, name)
    return list(latest.values())


def _new_item(*, channel, text, acting_user=None, **fields) -> FeedbackItem:
    """A classified item; the institution, if not given, is the one its text names. A county
    user's item stays in their county: an institution named in the text elsewhere is not
    taken, and an item naming no place is their county's."""
    text = clean_text(text or "").strip()
    if not text:
        raise DomainError(_("Please describe the problem."))
    lookups = shared_lookups()
    area = lookups.area(user_scope(acting_user) if acting_user else None)
    institution = fields.pop("institution", None) or lookups.institution("", text)
    if (
        institution is not None
        and area.counties is not None
        and lookups.county_id_of.get(institution.pk) not in area.counties
    ):
        institution = None
    region = fields.pop("region", None)
    if region is None and institution is not None:
        region = lookups.county_of.get(institution.pk)
    if region is None and area.home is not None:
        region = lookups.county_by_id[area.home]
    [(name, confidence)] = classify([text])
    item = FeedbackItem(
        channel=channel,
        text=text,
        institution=institution,
        region=region,
        category=lookups.categories.get(name),
        confidence=confidence,
        received_at=fields.pop("received_at", None) or timezone.now(),
        **fields,
    )
    item._history_user = acting_user
    item.save()
    return item


@transaction.atomic
def record_public_feedback(
    *, channel, text, institution=None, region=None, name="", phone=""
) -> FeedbackItem:
    """What the public said through a public channel (回音壁, QR code, Open311), as a
    classified item; stage 5 keeps its ticket (supervision.services.submit_public)."""
    return _new_item(
        channel=channel,
        text=text,
        institution=institution,
        region=region,
        caller_name=clean_text(name).strip()[:60],
        caller_phone=clean_text(phone).strip()[:30],
    )


@transaction.atomic
def record_survey(*, acting_user, text, institution=None, region=None, received_at=None):
    """A field-survey team's record (跟诊式调研)."""
    require_perm(acting_user, "needs.record_survey")
    return _new_item(
        channel=Channel.SURVEY,
        text=text,
        institution=institution,
        region=region,
        received_at=received_at,
        acting_user=acting_user,
    )


@transaction.atomic
def record_officer_suggestion(
    *, acting_user, text, institution=None, region=None, received_at=None
) -> FeedbackItem:
    """A suggestion made at an open day or by a reform experience officer (体验监督, stage 5),
    as an item of the officer channel, classified like every other so the heatmap, 高频投诉
    and the next round's proposals start from it. Recorded by the staff who record field
    surveys (city staff, a county bureau in its county): experience.services calls it."""
    require_perm(acting_user, "needs.record_survey")
    return _new_item(
        channel=Channel.OFFICER,
        text=text,
        institution=institution,
        region=region,
        received_at=received_at,
        acting_user=acting_user,
    )


def start_import(upload, *, channel, acting_user) -> ImportBatch:
    """Store an uploaded export and create its batch; the caller runs or maps it.
    DomainError naming the file when it is too big, not a CSV or XLSX table, or empty: then
    neither a batch nor the file is kept."""
    require_perm(acting_user, "needs.import_feedback")
    file_name = clean_text(upload.name or "")
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("%(file)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "file": file_name,
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    if not file_name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise DomainError(_("%(file)s is not a CSV or XLSX file.") % {"file": file_name})
    relative = Path("imports") / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        read_table(target, file_name).close()  # refuses what is not a table, naming the file
        return ImportBatch.objects.create(
            file_name=file_name[:200],
            channel=channel,
            created_by=acting_user,
            stored_file=str(relative),
            heartbeat=timezone.now(),  # the mapping screen's clock (core.jobs.expire)
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def upload_import(upload, *, channel, acting_user) -> ImportBatch:
    """The web import: store the upload (start_import) and start its background job when the
    file's columns are known; a file whose columns are not all known waits, pending, for its
    column mapping (map_columns). DomainError as start_import."""
    batch = start_import(upload, channel=channel, acting_user=acting_user)
    if not missing_columns(batch):
        start_batch(batch)
    return batch


def map_columns(batch: ImportBatch, mapping: dict[str, str], *, acting_user) -> ImportBatch:
    """The uploader names the file's columns of the fields it lacks (our field → its header)
    and the import starts (as its uploader's import). MissingColumns (a DomainError) while a
    required field is still without a column."""
    require_perm(acting_user, "needs.import_feedback")
    mapping = {field: header for field, header in mapping.items() if header}
    table = read_table(Path(settings.MEDIA_ROOT) / batch.stored_file, batch.file_name)
    try:
        resolve_columns(table, mapping)
    finally:
        table.close()
    ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
    batch.mapping = mapping
    return start_batch(batch)


def retry_import(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """Run a failed import again, as a new background job; a batch that never had its columns
    mapped goes back to its mapping screen instead. Rows stored by the failed run are met as
    already present (the work order number is the key), so no row is stored twice. A batch
    that is not failed (a second click, a retry already queued) is left as it is.
    PermissionDenied for anyone but its uploader; DomainError when its file is gone."""
    require_perm(acting_user, "needs.import_feedback")
    if batch.created_by_id != acting_user.pk:
        raise PermissionDenied
    if batch.status != ImportBatch.Status.FAILED:
        return batch
    if not batch.stored_file or not (Path(settings.MEDIA_ROOT) / batch.stored_file).exists():
        raise DomainError(
            _("The file of %(file)s is no longer kept: upload it again.")
            % {"file": batch.file_name}
        )
    if missing_columns(batch, batch.mapping):
        ImportBatch.objects.filter(
            pk=batch.pk, attempt=batch.attempt, status=ImportBatch.Status.FAILED
        ).update(status=ImportBatch.Status.PENDING, heartbeat=timezone.now(), message="")
    else:
        jobs.enqueue(import_batch, batch, only_from=[ImportBatch.Status.FAILED], message="")
    batch.refresh_from_db()
    return batch


# Proposals (F1.5) and the reserve pool (F1.6)


@transaction.atomic
def draft_proposal(*, acting_user, title, description="", clusters=(), region=None, category=None):
    require_perm(acting_user, "needs.draft_proposal")
    if not title.strip():
        raise DomainError(_("A proposal needs a title."))
    proposal = Proposal(
        title=title.strip(),
        description=description,
        region=region,
        category=category,
        created_by=acting_user,
    )
    proposal._history_user = acting_user
    proposal.save()
    proposal.clusters.set(clusters)
    return proposal


def _move(proposal, status, *, acting_user, **fields):
    require_transition(proposal, status, _("A proposal cannot go from “%(old)s” to “%(new)s”."))
    proposal.status = status
    for key, value in fields.items():
        setattr(proposal, key, value)
    proposal._history_user = acting_user
    proposal.save(update_fields=["status", *fields])
    return proposal


@transaction.atomic
def open_screening(proposal, *, acting_user, experts, panel_members):
    """The admin assigns experts and practice-panel members and opens the screening."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    if not experts:
        raise DomainError(_("Assign at least one expert."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.experts.set(experts)
    proposal.panel_members.set(panel_members)
    return _move(proposal, Proposal.Status.SCREENING, acting_user=acting_user)


@transaction.atomic
def score_proposal(proposal, *, acting_user, feasibility, urgency, benefit, comment=""):
    require_perm(acting_user, "needs.score_proposal", proposal)
    if proposal.status != Proposal.Status.SCREENING:
        raise DomainError(_("Only proposals in screening can be scored."))
    score, _created = ExpertScore.objects.update_or_create(
        proposal=proposal,
        expert=acting_user,
        defaults={
            "feasibility": feasibility,
            "urgency": urgency,
            "benefit": benefit,
            "comment": comment,
        },
    )
    return score


@transaction.atomic
def record_verdict(proposal, *, acting_user, verdict, note=""):
    require_perm(acting_user, "needs.record_verdict", proposal)
    if proposal.status != Proposal.Status.SCREENING:
        raise DomainError(_("Only proposals in screening can be tested."))
    record, _created = PracticeVerdict.objects.update_or_create(
        proposal=proposal, member=acting_user, defaults={"verdict": verdict, "note": note}
    )
    return record


@transaction.atomic
def set_scoring_weights(*, acting_user, feasibility, urgency, benefit) -> ScoringWeights:
    """The admin sets the weights of the screening criteria (the one row, made the first
    time). DomainError for a negative weight or when all are zero."""
    require_perm(acting_user, "needs.manage_proposals")
    values = (feasibility, urgency, benefit)
    if any(v < 0 for v in values):
        raise DomainError(_("The weights must not be negative."))
    if not any(values):
        raise DomainError(_("At least one weight must be above zero."))
    weights = ScoringWeights.objects.select_for_update().order_by("pk").first() or ScoringWeights()
    weights.feasibility, weights.urgency, weights.benefit = values
    weights._history_user = acting_user
    weights.save()
    return weights


def ranking(queryset):
    """Proposals with their weighted expert score (0–10) and verdict counts, best first."""
    weights = ScoringWeights.current()
    total = weights.feasibility + weights.urgency + weights.benefit or 1.0
    rows = queryset.annotate(
        avg_feasibility=Avg("scores__feasibility"),
        avg_urgency=Avg("scores__urgency"),
        avg_benefit=Avg("scores__benefit"),
        n_scores=Count("scores", distinct=True),
    )
    ranked = []
    for p in rows:
        if p.n_scores:
            p.weighted = round(
                (
                    weights.feasibility * p.avg_feasibility
                    + weights.urgency * p.avg_urgency
                    + weights.benefit * p.avg_benefit
                )
                / total,
                2,
            )
        else:
            p.weighted = None
        ranked.append(p)
    verdicts = {}
    for pid, verdict, n in (
        PracticeVerdict.objects.filter(proposal__in=[p.pk for p in ranked])
        .values_list("proposal_id", "verdict")
        .annotate(n=Count("pk"))
    ):
        verdicts.setdefault(pid, {})[verdict] = n
    for p in ranked:
        p.verdict_counts = verdicts.get(p.pk, {})
    ranked.sort(key=lambda p: (p.weighted is None, -(p.weighted or 0)))
    return ranked


@transaction.atomic
def mark_selected(proposal, *, acting_user, note=""):
    """The admin selects a screened proposal; the projects app creates its project."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return _move(proposal, Proposal.Status.SELECTED, acting_user=acting_user, decision_note=note)


@transaction.atomic
def send_to_reserve(proposal, *, acting_user, tag, review_date: date, note=""):
    """An unselected proposal enters the reserve pool with a tag and a review date."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    if tag not in Proposal.ReserveTag.values:
        raise DomainError(_("Choose a reserve tag."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return _move(
        proposal,
        Proposal.Status.RESERVE,
        acting_user=acting_user,
        reserve_tag=tag,
        review_date=review_date,
        decision_note=note,
    )


def due_reviews(queryset, today=None):
    today = today or timezone.localdate()
    return queryset.filter(status=Proposal.Status.RESERVE, review_date__lte=today).order_by(
        "review_date"
    )


@transaction.atomic
def mark_upgraded(proposal, *, acting_user, note=""):
    """Re-evaluation upgrades a reserve proposal to a key project (history keeps the path)."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return _move(proposal, Proposal.Status.UPGRADED, acting_user=acting_user, decision_note=note)


@transaction.atomic
def postpone_review(proposal, *, acting_user, review_date, note=""):
    """Re-evaluated but not yet ready: stays in the pool with a new review date."""
    require_perm(acting_user, "needs.manage_proposals", proposal)
    if review_date <= timezone.localdate():
        raise DomainError(_("The next review date must lie in the future."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return _move(
        proposal,
        Proposal.Status.RESERVE,
        acting_user=acting_user,
        review_date=review_date,
        decision_note=note,
    )


def default_review_date() -> date:
    return timezone.localdate() + timedelta(days=90)
