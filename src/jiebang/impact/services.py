"""Every change to promotions, adoptions, intervention dates, policy documents and reach
records. Each service checks the acting user's permission (None: the system, e.g. the demo),
refuses what the domain forbids with a DomainError and records who made the change."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.roles import CITY_ROLES
from jiebang.orgs.models import Institution, User
from jiebang.projects.models import Indicator, Project

from .models import (
    Adoption,
    AdoptionValue,
    Intervention,
    PolicyArticle,
    PolicyDocument,
    Promotion,
    ReachRecord,
    Step,
    StepFile,
    validate_output,
    validate_policy_file,
)

# An excellent project is one a unit has carried out, at least in part.
PROMOTABLE = (Project.Status.IN_PROGRESS, Project.Status.COMPLETED, Project.Status.EVALUATED)
# A policy article or a reach record names projects that were published (drafts are internal).
CITABLE = Project.PUBLIC_STATUSES


def promotable_projects():
    return Project.objects.filter(status__in=PROMOTABLE)


def _text(value) -> str:
    return (value or "").strip()


def _not_future(day, message) -> None:
    check_date_range(day)
    if day > timezone.localdate():
        raise DomainError(message)


# 四步工作法


@transaction.atomic
def start_promotion(project: Project, *, acting_user, title: str, summary: str = "") -> Promotion:
    """City staff start the four-step promotion of an excellent project's model: the promotion
    and its four steps, not started, in order. DomainError if the project has not been carried
    out or already has a promotion under way."""
    require_perm(acting_user, "impact.manage_promotions", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in PROMOTABLE:
        raise DomainError(_("Only a project under way or completed can be promoted."))
    if project.promotions.active().exists():
        raise DomainError(_("This project already has a promotion under way."))
    if not _text(title):
        raise DomainError(_("Name the model to promote."))
    promotion = Promotion(
        project=project, title=_text(title), summary=_text(summary), created_by=acting_user
    )
    promotion._history_user = acting_user
    promotion.save()
    for order, kind in enumerate(Step.ORDER, start=1):
        step = Step(promotion=promotion, kind=kind, order=order)
        step._history_user = acting_user
        step.save()
    return promotion


def _require_active(promotion: Promotion) -> None:
    if promotion.status != Promotion.Status.ACTIVE:
        raise DomainError(_("This promotion is no longer under way."))


@transaction.atomic
def update_promotion(promotion: Promotion, *, acting_user, title: str, summary: str) -> Promotion:
    """City staff rename the model or restate its key points."""
    require_perm(acting_user, "impact.manage_promotions", promotion)
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if not _text(title):
        raise DomainError(_("Name the model to promote."))
    promotion.title, promotion.summary = _text(title), _text(summary)
    promotion._history_user = acting_user
    promotion.save(update_fields=["title", "summary"])
    return promotion


@transaction.atomic
def close_promotion(promotion: Promotion, *, acting_user, reason: str) -> Promotion:
    """City staff stop a promotion under way, with the reason (a new one may then start)."""
    require_perm(acting_user, "impact.manage_promotions", promotion)
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if not _text(reason):
        raise DomainError(_("Give the reason for stopping the promotion."))
    promotion.move_to(Promotion.Status.CLOSED, by=acting_user)
    promotion.close_reason = _text(reason)
    promotion.save(update_fields=["status", "close_reason"])
    return promotion


def can_own_step(user, project: Project) -> bool:
    """A step's owner must see its project: city staff, the bureau of its county, its unit."""
    return (
        user is not None
        and user.is_active
        and Project.objects.implemented_visible_to(user).filter(pk=project.pk).exists()
    )


def step_owner_choices(project: Project):
    """The active users who can own a step of `project` (can_own_step), by role and name."""
    unit = project.implementing_unit
    users = User.objects.with_role(*CITY_ROLES)
    for region in (unit.region if unit else None, project.region):
        users = users | User.objects.bureaus_over(region)
    if unit is not None:
        users = users | User.objects.of_unit(unit)
    return users.distinct().order_by("role", "full_name", "username")


