import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.orgs.models import Region
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Dimension, Project, ProjectList, StatusChange
from jiebang.projects.project import services as project_services

S = Project.Status


@pytest.fixture
def dimension(db):
    project_services.ensure_dimensions()
    return Dimension.objects.get(name="流程优化")


@pytest.fixture
def make_project(city_admin, dimension):
    def _make(*, unit=None, complete=True, **fields):
        fields.setdefault("channel", Project.Channel.DIRECTED if unit else Project.Channel.OPEN)
        project = project_services.create_project(
            acting_user=city_admin,
            title=fields.pop("title", "预住院"),
            dimension=dimension,
            implementing_unit=unit,
            **fields,
        )
        if complete:
            project_services.add_indicator(
                project,
                acting_user=city_admin,
                name="术前等待时间",
                unit="天",
                baseline=5,
                target=2,
                direction="down",
            )
            project_services.add_milestone(
                project, acting_user=city_admin, title="试点", due_date=datetime.date(2027, 3, 1)
            )
        return project

    return _make


def _published(make_project, city_admin, **kwargs):
    project = make_project(**kwargs)
    project_list = list_services.create_list(acting_user=city_admin, name="第一批")
    list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    project.refresh_from_db()
    return project


def test_ensure_dimensions_is_idempotent(db):
    project_services.ensure_dimensions()
    project_services.ensure_dimensions()
    assert Dimension.objects.count() == 9
    assert list(Dimension.objects.values_list("name", flat=True))[-1] == "法治与行风"


def test_legal_moves_write_status_changes(make_project, city_admin, guanxian_institution):
    project = make_project(unit=guanxian_institution)
    for status in (S.PUBLISHED, S.ASSIGNED, S.CONTRACTED, S.IN_PROGRESS, S.COMPLETED):
        project.move_to(status, by=city_admin)
    project.move_to(S.EVALUATED, by=city_admin, reason="验收通过")
    project.refresh_from_db()
    assert project.status == S.EVALUATED
    changes = list(StatusChange.objects.filter(project=project).order_by("pk"))
    assert [(c.from_status, c.to_status) for c in changes[:2]] == [
        (S.DRAFT, S.PUBLISHED),
        (S.PUBLISHED, S.ASSIGNED),
    ]
    assert changes[-1].reason == "验收通过" and changes[-1].changed_by == city_admin


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ((), S.CLAIMED),
        ((), S.COMPLETED),
        ((S.PUBLISHED,), S.CONTRACTED),
        ((S.PUBLISHED, S.CLAIMED, S.CONTRACTED), S.WITHDRAWN),
        ((S.WITHDRAWN,), S.PUBLISHED),
    ],
)
def test_illegal_moves_raise(make_project, city_admin, path, illegal):
    project = make_project()
    for status in path:
        project.move_to(status, by=city_admin)
    before = StatusChange.objects.count()
    with pytest.raises(DomainError):
        project.move_to(illegal, by=city_admin)
    assert StatusChange.objects.count() == before


def test_withdraw_from_claimed(make_project, city_admin):
    project = _published(make_project, city_admin)
    project.move_to(S.CLAIMED, by=city_admin)
    change = project_services.withdraw_project(project, acting_user=city_admin, reason="重复")
    assert change.to_status == S.WITHDRAWN and change.reason == "重复"


def test_publish_list_publishes_its_drafts(make_project, city_admin, guanxian_institution):
    directed = make_project(unit=guanxian_institution)
    open_call = make_project(title="疼痛综合管理")
    project_list = list_services.create_list(acting_user=city_admin, name="第一批", round_number=1)
    list_services.add_projects_to_list(project_list, [directed, open_call], acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    project_list.refresh_from_db()
    assert project_list.status == ProjectList.Status.PUBLISHED
    assert project_list.published_at is not None
    # The directed project goes on to its named unit (tests/projects/test_directed.py).
    assert dict(project_list.projects.values_list("title", "status")) == {
        "预住院": S.ASSIGNED,
        "疼痛综合管理": S.PUBLISHED,
    }
    with pytest.raises(DomainError):
        list_services.publish_list(project_list, acting_user=city_admin)


@pytest.mark.parametrize("missing", ["unit", "indicator", "timeline"])
def test_publish_list_requires_three_elements(make_project, city_admin, dimension, missing):
    project = project_services.create_project(
        acting_user=city_admin,
        title="DRG 付费改革",
        dimension=dimension,
        channel=Project.Channel.DIRECTED if missing == "unit" else Project.Channel.OPEN,
    )
    if missing != "indicator":
        project_services.add_indicator(
            project, acting_user=city_admin, name="结算率", baseline=60, target=90
        )
    if missing != "timeline":
        project_services.update_project(
            project,
            acting_user=city_admin,
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 12, 31),
        )
    project_list = list_services.create_list(acting_user=city_admin, name="第二批")
    list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
    with pytest.raises(DomainError):
        list_services.publish_list(project_list, acting_user=city_admin)
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert ProjectList.objects.get(pk=project_list.pk).status == ProjectList.Status.DRAFT


