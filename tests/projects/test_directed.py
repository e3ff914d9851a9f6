"""Issue 10, defect 3: a directed (委托) project goes to its named unit when its list is
published, through a recorded move to 已派单; no 派单 run includes or touches it; its letter can
then be generated and confirmed."""

import pytest
from django.urls import reverse

from jiebang.accountability import services as accountability
from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.assign import services as assign_services
from jiebang.projects.assign.forms import AssignForm
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import AssignmentPair, Project, StatusChange
from tests.conftest import pending

from .test_projects import dimension, make_project  # noqa: F401

S = Project.Status
BADGE = '<span class="badge rounded-pill text-bg-danger" id="queue-badge">{}</span>'


@pytest.fixture
def guanxian_head(guanxian_institution):
    return User.objects.create_user(
        "directed_head",
        role=Role.UNIT,
        institution=guanxian_institution,
        is_unit_head=True,
    )


@pytest.fixture
def published(make_project, city_admin, guanxian_institution):  # noqa: F811
    """One directed project for 冠县人民医院 and one open project, published together."""
    directed = make_project(title="乡村医生县招乡管村用", unit=guanxian_institution)
    open_call = make_project(title="疼痛综合管理")
    project_list = list_services.create_list(acting_user=city_admin, name="第一批")
    list_services.add_projects_to_list(project_list, [directed, open_call], acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    directed.refresh_from_db()
    open_call.refresh_from_db()
    return directed, open_call


def test_publishing_assigns_a_directed_project_to_its_named_unit(
    published, city_admin, guanxian_institution
):
    directed, open_call = published
    assert (directed.status, directed.implementing_unit) == (S.ASSIGNED, guanxian_institution)
    assert open_call.status == S.PUBLISHED
    moves = list(StatusChange.objects.filter(project=directed).order_by("pk"))
    assert [(m.from_status, m.to_status) for m in moves] == [
        (S.DRAFT, S.PUBLISHED),
        (S.PUBLISHED, S.ASSIGNED),
    ]
    assert moves[1].changed_by == city_admin
    assert moves[1].reason == "定向委托：榜单指定由冠县人民医院承担"


def test_the_named_unit_and_the_city_see_it_as_directed(
    login, published, guanxian_head, city_admin
):
    directed, _open_call = published
    client = login(guanxian_head)
    mine = client.get(reverse("projects:my-projects")).content.decode()
    row = mine.split(f'id="my-project-{directed.pk}"')[1].split("</tr>")[0]
    assert "已派单" in row and "定向委托：榜单指定由冠县人民医院承担" in row
    page = login(city_admin).get(directed.get_absolute_url()).content.decode()
    assert "定向委托：榜单指定由冠县人民医院承担" in page
    letters = login(city_admin).get(reverse("accountability:project-list")).content.decode()
    assert directed.code in letters


def test_assign_never_includes_a_directed_project(
    published, city_admin, guanxian_institution, shenxian_institution
):
    directed, open_call = published
    assert list(assign_services.unclaimed_projects()) == [open_call]
    form = AssignForm()
    assert directed not in form.fields["projects"].queryset
    units = [guanxian_institution, shenxian_institution]
    for unit in units:
        assign_services.update_unit_profile(
            unit, acting_user=city_admin, capabilities=["全科医学"], project_capacity=3
        )
    with pytest.raises(DomainError):
        assign_services.run_assignment(
            acting_user=city_admin,
            projects=[directed, open_call],
            units=units,
            weights=assign_services.Weights(),
        )


def test_a_run_holding_a_directed_project_cannot_touch_it(
    published, city_admin, guanxian_institution, shenxian_institution
):
    """A run proposed before this rule (or tampered with) still cannot overwrite the unit."""
    directed, open_call = published
    for unit in (guanxian_institution, shenxian_institution):
        assign_services.update_unit_profile(
            unit, acting_user=city_admin, capabilities=["全科医学"], project_capacity=3
        )
    run = assign_services.run_assignment(
        acting_user=city_admin,
        projects=[open_call],
        units=[guanxian_institution, shenxian_institution],
        weights=assign_services.Weights(),
    )
    run.projects.add(directed)
    AssignmentPair.objects.create(
        run=run,
        project=directed,
        unit=shenxian_institution,
        score=1,
        capability_match=0,
        is_local=False,
    )
    with pytest.raises(DomainError) as refused:
        assign_services.reassign(run, directed, guanxian_institution, acting_user=city_admin)
    assert "委托" in refused.value.message
    with pytest.raises(DomainError):
        assign_services.confirm_run(run, acting_user=city_admin)
    directed.refresh_from_db()
    assert directed.implementing_unit == guanxian_institution
    assert directed.status == S.ASSIGNED


def test_the_letter_of_a_directed_project_is_generated_and_confirmed(
    login, published, task_force, guanxian_head
):
    directed, _open_call = published
    client = login(task_force)
    response = client.post(reverse("accountability:letter-generate", args=[directed.pk]))
    assert response.status_code == 302
    letter = directed.letters.get()
    assert letter.content["unit"]["name"] == "冠县人民医院"
    # The named unit's head finds it in 我的待办, counted in the badge, and confirms it.
    client = login(guanxian_head)
    queue = client.get(reverse("workbench:queue")).content.decode()
    assert (
        f'id="work-accountability.confirm_letter-{letter.pk}"' in queue and directed.title in queue
    )
    assert BADGE.format(1) in queue
    response = client.post(reverse("accountability:letter-confirm", args=[letter.pk]))
    assert response.status_code == 302
    directed.refresh_from_db()
    assert directed.status == S.CONTRACTED
    queue = client.get(reverse("workbench:queue")).content.decode()
    assert f'id="work-accountability.confirm_letter-{letter.pk}"' not in queue


def test_only_the_head_of_the_named_unit_is_asked_to_confirm(
    published, task_force, guanxian_institution
):
    directed, _open_call = published
    letter = accountability.generate_letter(directed, acting_user=task_force)
    staff = User.objects.create_user(
        "directed_staff", role=Role.UNIT, institution=guanxian_institution
    )
    assert not pending(staff, "accountability.confirm_letter").exists()  # not the head
    assert not pending(task_force, "accountability.confirm_letter").exists()
    assert letter.status == letter.Status.DRAFT