@transaction.atomic
def plan_step(step: Step, *, acting_user, owner, planned_start, planned_end) -> Step:
    """City staff give a step its owner and planned dates. DomainError if the owner cannot see
    the project, the dates are reversed, or the step is finished."""
    require_perm(acting_user, "impact.manage_promotions", step)
    step = (
        Step.objects.select_for_update(of=("self",))
        .select_related("promotion__project")
        .get(pk=step.pk)
    )
    _require_active(step.promotion)
    if step.status == Step.Status.DONE:
        raise DomainError(_("A finished step is not planned again."))
    check_date_range(planned_start, planned_end)
    if planned_start and planned_end and planned_end < planned_start:
        raise DomainError(_("The planned end cannot be before the planned start."))
    if owner is not None and not can_own_step(owner, step.project):
        raise DomainError(
            _("%(user)s cannot see this project and cannot own the step.") % {"user": owner}
        )
    step.owner, step.planned_start, step.planned_end = owner, planned_start, planned_end
    step._history_user = acting_user
    step.save(update_fields=["owner", "planned_start", "planned_end"])
    return step


def _previous(step: Step) -> Step | None:
    return Step.objects.filter(promotion=step.promotion_id, order=step.order - 1).first()


@transaction.atomic
def start_step(step: Step, *, acting_user, started_on=None) -> Step:
    """The step's owner (or city staff) starts it. DomainError unless the step before it is
    finished (the four steps run in order), or if the date is in the future or before the
    previous step ended."""
    # The stored owner decides (the caller's copy may predate a new plan).
    step = Step.objects.select_for_update(of=("self",)).select_related("promotion").get(pk=step.pk)
    require_perm(acting_user, "impact.work_on_step", step)
    _require_active(step.promotion)
    started_on = started_on or timezone.localdate()
    _not_future(started_on, _("A step cannot start in the future."))
    previous = _previous(step)
    if previous is not None and previous.status != Step.Status.DONE:
        raise DomainError(
            _("“%(step)s” can start only after “%(previous)s” is finished.")
            % {"step": step.get_kind_display(), "previous": previous.get_kind_display()}
        )
    if previous is not None and previous.actual_end and started_on < previous.actual_end:
        raise DomainError(
            _("“%(step)s” cannot start before “%(previous)s” ended (%(date)s).")
            % {
                "step": step.get_kind_display(),
                "previous": previous.get_kind_display(),
                "date": previous.actual_end.isoformat(),
            }
        )
    step.move_to(Step.Status.IN_PROGRESS, by=acting_user)
    step.actual_start, step.started_by = started_on, acting_user
    step.save(update_fields=["status", "actual_start", "started_by"])
    return step


def _save_files(step: Step, files, *, acting_user) -> list[StepFile]:
    saved = []
    for upload in files or ():
        try:
            validate_output(upload)
        except ValidationError as e:
            raise DomainError(e.messages[0]) from e
        item = StepFile(
            step=step,
            file=upload,
            name=upload.name[:200],
            size=upload.size,
            uploaded_by=acting_user,
        )
        item._history_user = acting_user
        item.save()
        saved.append(item)
    return saved


@transaction.atomic
def finish_step(step: Step, *, acting_user, outputs: str, files=(), finished_on=None) -> Step:
    """The step's owner (or city staff) finishes a step under way with its outputs (what was
    produced: a report, a standard, a pilot summary …) and any output files. Finishing the
    last step completes the promotion. DomainError if the step is not under way, the outputs
    are empty, or the date is in the future or before the step started."""
    step = Step.objects.select_for_update().select_related("promotion").get(pk=step.pk)
    require_perm(acting_user, "impact.work_on_step", step)
    _require_active(step.promotion)
    finished_on = finished_on or timezone.localdate()
    _not_future(finished_on, _("A step cannot finish in the future."))
    if not _text(outputs):
        raise DomainError(_("Describe the outputs of the step."))
    if step.actual_start and finished_on < step.actual_start:
        raise DomainError(_("A step cannot finish before it started."))
    step.move_to(Step.Status.DONE, by=acting_user)
    step.outputs, step.actual_end, step.finished_by = _text(outputs), finished_on, acting_user
    step.save(update_fields=["status", "outputs", "actual_end", "finished_by"])
    _save_files(step, files, acting_user=acting_user)
    if not step.promotion.steps.exclude(status=Step.Status.DONE).exists():
        promotion = Promotion.objects.select_for_update().get(pk=step.promotion_id)
        promotion.move_to(Promotion.Status.COMPLETED, by=acting_user)
        promotion.save(update_fields=["status"])
    return step


# 复制推广


def _check_adoption(promotion: Promotion, institution: Institution, adopted_on, status) -> None:
    check_date_range(adopted_on)
    if status not in Adoption.Status.values:
        raise DomainError(_("Choose the status of the adoption."))
    if institution.pk == promotion.project.implementing_unit_id:
        raise DomainError(_("The project's own unit does not adopt its model."))


