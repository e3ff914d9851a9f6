"""Events, invitees, the visit record and suggestions: each suggestion is an officer-channel
feedback item; adoption needs a project or a measure; the status moves one way."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from jiebang.core.errors import DomainError
from jiebang.experience import services
from jiebang.experience.models import Event, Invitee, Suggestion
from jiebang.needs.models import Channel, FeedbackItem
from jiebang.projects.models import Project
from tests.factories.projects import ProjectFactory

from .conftest import days_ago

S = Suggestion.Status


def test_a_suggestion_is_an_officer_feedback_item(guanxian_event, guanxian_bureau, suggest):
    suggestion = suggest(guanxian_event, guanxian_bureau, "挂号排队时间太长，建议增加自助挂号机。")
    item = suggestion.feedback_item
    assert item.channel == Channel.OFFICER
    assert item.text == "挂号排队时间太长，建议增加自助挂号机。"
    assert item.region.name == "冠县" and item.institution == guanxian_event.host
    assert item.confidence is not None  # classified by the stage-1 classifier
    assert item.received_at.date() == guanxian_event.date
    assert FeedbackItem.objects.filter(channel=Channel.OFFICER).count() == 1
    assert suggestion.status == S.RECEIVED and suggestion.created_by == guanxian_bureau


def test_the_event_takes_its_hosts_region(make_event, task_force, guanxian_institution):
    event = make_event(task_force, host=guanxian_institution)
    assert event.region == guanxian_institution.region
    assert event.status == Event.Status.PLANNED
    with pytest.raises(DomainError, match="主办机构|region"):
        make_event(task_force)


def test_suggestions_come_from_a_held_event_and_its_invitees(
    make_event, task_force, guanxian, guanxian_event, suggest
):
    planned = make_event(
        task_force, region=guanxian, invitees=[("周代表", Invitee.Category.NPC_DEPUTY)]
    )
    with pytest.raises(DomainError):
        suggest(planned, task_force)
    with pytest.raises(DomainError):  # an invitee of another event
        suggest(guanxian_event, task_force, invitee=planned.invitees.get())
    with pytest.raises(DomainError):
        suggest(guanxian_event, task_force, text="   ")
    assert not Suggestion.objects.exists() and not FeedbackItem.objects.exists()


def test_the_visit_is_recorded_on_or_after_the_date(make_event, task_force, guanxian):
    future = make_event(task_force, region=guanxian, date=days_ago(-3))
    with pytest.raises(DomainError):
        services.record_visit(future, acting_user=task_force, visit_record="看过了")
    event = make_event(task_force, region=guanxian)
    with pytest.raises(DomainError):
        services.record_visit(event, acting_user=task_force, visit_record=" ")
    event = services.record_visit(
        event, acting_user=task_force, visit_record="观摩一站式服务中心", methods=["panel"]
    )
    assert event.status == Event.Status.HELD and event.visit_recorded_by == task_force
    assert event.methods == ["panel"]
    amended = services.record_visit(event, acting_user=task_force, visit_record="补充座谈情况")
    assert amended.status == Event.Status.HELD and amended.visit_record == "补充座谈情况"
    with pytest.raises(DomainError):  # a held event is not moved into the future
        services.update_event(amended, acting_user=task_force, date=days_ago(-1))


def test_adoption_needs_a_project_or_a_measure(guanxian_event, task_force, suggest):
    suggestion = suggest(guanxian_event, task_force)
    with pytest.raises(DomainError, match="项目|project"):
        services.decide_suggestion(suggestion, acting_user=task_force, adopted=True)
    adopted = services.decide_suggestion(
        suggestion, acting_user=task_force, adopted=True, measure="开设术前检查集中预约窗口"
    )
    assert adopted.status == S.ADOPTED and adopted.measure == "开设术前检查集中预约窗口"
    assert adopted.decided_by == task_force and adopted.decided_at is not None
    with pytest.raises(DomainError):  # decided once
        services.decide_suggestion(adopted, acting_user=task_force, adopted=False, note="不")


def test_adopted_into_a_project(guanxian_event, task_force, suggest):
    project = ProjectFactory(status=Project.Status.PUBLISHED, title="“预住院”服务模式")
    suggestion = services.study_suggestion(
        suggest(guanxian_event, task_force), acting_user=task_force
    )
    assert suggestion.status == S.STUDYING
    with pytest.raises(DomainError):  # under study once
        services.study_suggestion(suggestion, acting_user=task_force)
    adopted = services.decide_suggestion(
        suggestion, acting_user=task_force, adopted=True, project=project
    )
    assert adopted.project == project and adopted.measure == ""
    assert list(project.officer_suggestions.all()) == [adopted]
    withdrawn = ProjectFactory(status=Project.Status.WITHDRAWN)
    other = suggest(guanxian_event, task_force, "建议增加夜间门诊。")
    with pytest.raises(DomainError):
        services.decide_suggestion(other, acting_user=task_force, adopted=True, project=withdrawn)


def test_not_adopted_needs_the_reason(guanxian_event, guanxian_bureau, suggest):
    suggestion = suggest(guanxian_event, guanxian_bureau)
    with pytest.raises(DomainError):
        services.decide_suggestion(suggestion, acting_user=guanxian_bureau, adopted=False)
    declined = services.decide_suggestion(
        suggestion,
        acting_user=guanxian_bureau,
        adopted=False,
        note="需医保部门明确政策",
        measure="不会保存",
    )
    assert declined.status == S.NOT_ADOPTED and declined.decision_note == "需医保部门明确政策"
    assert declined.measure == "" and declined.project is None


def test_the_database_refuses_an_adoption_without_outcome(guanxian_event, task_force, suggest):
    suggestion = suggest(guanxian_event, task_force)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(status=S.ADOPTED)


def test_an_invitee_with_suggestions_stays(guanxian_event, task_force, suggest):
    deputy, patient = guanxian_event.invitees.order_by("pk")
    suggest(guanxian_event, task_force, invitee=deputy)
    with pytest.raises(DomainError):
        services.remove_invitee(deputy, acting_user=task_force)
    services.remove_invitee(patient, acting_user=task_force)
    assert list(guanxian_event.invitees.all()) == [deputy]


def test_who_may_change_what(
    make_event,
    guanxian_event,
    shenxian,
    shenxian_institution,
    guanxian_bureau,
    donge_unit,
    city_admin,
    suggest,
):
    with pytest.raises(PermissionDenied):  # a unit runs no event
        make_event(donge_unit, region=shenxian)
    with pytest.raises(PermissionDenied):  # a bureau runs none in another county
        make_event(guanxian_bureau, region=shenxian)
    with pytest.raises(DomainError):  # nor at a host it does not see
        make_event(guanxian_bureau, host=shenxian_institution)
    with pytest.raises(PermissionDenied):
        services.update_event(guanxian_event, acting_user=guanxian_bureau, region=shenxian)
    suggestion = suggest(guanxian_event, city_admin)
    with pytest.raises(PermissionDenied):
        services.decide_suggestion(suggestion, acting_user=donge_unit, adopted=False, note="x")
    services.decide_suggestion(suggestion, acting_user=city_admin, adopted=False, note="已有")
