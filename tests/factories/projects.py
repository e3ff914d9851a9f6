"""Projects along their pipeline, their lists (榜单), indicators, milestones and claims (点单).

A project is created as a draft and then moved step by step to the status asked for, through
Project.move_to (so every step is a legal transition with its StatusChange): published in a
published list; claimed through an approved claim of its unit (open channel) or assigned
(directed channel); contracted through the unit head's confirmed responsibility letter. Pass
`claim=False` or `letter=False` to skip those rows (the project still gets the status)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from jiebang.projects.models import (
    Claim,
    Dimension,
    Indicator,
    Milestone,
    Project,
    ProjectList,
)

from .orgs import city_admin, county_bureau_over, existing_member, institution

S = Project.Status
# The statuses a project passes through, per channel (withdrawn is reached from a draft).
PIPELINES = {
    Project.Channel.OPEN: [S.DRAFT, S.PUBLISHED, S.CLAIMED, S.CONTRACTED, S.IN_PROGRESS],
    Project.Channel.DIRECTED: [S.DRAFT, S.PUBLISHED, S.ASSIGNED, S.CONTRACTED, S.IN_PROGRESS],
}
for _pipeline in PIPELINES.values():
    _pipeline += [S.COMPLETED, S.EVALUATED]
# From these on a project has its implementing unit.
CARRIED = (S.CLAIMED, S.ASSIGNED, S.CONTRACTED, S.IN_PROGRESS, S.COMPLETED, S.EVALUATED)


def today() -> datetime.date:
    return timezone.localdate()


def steps(channel: str, status: str) -> list[str]:
    """The statuses after draft that lead to `status` on `channel`; ValueError when the
    channel never reaches it (a directed project is never claimed, an open one never
    assigned)."""
    if status == S.WITHDRAWN:
        return [S.WITHDRAWN]
    pipeline = PIPELINES[channel]
    if status not in pipeline:
        raise ValueError(f"a {channel} project is never {status}")
    return pipeline[1 : pipeline.index(status) + 1]


class ProjectListFactory(DjangoModelFactory):
    """A 榜单 in draft; `published=True` for a published one."""

    class Meta:
        model = ProjectList
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=ProjectList.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    name = factory.Sequence(lambda n: f"测试榜单第{n}批")
    round_number = 1
    status = ProjectList.Status.DRAFT
    guide_process = "单位申报、县级推荐、市级审定。"
    created_by = factory.LazyFunction(city_admin)


def dimension(name: str = "流程优化") -> Dimension:
    """A reform dimension (the nine are seeded by a migration)."""
    return Dimension.objects.get_or_create(name=name, defaults={"order": 1})[0]


class ProjectFactory(DjangoModelFactory):
    """A project with one indicator and one milestone, in `status` (draft by default).

    The channel follows the status unless given: assigned means directed (委托), every other
    status open (申报). From claimed or assigned on it has an implementing unit, 冠县人民医院
    unless `implementing_unit` says otherwise; from published on it is in a published list.
    The letter of a contracted project is confirmed by the unit's head: the first one, or a
    new one when the unit has none (make a test's own head before the project). Only `create`
    is supported (the pipeline writes rows)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    # Never the services' JB{year}-NNN: next_code() counts on those being its own.
    code = factory.Sequence(lambda n: f"JBF{n:05d}")
    title = factory.Sequence(lambda n: f"预住院服务改革{n}")
    description = "术前检查在门诊完成，缩短平均住院日。"
    status = S.DRAFT
    channel = factory.LazyAttribute(
        lambda o: Project.Channel.DIRECTED if o.status == S.ASSIGNED else Project.Channel.OPEN
    )
    dimension = factory.LazyFunction(dimension)
    implementing_unit = factory.LazyAttribute(
        lambda o: (
            institution() if o.channel == Project.Channel.DIRECTED or o.status in CARRIED else None
        )
    )
    start_date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=90))
    end_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=275))
    project_list = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status not in (S.DRAFT, S.WITHDRAWN)),
        yes_declaration=factory.SubFactory(ProjectListFactory, published=True),
        no_declaration=None,
    )
    created_by = factory.LazyFunction(city_admin)
    # Rows besides the project: claim (open channel) and letter (from contracted on).
    claim = True
    letter = True

    indicator = factory.RelatedFactory(
        "tests.factories.projects.IndicatorFactory", factory_related_name="project"
    )
    milestone = factory.RelatedFactory(
        "tests.factories.projects.MilestoneFactory", factory_related_name="project"
    )

    @classmethod
    def _create(cls, model_class, *args, status=S.DRAFT, claim=True, letter=True, **kwargs):
        path = steps(kwargs["channel"], status)
        unit = kwargs.get("implementing_unit")
        if kwargs["channel"] == Project.Channel.OPEN:
            kwargs["implementing_unit"] = None  # an open project gets its unit by a claim
        project = super()._create(model_class, *args, **kwargs)
        project._factory_pipeline = (path, unit, claim, letter)
        return project

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("ProjectFactory only creates (its pipeline writes rows)")

    @factory.post_generation
    def pipeline(obj, create, extracted, **kwargs):
        """Walk the draft to its status (after the indicator and the milestone exist, so a
        letter states them)."""
        path, unit, claim, letter = obj._factory_pipeline
        admin = city_admin()
        for status in path:
            if status == S.CLAIMED and claim:
                ClaimFactory(project=obj, claimant_unit=unit, approved=True)
            elif status == S.CLAIMED:
                obj.implementing_unit = unit
                obj.save(update_fields=["implementing_unit"])
                obj.move_to(status, by=admin, reason=str(unit))
            elif status == S.CONTRACTED and letter:
                from .accountability import ResponsibilityLetterFactory

                ResponsibilityLetterFactory(project=obj, confirmed=True)
            else:
                obj.move_to(status, by=admin)
        del obj._factory_pipeline


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory, indicator=None)
    name = factory.Sequence(lambda n: f"术前平均等待时间{n}")
    unit = "天"
    baseline = 5
    target = 2
    direction = Indicator.Direction.DOWN
    method = "病案首页统计"
    frequency = Indicator.Frequency.MONTHLY


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory, milestone=None)
    title = "试点科室上线"
    due_date = factory.LazyAttribute(
        lambda o: o.project.end_date or today() + datetime.timedelta(days=90)
    )