def test_only_city_admin_manages(make_project, task_force):
    with pytest.raises(PermissionDenied):
        project_services.create_project(acting_user=task_force, title="x")
    with pytest.raises(PermissionDenied):
        project_services.withdraw_project(make_project(), acting_user=task_force, reason="")


def test_unit_sees_published_not_drafts(make_project, city_admin, donge_unit):
    draft = make_project(title="草稿项目")
    published = _published(make_project, city_admin, title="已发榜项目")
    own = make_project(title="本单位项目", unit=donge_unit.institution)
    visible = set(Project.objects.visible_to(donge_unit))
    assert published in visible and own in visible and draft not in visible


def test_other_county_bureau_gets_404_on_draft(
    login, make_project, guanxian_institution, shenxian_bureau, guanxian_bureau
):
    project = make_project(unit=guanxian_institution)
    assert login(shenxian_bureau).get(project.get_absolute_url()).status_code == 404
    assert login(guanxian_bureau).get(project.get_absolute_url()).status_code == 200


def test_county_bureau_sees_by_region(make_project, shenxian_bureau, guanxian_bureau):
    shenxian = Region.objects.get(name="莘县")
    project = make_project(region=shenxian)
    assert project in Project.objects.visible_to(shenxian_bureau)
    assert project not in Project.objects.visible_to(guanxian_bureau)


def test_project_list_page_filters_and_scopes(
    login, make_project, city_admin, donge_unit, django_assert_max_num_queries
):
    published = _published(make_project, city_admin, title="已发榜项目")
    make_project(title="草稿项目")
    client = login(donge_unit)
    # 12 for the page and the menu, 5 for the 我的待办 badge of a unit head (ledger/context.py:
    # overdue, due soon, returned updates and measurements, letters to confirm)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("projects:project-list"), {"status": "published"})
    assert response.status_code == 200
    assert published.title in response.text and "草稿项目" not in response.text


def test_admin_creates_project_with_indicators_through_form(
    login, city_admin, dimension, guanxian_institution
):
    shenxian = Region.objects.get(name="莘县")
    data = {
        "title": "乡村医生县招乡聘村用",
        "dimension": dimension.pk,
        "channel": "directed",
        "implementing_unit": guanxian_institution.pk,
        "coverage_regions": [shenxian.pk],
        "coverage_types": ["village_clinic"],
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "priority": 4,
        "capabilities": "人才，基层",
        "indicators-TOTAL_FORMS": 3,
        "indicators-INITIAL_FORMS": 0,
        "indicators-0-name": "村医到岗率",
        "indicators-0-unit": "%",
        "indicators-0-baseline": "70",
        "indicators-0-target": "95",
        "indicators-0-direction": "up",
        "indicators-0-frequency": "quarterly",
        "milestones-TOTAL_FORMS": 3,
        "milestones-INITIAL_FORMS": 0,
        "milestones-0-title": "招聘完成",
        "milestones-0-due_date": "2027-06-30",
    }
    client = login(city_admin)
    response = client.post(reverse("projects:project-create"), data)
    assert response.status_code == 302
    project = Project.objects.get(title="乡村医生县招乡聘村用")
    assert project.status == S.DRAFT and project.created_by == city_admin
    assert project.capabilities == ["人才", "基层"]
    assert list(project.coverage_regions.all()) == [shenxian]
    assert project.indicators.get().target == 95
    assert project.milestones.get().title == "招聘完成"
    page = client.get(project.get_absolute_url())
    assert "村医到岗率" in page.text


