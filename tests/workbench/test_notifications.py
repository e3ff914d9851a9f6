"""Notifications (X.4): new work and events reach the right people once; reminders are
idempotent; outbound messages are jobs, retried when the channel fails, never sent twice."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from jiebang.ledger import services as ledger
from jiebang.workbench import services
from jiebang.workbench.channels import channels
from jiebang.workbench.models import Delivery, Mode, Notification, Topic


@pytest.fixture(autouse=True)
def _fresh_channels():
    channels.cache_clear()
    yield
    channels.cache_clear()


def _report(task, user):
    return ledger.report_progress(task, acting_user=user, status="in_progress", percent=50)


def test_a_submitted_update_tells_its_reviewers(
    django_capture_on_commit_callbacks, make_task, guanxian_unit, guanxian_bureau, shenxian_bureau
):
    task = make_task()
    with django_capture_on_commit_callbacks(execute=True):
        update = _report(task, guanxian_unit)
    told = Notification.objects.filter(topic=Topic.NEW_WORK)
    assert told.filter(user=guanxian_bureau).count() == 1
    assert not told.filter(user=shenxian_bureau).exists()
    notification = told.get(user=guanxian_bureau)
    assert task.title in notification.title
    assert notification.url == reverse("ledger:task-detail", args=[task.pk])
    # Announcing the same work again tells nobody twice.
    assert services.announce("ledger.confirm_update", update.pk) == 0


def test_a_returned_update_tells_the_reporter_with_the_reason(
    django_capture_on_commit_callbacks, make_task, guanxian_unit, guanxian_bureau
):
    update = _report(make_task(), guanxian_unit)
    with django_capture_on_commit_callbacks(execute=True):
        ledger.return_update(update, acting_user=guanxian_bureau, reason="缺少佐证材料")
    notification = Notification.objects.get(user=guanxian_unit, topic=Topic.RETURNED)
    assert "缺少佐证材料" in notification.title


def test_reminders_are_idempotent(make_task, guanxian_unit, freeze_today):
    freeze_today(datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC))
    make_task("逾期任务", deadline=datetime.date(2026, 3, 31), owner=guanxian_unit)
    make_task("临期任务", deadline=datetime.date(2026, 4, 3), owner=guanxian_unit)
    first = services.daily_run()
    second = services.daily_run()
    mine = Notification.objects.filter(user=guanxian_unit)
    assert mine.filter(topic=Topic.OVERDUE).count() == 1
    assert mine.filter(topic=Topic.DUE_SOON).count() == 1
    assert first["reminders"] >= 2 and second["reminders"] == 0
    assert "1 项待办已逾期" in mine.get(topic=Topic.OVERDUE).title


def test_outbound_mail_is_a_job_and_sent_once(
    django_capture_on_commit_callbacks, make_task, guanxian_unit, guanxian_bureau
):
    guanxian_bureau.email = "bureau@example.cn"
    guanxian_bureau.save()
    services.set_preferences(guanxian_bureau, {Topic.NEW_WORK: Mode.OUTBOUND})
    with django_capture_on_commit_callbacks(execute=True):
        _report(make_task(), guanxian_unit)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bureau@example.cn"]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    services.send(delivery)
    services.daily_run()
    assert len(mail.outbox) == 1  # never twice


class Broken:
    name = "email"
    label = "电子邮件"
    failures = 1

    def address(self, user):
        return user.email or None

    def send(self, user, subject, body):
        if Broken.failures:
            Broken.failures -= 1
            raise ConnectionError("SMTP 服务器无响应")
        mail.send_mail(subject, body, None, [user.email])


def test_a_failing_channel_is_retried_and_never_breaks_the_request(
    settings,
    login,
    django_capture_on_commit_callbacks,
    make_task,
    guanxian_unit,
    guanxian_bureau,
    city_admin,
):
    settings.NOTIFY_CHANNELS = ["tests.workbench.test_notifications.Broken"]
    guanxian_bureau.email = "bureau@example.cn"
    guanxian_bureau.save()
    services.set_preferences(guanxian_bureau, {Topic.NEW_WORK: Mode.OUTBOUND})
    task = make_task()
    client = login(guanxian_unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ledger:task-report", args=[task.pk]),
            {
                "status": "in_progress",
                "percent": 30,
                "text": "进展顺利",
                "reported_on": "2026-03-01",
            },
        )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and "SMTP" in delivery.error
    # The admin sees it with its reason.
    page = login(city_admin).get(reverse("workbench:deliveries")).content.decode()
    assert "SMTP 服务器无响应" in page
    # The daily run retries it; now it goes, once.
    services.daily_run()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1
    assert login(guanxian_unit).get(reverse("workbench:deliveries")).status_code == 403


def test_the_digest_collects_held_messages_once(
    django_capture_on_commit_callbacks, make_task, guanxian_unit, guanxian_bureau
):
    guanxian_bureau.email = "bureau@example.cn"
    guanxian_bureau.save()
    services.set_preferences(guanxian_bureau, {Topic.NEW_WORK: Mode.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            _report(make_task(f"任务{n}"), guanxian_unit)
    assert not mail.outbox
    services.daily_run()
    services.daily_run()
    assert len(mail.outbox) == 1
    assert "3" in mail.outbox[0].subject


def test_the_bell_and_reading(login, guanxian_bureau):
    services.notify(
        [guanxian_bureau], topic=Topic.NEW_WORK, key="t:1", title="一条新待办", url="/work/"
    )
    client = login(guanxian_bureau)
    home = client.get("/").content.decode()
    assert 'id="bell-count">1<' in home
    page = client.get(reverse("workbench:notifications")).content.decode()
    assert "一条新待办" in page
    notification = Notification.objects.get(user=guanxian_bureau)
    response = client.post(reverse("workbench:notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/work/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'id="bell-count"' not in client.get("/").content.decode()


def test_someone_elses_notification_is_404(login, guanxian_bureau, shenxian_bureau):
    (notification,) = services.notify(
        [guanxian_bureau], topic=Topic.NEW_WORK, key="t:2", title="x", url="/"
    )
    response = login(shenxian_bureau).post(
        reverse("workbench:notification-open", args=[notification.pk])
    )
    assert response.status_code == 404


def test_preferences_page(login, guanxian_bureau):
    client = login(guanxian_bureau)
    assert "消息设置" in client.get(reverse("workbench:preferences")).content.decode()
    data = {topic: Mode.APP for topic in Topic.values} | {Topic.OVERDUE: Mode.DIGEST}
    assert client.post(reverse("workbench:preferences"), data).status_code == 302
    assert services.modes_of(guanxian_bureau)[Topic.OVERDUE] == Mode.DIGEST
