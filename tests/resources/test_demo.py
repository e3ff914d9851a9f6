"""The resources demo: 175 experts, events training 400+ village doctors, idempotent."""

from jiebang.resources import demo
from jiebang.resources.models import Advice, Expert, OutreachEvent, ProjectExpert


def test_demo_counts_and_idempotent(db, expert, guanxian_project, shenxian_project):
    first = demo.load()
    assert first["experts"] == Expert.objects.count() == 175
    assert first["outreach_events"] >= 12
    assert first["village_doctors_trained"] >= 400
    assert Expert.objects.get(user=expert).institution.name == "聊城市人民医院"
    assert Advice.objects.filter(project=guanxian_project).exists()
    assert ProjectExpert.objects.filter(project=shenxian_project).exists()
    assert len({e.institution_id for e in Expert.objects.all()}) > 10
    history = (
        Expert.history.count(),
        OutreachEvent.history.count(),
        Advice.history.count(),
    )
    assert demo.load() == first
    assert (
        Expert.history.count(),
        OutreachEvent.history.count(),
        Advice.history.count(),
    ) == history


def test_demo_without_projects(db):
    counts = demo.load()
    assert counts["experts"] == 175 and counts["expert_advice"] == 0