def _now():
    return factory.LazyFunction(timezone.now)


class ClaimFactory(DjangoModelFactory):
    """A submitted claim of a unit (冠县人民医院) on a published open project; `endorsed`,
    `approved` or `rejected` for the later steps. An approved claim on a published project
    makes its unit the implementing unit and moves the project to claimed."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    class Params:
        endorsed = factory.Trait(
            status=Claim.Status.ENDORSED,
            county_note="同意推荐",
            endorsed_by=factory.LazyAttribute(lambda o: county_bureau_over(o.claimant_unit)),
            endorsed_at=_now(),
        )
        approved = factory.Trait(
            status=Claim.Status.APPROVED,
            county_note="同意推荐",
            endorsed_by=factory.LazyAttribute(lambda o: county_bureau_over(o.claimant_unit)),
            endorsed_at=_now(),
            decided_by=factory.LazyFunction(city_admin),
            decided_at=_now(),
        )
        rejected = factory.Trait(
            status=Claim.Status.REJECTED,
            decision_reason="实施方案不具体",
            decided_by=factory.LazyFunction(city_admin),
            decided_at=_now(),
        )

    project = factory.SubFactory(ProjectFactory, status=S.PUBLISHED)
    claimant_unit = factory.LazyFunction(institution)
    plan = "成立专班，分三阶段在试点科室推开。"
    status = Claim.Status.SUBMITTED
    created_by = factory.LazyAttribute(lambda o: existing_member(o.claimant_unit))

    @factory.post_generation
    def decide(obj, create, extracted, **kwargs):
        project = obj.project
        if create and obj.status == Claim.Status.APPROVED and project.status == S.PUBLISHED:
            project.implementing_unit = obj.claimant_unit
            project.save(update_fields=["implementing_unit"])
            project.move_to(S.CLAIMED, by=obj.decided_by, reason=str(obj.claimant_unit))
