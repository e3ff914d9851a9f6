"""专家智库: the directory, masking of contact data, and who manages experts."""

import pytest
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.orgs.models import Institution
from jiebang.resources import services
from jiebang.resources.models import Expert


@pytest.fixture
def heart(make_expert):
    return make_expert("张心安", ["胸痛", "心血管"], phone="13912345678")


def test_directory_in_chinese_with_full_phone_for_city_staff(login, city_admin, heart):
    page = login(city_admin).get(reverse("resources:expert-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "智库专家" in text and "张心安" in text and "主任医师" in text
    assert "13912345678" in text


@pytest.mark.parametrize("persona", ["guanxian_bureau", "donge_unit", "expert"])
def test_contact_masked_for_other_roles(request, login, heart, persona):
    client = login(request.getfixturevalue(persona))
    for url in (reverse("resources:expert-list"), heart.get_absolute_url()):
        text = client.get(url).content.decode()
        assert "张心安" in text
        assert "13912345678" not in text and "139****5678" in text


def test_panel_member_gets_403(login, panel_member, heart):
    client = login(panel_member)
    assert client.get(reverse("resources:expert-list")).status_code == 403
    assert client.get(heart.get_absolute_url()).status_code == 403


def test_filters_by_specialty_institution_and_availability(login, city_admin, make_expert, heart):
    make_expert("胸痛中心刘", ["胸痛中心建设"], availability=Expert.Availability.LIMITED)
    make_expert("冠县骨科", ["骨科"], institution="冠县人民医院")
    client = login(city_admin)
    url = reverse("resources:expert-list")
    text = client.get(url, {"specialty": "胸痛"}).content.decode()
    assert "张心安" in text and "胸痛中心刘" not in text  # whole tags only
    county = Institution.objects.get(name="冠县人民医院")
    text = client.get(url, {"institution": county.pk}).content.decode()
    assert "冠县骨科" in text and "张心安" not in text
    text = client.get(url, {"availability": "limited"}).content.decode()
    assert "胸痛中心刘" in text and "张心安" not in text
    text = client.get(url, {"q": "心安"}).content.decode()
    assert "张心安" in text and "冠县骨科" not in text


def test_city_staff_create_and_edit(login, task_force):
    client = login(task_force)
    institution = Institution.objects.get(name="聊城市人民医院")
    data = {
        "name": "新专家",
        "title": "professor",
        "institution": institution.pk,
        "affiliation": "北京协和医院",
        "specialties": "信息化，医院管理、信息化",
        "availability": "available",
        "phone": "13800001111",
        "bio": "",
    }
    assert client.post(reverse("resources:expert-create"), data).status_code == 302
    expert = Expert.objects.get(name="新专家")
    assert expert.specialties == ["信息化", "医院管理"]
    data["availability"] = "unavailable"
    data["availability_note"] = "出国访学"
    url = reverse("resources:expert-edit", args=[expert.pk])
    assert client.post(url, data).status_code == 302
    expert.refresh_from_db()
    assert (expert.availability, expert.history.count()) == ("unavailable", 2)


@pytest.mark.parametrize("persona", ["guanxian_bureau", "donge_unit", "expert"])
def test_others_may_not_manage_experts(request, login, heart, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("resources:expert-create")).status_code == 403
    assert client.get(reverse("resources:expert-edit", args=[heart.pk])).status_code == 403


def test_only_expert_accounts_are_linked_once(city_admin, donge_unit, expert, make_expert):
    with pytest.raises(DomainError):
        make_expert("错账号", ["骨科"], user=donge_unit)
    make_expert("本人", ["骨科"], user=expert)
    with pytest.raises(DomainError):
        make_expert("另一个", ["骨科"], user=expert)


def test_menu_entries_under_compete(login, city_admin, guanxian_bureau, donge_unit):
    text = login(city_admin).get(reverse("core:stage", args=["compete"])).content.decode()
    assert "智库专家" in text and "兴聊号直通车" in text
    text = login(donge_unit).get(reverse("core:stage", args=["compete"])).content.decode()
    assert "智库专家" in text and "兴聊号直通车" not in text


def test_update_expert_refused_to_bureau(guanxian_bureau, heart):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_expert(heart, acting_user=guanxian_bureau, availability="limited")
