"""The demo loaders: letters and task forces before the ledger, interviews and showings after;
a second run changes nothing."""

from jiebang.accountability import demo
from jiebang.accountability.models import Interview, MonthlyShowing, ResponsibilityLetter
from jiebang.ledger import demo as ledger_demo
from jiebang.projects.models import Project


def test_demo_loaders_are_idempotent(make_claimed):
    projects = [
        make_claimed(title) for title in ("预住院服务模式改革", "检查检验结果互认", "日间手术")
    ]
    first = demo.load()
    assert first["accountability_letters"] == 3
    assert first["accountability_task_forces"] == 6
    for project in projects:
        project.refresh_from_db()
        assert project.status == Project.Status.CONTRACTED
    assert ResponsibilityLetter.objects.filter(status="confirmed").count() == 3
    ledger_demo.load()
    after = demo.load_interviews()
    assert after["accountability_showings"] == 3
    assert MonthlyShowing.objects.order_by("month").first().rows.exists()
    assert after["accountability_interviews"] == 2
    assert after["accountability_interviews_accepted"] == 1
    accepted = Interview.objects.get(rectification__status="accepted")
    assert all(task.status == "done" for task in accepted.tasks.all())
    counts = {**demo.load(), **demo.load_interviews()}
    assert counts == {**demo.load(), **after}
    assert counts["accountability_minutes"] == first["accountability_minutes"] + 1
