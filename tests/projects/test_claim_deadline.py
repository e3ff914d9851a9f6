"""Issue 10, defect 4: claims after the list's application deadline are refused with the date;
the project page shows the deadline and no claim form once it has passed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.lists import services as list_services
from jiebang.projects.models import Claim

from .test_projects import dimension, make_project  # noqa: F401


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return User.objects.create_user(
        "deadline_unit", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def publish_with_deadline(make_project, city_admin):  # noqa: F811
    def _publish(deadline):
        project = make_project(title="门诊志愿服务")
        project_list = list_services.create_list(
            acting_user=city_admin, name="第一批", guide_deadline=deadline
        )
        list_services.add_projects_to_list(project_list, [project], acting_user=city_admin)
        list_services.publish_list(project_list, acting_user=city_admin)
        project.refresh_from_db()
        return project

    return _publish


def test_claim_after_the_deadline_is_refused_with_the_date(
    login, publish_with_deadline, guanxian_unit
):
    deadline = timezone.localdate() - datetime.timedelta(days=1)
    project = publish_with_deadline(deadline)
    with pytest.raises(DomainError) as refused:
        claim_services.claim_project(project, acting_user=guanxian_unit, plan="方案")
    assert refused.value.message == f"申报已于 {deadline.isoformat()} 截止。"

    client = login(guanxian_unit)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="claim-card"' not in page
    assert f"申报已于 {deadline.isoformat()} 截止。" in page
    response = client.post(reverse("projects:project-claim", args=[project.pk]), {"plan": "方案"})
    assert f"申报已于 {deadline.isoformat()} 截止。" in response.content.decode()
    assert not Claim.objects.exists()


def test_claim_on_the_deadline_day_is_accepted(login, publish_with_deadline, guanxian_unit):
    deadline = timezone.localdate()
    project = publish_with_deadline(deadline)
    client = login(guanxian_unit)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="claim-card"' in page
    assert f"申报截止日期：{deadline.isoformat()}" in page
    response = client.post(reverse("projects:project-claim", args=[project.pk]), {"plan": "方案"})
    assert response.status_code == 302
    assert Claim.objects.get().claimant_unit == guanxian_unit.institution


def test_list_without_a_deadline_stays_open(publish_with_deadline, guanxian_unit):
    project = publish_with_deadline(None)
    claim_services.claim_project(project, acting_user=guanxian_unit, plan="方案")
    assert Claim.objects.count() == 1
