"""Every change of the evaluation (F6.1): rounds, nominations and their screening, the on-site
verification, the panel and its draw under the conflict-of-interest rule, the score sheets,
closing and publishing the top ten (recorded as 十佳 recognitions through the assessment app).

Conflict of interest: a rater never scores a nomination of their own institution (the
implementing or the nominating unit) nor of their county (the county of their institution, or
the region of their account, is the county of the implementing or the nominating unit). The
draw leaves such pairs out, and every service that gives or fills a sheet refuses them.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from jiebang.assessment import services as assessment
from jiebang.assessment.models import Recognition
from jiebang.core.errors import DomainError
from jiebang.core.forms import check_date_range
from jiebang.core.permissions import require_perm
from jiebang.core.roles import Role
from jiebang.orgs.models import Region, User
from jiebang.projects.models import Project

from . import draw as drawing
from .models import (
    Criterion,
    EvaluationRound,
    Nomination,
    PanelMember,
    ScoreSheet,
    TopTenEntry,
    Verification,
    validate_evidence,
)

Status = EvaluationRound.Status
TOP = 10
RATER_ROLES = (Role.PANEL, Role.EXPERT)
# A project can be nominated once its unit has finished it (or, when the round admits them,
# while it is still in progress).
NOMINABLE = (Project.Status.COMPLETED, Project.Status.EVALUATED)
NOMINABLE_IN_PROGRESS = (*NOMINABLE, Project.Status.IN_PROGRESS)


def nominable_statuses(round_: EvaluationRound) -> tuple:
    return NOMINABLE_IN_PROGRESS if round_.admits_in_progress else NOMINABLE


# -- Conflict of interest --------------------------------------------------------------------


def _county(region: Region | None) -> Region | None:
    return region.county if region is not None else None


def rater_county(user) -> Region | None:
    """The county a rater belongs to: their account's region, else their institution's."""
    region = user.region or (user.institution.region if user.institution_id else None)
    return _county(region)


def _nomination_parties(nomination: Nomination) -> tuple[set, set]:
    """The institutions and the counties (their ids) a nomination belongs to."""
    units = {u for u in (nomination.project.implementing_unit, nomination.nominating_unit) if u}
    counties = {c.pk for c in (_county(u.region) for u in units) if c is not None}
    return {u.pk for u in units}, counties


_LOOK_UP = object()


def conflict_of_interest(user, nomination: Nomination, *, county=_LOOK_UP, parties=None) -> str:
    """Why `user` may not score `nomination` ('' when they may). `county` (the user's, None
    for none) and `parties` save the lookups when the caller checks many pairs."""
    units, counties = parties or _nomination_parties(nomination)
    if user.institution_id and user.institution_id in units:
        return _("%(user)s works at %(unit)s, whose project this is.") % {
            "user": user,
            "unit": user.institution,
        }
    county = rater_county(user) if county is _LOOK_UP else county
    if county is not None and county.pk in counties:
        return _("%(user)s belongs to %(county)s, the county of this nomination.") % {
            "user": user,
            "county": county,
        }
    return ""


def _require_no_conflict(user, nomination: Nomination) -> None:
    if reason := conflict_of_interest(user, nomination):
        raise DomainError(_("Conflict of interest: %(reason)s") % {"reason": reason})


# -- Rounds ----------------------------------------------------------------------------------

ROUND_FIELDS = {
    "name",
    "year",
    "nomination_deadline",
    "scoring_deadline",
    "admits_in_progress",
    *(f"weight_{code}" for code in Criterion.values),
}


def _check_round(fields: dict) -> None:
    unknown = set(fields) - ROUND_FIELDS
    if unknown:
        raise ValueError(f"unknown round fields: {sorted(unknown)}")
    if "name" in fields and not str(fields["name"]).strip():
        raise DomainError(_("A round needs a name."))
    if "year" in fields and not 2000 <= fields["year"] <= timezone.localdate().year + 1:
        raise DomainError(_("The year %(year)s is not a valid year.") % {"year": fields["year"]})
    check_date_range(fields.get("nomination_deadline"), fields.get("scoring_deadline"))
    weights = [fields[f"weight_{c}"] for c in Criterion.values if f"weight_{c}" in fields]
    if any(w is None or w < 0 for w in weights):
        raise DomainError(_("Weights cannot be negative."))


def _check_weight_sum(round_: EvaluationRound) -> None:
    if not sum(round_.weights().values(), Decimal(0)) > 0:
        raise DomainError(_("At least one criterion needs a positive weight."))


@transaction.atomic
def create_round(*, acting_user, name: str, year: int, **fields) -> EvaluationRound:
    """The city admin opens a round for nominations. DomainError on a blank name, a year
    outside 2000..next year, a negative weight or weights that are all zero."""
    require_perm(acting_user, "evaluation.manage_rounds")
    fields = {"name": name.strip(), "year": year, **fields}
    _check_round(fields)
    round_ = EvaluationRound(created_by=acting_user, **fields)
    _check_weight_sum(round_)
    round_._history_user = acting_user
    round_.save()
    return round_


def _locked(round_: EvaluationRound) -> EvaluationRound:
    return EvaluationRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def update_round(round_: EvaluationRound, *, acting_user, **fields) -> EvaluationRound:
    """The city admin changes the round: the weights until scoring is closed (the ranking is
    final then), the rest until the top ten is published."""
    require_perm(acting_user, "evaluation.manage_rounds", round_)
    round_ = _locked(round_)
    if round_.status == Status.PUBLISHED:
        raise DomainError(_("The top ten of this round is published; the round is final."))
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    _check_round(fields)
    changed = {k: v for k, v in fields.items() if getattr(round_, k) != v}
    if round_.is_over and any(k.startswith("weight_") for k in changed):
        raise DomainError(_("The weights are fixed once scoring is closed."))
    for name, value in changed.items():
        setattr(round_, name, value)
    _check_weight_sum(round_)
    if changed:
        round_._history_user = acting_user
        round_.save(update_fields=list(changed))
    return round_


# -- Nominations -----------------------------------------------------------------------------


def nominable_projects(round_: EvaluationRound, user):
    """The projects `user` may nominate in the round now: carried by a unit, in their scope,
    finished (or in progress where the round admits it) and not nominated in it yet."""
    live = round_.nominations.filter(status__in=Nomination.LIVE).values("project")
    return (
        Project.objects.implemented_visible_to(user)
        .filter(status__in=nominable_statuses(round_), implementing_unit__isnull=False)
        .exclude(pk__in=live)
        .select_related("implementing_unit")
        .order_by("code")
    )


@transaction.atomic
def nominate(
    round_: EvaluationRound, project: Project, *, acting_user, write_up: str, evidence=None
) -> Nomination:
    """A unit nominates one of its projects (a county bureau one of its county's, the city
    admin any) with the case write-up and optional evidence. PermissionDenied for other roles
    or once nominations are closed; DomainError after the deadline, without a write-up, for a
    project outside the user's scope, not finished (see nominable_statuses) or nominated
    already, or for evidence of the wrong kind."""
    require_perm(acting_user, "evaluation.nominate", round_)
    round_ = _locked(round_)
    if round_.status != Status.NOMINATING:
        raise DomainError(_("This round no longer takes nominations."))
    deadline = round_.nomination_deadline
    if deadline and timezone.localdate() > deadline:
        raise DomainError(_("Nominations closed on %(date)s.") % {"date": deadline.isoformat()})
    if not write_up.strip():
        raise DomainError(_("A nomination needs the case write-up."))
    if not Project.objects.implemented_visible_to(acting_user).filter(pk=project.pk).exists():
        raise DomainError(_("You can nominate only projects of your own unit or county."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.implementing_unit_id is None or project.status not in nominable_statuses(round_):
        if round_.admits_in_progress:
            raise DomainError(_("Only projects in progress or completed can be nominated."))
        raise DomainError(_("Only completed projects can be nominated in this round."))
    if round_.nominations.filter(project=project, status__in=Nomination.LIVE).exists():
        raise DomainError(
            _("%(project)s is nominated in this round already.") % {"project": project.code}
        )
    if evidence:
        try:
            validate_evidence(evidence)
        except ValidationError as e:
            raise DomainError(" ".join(e.messages)) from e
    unit = acting_user.institution if acting_user.role in (Role.UNIT, Role.COUNTY_BUREAU) else None
    nomination = Nomination(
        round=round_,
        project=project,
        nominated_by=acting_user,
        nominating_unit=unit,
        write_up=write_up.strip(),
        evidence=evidence or "",
    )
    nomination._history_user = acting_user
    nomination.save()
    return nomination


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round", "project__implementing_unit__region")
        .get(pk=nomination.pk)
    )


@transaction.atomic
def withdraw_nomination(nomination: Nomination, *, acting_user) -> Nomination:
    """Whoever nominated (or the city admin) withdraws a nomination while the round takes
    nominations."""
    require_perm(acting_user, "evaluation.withdraw_nomination", nomination)
    nomination = _locked_nomination(nomination)
    if nomination.round.status != Status.NOMINATING or nomination.status not in Nomination.LIVE:
        raise DomainError(_("This nomination can no longer be withdrawn."))
    nomination.status = Nomination.Status.WITHDRAWN
    nomination._history_user = acting_user
    nomination.save(update_fields=["status"])
    return nomination


@transaction.atomic
def screen_nomination(
    nomination: Nomination, *, acting_user, accept: bool, note: str = ""
) -> Nomination:
    """The city admin admits a nomination to the panel's review or turns it down with a
    reason, before the panel is drawn."""
    require_perm(acting_user, "evaluation.screen_nominations", nomination)
    nomination = _locked_nomination(nomination)
    if nomination.round.status != Status.NOMINATING:
        raise DomainError(_("The panel is drawn; the nominations can no longer be screened."))
    if nomination.status not in Nomination.LIVE:
        raise DomainError(_("Only a nomination that is still live can be screened."))
    note = note.strip()
    if not accept and not note:
        raise DomainError(_("Give the reason for not admitting the nomination."))
    nomination.status = Nomination.Status.ACCEPTED if accept else Nomination.Status.REJECTED
    nomination.screened_by = acting_user
    nomination.screened_at = timezone.now()
    nomination.screening_note = note
    nomination._history_user = acting_user
    nomination.save(update_fields=["status", "screened_by", "screened_at", "screening_note"])
    return nomination


@transaction.atomic
def record_verification(
    nomination: Nomination,
    *,
    acting_user,
    visited_on,
    inspectors: str,
    findings: str,
    verdict: str,
) -> Verification:
    """City staff record (or correct) the on-site verification (场景化验证) of a live
    nomination until scoring is closed. DomainError for a visit in the future or blank text."""
    require_perm(acting_user, "evaluation.record_verification", nomination)
    nomination = _locked_nomination(nomination)
    if nomination.round.is_over or nomination.status not in Nomination.LIVE:
        raise DomainError(_("The verification of this nomination can no longer change."))
    check_date_range(visited_on)
    if visited_on > timezone.localdate():
        raise DomainError(_("The visit cannot lie in the future."))
    if not inspectors.strip() or not findings.strip():
        raise DomainError(_("Name the inspectors and write down the findings."))
    verification = Verification.objects.filter(nomination=nomination).first() or Verification(
        nomination=nomination
    )
    verification.visited_on = visited_on
    verification.inspectors = inspectors.strip()
    verification.findings = findings.strip()
    verification.verdict = Verification.Verdict(verdict)
    verification.recorded_by = acting_user
    verification._history_user = acting_user
    verification.save()
    return verification


# -- The panel -------------------------------------------------------------------------------


def panel_candidates():
    """Who may sit on a panel: active users with the panel or the expert role."""
    return User.objects.filter(role__in=RATER_ROLES, is_active=True).order_by("role", "username")


@transaction.atomic
def add_panel_member(
    round_: EvaluationRound, *, acting_user, user, kind: str, affiliation: str = ""
) -> PanelMember:
    """The city admin gives a panel member or an expert a seat on the round's panel (of a
    kind: expert, media, public supervisor) until scoring is closed."""
    require_perm(acting_user, "evaluation.manage_rounds", round_)
    round_ = _locked(round_)
    if round_.is_over:
        raise DomainError(_("Scoring is closed; the panel can no longer change."))
    if user.role not in RATER_ROLES or not user.is_active:
        raise DomainError(
            _("Only panel members and experts can score: %(users)s.") % {"users": user}
        )
    if round_.members.filter(user=user).exists():
        raise DomainError(_("%(user)s sits on this panel already.") % {"user": user})
    member = PanelMember(
        round=round_,
        user=user,
        kind=PanelMember.Kind(kind),
        affiliation=affiliation.strip(),
        added_by=acting_user,
    )
    member._history_user = acting_user
    member.save()
    return member


@transaction.atomic
def remove_panel_member(member: PanelMember, *, acting_user) -> None:
    """The city admin takes a member off the panel, with their blank sheets, as long as they
    have not handed in a sheet and scoring is not closed."""
    require_perm(acting_user, "evaluation.manage_rounds", member.round)
    round_ = _locked(member.round)
    if round_.is_over:
        raise DomainError(_("Scoring is closed; the panel can no longer change."))
    if member.sheets.submitted().exists():
        raise DomainError(
            _("%(user)s has handed in score sheets and stays on the panel.") % {"user": member.user}
        )
    for sheet in member.sheets.all():
        sheet._history_user = acting_user
        sheet.delete()
    member._history_user = acting_user
    member.delete()


def _eligibility(nominations, members) -> dict[int, list[int]]:
    """nomination pk → the pks of the members free of a conflict of interest with it."""
    counties = {m.pk: rater_county(m.user) for m in members}
    eligible = {}
    for nomination in nominations:
        parties = _nomination_parties(nomination)
        eligible[nomination.pk] = [
            m.pk
            for m in members
            if not conflict_of_interest(m.user, nomination, county=counties[m.pk], parties=parties)
        ]
    return eligible


@transaction.atomic
def draw_panel(
    round_: EvaluationRound, *, acting_user, per_nomination: int | None = None, seed=None
) -> dict[int, list[int]]:
    """The city admin draws the raters of every admitted nomination from the panel under the
    conflict-of-interest rule — `per_nomination` each, or every member free of a conflict
    when None — and opens scoring: each rater finds their sheets in their queue. A second draw
    replaces the first as long as no sheet has been handed in. Returns nomination pk → member
    pks.

    DomainError while a nomination awaits screening, without an admitted nomination or a
    panel, when a nomination has too few raters free of a conflict, or once sheets are in."""
    require_perm(acting_user, "evaluation.manage_rounds", round_)
    round_ = _locked(round_)
    if round_.status not in (Status.NOMINATING, Status.SCORING):
        raise DomainError(_("Scoring is closed; the panel can no longer be drawn."))
    if round_.sheets.submitted().exists():
        raise DomainError(
            _("Score sheets have been handed in; the panel can no longer be redrawn.")
        )
    waiting = round_.nominations.filter(status=Nomination.Status.SUBMITTED).count()
    if waiting:
        raise DomainError(_("%(count)d nominations still await screening.") % {"count": waiting})
    nominations = list(
        round_.nominations.filter(status=Nomination.Status.ACCEPTED).select_related(
            "project__implementing_unit__region", "nominating_unit__region"
        )
    )
    if not nominations:
        raise DomainError(_("No nomination has been admitted to the review."))
    members = list(round_.members.select_related("user__institution__region", "user__region"))
    if not members:
        raise DomainError(_("Add the panel members before drawing."))
    if per_nomination is not None and per_nomination < 1:
        raise DomainError(_("Each nomination needs at least one rater."))
    try:
        drawn = drawing.draw(
            _eligibility(nominations, members),
            per_nomination=per_nomination,
            kinds={m.pk: m.kind for m in members},
            seed=round_.pk if seed is None else seed,
        )
    except drawing.DrawError as e:
        nomination = next(n for n in nominations if n.pk == e.nomination)
        raise DomainError(
            _(
                "%(project)s has %(eligible)d panel members free of a conflict of interest; "
                "it needs %(needed)d."
            )
            % {"project": nomination.project.title, "eligible": e.eligible, "needed": e.needed}
        ) from None
    for sheet in round_.sheets.all():
        sheet._history_user = acting_user
        sheet.delete()
    by_pk = {m.pk: m for m in members}
    sheets = [
        ScoreSheet(round=round_, nomination_id=nomination, member=by_pk[m], rater=by_pk[m].user)
        for nomination, member_pks in drawn.items()
        for m in member_pks
    ]
    bulk_create_with_history(sheets, ScoreSheet, default_user=acting_user)
    now = timezone.now()
    if round_.status == Status.NOMINATING:
        round_.move_to(Status.SCORING, by=acting_user)
    round_.raters_per_nomination = per_nomination
    round_.drawn_at = now
    round_._history_user = acting_user
    round_.save(update_fields=["status", "raters_per_nomination", "drawn_at"])
    drawn_members = {m for member_pks in drawn.values() for m in member_pks}
    for member in members:
        member.round = round_
        member.drawn_at = now if member.pk in drawn_members else None
        member._history_user = acting_user
        member.save(update_fields=["drawn_at"])  # announces the sheets (pending.py)
    return drawn


@transaction.atomic
def assign_rater(nomination: Nomination, member: PanelMember, *, acting_user) -> ScoreSheet:
    """The city admin gives one more panel member a nomination to score while scoring runs
    (e.g. for a rater who dropped out). DomainError on a conflict of interest, a member of
    another round, a nomination not admitted or a member who has it already."""
    require_perm(acting_user, "evaluation.manage_rounds", nomination.round)
    round_ = _locked(nomination.round)
    if round_.status != Status.SCORING:
        raise DomainError(_("Raters can be given nominations only while scoring runs."))
    nomination = _locked_nomination(nomination)
    if member.round_id != round_.pk or nomination.round_id != round_.pk:
        raise DomainError(_("The member does not sit on this round's panel."))
    if nomination.status != Nomination.Status.ACCEPTED:
        raise DomainError(_("Only an admitted nomination can be scored."))
    _require_no_conflict(member.user, nomination)
    if ScoreSheet.objects.filter(nomination=nomination, rater=member.user).exists():
        raise DomainError(_("%(user)s scores this nomination already.") % {"user": member.user})
    sheet = ScoreSheet(round=round_, nomination=nomination, member=member, rater=member.user)
    sheet._history_user = acting_user
    sheet.save()
    member.round = round_
    member.drawn_at = timezone.now()
    member._history_user = acting_user
    member.save(update_fields=["drawn_at"])  # tells the rater of the new sheet
    return sheet


# -- Score sheets ----------------------------------------------------------------------------


def _score(value, criterion: str) -> Decimal:
    label = Criterion(criterion).label
    if value is None or value == "":
        raise DomainError(_("Give a score for “%(name)s”.") % {"name": label})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(
            _("The score for “%(name)s” must be between 0 and %(max)s.")
            % {"name": label, "max": 100}
        ) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise DomainError(
            _("The score for “%(name)s” must be between 0 and %(max)s.")
            % {"name": label, "max": 100}
        )
    return number.quantize(Decimal("0.01"))


def store_scores(sheet: ScoreSheet, *, acting_user, scores: dict, comment: str = "") -> bool:
    """Write the five scores and the comment of a locked sheet (the caller checked who may);
    True when something changed. DomainError unless scoring, for a conflict of interest, a
    missing score or one outside 0–100."""
    if sheet.round.status != Status.SCORING:
        raise DomainError(_("Scores can be given only while the round is scoring."))
    _require_no_conflict(sheet.rater, sheet.nomination)
    values = {code: _score(scores.get(code), code) for code in Criterion.values}
    comment = comment.strip()
    if sheet.submitted_at and sheet.scores() == values and sheet.comment == comment:
        return False
    for code, value in values.items():
        setattr(sheet, code, value)
    sheet.comment = comment
    sheet.submitted_at = timezone.now()
    sheet.entered_by = acting_user
    sheet._history_user = acting_user
    sheet.save(update_fields=[*Criterion.values, "comment", "submitted_at", "entered_by"])
    return True


def lock_sheet(sheet: ScoreSheet) -> ScoreSheet:
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related(
            "round",
            "rater__institution__region",
            "rater__region",
            "nomination__project__implementing_unit__region",
            "nomination__nominating_unit__region",
        )
        .get(pk=sheet.pk)
    )


@transaction.atomic
def submit_sheet(sheet: ScoreSheet, *, acting_user, scores: dict, comment: str = "") -> ScoreSheet:
    """The rater scores their nomination 0–100 on every criterion, with a comment; handing it
    in again replaces it until scoring is closed. PermissionDenied for anyone but the rater
    (a unit never scores); DomainError as for store_scores."""
    require_perm(acting_user, "evaluation.score", sheet)
    sheet = lock_sheet(sheet)
    store_scores(sheet, acting_user=acting_user, scores=scores, comment=comment)
    return sheet


# -- Closing and publishing ------------------------------------------------------------------


@transaction.atomic
def close_round(round_: EvaluationRound, *, acting_user) -> EvaluationRound:
    """The city admin closes scoring once every drawn sheet is handed in: the ranking is
    final, and the panel may see it. DomainError while sheets are missing."""
    require_perm(acting_user, "evaluation.manage_rounds", round_)
    round_ = _locked(round_)
    round_.move_to(Status.CLOSED, by=acting_user)
    missing = round_.sheets.filter(submitted_at__isnull=True)
    if missing.exists():
        names = sorted({str(s.rater) for s in missing.select_related("rater")})
        raise DomainError(
            _("Scoring is not complete: %(members)s still have nominations to score.")
            % {"members": "、".join(names)}
        )
    if not round_.sheets.exists():
        raise DomainError(_("No score sheet has been handed in."))
    round_.closed_at = timezone.now()
    round_.closed_by = acting_user
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    return round_


def _recognise(entry: TopTenEntry, round_: EvaluationRound, acting_user) -> Recognition:
    """The 十佳 recognition of the entry's project for the round's year, through the
    assessment app (an existing one for the year is kept)."""
    project = entry.nomination.project
    existing = Recognition.objects.filter(
        project=project, kind=Recognition.Kind.TOP_TEN, year=round_.year
    ).first()
    if existing is not None:
        return existing
    note = _("%(round)s, rank %(rank)d") % {"round": round_.name, "rank": entry.rank}
    return assessment.record_recognition(
        project,
        kind=Recognition.Kind.TOP_TEN,
        year=round_.year,
        acting_user=acting_user,
        note=note,
    )


@transaction.atomic
def publish_top_ten(
    round_: EvaluationRound, *, acting_user, citations: list[str]
) -> list[TopTenEntry]:
    """The city admin publishes the round's ten best (十佳改革项目) by the corrected ranking,
    each with its citation (评语), on the public page. Each project is recorded as a 十佳 of
    the round's year (assessment points follow) and a completed project becomes evaluated.
    DomainError unless closed, or without a citation for each of the ten."""
    from .queries import round_ranking

    require_perm(acting_user, "evaluation.publish_top_ten", round_)
    round_ = _locked(round_)
    round_.move_to(Status.PUBLISHED, by=acting_user)
    standings = round_ranking(round_).standings[:TOP]
    citations = [c.strip() for c in citations]
    if len(citations) != len(standings) or not all(citations):
        raise DomainError(_("Write the citation of each of the ten projects."))
    entries = []
    for standing, citation in zip(standings, citations, strict=True):
        entry = TopTenEntry(
            round=round_, nomination=standing.nomination, rank=standing.rank, citation=citation
        )
        entry.recognition = _recognise(entry, round_, acting_user)
        entry._history_user = acting_user
        entry.save()
        entries.append(entry)
    reason = _("Evaluated in %(round)s.") % {"round": round_.name}
    scored = round_.nominations.filter(
        status=Nomination.Status.ACCEPTED, project__status=Project.Status.COMPLETED
    ).values("project")
    for project in Project.objects.select_for_update().filter(pk__in=scored):
        project.move_to(Project.Status.EVALUATED, by=acting_user, reason=reason)
    round_.published_at = timezone.now()
    round_.published_by = acting_user
    round_.save(update_fields=["status", "published_at", "published_by"])
    return entries


def default_deadlines(today=None) -> dict:
    """A new round's suggested deadlines: nominations in a month, scoring a month later."""
    today = today or timezone.localdate()
    return {
        "nomination_deadline": today + timedelta(days=30),
        "scoring_deadline": today + timedelta(days=60),
    }
