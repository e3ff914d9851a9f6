"""The life of a public ticket through the services (no HTTP)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from jiebang.accountability.queries import escalation
from jiebang.needs.models import Category, CategoryCorrection, Channel
from jiebang.orgs.models import Institution
from jiebang.supervision import services
from jiebang.supervision.models import AspectDeadline, FollowUp, Ticket, TicketEvent
from jiebang.supervision.workdays import add_working_days
from tests.conftest import pending
from tests.factories.orgs import county

QR = Ticket.Source.QR
TEXT = "挂号窗口只开了一个，排队排了四十分钟，希望高峰时段多开窗口。"


def steps(ticket):
    return list(ticket.events.values_list("kind", flat=True))


def test_a_qr_comment_goes_to_the_window_unit_at_once_with_its_deadline(window, guanxian_unit):
    ticket = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.unit == window.institution and ticket.region.name == "冠县"
    assert ticket.item.channel == Channel.QR and ticket.item.category is not None
    days = services.working_days_for(ticket.item.category)
    assert ticket.deadline == add_working_days(timezone.localdate(), days)
    assert len(ticket.number) == 13 and ticket.number[6] == "-"
    assert steps(ticket) == ["received", "routed"]
    assert ticket in pending(guanxian_unit, "supervision.answer_ticket")


def test_the_deadline_per_aspect_is_the_admins(window):
    item_category = Category.objects.get(name="排队候诊")
    AspectDeadline.objects.create(category=item_category, working_days=2)
    ticket = services.submit_public(
        source=QR, text=TEXT, rating=2, service_point=window, category=item_category
    )
    assert ticket.deadline == add_working_days(timezone.localdate(), 2)


def test_a_rating_without_words_is_recorded_and_closed(window):
    ticket = services.submit_public(source=QR, rating=5, service_point=window)
    assert ticket.status == Ticket.Status.CLOSED and ticket.item is None
    assert ticket.rating == 5


def test_nothing_at_all_is_refused(window):
    with pytest.raises(services.DomainError):
        services.submit_public(source=QR, text="  ", service_point=window)


def test_the_same_words_about_the_same_window_are_a_duplicate(window):
    first = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    with pytest.raises(services.Duplicate) as refused:
        services.submit_public(source=QR, text=TEXT + "！！", rating=1, service_point=window)
    assert refused.value.ticket == first
    assert Ticket.objects.count() == 1


def test_answer_check_close_in_time_and_follow_up(
    window, guanxian_unit, guanxian_bureau, caplog, django_capture_on_commit_callbacks
):
    ticket = services.submit_public(
        source=QR, text=TEXT, rating=2, service_point=window, phone="13912345678"
    )
    services.answer(ticket, acting_user=guanxian_unit, reply="高峰时段已增开两个窗口。")
    ticket.refresh_from_db()
    assert ticket in pending(guanxian_bureau, "supervision.check_ticket")
    with caplog.at_level("INFO"), django_capture_on_commit_callbacks(execute=True):
        services.accept(ticket, acting_user=guanxian_bureau)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.in_time is True
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.status == FollowUp.Status.SENT
    assert "13912345678" in caplog.text and ticket.number in caplog.text
    assert steps(ticket) == ["received", "routed", "answered", "closed", "follow_up"]


def test_a_returned_reply_goes_back_to_the_unit_with_the_reason(
    window, guanxian_unit, guanxian_bureau
):
    ticket = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    services.answer(ticket, acting_user=guanxian_unit, reply="已整改。")
    services.return_reply(ticket, acting_user=guanxian_bureau, reason="没有说明怎么整改的")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.return_reason
    assert ticket in pending(guanxian_unit, "supervision.answer_ticket")


def test_only_the_routed_unit_answers_and_only_its_county_checks(
    window, donge_unit, shenxian_bureau, guanxian_unit
):
    ticket = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    with pytest.raises(PermissionDenied):
        services.answer(ticket, acting_user=donge_unit, reply="不是我们")
    services.answer(ticket, acting_user=guanxian_unit, reply="已整改")
    with pytest.raises(PermissionDenied):
        services.accept(ticket, acting_user=shenxian_bureau)


def test_re_routing_keeps_the_history(window, guanxian_bureau):
    ticket = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    target = Category.objects.exclude(pk=ticket.item.category_id).first()
    clinic = (
        Institution.objects.filter(region__path__startswith=ticket.region.path)
        .exclude(pk=ticket.unit_id)
        .exclude(kind=Institution.Kind.BUREAU)
        .first()
    )
    services.route(ticket, acting_user=guanxian_bureau, unit=clinic, category=target)
    ticket.refresh_from_db()
    assert ticket.unit == clinic and ticket.item.category == target
    assert steps(ticket) == ["received", "routed", "rerouted"]
    assert CategoryCorrection.objects.filter(item=ticket.item, new_category=target).exists()
    assert ticket.history.count() >= 2


def test_without_a_unit_it_waits_for_the_county_and_the_unit_can_send_it_back(
    categories, guanxian_bureau, guanxian_unit
):
    ticket = services.submit_public(
        source=Ticket.Source.ONLINE,
        text="乡镇卫生院晚上没有医生值班，孩子发烧没地方看。",
        region=county("冠县"),
    )
    assert ticket.status == Ticket.Status.ROUTING
    assert ticket in pending(guanxian_bureau, "supervision.route_ticket")
    ticket = services.route(ticket, acting_user=guanxian_bureau, unit=guanxian_unit.institution)
    services.send_back(ticket, acting_user=guanxian_unit, reason="应由乡镇卫生院处理")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ROUTING and ticket.unit is None


def test_the_citizen_reopens_what_is_not_fixed(window, guanxian_unit, guanxian_bureau):
    ticket = services.submit_public(
        source=QR, text=TEXT, rating=2, service_point=window, phone="13912345678"
    )
    services.answer(ticket, acting_user=guanxian_unit, reply="已增开窗口。")
    services.accept(ticket, acting_user=guanxian_bureau)
    assert not services.phone_matches(ticket, "0000")
    assert services.phone_matches(ticket, "5678")
    services.citizen_says(ticket, fixed=False, note="还是只有一个窗口")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.reopened == 1
    assert ticket.in_time is None and ticket.return_reason == "还是只有一个窗口"
    assert TicketEvent.Kind.REOPENED in steps(ticket)
    assert FollowUp.objects.get(ticket=ticket).answer == FollowUp.Answer.NOT_FIXED


def test_overdue_rectifications_escalate_to_the_county(window, guanxian_bureau, task_force):
    ticket = services.submit_public(source=QR, text=TEXT, rating=2, service_point=window)
    Ticket.objects.filter(pk=ticket.pk).update(deadline=timezone.localdate().replace(year=2020))
    assert ticket in pending(guanxian_bureau, "supervision.overdue_ticket")
    assert ticket in pending(task_force, "supervision.overdue_ticket")
    (row,) = [r for r in escalation(guanxian_bureau) if r.unit == window.institution]
    assert row.overdue_feedback == 1 and row.level >= 1
