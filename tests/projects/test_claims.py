"""点单: a unit claims a published open project, its county endorses, the city admin decides."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.models import Claim, Project

from .test_projects import _published, dimension, make_project  # noqa: F401

C = Claim.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _unit_user(username, institution):
    return User.objects.create_user(username, role=Role.UNIT, institution=institution)


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return _unit_user("unit_guanxian", guanxian_institution)


@pytest.fixture
def guanxian_unit_two(guanxian_institution):
    other = (
        Institution.objects.filter(region__path__startswith=guanxian_institution.region.path)
        .exclude(pk=guanxian_institution.pk)
        .first()
    )
    return _unit_user("unit_guanxian_two", other)


@pytest.fixture
def open_project(make_project, city_admin):  # noqa: F811
    return _published(make_project, city_admin)


@pytest.fixture
def claim(open_project, guanxian_unit):
    return claim_services.claim_project(
        open_project, acting_user=guanxian_unit, plan="三个月内完成"
    )


def test_claim_endorse_approve_rejects_the_other_claims(
    login, open_project, guanxian_unit, guanxian_unit_two, guanxian_bureau, city_admin
):
    client = login(guanxian_unit)
    url = reverse("projects:project-claim", args=[open_project.pk])
    response = client.post(url, {"plan": "实施方案甲"})
    assert response.status_code == 302
    claim = Claim.objects.get(project=open_project, claimant_unit=guanxian_unit.institution)
    assert claim.status == C.SUBMITTED
    other = claim_services.claim_project(open_project, acting_user=guanxian_unit_two, plan="方案乙")

    client = login(guanxian_bureau)
    assert claim.plan.encode() in client.get(reverse("projects:claim-list")).content
    url = reverse("projects:claim-endorse", args=[claim.pk])
    assert client.post(url, {"note": "推荐"}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.county_note, claim.endorsed_by) == (
        C.ENDORSED,
        "推荐",
        guanxian_bureau,
    )

    client = login(city_admin)
    assert claim.plan.encode() in client.get(reverse("projects:claim-list")).content
    assert client.post(reverse("projects:claim-approve", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    other.refresh_from_db()
    open_project.refresh_from_db()
    assert claim.status == C.APPROVED and claim.decided_by == city_admin
    assert other.status == C.REJECTED
    assert other.decision_reason == _("Another unit was chosen.")
    assert open_project.status == Project.Status.CLAIMED
    assert open_project.implementing_unit == guanxian_unit.institution
    detail = client.get(open_project.get_absolute_url())
    assert f'id="claim-{claim.pk}"'.encode() in detail.content


def test_one_open_claim_per_unit_and_withdraw(open_project, guanxian_unit, claim):
    with pytest.raises(DomainError):
        claim_services.claim_project(open_project, acting_user=guanxian_unit, plan="再来一次")
    claim_services.withdraw_claim(claim, acting_user=guanxian_unit)
    assert Claim.objects.get(pk=claim.pk).status == C.WITHDRAWN
    claim_services.claim_project(open_project, acting_user=guanxian_unit, plan="重新申请")


def test_other_county_bureau_cannot_see_or_endorse(login, claim, shenxian_bureau):
    with pytest.raises(PermissionDenied):
        claim_services.endorse_claim(claim, acting_user=shenxian_bureau)
    client = login(shenxian_bureau)
    url = reverse("projects:claim-endorse", args=[claim.pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    assert claim.plan.encode() not in client.get(reverse("projects:claim-list")).content
    assert Claim.objects.get(pk=claim.pk).status == C.SUBMITTED


def test_unit_cannot_claim_draft_or_directed_project(
    make_project,  # noqa: F811
    city_admin,
    guanxian_unit,
    shenxian_institution,
):
    draft = make_project()
    with pytest.raises(DomainError):
        claim_services.claim_project(draft, acting_user=guanxian_unit, plan="方案")
    directed = _published(make_project, city_admin, unit=shenxian_institution)
    assert directed.channel == Project.Channel.DIRECTED
    with pytest.raises(DomainError):
        claim_services.claim_project(directed, acting_user=guanxian_unit, plan="方案")
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("name", "size", "code"),
    [("方案.exe", 10, "file_type"), ("大文件.pdf", 10 * 1024 * 1024 + 1, "file_size")],
)
def test_attachment_type_and_size_are_refused(login, open_project, guanxian_unit, name, size, code):
    client = login(guanxian_unit)
    upload = SimpleUploadedFile(name, b"x" * size)
    url = reverse("projects:project-claim", args=[open_project.pk])
    response = client.post(url, {"plan": "方案", "attachment": upload})
    assert response.status_code == 200
    assert name in response.context["claim_form"].errors["attachment"][0]
    assert not Claim.objects.exists()


def test_attachment_is_kept_and_served_in_scope(login, open_project, guanxian_unit, donge_unit):
    client = login(guanxian_unit)
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4")
    url = reverse("projects:project-claim", args=[open_project.pk])
    assert client.post(url, {"plan": "方案", "attachment": upload}).status_code == 302
    claim = Claim.objects.get()
    url = reverse("projects:claim-attachment", args=[claim.pk])
    assert client.get(url).status_code == 200
    assert login(donge_unit).get(url).status_code == 404


def test_only_city_admin_decides(login, claim, guanxian_bureau, task_force):
    claim_services.endorse_claim(claim, acting_user=guanxian_bureau)
    with pytest.raises(PermissionDenied):
        claim_services.approve_claim(claim, acting_user=task_force)
    client = login(task_force)
    assert client.post(reverse("projects:claim-approve", args=[claim.pk])).status_code == 403
    assert client.post(reverse("projects:claim-reject", args=[claim.pk])).status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == C.ENDORSED


def test_reject_needs_a_reason(claim, guanxian_bureau, city_admin):
    claim_services.endorse_claim(claim, acting_user=guanxian_bureau)
    with pytest.raises(DomainError):
        claim_services.reject_claim(claim, acting_user=city_admin, reason=" ")
    claim_services.reject_claim(claim, acting_user=city_admin, reason="方案不完整")
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (C.REJECTED, "方案不完整")


def test_a_city_level_unit_is_endorsed_by_the_task_force(
    login, open_project, task_force, guanxian_bureau, city_admin
):
    """The city CDC lies in no county, so no county bureau can endorse its claim."""
    cdc = Institution.objects.get(name="聊城市疾控中心")
    claim = claim_services.claim_project(
        open_project, acting_user=_unit_user("unit_city_cdc", cdc), plan="医防融合方案"
    )
    with pytest.raises(PermissionDenied):
        claim_services.endorse_claim(claim, acting_user=guanxian_bureau)
    page = login(task_force).get(reverse("projects:claim-list"))
    assert reverse("projects:claim-endorse", args=[claim.pk]) in page.text
    claim_services.endorse_claim(claim, acting_user=task_force, note="市直单位，市级专班审核。")
    claim_services.approve_claim(claim, acting_user=city_admin)
    open_project.refresh_from_db()
    assert open_project.implementing_unit == cdc
