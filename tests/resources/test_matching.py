"""专家匹配: the experts suggested for a project, ranked, with the reasons, and assignment."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.resources import services
from jiebang.resources.models import Expert, ProjectExpert

A = Expert.Availability


@pytest.fixture
def pool(make_expert):
    return {
        "local": make_expert("冠县王影像", ["信息化", "医学影像"], institution="冠县人民医院"),
        "city": make_expert("市里李信息", ["信息化"]),
        "limited": make_expert(
            "忙碌的赵", ["信息化", "医学影像"], availability=A.LIMITED, availability_note="出差"
        ),
        "away": make_expert(
            "出国的钱", ["信息化", "医学影像", "数智赋能"], availability=A.UNAVAILABLE
        ),
        "dimension": make_expert("维度孙", ["数智赋能"]),
        "bones": make_expert("骨科周", ["骨科"], institution="冠县人民医院"),
    }


def test_best_match_first_unavailable_and_unrelated_left_out(guanxian_project, pool):
    suggestions = services.suggest_experts(guanxian_project)
    ranked = [(s.expert.name, s.score) for s in suggestions]
    assert ranked == [("冠县王影像", 7), ("忙碌的赵", 3), ("市里李信息", 3), ("维度孙", 2)]
    names = [name for name, _score in ranked]
    assert "出国的钱" not in names  # unavailable, though the best fit on paper
    assert "骨科周" not in names  # local, but knows nothing the project needs
    best = suggestions[0]
    assert best.matched == ["信息化", "医学影像"]
    assert any("冠县" in reason for reason in best.reasons)


def test_limit_and_no_needs(make_project, pool):
    project = make_project(capabilities=["信息化"])
    assert len(services.suggest_experts(project, limit=2)) == 2
    bare = make_project(title="无标签", capabilities=[], dimension=None)
    assert services.suggest_experts(bare) == []


def test_page_shows_ranking_in_chinese_and_city_staff_assign(
    login, task_force, guanxian_project, pool
):
    client = login(task_force)
    url = reverse("resources:project-experts", args=[guanxian_project.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "建议专家" in text and "冠县王影像" in text and "出国的钱" not in text
    assert text.index("冠县王影像") < text.index("市里李信息")
    assert "项目所需能力" in text  # the reason, translated

    assign = reverse("resources:project-expert-assign", args=[guanxian_project.pk])
    assert client.post(assign, {"expert": pool["local"].pk}).status_code == 302
    assignment = ProjectExpert.objects.get(project=guanxian_project)
    assert (assignment.expert, assignment.score) == (pool["local"], 7)
    assert "已指派" in client.get(url).content.decode()


def test_assigning_an_unavailable_or_twice_is_refused(city_admin, guanxian_project, pool):
    with pytest.raises(DomainError):
        services.assign_expert(guanxian_project, pool["away"], acting_user=city_admin)
    services.assign_expert(guanxian_project, pool["city"], acting_user=city_admin)
    with pytest.raises(DomainError):
        services.assign_expert(guanxian_project, pool["city"], acting_user=city_admin)


def test_only_city_staff_assign(login, guanxian_bureau, guanxian_project, pool):
    with pytest.raises(PermissionDenied):
        services.assign_expert(guanxian_project, pool["local"], acting_user=guanxian_bureau)
    client = login(guanxian_bureau)
    url = reverse("resources:project-experts", args=[guanxian_project.pk])
    page = client.get(url)
    assert page.status_code == 200 and "冠县王影像" in page.content.decode()
    assert "指派</button>" not in page.content.decode()
    assign = reverse("resources:project-expert-assign", args=[guanxian_project.pk])
    assert client.post(assign, {"expert": pool["local"].pk}).status_code == 403
    assert not ProjectExpert.objects.exists()


def test_other_county_404_and_panel_403(login, shenxian_bureau, panel_member, guanxian_project):
    url = reverse("resources:project-experts", args=[guanxian_project.pk])
    assert login(shenxian_bureau).get(url).status_code == 404  # a draft of another county
    assert login(panel_member).get(url).status_code == 403


def test_project_picker_leads_to_the_suggestions(login, city_admin, guanxian_project):
    client = login(city_admin)
    response = client.get(reverse("resources:project-pick"), {"project": guanxian_project.pk})
    assert response.url == reverse("resources:project-experts", args=[guanxian_project.pk])
