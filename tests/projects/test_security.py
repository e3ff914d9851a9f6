"""Scope by role: only a unit user carries its institution's scope; green-channel cases only
about projects the unit works on; forms only for those who may submit them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.core.scoping import NOTHING, user_scope
from jiebang.orgs.models import User
from jiebang.projects.case import services as case_services
from jiebang.projects.case.forms import CaseForm
from jiebang.projects.claim import services as claim_services
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Claim, GreenChannelCase, Project
from jiebang.projects.project import services as project_services

from .test_projects import _published, dimension, make_project  # noqa: F401

CASE = {"title": "医保打包付费", "description": "需医保与财政协调", "departments": ["finance"]}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def expert_hospital(expert):
    """The expert's home institution (聊城市人民医院 in the demo)."""
    assert expert.institution is not None
    return expert.institution


@pytest.fixture
def hospital_head(expert_hospital):
    return User.objects.create_user(
        "head_expert_hospital", role=Role.UNIT, institution=expert_hospital, is_unit_head=True
    )


@pytest.fixture
def hospital_panel(expert_hospital):
    """A panel member who happens to work in the same hospital."""
    return User.objects.create_user(
        "panel_same_hospital", role=Role.PANEL, institution=expert_hospital
    )


@pytest.fixture
def hospital_claim(make_project, city_admin, hospital_head):  # noqa: F811
    project = _published(make_project, city_admin)
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4")
    return claim_services.claim_project(
        project, acting_user=hospital_head, plan="三个月内完成", attachment=upload
    )


@pytest.fixture
def hospital_case(hospital_head):
    return case_services.raise_case(acting_user=hospital_head, **CASE)


# 1. An institution gives its scope to unit users only.


@pytest.mark.parametrize("role", [Role.EXPERT, Role.PANEL])
def test_non_unit_roles_get_no_scope_from_their_institution(role, expert_hospital):
    user = User.objects.create_user(f"scope_{role}", role=role, institution=expert_hospital)
    assert user_scope(user) == NOTHING


def test_unit_user_keeps_its_institution_scope(hospital_head, expert_hospital):
    assert user_scope(hospital_head).unit_id == expert_hospital.pk


@pytest.mark.parametrize("persona", ["expert", "hospital_panel"])
def test_expert_and_panel_cannot_download_their_institutions_claim_attachment(
    request, login, hospital_claim, persona
):
    url = reverse("projects:claim-attachment", args=[hospital_claim.pk])
    assert login(request.getfixturevalue(persona)).get(url).status_code == 404
    assert not Claim.objects.visible_to(request.getfixturevalue(persona)).exists()


def test_unit_still_downloads_its_claim_attachment(login, hospital_claim, hospital_head):
    url = reverse("projects:claim-attachment", args=[hospital_claim.pk])
    response = login(hospital_head).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


