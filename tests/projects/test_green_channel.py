"""绿色通道/直报: a unit raises a case, the task force takes it, coordinates and answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.case import services as case_services
from jiebang.projects.models import GreenChannelCase

S = GreenChannelCase.Status


@pytest.fixture
def guanxian_unit(guanxian_institution):
    return User.objects.create_user(
        "gc_unit_guanxian", role=Role.UNIT, institution=guanxian_institution
    )


@pytest.fixture
def case(guanxian_unit):
    return case_services.raise_case(
        acting_user=guanxian_unit,
        title="医保打包付费",
        description="县域医共体打包付费需医保与财政协调",
        departments=["medical_insurance", "finance"],
    )


def test_unit_raises_task_force_takes_and_resolves(login, guanxian_unit, task_force):
    client = login(guanxian_unit)
    response = client.post(
        reverse("projects:case-create"),
        {"title": "编制周转池", "description": "乡镇卫生院编制不足", "departments": ["staffing"]},
    )
    assert response.status_code == 302
    case = GreenChannelCase.objects.get(title="编制周转池")
    assert case.raised_by_unit == guanxian_unit.institution
    assert case.status == S.OPEN
    assert case.response_deadline == timezone.localdate() + timedelta(days=10)

    client = login(task_force)
    assert "编制周转池".encode() in client.get(reverse("projects:case-list")).content
    deadline = timezone.localdate() + timedelta(days=5)
    url = reverse("projects:case-take", args=[case.pk])
    assert client.post(url, {"response_deadline": deadline.isoformat()}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.owner, case.response_deadline) == (
        S.IN_COORDINATION,
        task_force,
        deadline,
    )
    url = reverse("projects:case-resolve", args=[case.pk])
    assert client.post(url, {"resolution": "已设立编制周转池"}).status_code == 302
    case.refresh_from_db()
    assert case.status == S.RESOLVED

    client = login(guanxian_unit)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "已设立编制周转池".encode() in page.content
    assert case.history.count() == 3


def test_resolve_needs_a_resolution_and_close_needs_a_reason(case, task_force):
    case = case_services.take_case(case, acting_user=task_force)
    with pytest.raises(DomainError):
        case_services.resolve_case(case, acting_user=task_force, resolution="  ")
    with pytest.raises(DomainError):
        case_services.close_unresolved(case, acting_user=task_force, reason="")
    case = case_services.close_unresolved(case, acting_user=task_force, reason="需省级政策")
    assert (case.status, case.close_reason) == (S.CLOSED_UNRESOLVED, "需省级政策")
    with pytest.raises(DomainError):
        case_services.resolve_case(case, acting_user=task_force, resolution="迟到的答复")


def test_only_the_owner_or_city_admin_resolves(case, task_force, city_admin):
    other = User.objects.create_user("taskforce_two", role=Role.TASK_FORCE)
    case = case_services.take_case(case, acting_user=task_force)
    with pytest.raises(PermissionDenied):
        case_services.resolve_case(case, acting_user=other, resolution="答复")
    case = case_services.resolve_case(case, acting_user=city_admin, resolution="答复")
    assert case.status == S.RESOLVED


def test_overdue_is_derived_across_the_deadline_in_local_dates(case, task_force):
    deadline = case.response_deadline
    assert not case.overdue_on(deadline)
    assert case.overdue_on(deadline + timedelta(days=1))
    case.response_deadline = timezone.localdate() - timedelta(days=1)
    assert case.is_overdue
    case.response_deadline = timezone.localdate()
    assert not case.is_overdue
    case = case_services.take_case(case, acting_user=task_force)
    case_services.resolve_case(case, acting_user=task_force, resolution="答复")
    case.refresh_from_db()
    assert not case.overdue_on(deadline + timedelta(days=30))


def test_list_puts_overdue_first_with_a_badge_and_filters(login, case, guanxian_unit, city_admin):
    late = case_services.raise_case(
        acting_user=guanxian_unit, title="逾期事项", description="说明", departments=["education"]
    )
    GreenChannelCase.objects.filter(pk=late.pk).update(
        response_deadline=timezone.localdate() - timedelta(days=2)
    )
    client = login(city_admin)
    content = client.get(reverse("projects:case-list")).content.decode()
    assert content.index("逾期事项") < content.index("医保打包付费")
    assert 'class="badge text-bg-danger overdue"' in content
    filtered = client.get(reverse("projects:case-list"), {"department": "finance"})
    assert "医保打包付费" in filtered.content.decode()
    assert "逾期事项" not in filtered.content.decode()
    by_status = client.get(reverse("projects:case-list"), {"status": "resolved"})
    assert "医保打包付费" not in by_status.content.decode()


def test_other_county_bureau_gets_404(login, case, shenxian_bureau, guanxian_bureau):
    assert login(shenxian_bureau).get(case.get_absolute_url()).status_code == 404
    assert login(guanxian_bureau).get(case.get_absolute_url()).status_code == 200
    url = reverse("projects:case-take", args=[case.pk])
    assert login(shenxian_bureau).post(url).status_code == 404


def test_only_task_force_or_city_admin_takes(login, case, guanxian_unit, guanxian_bureau):
    url = reverse("projects:case-take", args=[case.pk])
    assert login(guanxian_unit).post(url).status_code == 403
    assert login(guanxian_bureau).post(url).status_code == 403
    case.refresh_from_db()
    assert case.status == S.OPEN


def test_only_units_raise(login, task_force, donge_unit):
    assert login(task_force).get(reverse("projects:case-create")).status_code == 403
    with pytest.raises(PermissionDenied):
        case_services.raise_case(
            acting_user=task_force, title="t", description="d", departments=["other"]
        )
    with pytest.raises(DomainError):
        case_services.raise_case(acting_user=donge_unit, title="t", description="d", departments=[])
