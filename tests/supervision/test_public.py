"""The public's side: the QR rating page, the tracking page, the abuse limits."""

import pytest
from django.test import Client

from jiebang.core.throttle import DEVICE_COOKIE
from jiebang.needs.models import FeedbackItem
from jiebang.supervision import services
from jiebang.supervision.models import Ticket

TEXT = "检验科取报告窗口没人，等了半个小时，电话13912345678也打不通。"


def rate(client, window, **data):
    return client.post(f"/feedback/w/{window.pk}/", {"rating": "2", **data}, follow=True)


def test_scanning_opens_the_form_without_an_account_and_gives_a_device(client, window):
    page = client.get(f"/feedback/w/{window.pk}/")
    assert page.status_code == 200
    assert window.name in page.text and window.institution.name in page.text
    assert DEVICE_COOKIE in page.cookies


def test_a_rating_with_a_comment_gets_its_tracking_number(client, window):
    client.get(f"/feedback/w/{window.pk}/")
    response = rate(client, window, comment=TEXT, phone="13912345678")
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == f"/feedback/track/{ticket.number}/"
    assert ticket.number in response.text and "受理编号" in response.text
    # The public page never shows the phone, even where the citizen wrote one in the text.
    assert "13912345678" not in response.text and "＊＊＊" in response.text
    assert ticket.phone == "13912345678"


def test_the_honeypot_keeps_nothing(client, window):
    response = rate(client, window, comment=TEXT, website="http://spam.example")
    assert response.status_code == 200
    assert not Ticket.objects.exists() and not FeedbackItem.objects.exists()


def test_an_oversized_comment_is_refused_with_a_message(client, window):
    response = rate(client, window, comment="太慢了" * 1000)
    assert not Ticket.objects.exists()
    assert "2000" in response.text


def test_one_device_is_limited_but_a_hospital_wifi_is_not(client, window, settings):
    settings.PUBLIC_DEVICE_LIMIT = 3
    client.get(f"/feedback/w/{window.pk}/")
    for i in range(3):
        rate(client, window, comment=f"第{i}次：候诊区太吵了，希望管理一下秩序。")
    refused = rate(client, window, comment="第四次：候诊区太吵了，希望管理一下秩序。")
    assert Ticket.objects.count() == 3
    assert "一小时" in refused.text and "12345" in refused.text
    # Other patients behind the same address, each with their own phone, still get through.
    for i in range(5):
        patient = Client()
        patient.get(f"/feedback/w/{window.pk}/")
        rate(patient, window, comment=f"病人{i}：挂号窗口排队太久了，多开几个窗口吧。")
    assert Ticket.objects.count() == 8


def test_a_script_from_one_address_hits_the_address_limit(window, settings):
    settings.PUBLIC_IP_LIMIT = 4
    for i in range(6):
        bot = Client()
        bot.get(f"/feedback/w/{window.pk}/")
        last = rate(bot, window, comment=f"机器人第{i}条：医院服务很差很差很差。")
    assert Ticket.objects.count() == 4
    assert "网络" in last.text


def test_dropping_the_cookie_gains_nothing(window, settings):
    settings.PUBLIC_DEVICE_LIMIT = 2
    for i in range(4):
        Client().post(
            f"/feedback/w/{window.pk}/",
            {"rating": "1", "comment": f"没有cookie的第{i}条：窗口服务态度差。"},
        )
    assert Ticket.objects.count() == 2


def test_an_inactive_window_or_a_draft_project_has_no_form(client, window):
    window.is_active = False
    window.save()
    assert client.get(f"/feedback/w/{window.pk}/").status_code == 404
    from tests.factories.projects import ProjectFactory

    draft = ProjectFactory(status="draft")
    assert client.get(f"/feedback/p/{draft.pk}/").status_code == 404
    assert client.get(f"/feedback/p/{draft.pk}/qr.png").status_code == 404


def test_tracking_a_number(client, window):
    ticket = services.submit_public(source=Ticket.Source.QR, text=TEXT, service_point=window)
    response = client.get("/feedback/track/", {"number": ticket.number.lower()}, follow=True)
    assert response.redirect_chain[-1][0] == ticket.get_public_url()
    missing = client.get("/feedback/track/", {"number": "000000-AAAAAA"})
    assert "没有" in missing.text


def test_the_citizen_confirms_only_with_the_phone_digits(
    client, window, guanxian_unit, guanxian_bureau
):
    ticket = services.submit_public(
        source=Ticket.Source.QR, text=TEXT, rating=2, service_point=window, phone="13912345678"
    )
    services.answer(ticket, acting_user=guanxian_unit, reply="已安排专人值守取报告窗口。")
    services.accept(ticket, acting_user=guanxian_bureau)
    page = client.get(ticket.get_public_url())
    assert "已安排专人值守取报告窗口。" in page.text and "confirm-card" in page.text
    wrong = client.post(ticket.get_public_url(), {"fixed": "0", "digits": "1111"})
    assert "不一致" in wrong.text
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    client.post(ticket.get_public_url(), {"fixed": "0", "digits": "5678", "note": "还是没人"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.reopened == 1


def test_the_follow_up_link_needs_no_digits(client, window, guanxian_unit, guanxian_bureau):
    from jiebang.supervision.tasks import follow_up_link

    ticket = services.submit_public(
        source=Ticket.Source.QR, text=TEXT, rating=2, service_point=window, phone="13912345678"
    )
    services.answer(ticket, acting_user=guanxian_unit, reply="已整改。")
    services.accept(ticket, acting_user=guanxian_bureau)
    link = follow_up_link(ticket).split("8000", 1)[-1]
    page = client.get(link)
    assert "digits" not in page.text
    key = link.split("k=")[1]
    client.post(ticket.get_public_url(), {"fixed": "1", "key": key})
    assert ticket.events.filter(kind="confirmed").exists()


def test_the_suggestion_column_gives_a_tracking_number(client, categories):
    client.get("/needs/online/")
    response = client.post(
        "/needs/online/",
        {"text": "聊城市人民医院门诊的厕所太脏了，希望尽快改善一下环境卫生。", "phone": ""},
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.source == Ticket.Source.ONLINE and ticket.unit.name == "聊城市人民医院"
    assert ticket.number in response.text


def test_dismissed_tickets_are_not_public(client, window, guanxian_bureau):
    ticket = services.submit_public(source=Ticket.Source.QR, text=TEXT, service_point=window)
    services.dismiss(ticket, acting_user=guanxian_bureau, reason="广告")
    assert client.get(ticket.get_public_url()).status_code == 404


@pytest.mark.parametrize("number", ["<script>", "../../etc", "x" * 300])
def test_junk_numbers_are_a_plain_404(client, db, number):
    assert client.get(f"/feedback/track/{number}/").status_code == 404
