"""Issue 10, defect 5: the city admin maintains the reform dimensions (add, rename, reorder,
switch off) on a page of the menu; a switched-off dimension is not offered for new projects,
existing projects keep it; the nine are seeded by a migration, never by a GET."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.projects.models import Dimension
from jiebang.projects.project import services as project_services
from jiebang.projects.project.forms import ProjectForm

from .test_projects import dimension, make_project  # noqa: F401

URL = "/projects/dimensions/"


def test_the_city_admin_finds_the_page_in_the_menu_and_others_do_not(
    login, city_admin, task_force, guanxian_bureau, donge_unit, expert
):
    assert reverse("projects:dimension-list") == URL
    page = login(city_admin).get("/stages/publish/").content.decode()
    assert URL in page and "改革维度" in page
    for user in (task_force, guanxian_bureau, donge_unit, expert):
        client = login(user)
        assert client.get(URL).status_code == 403, user
        assert client.post(URL, {"name": "新维度"}).status_code == 403, user
        if user is not expert:
            assert URL not in client.get("/stages/publish/").content.decode(), user


def test_add_rename_reorder_and_switch_off(login, city_admin, task_force, dimension):  # noqa: F811
    client = login(city_admin)
    page = client.get(URL).content.decode()
    assert "改革维度" in page and "流程优化" in page
    response = client.post(URL, {"name": "医保协同"})
    assert response.status_code == 302
    added = Dimension.objects.get(name="医保协同")
    assert added.order == 10 and added.is_active  # after the nine
    edit = reverse("projects:dimension-edit", args=[added.pk])
    response = client.post(edit, {"name": "医保支付协同", "order": "0", "is_active": "on"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.order) == ("医保支付协同", 0)
    assert list(Dimension.objects.values_list("name", flat=True))[0] == "医保支付协同"
    response = client.post(edit, {"name": "医保支付协同", "order": "0"})  # unchecked: off
    added.refresh_from_db()
    assert not added.is_active
    assert "停用" in client.get(URL).content.decode()
    # A duplicate or empty name is refused in Chinese, nothing changes.
    response = client.post(URL, {"name": "流程优化"}, follow=True)
    assert "已有同名的改革维度" in response.content.decode()
    with pytest.raises(DomainError):
        project_services.create_dimension(acting_user=city_admin, name="  ")
    with pytest.raises(PermissionDenied):
        project_services.create_dimension(acting_user=task_force, name="新维度")
    assert added.history.count() == 3


def test_switched_off_dimension_is_not_offered_but_existing_projects_keep_it(
    login,
    city_admin,
    make_project,  # noqa: F811
    dimension,  # noqa: F811
):
    project = make_project(title="预住院")
    project_services.update_dimension(
        dimension,
        acting_user=city_admin,
        name=dimension.name,
        order=dimension.order,
        is_active=False,
    )
    assert dimension not in ProjectForm().fields["dimension"].queryset
    assert dimension in ProjectForm(instance=project).fields["dimension"].queryset
    project.refresh_from_db()
    assert project.dimension == dimension
    with pytest.raises(DomainError):
        project_services.create_project(acting_user=city_admin, title="新项目", dimension=dimension)
    # Editing the draft keeps its dimension.
    project_services.update_project(
        project, acting_user=city_admin, title="预住院服务", dimension=dimension
    )
    page = login(city_admin).get(reverse("projects:project-create")).content.decode()
    offered = page.split('name="dimension"')[1].split("</select>")[0]
    assert "能力提升" in offered and "流程优化" not in offered


def test_project_form_writes_nothing_on_get(login, city_admin):
    Dimension.objects.all().delete()
    assert login(city_admin).get(reverse("projects:project-create")).status_code == 200
    assert not Dimension.objects.exists()


def test_migration_seeds_the_nine_dimensions_once(db):
    migration = importlib.import_module("jiebang.projects.migrations.0008_seed_dimensions")
    Dimension.objects.all().delete()
    migration.seed_dimensions(django_apps, None)
    assert list(Dimension.objects.values_list("name", flat=True)) == project_services.DIMENSIONS
    Dimension.objects.filter(name="流程优化").update(name="流程再造")
    migration.seed_dimensions(django_apps, None)  # the admin's list is left alone
    assert Dimension.objects.count() == 9 and not Dimension.objects.filter(name="流程优化").exists()
