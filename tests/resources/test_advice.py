"""Advice records: experts record their own, city staff anyone's; units see their projects'."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.resources import services
from jiebang.resources.models import Advice

KIND = Advice.Kind


@pytest.fixture
def published(publish, guanxian_project):
    return publish(guanxian_project)


def test_expert_records_own_advice_on_the_page(login, expert, demo_expert, published):
    client = login(expert)
    url = reverse("resources:advice-create")
    form = client.get(url, {"project": published.pk})
    assert form.status_code == 200 and "记录指导" in form.content.decode()
    data = {
        "expert": demo_expert.pk,
        "project": published.pk,
        "date": timezone.localdate().isoformat(),
        "kind": KIND.PLAN_REVIEW,
        "content": "指标基线需补充数据来源",
    }
    assert client.post(url, data).status_code == 302
    advice = Advice.objects.get()
    assert (advice.expert, advice.recorded_by, advice.kind) == (demo_expert, expert, "plan_review")
    page = client.get(demo_expert.get_absolute_url()).content.decode()
    assert "指标基线需补充数据来源" in page and "方案评审" in page


def test_expert_cannot_record_for_another_expert(expert, demo_expert, make_expert, published):
    other = make_expert("别人", ["骨科"])
    with pytest.raises(PermissionDenied):
        services.record_advice(
            acting_user=expert, expert=other, project=published, kind=KIND.ON_SITE, content="x"
        )


def test_expert_cannot_record_on_a_project_they_cannot_see(expert, demo_expert, guanxian_project):
    with pytest.raises(DomainError):  # still a draft: not visible to the expert
        services.record_advice(
            acting_user=expert,
            expert=demo_expert,
            project=guanxian_project,
            kind=KIND.CONSULTATION,
            content="远程指导",
        )


def test_city_staff_record_for_anyone_but_not_in_the_future(task_force, make_expert, published):
    someone = make_expert("某专家", ["信息化"])
    services.record_advice(
        acting_user=task_force,
        expert=someone,
        project=published,
        kind=KIND.TRAINING,
        content="授课",
    )
    with pytest.raises(DomainError):
        services.record_advice(
            acting_user=task_force,
            expert=someone,
            project=published,
            kind=KIND.TRAINING,
            content="授课",
            date=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(DomainError):
        services.record_advice(
            acting_user=task_force, expert=someone, project=published, kind="x", content="授课"
        )


@pytest.mark.parametrize("persona", ["guanxian_bureau", "donge_unit", "panel_member"])
def test_other_roles_may_not_record(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("resources:advice-create")).status_code == 403


def test_the_unit_and_county_see_advice_on_their_projects(
    login,
    task_force,
    guanxian_unit,
    guanxian_bureau,
    shenxian_bureau,
    donge_unit,
    make_expert,
    published,
    shenxian_project,
):
    someone = make_expert("某专家", ["信息化"])
    for project, text in ((published, "冠县的指导"), (shenxian_project, "莘县的指导")):
        services.record_advice(
            acting_user=task_force, expert=someone, project=project, kind=KIND.ON_SITE, content=text
        )
    assert set(Advice.objects.visible_to(guanxian_unit).values_list("content", flat=True)) == {
        "冠县的指导"
    }
    assert set(Advice.objects.visible_to(shenxian_bureau).values_list("content", flat=True)) == {
        "莘县的指导"
    }
    assert not Advice.objects.visible_to(donge_unit).exists()

    page = login(guanxian_unit).get(reverse("resources:project-experts", args=[published.pk]))
    text = page.content.decode()
    assert "冠县的指导" in text and "莘县的指导" not in text
    text = login(guanxian_bureau).get(someone.get_absolute_url()).content.decode()
    assert "冠县的指导" in text and "莘县的指导" not in text
