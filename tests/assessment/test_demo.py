"""The demo loader: default rules and a few recognitions, idempotent."""

from jiebang.assessment import demo
from jiebang.assessment.models import PointRule, Recognition
from jiebang.projects.models import Project


def test_demo_without_completed_projects_loads_the_rules_only(db):
    counts = demo.load()
    assert counts == {"assessment_rules": 8, "assessment_recognitions": 0}
    assert PointRule.objects.get(kind="overdue_task").points == -2


def test_demo_is_idempotent_and_keeps_the_admins_changes(
    publish, carry_out, guanxian_institution, shenxian_institution
):
    carry_out(publish(unit=guanxian_institution, title="甲"), Project.Status.COMPLETED)
    carry_out(publish(unit=shenxian_institution, title="乙"), Project.Status.EVALUATED)
    first = demo.load()
    assert first == {"assessment_rules": 8, "assessment_recognitions": 2}
    assert set(Recognition.objects.values_list("kind", flat=True)) == {"top_ten"}
    PointRule.objects.filter(kind="top_ten").update(points=35)
    assert demo.load() == first
    assert PointRule.objects.get(kind="top_ten").points == 35
