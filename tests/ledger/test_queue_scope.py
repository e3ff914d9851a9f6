"""我的待办 holds only what the user may act on: a county bureau sees the ledger of a project
located in its county but implemented by another county's unit, yet confirms only the figures
of its own county's units, so only those wait in its queue (the task force sees all)."""

import datetime

from django.urls import reverse

from jiebang.ledger import services
from jiebang.ledger.models import Task
from jiebang.ledger.queries import Queue
from jiebang.orgs.models import Region
from jiebang.projects.models import Project


def test_queue_lists_only_figures_the_user_may_confirm(
    login, project, make_task, guanxian_unit, guanxian_bureau, shenxian_bureau, task_force
):
    Project.objects.filter(pk=project.pk).update(region=Region.objects.get(name="莘县"))
    task = make_task("试点", deadline=datetime.date(2099, 1, 1))
    update = services.report_progress(
        task, acting_user=guanxian_unit, status=Task.Status.IN_PROGRESS, percent=30
    )
    # 莘县 sees the project (it covers 莘县) and the update, but may not confirm it.
    assert Task.objects.visible_to(shenxian_bureau).filter(pk=task.pk).exists()
    assert list(Queue(shenxian_bureau).waiting_updates) == []
    page = login(shenxian_bureau).get(reverse("workbench:queue")).content.decode()
    assert f"work-ledger.confirm_update-{update.pk}" not in page
    # 冠县 (the unit's county) and the task force have it to confirm.
    assert list(Queue(guanxian_bureau).waiting_updates) == [update]
    assert list(Queue(task_force).waiting_updates) == [update]
