"""Issue 10, defect 2: a report below the task's confirmed progress (40 % after 60 % was
confirmed) needs a reason, which the reviewer sees next to the figure."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.ledger import services
from jiebang.ledger.models import ProgressUpdate, Task


@pytest.fixture
def task_at_60(make_task, guanxian_unit, guanxian_bureau):
    task = make_task("志愿者岗前培训", deadline=datetime.date(2099, 3, 31))
    update = services.report_progress(
        task, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=60
    )
    services.confirm_update(update, acting_user=guanxian_bureau)
    task.refresh_from_db()
    assert task.percent == 60
    return task


def _post(client, task, percent, reason=None):
    data = {
        "status": "in_progress",
        "percent": percent,
        "reported_on": timezone.localdate().isoformat(),
        "text": "复核后重新估算",
    }
    if reason is not None:
        data["decrease_reason"] = reason
    return client.post(reverse("ledger:task-report", args=[task.pk]), data)


def test_lower_figure_without_a_reason_is_refused_in_chinese(login, task_at_60, guanxian_unit):
    client = login(guanxian_unit)
    response = _post(client, task_at_60, 40)
    assert response.status_code == 200
    errors = response.context["progress_form"].errors["decrease_reason"]
    assert errors == ["进度低于已确认的 60%，请说明原因。"]
    assert "进度低于已确认的 60%，请说明原因。" in response.content.decode()
    assert task_at_60.updates.count() == 1  # only the confirmed 60 %
    with pytest.raises(DomainError) as refused:
        services.report_progress(
            task_at_60, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=40
        )
    assert "60%" in refused.value.message


def test_lower_figure_with_a_reason_reaches_the_reviewer(
    login, task_at_60, guanxian_unit, guanxian_bureau
):
    response = _post(login(guanxian_unit), task_at_60, 40, "第二批志愿者未通过考核，需重新培训")
    assert response.status_code == 302
    update = task_at_60.updates.get(review="submitted")
    assert (update.percent, update.previous_percent) == (40, 60)
    assert update.decrease_reason == "第二批志愿者未通过考核，需重新培训"
    shown = "进度由 60% 降至 40%：第二批志愿者未通过考核，需重新培训"
    client = login(guanxian_bureau)
    queue = client.get(reverse("workbench:queue")).content.decode()
    row = queue.split(f'id="work-ledger.confirm_update-{update.pk}"')[1].split("</tr>")[0]
    assert shown in row
    assert shown in client.get(task_at_60.get_absolute_url()).content.decode()


def test_same_or_higher_figure_needs_no_reason(login, task_at_60, guanxian_unit):
    client = login(guanxian_unit)
    assert _post(client, task_at_60, 60).status_code == 302
    assert _post(client, task_at_60, 70).status_code == 302
    reasons = ProgressUpdate.objects.filter(task=task_at_60).values_list(
        "decrease_reason", flat=True
    )
    assert set(reasons) == {""}


def test_report_form_shows_the_confirmed_figure(login, task_at_60, guanxian_unit):
    page = login(guanxian_unit).get(task_at_60.get_absolute_url()).content.decode()
    assert 'name="decrease_reason"' in page
    assert "低于已确认进度（60%）时必填" in page