@transaction.atomic
def add_adoption(
    promotion: Promotion, *, acting_user, institution, adopted_on, status=None, note=""
) -> Adoption:
    """City staff record that an institution adopted the promoted model, from a date. Its
    values of the source project's indicators are then recorded month by month."""
    require_perm(acting_user, "impact.manage_promotions", promotion)
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if promotion.status == Promotion.Status.CLOSED:
        raise DomainError(_("This promotion was stopped."))
    status = status or Adoption.Status.RUNNING
    _check_adoption(promotion, institution, adopted_on, status)
    if promotion.adoptions.filter(institution=institution).exists():
        raise DomainError(
            _("%(institution)s has already adopted this model.") % {"institution": institution}
        )
    adoption = Adoption(
        promotion=promotion,
        institution=institution,
        adopted_on=adopted_on,
        status=status,
        note=_text(note),
        created_by=acting_user,
    )
    adoption._history_user = acting_user
    adoption.save()
    return adoption


@transaction.atomic
def update_adoption(adoption: Adoption, *, acting_user, adopted_on, status, note="") -> Adoption:
    """City staff correct an adoption's date, status or note."""
    require_perm(acting_user, "impact.manage_promotions", adoption)
    adoption = (
        Adoption.objects.select_for_update()
        .select_related("promotion__project")
        .get(pk=adoption.pk)
    )
    _check_adoption(adoption.promotion, adoption.institution, adopted_on, status)
    adoption.adopted_on, adoption.status, adoption.note = adopted_on, status, _text(note)
    adoption._history_user = acting_user
    adoption.save(update_fields=["adopted_on", "status", "note"])
    return adoption


@transaction.atomic
def record_adoption_value(
    adoption: Adoption, *, acting_user, indicator: Indicator, period, value, source=""
) -> AdoptionValue:
    """The adopting unit (or city staff) records its value of one of the source project's
    indicators for a month; recording a month again corrects it (the history keeps both).
    DomainError if the indicator is not the source project's, the month is in the future or
    the value is no number."""
    require_perm(acting_user, "impact.record_adoption_value", adoption)
    if indicator.project_id != adoption.promotion.project_id:
        raise DomainError(_("Record the source project's indicators only."))
    check_date_range(period)
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise DomainError(_("The month cannot be in the future."))
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The value must be a number.")) from None
    if not value.is_finite():
        raise DomainError(_("The value must be a number."))
    row = (
        AdoptionValue.objects.select_for_update()
        .filter(adoption=adoption, indicator=indicator, period=period)
        .first()
    ) or AdoptionValue(adoption=adoption, indicator=indicator, period=period)
    row.value = value.quantize(Decimal("0.01"))
    row.source = _text(source)[:200]
    row.recorded_by, row.recorded_at = acting_user, timezone.now()
    row._history_user = acting_user
    row.save()
    return row


# 效果评估


@transaction.atomic
def set_intervention(project: Project, *, acting_user, date=None, reason="") -> Project:
    """City staff set the date from which the project's effect is measured (the day a change
    actually took effect, when it is not the project's start date), with the reason; no date
    goes back to the start date. The history keeps every choice, so a date moved to flatter
    a result can be seen."""
    require_perm(acting_user, "impact.set_intervention", project)
    current = Intervention.objects.select_for_update().filter(project=project).first()
    if date is None:
        if current is not None:
            current._history_user = acting_user
            current.delete()
        return project
    _not_future(date, _("The intervention date cannot be in the future."))
    if not _text(reason):
        raise DomainError(_("Give the reason for this intervention date."))
    row = current or Intervention(project=project)
    row.date, row.reason = date, _text(reason)
    row.set_by, row.set_at = acting_user, timezone.now()
    row._history_user = acting_user
    row.save()
    return project


# 制度化: policy documents


POLICY_FIELDS = ("title", "number", "issued_on", "issuer", "summary")


def _check_policy(fields: dict) -> dict:
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    fields = {k: _text(v) if isinstance(v, str) else v for k, v in fields.items()}
    if "title" in fields and not fields["title"]:
        raise DomainError(_("A policy document needs a title."))
    if "issued_on" in fields:
        _not_future(fields["issued_on"], _("A document cannot be issued in the future."))
    return fields


def _attach(document: PolicyDocument, upload) -> None:
    if not upload:
        return
    try:
        validate_policy_file(upload)
    except ValidationError as e:
        raise DomainError(e.messages[0]) from e
    document.file = upload
    document.file_name = upload.name[:200]