def test_form_page_is_403_for_task_force(login, task_force, dimension):
    assert login(task_force).get(reverse("projects:project-create")).status_code == 403


def test_only_city_admin_may_publish(login, make_project, city_admin, task_force):
    project = make_project()
    project_list = list_services.create_list(acting_user=city_admin, name="第一批")
    list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
    url = reverse("projects:list-publish", args=[project_list.pk])
    assert login(task_force).post(url).status_code == 403
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert login(city_admin).post(url).status_code == 302
    project.refresh_from_db()
    assert project.status == S.PUBLISHED


def test_unit_reads_guide_of_published_list_only(login, make_project, city_admin, donge_unit):
    project_list = list_services.create_list(
        acting_user=city_admin, name="第一批", guide_contact="0635-1234567"
    )
    guide_url = reverse("projects:list-guide", args=[project_list.pk])
    client = login(donge_unit)
    assert client.get(guide_url).status_code == 404
    list_services.add_projects_to_list(project_list, [make_project()], acting_user=city_admin)
    list_services.publish_list(project_list, acting_user=city_admin)
    response = client.get(guide_url)
    assert response.status_code == 200 and "0635-1234567" in response.text
    assert client.post(guide_url, {"name": "x"}).status_code == 403


def test_admin_edits_guide(login, city_admin):
    project_list = list_services.create_list(acting_user=city_admin, name="第一批")
    url = reverse("projects:list-guide", args=[project_list.pk])
    data = {"name": "第一批", "guide_process": "网上申报", "guide_contact": "卫健委"}
    assert login(city_admin).post(url, data).status_code == 302
    project_list.refresh_from_db()
    assert project_list.guide_process == "网上申报"


def test_pages_render(login, make_project, city_admin):
    project = _published(make_project, city_admin)
    client = login(city_admin)
    for url in (
        reverse("projects:list-index"),
        project.project_list.get_absolute_url(),
        project.get_absolute_url(),
        reverse("projects:project-create"),
        reverse("projects:project-list"),
    ):
        assert client.get(url).status_code == 200, url


def test_project_page_leads_to_its_stage4_pages_for_those_who_work_on_it(
    login, make_project, city_admin, donge_unit, guanxian_bureau
):
    project = make_project(title="已揭榜项目", unit=donge_unit.institution)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLAIMED)
    url = reverse("projects:project-detail", args=[project.pk])
    unit_page = login(donge_unit).get(url)
    assert reverse("ledger:project-ledger", args=[project.pk]) in unit_page.text
    assert reverse("accountability:project-detail", args=[project.pk]) in unit_page.text
    assert reverse("resources:project-experts", args=[project.pk]) in unit_page.text
    other_county = login(guanxian_bureau).get(url)
    assert reverse("ledger:project-ledger", args=[project.pk]) not in other_county.text


def test_publishing_names_every_incomplete_project_and_the_list_marks_them(
    login, make_project, city_admin, guanxian_institution
):
    """Issue 17: publishing reported only the first incomplete project, and the list page did
    not show which lacked what."""
    ready = make_project(title="预住院服务")
    no_indicator = make_project(
        title="胸痛中心", complete=False, start_date=datetime.date(2026, 1, 1)
    )
    no_unit = make_project(title="医共体药品统一配送", channel=Project.Channel.DIRECTED)
    project_list = list_services.create_list(acting_user=city_admin, name="第二批")
    list_services.add_projects_to_list(
        project_list, [ready, no_indicator, no_unit], acting_user=city_admin
    )
    client = login(city_admin)
    response = client.post(reverse("projects:list-publish", args=[project_list.pk]), follow=True)
    html = response.content.decode()
    assert "2 个项目尚不能发榜" in html
    assert "胸痛中心" in html and "医共体药品统一配送" in html
    assert f'id="incomplete-{no_indicator.pk}"' in html and f'id="incomplete-{no_unit.pk}"' in html
    assert f'id="incomplete-{ready.pk}"' not in html
    assert "胸痛中心（至少需要一项量化指标、" in html
    project_list.refresh_from_db()
    assert project_list.status == project_list.Status.DRAFT
    ready.refresh_from_db()
    assert ready.status == S.DRAFT  # all or nothing