@pytest.mark.parametrize("persona", ["expert", "hospital_panel"])
def test_expert_and_panel_cannot_open_their_institutions_case(
    request, login, hospital_case, persona
):
    client = login(request.getfixturevalue(persona))
    assert client.get(hospital_case.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:case-list")).status_code == 403
    assert client.get(reverse("projects:claim-list")).status_code == 403
    take = reverse("projects:case-take", args=[hospital_case.pk])
    assert client.post(take).status_code == 404


def test_unit_still_opens_its_case(login, hospital_case, hospital_head):
    assert login(hospital_head).get(hospital_case.get_absolute_url()).status_code == 200


def test_expert_sees_no_project_of_its_institution_that_is_not_public(
    make_project,  # noqa: F811
    expert,
    expert_hospital,
    hospital_head,
):
    project = make_project(unit=expert_hospital)  # a draft directed to the hospital
    assert Project.objects.visible_to(hospital_head).filter(pk=project.pk).exists()
    assert not Project.objects.visible_to(expert).filter(pk=project.pk).exists()
    assert not Project.objects.implemented_visible_to(expert).exists()


# 2. A green-channel case only about a project the unit works on.


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return User.objects.create_user(
        "sec_unit_guanxian", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def own_project(make_project, guanxian_institution):  # noqa: F811
    return make_project(title="冠县预住院", unit=guanxian_institution)


@pytest.fixture
def other_county_project(make_project, city_admin, shenxian_institution):  # noqa: F811
    """A published project implemented in 莘县: public, yet none of 冠县's business."""
    return _published(make_project, city_admin, title="莘县家庭医生", unit=shenxian_institution)


def test_case_form_offers_only_the_units_own_projects(
    guanxian_unit, own_project, other_county_project
):
    choices = CaseForm(user=guanxian_unit).fields["project"].queryset
    assert own_project in choices
    assert other_county_project not in choices


def test_case_cannot_be_attached_to_another_countys_project(
    login, guanxian_unit, other_county_project
):
    response = login(guanxian_unit).post(
        reverse("projects:case-create"), {**CASE, "project": other_county_project.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["project"]
    assert not GreenChannelCase.objects.exists()


def test_raise_case_service_refuses_another_countys_project(guanxian_unit, other_county_project):
    with pytest.raises(DomainError):
        case_services.raise_case(acting_user=guanxian_unit, project=other_county_project, **CASE)
    assert not GreenChannelCase.objects.exists()


def test_case_on_own_project_is_accepted(login, guanxian_unit, own_project):
    response = login(guanxian_unit).post(
        reverse("projects:case-create"), {**CASE, "project": own_project.pk}
    )
    assert response.status_code == 302
    assert GreenChannelCase.objects.get().project == own_project


def test_accountability_page_reuses_the_projects_case_form():
    from jiebang.accountability import forms as accountability_forms

    assert (
        not hasattr(accountability_forms, "CaseForm") or accountability_forms.CaseForm is CaseForm
    )


def test_accountability_case_on_another_units_project_is_404(
    login, guanxian_unit, other_county_project
):
    url = reverse("accountability:case-raise", args=[other_county_project.pk])
    assert login(guanxian_unit).post(url, CASE).status_code == 404
    assert not GreenChannelCase.objects.exists()


# 3. The permission is checked before a form is built, on GET as on POST.


@pytest.mark.parametrize("persona", ["donge_unit", "expert", "task_force"])
def test_project_create_form_is_refused_on_get(request, login, persona, dimension):  # noqa: F811
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("projects:project-create")).status_code == 403


def test_case_create_form_is_refused_on_get_to_non_units(login, expert, task_force):
    for user in (expert, task_force):
        assert login(user).get(reverse("projects:case-create")).status_code == 403


def test_list_pages_build_no_management_form_for_readers(login, donge_unit, city_admin):
    project_list = list_services.create_list(acting_user=city_admin, name="第二批")
    client = login(city_admin)
    assert client.get(reverse("projects:list-index")).context["form"] is not None
    client = login(donge_unit)
    assert client.get(reverse("projects:list-index")).context["form"] is None
    # A reader of a (published) list gets neither the add-projects nor the guide form.
    project_list.status = project_list.Status.PUBLISHED
    project_list.save()
    for name in ("list-detail", "list-guide"):
        page = client.get(reverse(f"projects:{name}", args=[project_list.pk]))
        assert page.status_code == 200 and page.context["form"] is None


def test_dates_out_of_range_are_refused_for_milestones(db):
    from jiebang.projects.project.forms import MilestoneForm

    form = MilestoneForm({"title": "试点", "due_date": "0001-01-01"})
    assert not form.is_valid() and form.errors["due_date"]
    form = MilestoneForm({"title": "试点", "due_date": datetime.date(2027, 3, 1).isoformat()})
    assert form.is_valid()


def test_assign_page_builds_the_engine_form_only_for_the_admin(login, task_force, city_admin):
    assert login(task_force).get(reverse("projects:assign-index")).context["form"] is None
    assert login(city_admin).get(reverse("projects:assign-index")).context["form"] is not None


def test_project_services_refuse_dates_out_of_range(
    make_project,  # noqa: F811
    city_admin,
    hospital_case,
    task_force,
):
    with pytest.raises(DomainError, match="2000-01-01"):
        make_project(start_date=datetime.date(1, 1, 1))
    project = make_project(complete=False)
    with pytest.raises(DomainError):
        project_services.add_milestone(
            project, acting_user=city_admin, title="试点", due_date=datetime.date(1, 1, 1)
        )
    with pytest.raises(DomainError):
        case_services.take_case(
            hospital_case, acting_user=task_force, response_deadline=datetime.date(2101, 1, 1)
        )
    assert not project.milestones.exists()
    hospital_case.refresh_from_db()
    assert hospital_case.status == GreenChannelCase.Status.OPEN
