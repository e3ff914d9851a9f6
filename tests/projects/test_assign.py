"""派单: the admin runs the engine on the unclaimed projects, inspects why, edits a pair within
eligibility and capacity, confirms; the projects become assigned and the unit sees them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.assign import services as assign_services
from jiebang.projects.claim import services as claim_services
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import AssignmentRun, Project, StatusChange

from .test_projects import dimension, make_project  # noqa: F401

S = Project.Status
W = assign_services.Weights(capability=1.0, locality=0.5, min_per_region=0)


@pytest.fixture
def counties(db):
    return {name: Region.objects.get(name=name) for name in ("冠县", "莘县")}


@pytest.fixture
def township(guanxian_institution):
    return Institution.objects.filter(
        kind="township_hc", region__path__startswith=guanxian_institution.region.county.path
    ).first()


@pytest.fixture
def units(city_admin, guanxian_institution, shenxian_institution, township):
    """冠县人民医院 (慢病管理, 1 project), 莘县人民医院 (信息化, 2), a 冠县 township centre."""
    profiles = [
        (guanxian_institution, ["慢病管理", "全科医学"], 1),
        (shenxian_institution, ["信息化"], 2),
        (township, ["全科医学"], 2),
    ]
    for unit, tags, capacity in profiles:
        assign_services.update_unit_profile(
            unit, acting_user=city_admin, capabilities=tags, project_capacity=capacity
        )
    return [guanxian_institution, shenxian_institution, township]


@pytest.fixture
def projects(make_project, city_admin, counties):  # noqa: F811
    """Three published open projects: 慢病 in 冠县, 信息化 in 莘县, one for township centres."""
    specs = [
        ("慢病随访", counties["冠县"], ["慢病管理"], [], 3),
        ("智慧药房", counties["莘县"], ["信息化"], [], 2),
        ("乡村巡诊", counties["冠县"], ["全科医学"], ["township_hc"], 1),
    ]
    made = [
        make_project(title=t, region=r, capabilities=c, eligible_types=e, priority=p)
        for t, r, c, e, p in specs
    ]
    project_list = list_services.create_list(acting_user=city_admin, name="第一批")
    list_services.add_projects_to_list(project_list, made, acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    return list(Project.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))


@pytest.fixture
def run(projects, units, city_admin):
    return assign_services.run_assignment(
        acting_user=city_admin, projects=projects, units=units, weights=W
    )


def _pairs(run):
    return {p.project.title: p for p in run.pairs.select_related("project", "unit")}


def test_run_stores_the_optimal_pairs_with_why(run, projects, units):
    guanxian, shenxian, township = units
    pairs = _pairs(run)
    assert run.solver_status == "optimal" and run.status == AssignmentRun.Status.PROPOSED
    assert {t: p.unit for t, p in pairs.items()} == {
        "慢病随访": guanxian,
        "智慧药房": shenxian,
        "乡村巡诊": township,
    }
    # priority × (1 × match + 0.5 × local): 3 × 1.5 + 2 × 1.5 + 1 × 1.5
    assert pairs["慢病随访"].score == pytest.approx(4.5)
    assert run.objective == pytest.approx(9.0) == run.engine_objective
    assert run.greedy_objective == pytest.approx(9.0)
    assert pairs["慢病随访"].matched_capabilities == ["慢病管理"]
    assert pairs["慢病随访"].is_local and pairs["慢病随访"].capability_match == 1.0
    assert "慢病管理" in assign_services.why(pairs["慢病随访"])
    assert set(run.projects.all()) == set(projects) and set(run.units.all()) == set(units)


def test_edit_recomputes_and_refuses_ineligible_or_over_capacity(run, units, city_admin):
    guanxian, shenxian, township = units
    pairs = _pairs(run)
    project = pairs["慢病随访"].project
    pair, warnings = assign_services.reassign(run, project, shenxian, acting_user=city_admin)
    assert pair.unit == shenxian and pair.is_edited and pair.engine_unit == guanxian
    assert pair.score == pytest.approx(0.0) and not pair.is_local
    run.refresh_from_db()
    assert run.objective == pytest.approx(4.5) and run.engine_objective == pytest.approx(9.0)
    # 乡村巡诊 accepts only township centres.
    with pytest.raises(DomainError, match="乡镇卫生院"):
        assign_services.reassign(run, pairs["乡村巡诊"].project, guanxian, acting_user=city_admin)
    # Back to 冠县人民医院; then 莘县人民医院, down to one project, cannot take it again.
    assign_services.reassign(run, project, guanxian, acting_user=city_admin)
    assign_services.update_unit_profile(
        shenxian, acting_user=city_admin, capabilities=["信息化"], project_capacity=1
    )
    with pytest.raises(DomainError, match="承接"):
        assign_services.reassign(run, project, shenxian, acting_user=city_admin)
    pair = run.pairs.get(project=project)
    assert pair.unit == guanxian and not pair.is_edited
    # Leaving a project unassigned drops its pair.
    assert assign_services.reassign(run, project, None, acting_user=city_admin)[0] is None
    run.refresh_from_db()
    assert run.objective == pytest.approx(4.5)


def test_confirm_assigns_and_freezes(run, projects, units, city_admin):
    assign_services.confirm_run(run, acting_user=city_admin)
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.CONFIRMED and run.confirmed_by == city_admin
    for pair in run.pairs.select_related("project"):
        project = Project.objects.get(pk=pair.project_id)
        assert project.status == S.ASSIGNED and project.implementing_unit == pair.unit
        change = StatusChange.objects.filter(project=project).last()
        assert change.to_status == S.ASSIGNED and f"派单第 {run.pk} 号方案" in change.reason
    with pytest.raises(DomainError):
        assign_services.reassign(run, projects[0], units[1], acting_user=city_admin)
    with pytest.raises(DomainError):
        assign_services.confirm_run(run, acting_user=city_admin)


def test_confirm_refuses_a_project_claimed_meanwhile(run, projects, city_admin, donge_unit):
    claim_services.claim_project(projects[0], acting_user=donge_unit, plan="我们来做")
    with pytest.raises(DomainError, match=projects[0].code):
        assign_services.confirm_run(run, acting_user=city_admin)
    assert Project.objects.get(pk=projects[1].pk).status == S.PUBLISHED


def test_claimed_projects_and_full_units_are_left_out(
    projects, units, city_admin, donge_unit, guanxian_bureau
):
    claim_services.claim_project(projects[0], acting_user=donge_unit, plan="我们来做")
    assert projects[0] not in assign_services.unclaimed_projects()
    with pytest.raises(DomainError):
        assign_services.run_assignment(
            acting_user=city_admin, projects=projects, units=units, weights=W
        )
    guanxian = units[0]
    carried = projects[1]
    carried.implementing_unit = guanxian
    carried.save(update_fields=["implementing_unit"])
    carried.move_to(S.ASSIGNED, by=city_admin)
    # 冠县人民医院 carries one project and can carry one: it has nothing left.
    assert guanxian not in assign_services.candidate_units(kinds=["county_hospital"])
    assert units[1] in assign_services.candidate_units(kinds=["county_hospital"])


def test_regional_floor_is_reported(projects, units, city_admin):
    weights = assign_services.Weights(capability=1.0, locality=0.5, min_per_region=1)
    run = assign_services.run_assignment(
        acting_user=city_admin, projects=projects, units=units, weights=weights
    )
    assert run.solver_status == "optimal"
    pair = run.pairs.get(project__title="智慧药房")
    _pair, warnings = assign_services.reassign(run, pair.project, units[2], acting_user=city_admin)
    assert warnings and "莘县" in warnings[0]


def test_only_the_city_admin_runs_edits_and_confirms(run, projects, units, task_force):
    with pytest.raises(PermissionDenied):
        assign_services.run_assignment(
            acting_user=task_force, projects=projects, units=units, weights=W
        )
    with pytest.raises(PermissionDenied):
        assign_services.reassign(run, projects[0], units[1], acting_user=task_force)
    with pytest.raises(PermissionDenied):
        assign_services.confirm_run(run, acting_user=task_force)
    with pytest.raises(PermissionDenied):
        assign_services.update_unit_profile(
            units[0], acting_user=task_force, capabilities=[], project_capacity=5
        )


# Pages


def test_admin_runs_edits_and_confirms_through_the_pages(login, projects, units, city_admin):
    client = login(city_admin)
    page = client.get(reverse("projects:assign-index"))
    assert page.status_code == 200 and "运行派单引擎" in page.content.decode()
    data = {
        "projects": [p.pk for p in projects],
        "kinds": ["county_hospital", "township_hc"],
        "counties": [units[0].region.county.pk, units[1].region.county.pk],
        "capability": "1",
        "locality": "0.5",
        "min_per_region": "0",
    }
    response = client.post(reverse("projects:assign-index"), data)
    run = AssignmentRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert set(run.units.all()) >= set(units)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "分配结果及理由" in page and "慢病管理" in page and "贪心目标值" in page

    project = projects[0]
    url = reverse("projects:assign-pair", args=[run.pk, project.pk])
    response = client.post(url, {f"{project.pk}-unit": units[1].pk}, follow=True)
    assert "已调整" in response.content.decode()
    assert run.pairs.get(project=project).unit == units[1]
    client.post(url, {f"{project.pk}-unit": units[2].pk})
    assert run.pairs.get(project=project).unit == units[2]
    other = projects[2]
    options = client.get(
        reverse("projects:assign-pair", args=[run.pk, other.pk]), HTTP_HX_REQUEST="true"
    )
    assert f'value="{units[2].pk}"' in options.content.decode()
    assert f'value="{units[1].pk}"' not in options.content.decode()
    bad = client.post(
        reverse("projects:assign-pair", args=[run.pk, other.pk]),
        {f"{other.pk}-unit": units[1].pk},
        follow=True,
    )
    assert "只接受" in bad.content.decode()

    response = client.post(reverse("projects:assign-confirm", args=[run.pk]), follow=True)
    assert "派单方案已确认" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == S.ASSIGNED


def test_unit_sees_its_assigned_projects(login, run, units, city_admin):
    assign_services.confirm_run(run, acting_user=city_admin)
    user = User.objects.create_user("unit_gx", role=Role.UNIT, institution=units[0])
    client = login(user)
    mine = client.get(reverse("projects:my-projects"))
    assert mine.status_code == 200
    assert "慢病随访" in mine.content.decode() and "派单第" in mine.content.decode()
    assert "智慧药房" not in mine.content.decode()
    claims_page = client.get(reverse("projects:claim-list")).content.decode()
    assert "我的任务" in claims_page and "慢病随访" in claims_page


def test_other_roles_get_403(login, run, units, task_force, guanxian_bureau, donge_unit, expert):
    index = reverse("projects:assign-index")
    assert login(task_force).get(index).status_code == 200
    assert login(task_force).post(index, {}).status_code == 403
    confirm = reverse("projects:assign-confirm", args=[run.pk])
    assert login(task_force).post(confirm).status_code == 403
    for user in (guanxian_bureau, donge_unit, expert):
        client = login(user)
        assert client.get(index).status_code == 403
        assert client.get(run.get_absolute_url()).status_code == 403
        assert client.get(reverse("projects:assign-units")).status_code == 403
    assert login(guanxian_bureau).get(reverse("projects:my-projects")).status_code == 403
    assert AssignmentRun.objects.get(pk=run.pk).status == AssignmentRun.Status.PROPOSED


def test_admin_edits_unit_capabilities_in_place(login, units, city_admin, task_force):
    unit = units[1]
    client = login(city_admin)
    page = client.get(reverse("projects:assign-units"), {"q": unit.name})
    assert page.status_code == 200 and f'id="unit-{unit.pk}"' in page.content.decode()
    url = reverse("projects:assign-unit-edit", args=[unit.pk])
    data = {
        f"{unit.pk}-capabilities": "信息化、互联网医疗，药事服务",
        f"{unit.pk}-project_capacity": "3",
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "unit-saved" in response.content.decode()
    unit.refresh_from_db()
    assert unit.capabilities == ["信息化", "互联网医疗", "药事服务"]
    assert unit.project_capacity == 3
    bad = client.post(url, data | {f"{unit.pk}-project_capacity": "-1"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "text-danger" in bad.content.decode()
    assert login(task_force).post(url, data).status_code == 403


def test_list_pages_keep_their_query_count(
    login, run, units, city_admin, django_assert_max_num_queries
):
    client = login(city_admin)
    with django_assert_max_num_queries(25):
        assert client.get(run.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("projects:assign-index")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("projects:assign-units")).status_code == 200
    assign_services.confirm_run(run, acting_user=city_admin)
    client = login(User.objects.create_user("unit_gx", role=Role.UNIT, institution=units[0]))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("projects:my-projects")).status_code == 200
