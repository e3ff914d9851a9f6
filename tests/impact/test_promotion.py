"""The four steps in order, their owners and outputs; adoptions and their own values."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from jiebang.core.errors import DomainError
from jiebang.impact import services
from jiebang.impact.models import Adoption, AdoptionValue, Promotion, Step
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project
from tests.conftest import pending
from tests.factories.orgs import unit_head
from tests.factories.projects import ProjectFactory, today

from .conftest import month

PDF = b"%PDF-1.4 pilot summary"


def days(n):
    return today() + datetime.timedelta(days=n)


def steps_of(promotion):
    return list(promotion.steps.order_by("order"))


def test_a_promotion_starts_with_its_four_steps_in_order(promotion):
    kinds = [s.kind for s in steps_of(promotion)]
    assert kinds == ["research", "pilot", "distil", "rollout"]
    assert {s.status for s in steps_of(promotion)} == {Step.Status.NOT_STARTED}
    assert promotion.status == Promotion.Status.ACTIVE
    assert promotion.history.count() == 1


def test_only_a_carried_project_can_be_promoted_and_only_once_at_a_time(
    promotion, project, city_admin
):
    with pytest.raises(DomainError):
        services.start_promotion(project, acting_user=city_admin, title="又一次")
    draft = ProjectFactory()
    with pytest.raises(DomainError):
        services.start_promotion(draft, acting_user=city_admin, title="草稿项目")
    services.close_promotion(promotion, acting_user=city_admin, reason="模式调整")
    again = services.start_promotion(project, acting_user=city_admin, title="调整后的模式")
    assert again.status == Promotion.Status.ACTIVE


def test_stopping_needs_a_reason(promotion, city_admin):
    with pytest.raises(DomainError):
        services.close_promotion(promotion, acting_user=city_admin, reason=" ")


def test_a_unit_cannot_start_a_promotion(project, head):
    with pytest.raises(PermissionDenied):
        services.start_promotion(project, acting_user=head, title="自己推广")


def test_a_step_starts_only_after_the_one_before_it_is_finished(promotion, task_force):
    research, pilot, distil, rollout = steps_of(promotion)
    with pytest.raises(DomainError, match="调研诊断|Research"):
        services.start_step(pilot, acting_user=task_force)
    services.start_step(research, acting_user=task_force, started_on=days(-40))
    with pytest.raises(DomainError):
        services.start_step(pilot, acting_user=task_force)  # research is under way, not done
    with pytest.raises(DomainError):
        services.finish_step(research, acting_user=task_force, outputs="")  # no outputs
    services.finish_step(
        research, acting_user=task_force, outputs="调研诊断报告", finished_on=days(-30)
    )
    with pytest.raises(DomainError):  # before the previous step ended
        services.start_step(pilot, acting_user=task_force, started_on=days(-31))
    with pytest.raises(DomainError):  # in the future
        services.start_step(pilot, acting_user=task_force, started_on=days(1))
    with pytest.raises(DomainError):  # finishing a step that has not started
        services.finish_step(distil, acting_user=task_force, outputs="规范")
    for step, (start, end) in zip(
        (pilot, distil, rollout), ((-29, -20), (-19, -10), (-9, -1)), strict=True
    ):
        services.start_step(step, acting_user=task_force, started_on=days(start))
        services.finish_step(step, acting_user=task_force, outputs="成果", finished_on=days(end))
    promotion.refresh_from_db()
    assert promotion.status == Promotion.Status.COMPLETED
    assert [s.status for s in steps_of(promotion)] == [Step.Status.DONE] * 4
    research.refresh_from_db()
    assert research.actual_start == days(-40) and research.actual_end == days(-30)
    assert research.finished_by == task_force
    assert research.history.count() == 3  # created, started, finished


def test_a_step_cannot_finish_before_it_started(promotion, task_force):
    research = steps_of(promotion)[0]
    services.start_step(research, acting_user=task_force, started_on=days(-5))
    with pytest.raises(DomainError):
        services.finish_step(research, acting_user=task_force, outputs="报告", finished_on=days(-6))


def test_the_owner_works_on_the_step_and_only_they_or_city_staff(
    promotion, city_admin, head, other_unit_user
):
    research = steps_of(promotion)[0]
    services.plan_step(
        research, acting_user=city_admin, owner=head, planned_start=days(0), planned_end=days(20)
    )
    research.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.start_step(research, acting_user=other_unit_user)
    services.start_step(research, acting_user=head)
    pdf = SimpleUploadedFile("调研报告.pdf", PDF, content_type="application/pdf")
    services.finish_step(research, acting_user=head, outputs="调研诊断报告", files=[pdf])
    assert research.files.get().name == "调研报告.pdf"


def test_an_output_file_must_be_what_its_name_says(promotion, task_force):
    research = steps_of(promotion)[0]
    services.start_step(research, acting_user=task_force)
    fake = SimpleUploadedFile("报告.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.finish_step(research, acting_user=task_force, outputs="报告", files=[fake])


def test_an_owner_must_see_the_project(promotion, city_admin, shenxian_bureau, other_unit_user):
    research = steps_of(promotion)[0]
    for outsider in (shenxian_bureau, other_unit_user):
        with pytest.raises(DomainError):
            services.plan_step(
                research,
                acting_user=city_admin,
                owner=outsider,
                planned_start=None,
                planned_end=None,
            )
    with pytest.raises(DomainError):
        services.plan_step(
            research, acting_user=city_admin, owner=None, planned_start=days(5), planned_end=days(1)
        )


def test_the_owner_finds_the_step_in_their_queue_when_it_can_start(
    promotion, city_admin, head, task_force
):
    research, pilot, *_rest = steps_of(promotion)
    services.plan_step(
        research, acting_user=city_admin, owner=head, planned_start=None, planned_end=days(10)
    )
    services.plan_step(
        pilot, acting_user=city_admin, owner=task_force, planned_start=None, planned_end=days(40)
    )
    assert list(pending(head, "impact.promotion_step")) == [research]
    assert not pending(task_force, "impact.promotion_step").exists()  # the pilot waits
    services.start_step(research, acting_user=head)
    assert pending(head, "impact.promotion_step").exists()  # under way: still theirs
    services.finish_step(research, acting_user=head, outputs="报告")
    assert not pending(head, "impact.promotion_step").exists()
    assert list(pending(task_force, "impact.promotion_step")) == [pilot]


# Adoptions


@pytest.fixture
def liaocheng():
    return Institution.objects.get(name="聊城市第二人民医院")


def test_an_adoption_by_another_institution_once(promotion, city_admin, liaocheng, project):
    adoption = services.add_adoption(
        promotion, acting_user=city_admin, institution=liaocheng, adopted_on=month(-4)
    )
    assert adoption.status == Adoption.Status.RUNNING
    with pytest.raises(DomainError):
        services.add_adoption(
            promotion, acting_user=city_admin, institution=liaocheng, adopted_on=month(-3)
        )
    with pytest.raises(DomainError):  # the source unit does not adopt its own model
        services.add_adoption(
            promotion,
            acting_user=city_admin,
            institution=project.implementing_unit,
            adopted_on=month(-3),
        )


def test_the_adopting_unit_records_its_own_values(promotion, city_admin, liaocheng, project, head):
    adoption = services.add_adoption(
        promotion, acting_user=city_admin, institution=liaocheng, adopted_on=month(-4)
    )
    indicator = project.indicators.order_by("pk").first()
    adopter = unit_head(liaocheng)
    row = services.record_adoption_value(
        adoption,
        acting_user=adopter,
        indicator=indicator,
        period=month(-1).replace(day=15),
        value="3.20",
    )
    assert row.period == month(-1) and str(row.value) == "3.20"
    # The same month again corrects the value; the history keeps both.
    services.record_adoption_value(
        adoption, acting_user=adopter, indicator=indicator, period=month(-1), value=3.1
    )
    assert str(AdoptionValue.objects.get().value) == "3.10"
    assert AdoptionValue.history.count() == 2
    with pytest.raises(PermissionDenied):  # the source unit records nothing for the adopter
        services.record_adoption_value(
            adoption, acting_user=head, indicator=indicator, period=month(-2), value=3
        )
    with pytest.raises(DomainError):
        services.record_adoption_value(
            adoption, acting_user=adopter, indicator=indicator, period=month(1), value=3
        )
    other = ProjectFactory(status=Project.Status.IN_PROGRESS).indicators.first()
    with pytest.raises(DomainError):
        services.record_adoption_value(
            adoption, acting_user=adopter, indicator=other, period=month(-2), value=3
        )


def test_an_adopters_values_measure_its_own_effect(promotion, city_admin, liaocheng, project):
    from jiebang.impact import queries

    adoption = services.add_adoption(
        promotion, acting_user=city_admin, institution=liaocheng, adopted_on=month(-5)
    )
    indicator = project.indicators.order_by("pk").first()
    adopter = unit_head(liaocheng)
    for shift in range(-17, 0):
        value = (4.5 if shift < -5 else 3.0) + (0.1 if shift % 2 else -0.1)
        services.record_adoption_value(
            adoption, acting_user=adopter, indicator=indicator, period=month(shift), value=value
        )
    effects = {e.indicator.pk: e for e in queries.adoption_effects(adoption)}
    mine = effects[indicator.pk]
    assert mine.enough and (mine.n_before, mine.n_after) == (12, 5)
    assert mine.comparison.difference.contains(-1.5)
    assert mine.verdict["code"] == "improved"  # lower is better
    assert mine.segmented.enough
    # The other indicator has no values: no figure, and why.
    (other,) = [e for k, e in effects.items() if k != indicator.pk]
    assert not other.enough and other.reason
