"""Feedback pages: masking by role, corrections and the review queue, public and survey intake."""

import pytest
from django.utils import timezone

from jiebang.needs import services
from jiebang.needs.models import Category, CategoryCorrection, Channel, FeedbackItem
from jiebang.orgs.models import Region


@pytest.fixture
def guanxian_item(categories):
    return FeedbackItem.objects.create(
        channel=Channel.HOTLINE,
        external_id="T-1",
        received_at=timezone.now(),
        text="来电人反映冠县人民医院挂号难，诉求增加号源。",
        region=Region.objects.get(name="冠县"),
        category=Category.objects.get(name="其他"),
        confidence=0.3,
        caller_name="张三丰",
        caller_phone="13812345678",
    )


def test_contact_data_shown_to_county_and_masked_for_others(
    login, guanxian_bureau, guanxian_item, settings
):
    page = login(guanxian_bureau).get(guanxian_item.get_absolute_url())
    assert "13812345678" in page.text and "张三丰" in page.text


def test_masked_export_by_default(login, city_admin, guanxian_item):
    client = login(city_admin)
    masked = client.get("/needs/feedback/export/").content.decode("utf-8-sig")
    assert "138****5678" in masked and "13812345678" not in masked and "张**" in masked
    full = client.get("/needs/feedback/export/?unmasked=1").content.decode("utf-8-sig")
    assert "13812345678" in full


def test_unit_cannot_see_feedback_list(login, donge_unit, guanxian_item):
    assert login(donge_unit).get("/needs/feedback/").status_code == 403


def test_other_county_gets_404(login, shenxian_bureau, guanxian_item):
    client = login(shenxian_bureau)
    assert client.get(guanxian_item.get_absolute_url()).status_code == 404
    assert guanxian_item.text not in client.get("/needs/feedback/").text


def test_correction_leaves_queue_and_is_learned(login, guanxian_bureau, guanxian_item):
    client = login(guanxian_bureau)
    assert guanxian_item in client.get("/needs/review/").context["page"].object_list
    target = Category.objects.get(name="预约挂号")
    response = client.post(
        f"/needs/feedback/{guanxian_item.pk}/category/",
        {"category": target.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "预约挂号" in response.text
    guanxian_item.refresh_from_db()
    assert guanxian_item.category == target and guanxian_item.reviewed_by == guanxian_bureau
    assert CategoryCorrection.objects.get(item=guanxian_item).new_category == target
    assert services.correction_examples() == [(guanxian_item.text, "预约挂号")]
    assert guanxian_item not in client.get("/needs/review/").context["page"].object_list
    assert guanxian_item.history.first().history_user == guanxian_bureau


def test_public_online_column_needs_no_account(client, categories):
    page = client.get("/needs/online/")
    assert page.status_code == 200
    response = client.post(
        "/needs/online/",
        {
            "text": "聊城市人民医院门诊的厕所太脏了，希望尽快改善一下环境卫生。",
            "phone": "13912345678",
        },
        follow=True,
    )
    item = FeedbackItem.objects.get(channel=Channel.ONLINE)
    assert item.institution.name == "聊城市人民医院"
    assert item.category is not None
    assert item.ticket.number in response.text and "受理编号" in response.text
    assert "13912345678" not in response.text


def test_public_form_refuses_bots_and_floods(client, categories, settings):
    client.post(
        "/needs/online/", {"text": "这是一个机器人提交的内容，带有隐藏字段。", "website": "x"}
    )
    assert not FeedbackItem.objects.exists()
    settings.PUBLIC_DEVICE_LIMIT = 5
    for i in range(5):
        client.post("/needs/online/", {"text": f"门诊排队时间太长了（第{i}次），希望增加窗口。"})
    response = client.post("/needs/online/", {"text": "门诊排队时间太长了，希望增加窗口。"})
    assert FeedbackItem.objects.count() == 5
    assert "一小时" in response.text
    # The same words twice are a duplicate, whatever the limits.
    settings.PUBLIC_DEVICE_LIMIT = 100
    again = client.post("/needs/online/", {"text": "门诊排队时间太长了（第1次），希望增加窗口。"})
    assert "无需重复提交" in again.text and FeedbackItem.objects.count() == 5


def test_survey_record(login, guanxian_bureau, categories):
    client = login(guanxian_bureau)
    from jiebang.orgs.models import Institution

    hospital = Institution.objects.get(name="冠县人民医院")
    response = client.post(
        "/needs/survey/new/",
        {
            "text": "跟诊发现患者做完检查要回到一楼缴费再上三楼，来回跑三趟。",
            "institution": hospital.pk,
        },
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get(channel=Channel.SURVEY)
    assert item.region.name == "冠县" and item.history.first().history_user == guanxian_bureau