@transaction.atomic
def create_policy(*, acting_user, file=None, **fields) -> PolicyDocument:
    """City staff record a policy document issued from the projects' experience."""
    require_perm(acting_user, "impact.manage_policies")
    document = PolicyDocument(created_by=acting_user, **_check_policy(fields))
    _attach(document, file)
    document._history_user = acting_user
    document.save()
    return document


@transaction.atomic
def update_policy(document: PolicyDocument, *, acting_user, file=None, **fields) -> PolicyDocument:
    """City staff correct a policy document (a new file replaces the old one)."""
    require_perm(acting_user, "impact.manage_policies", document)
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    for name, value in _check_policy(fields).items():
        setattr(document, name, value)
    _attach(document, file)
    document._history_user = acting_user
    document.save()
    return document


def _check_projects(projects) -> list[Project]:
    projects = list(projects or ())
    for project in projects:
        if project.status not in CITABLE:
            raise DomainError(
                _("%(project)s was never published and cannot be cited.") % {"project": project}
            )
    return projects


def _check_article(document: PolicyDocument, number, text, article=None) -> str:
    if not number or number < 1:
        raise DomainError(_("Number the article from 1."))
    clash = document.articles.filter(number=number)
    if article is not None:
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise DomainError(_("Article %(number)s exists already.") % {"number": number})
    if not _text(text):
        raise DomainError(_("Write the article's text."))
    return _text(text)


@transaction.atomic
def add_article(
    document: PolicyDocument, *, acting_user, number: int, text: str, projects=()
) -> PolicyArticle:
    """City staff add an article with the projects it came from."""
    require_perm(acting_user, "impact.manage_policies", document)
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    article = PolicyArticle(
        document=document, number=number, text=_check_article(document, number, text)
    )
    article._history_user = acting_user
    article.save()
    article.projects.set(_check_projects(projects))
    return article


@transaction.atomic
def update_article(
    article: PolicyArticle, *, acting_user, number: int, text: str, projects=()
) -> PolicyArticle:
    """City staff correct an article or the projects it names."""
    require_perm(acting_user, "impact.manage_policies", article)
    document = PolicyDocument.objects.select_for_update().get(pk=article.document_id)
    article.text = _check_article(document, number, text, article)
    article.number = number
    article._history_user = acting_user
    article.save(update_fields=["number", "text"])
    article.projects.set(_check_projects(projects))
    return article


@transaction.atomic
def remove_article(article: PolicyArticle, *, acting_user) -> PolicyDocument:
    """City staff remove an article recorded by mistake (the history keeps it)."""
    require_perm(acting_user, "impact.manage_policies", article)
    document = article.document
    article._history_user = acting_user
    article.delete()
    return document


# 示范辐射: reach records


REACH_FIELDS = ("kind", "date", "title", "outlet", "level", "visitors", "note")


def _check_reach(fields: dict) -> dict:
    unknown = set(fields) - set(REACH_FIELDS)
    if unknown:
        raise ValueError(f"unknown reach fields: {sorted(unknown)}")
    fields = {k: _text(v) if isinstance(v, str) else v for k, v in fields.items()}
    if fields.get("kind") not in ReachRecord.Kind.values:
        raise DomainError(_("Choose the kind of record."))
    if not fields.get("title") or not fields.get("outlet"):
        raise DomainError(_("Give the title and the outlet, meeting or visitors."))
    _not_future(fields["date"], _("A record cannot be dated in the future."))
    if fields.get("kind") != ReachRecord.Kind.DELEGATION:
        fields["visitors"] = None
    return fields


@transaction.atomic
def create_reach(*, acting_user, projects=(), **fields) -> ReachRecord:
    """City staff record a media report, a conference speech or a visiting delegation."""
    require_perm(acting_user, "impact.manage_reach")
    record = ReachRecord(created_by=acting_user, **_check_reach(fields))
    record._history_user = acting_user
    record.save()
    record.projects.set(_check_projects(projects))
    return record


@transaction.atomic
def update_reach(record: ReachRecord, *, acting_user, projects=(), **fields) -> ReachRecord:
    """City staff correct a reach record and the projects it names."""
    require_perm(acting_user, "impact.manage_reach", record)
    record = ReachRecord.objects.select_for_update().get(pk=record.pk)
    for name, value in _check_reach(fields).items():
        setattr(record, name, value)
    record._history_user = acting_user
    record.save()
    record.projects.set(_check_projects(projects))
    return record
