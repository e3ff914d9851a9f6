"""The public pages (no account): held events, who took part counted by category — never a
name, an affiliation or a phone —, the suggestions redacted and what became of them."""

from django.urls import reverse

from jiebang.experience import services
from jiebang.experience.models import Invitee
from jiebang.projects.models import Project
from tests.factories.projects import ProjectFactory

PERSONAL = ("王代表", "李患者", "的工作单位", "13912345678")


def test_public_pages_show_no_personal_data(
    client, guanxian_event, guanxian_bureau, task_force, suggest, make_event, guanxian
):
    project = ProjectFactory(status=Project.Status.PUBLISHED, title="预住院服务改革示范")
    draft = ProjectFactory(title="尚未发布的项目")
    adopted = suggest(guanxian_event, guanxian_bureau, "建议集中预约检查，可打13812345678咨询。")
    services.decide_suggestion(
        adopted, acting_user=task_force, adopted=True, project=project, measure="设预约专窗"
    )
    into_draft = suggest(guanxian_event, guanxian_bureau, "建议增设夜间门诊。")
    services.decide_suggestion(into_draft, acting_user=task_force, adopted=True, project=draft)
    declined = suggest(guanxian_event, guanxian_bureau, "建议扩建停车场。")
    services.decide_suggestion(
        declined, acting_user=task_force, adopted=False, note="停车场由城管部门统筹"
    )
    suggest(guanxian_event, guanxian_bureau, "建议门诊提供轮椅借用。")
    planned = make_event(task_force, title="计划中的开放日", region=guanxian)

    listing = client.get(reverse("experience:public-list"))
    text = listing.content.decode()
    assert listing.status_code == 200
    assert guanxian_event.title in text and planned.title not in text
    assert 'id="figure-suggestions">4<' in text and 'id="figure-adopted">2<' in text
    assert 'id="figure-rate">50.0%<' in text

    page = client.get(reverse("experience:public-detail", args=[guanxian_event.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for personal in PERSONAL:
        assert personal not in text, personal
    assert "13812345678" not in text and "建议集中预约检查，可打＊＊＊咨询。" in text
    assert project.title in text and "设预约专窗" in text
    assert draft.title not in text  # only that a project is in preparation
    assert "停车场由城管部门统筹" in text and "建议门诊提供轮椅借用" in text
    invitees = text.split('id="public-invitees">')[1].split("</dd>")[0]
    assert invitees.count("1") == 2 and "；" in invitees  # two categories, one each
    response = client.get(reverse("experience:public-detail", args=[planned.pk]))
    assert response.status_code == 404


def test_staff_pages_need_an_account(client, guanxian_event):
    for url in (
        reverse("experience:event-list"),
        reverse("experience:figures"),
        guanxian_event.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_public_count_by_category(client, make_event, task_force, guanxian):
    make_event(
        task_force,
        region=guanxian,
        held=True,
        invitees=[
            ("甲", Invitee.Category.PARTY_DEPUTY),
            ("乙", Invitee.Category.PARTY_DEPUTY),
            ("丙", Invitee.Category.PATIENT),
        ],
    )
    text = client.get(reverse("experience:public-list")).content.decode()
    rows = {
        row.split('"')[0]: row
        for row in text.split('id="category-table"')[1].split('data-category="')[1:]
    }
    assert '<td class="text-end">2</td>' in rows["party_deputy"]
    assert '<td class="text-end">1</td>' in rows["patient"]
    assert "甲" not in text and "丙" not in text
