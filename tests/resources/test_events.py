"""兴聊号直通车: events with attendance; totals from the records; county scope."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.orgs.models import Institution, Region
from jiebang.resources import services
from jiebang.resources.models import OutreachEvent

Row = services.AttendanceRow


def _centres(county, n=2):
    return list(
        Institution.objects.filter(
            region__path__startswith=county.path, kind__in=["township_hc", "sub_centre"]
        ).order_by("name")[:n]
    )


@pytest.fixture
def shenxian(db):
    return Region.objects.get(name="莘县")


@pytest.fixture
def events(task_force, guanxian, shenxian):
    g1, g2 = _centres(guanxian)
    (s1,) = _centres(shenxian, 1)
    return [
        services.create_event(
            acting_user=task_force,
            title="直通车走进冠县",
            date=datetime.date(2024, 4, 10),
            region=guanxian,
            place="冠县某卫生院",
            free_clinic_count=80,
            attendance=[Row(g1, 20, 15), Row(g2, 12, 10)],
        ),
        services.create_event(
            acting_user=task_force,
            title="直通车走进莘县",
            date=datetime.date(2024, 6, 5),
            region=shenxian,
            place="莘县某卫生院",
            free_clinic_count=55,
            attendance=[Row(s1, 30, 25)],
        ),
    ]


def test_totals_are_computed_from_the_records(login, city_admin, events, guanxian):
    totals = services.event_totals(OutreachEvent.objects.all())
    assert totals == {"events": 2, "free_clinic": 135, "attendees": 62, "village_doctors": 50}
    client = login(city_admin)
    text = client.get(reverse("resources:event-list")).content.decode()
    assert "兴聊号直通车" in text and "培训乡村医生" in text
    assert 'id="total-village-doctors">50<' in text and 'id="total-free-clinic">135<' in text
    text = client.get(reverse("resources:event-list"), {"county": guanxian.pk}).content.decode()
    assert 'id="total-village-doctors">25<' in text and "直通车走进莘县" not in text
    text = client.get(
        reverse("resources:event-list"), {"date_from": "2024-05-01", "date_to": "2024-12-31"}
    ).content.decode()
    assert 'id="total-events">1<' in text and 'id="total-village-doctors">25<' in text


def test_county_bureau_sees_its_county_only(login, guanxian_bureau, events):
    client = login(guanxian_bureau)
    text = client.get(reverse("resources:event-list")).content.decode()
    assert "直通车走进冠县" in text and "直通车走进莘县" not in text
    assert 'id="total-village-doctors">25<' in text
    guanxian_event, shenxian_event = events
    assert client.get(guanxian_event.get_absolute_url()).status_code == 200
    assert client.get(shenxian_event.get_absolute_url()).status_code == 404
    edit = reverse("resources:event-edit", args=[shenxian_event.pk])
    assert client.get(edit).status_code == 404


def test_county_bureau_records_in_its_county_not_another(
    login, guanxian_bureau, guanxian, shenxian
):
    (centre,) = _centres(guanxian, 1)
    client = login(guanxian_bureau)
    data = {
        "title": "冠县直通车",
        "date": "2024-09-01",
        "region": guanxian.pk,
        "place": "冠县文化广场",
        "free_clinic_count": 60,
        "notes": "",
        "attendance-TOTAL_FORMS": 3,
        "attendance-INITIAL_FORMS": 0,
        "attendance-0-institution": centre.pk,
        "attendance-0-attendees": 18,
        "attendance-0-village_doctors": 14,
    }
    assert client.post(reverse("resources:event-create"), data).status_code == 302
    event = OutreachEvent.objects.get(title="冠县直通车")
    assert list(event.attendance.values_list("village_doctors", flat=True)) == [14]
    with pytest.raises(PermissionDenied):
        services.create_event(
            acting_user=guanxian_bureau,
            title="越界",
            date=datetime.date(2024, 9, 1),
            region=shenxian,
            place="莘县",
        )


def test_more_village_doctors_than_attendees_is_refused(login, task_force, guanxian):
    (centre,) = _centres(guanxian, 1)
    with pytest.raises(DomainError):
        services.create_event(
            acting_user=task_force,
            title="错的",
            date=datetime.date(2024, 9, 1),
            region=guanxian,
            place="x",
            attendance=[Row(centre, 5, 9)],
        )
    with pytest.raises(DomainError):
        services.create_event(
            acting_user=task_force,
            title="重复",
            date=datetime.date(2024, 9, 1),
            region=guanxian,
            place="x",
            attendance=[Row(centre, 5, 1), Row(centre, 3, 1)],
        )
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize("persona", ["donge_unit", "expert", "panel_member"])
def test_other_roles_get_403(request, login, events, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("resources:event-list")).status_code == 403
    assert client.get(events[0].get_absolute_url()).status_code == 403
    assert client.get(reverse("resources:event-create")).status_code == 403


def test_list_queries_do_not_grow_with_events(
    login, city_admin, events, django_assert_max_num_queries
):
    client = login(city_admin)
    with django_assert_max_num_queries(15):
        client.get(reverse("resources:event-list"))
