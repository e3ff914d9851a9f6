"""The stage-2/3 demo reproduces the first round of the seeds through the services."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from jiebang.needs import demo as needs_demo
from jiebang.projects import demo
from jiebang.projects.models import (
    AssignmentRun,
    Claim,
    Competition,
    GreenChannelCase,
    Project,
    ProjectList,
)


def test_first_round_matches_the_seeds_and_loads_once(db):
    needs_demo.load(n=200)
    counts = demo.load()

    first = ProjectList.objects.get(name=demo.FIRST_LIST)
    projects = first.projects.all()
    assert projects.count() == 192
    assert projects.values("dimension").distinct().count() == 9
    items = projects.values("source_proposal").distinct()
    assert items.count() == 51 and not projects.filter(source_proposal=None).exists()
    statuses = Counter(projects.values_list("status", flat=True))
    assert statuses == {"claimed": 110, "assigned": 82}
    assert not projects.filter(implementing_unit=None).exists()

    competition = Competition.objects.get()
    assert competition.status == Competition.Status.CLOSED
    assert competition.pitches.count() == 10
    assert competition.winner.claimant_unit.name == "东阿县人民医院"
    losers = Claim.objects.filter(project=competition.project, status=Claim.Status.REJECTED)
    assert losers.count() == 9
    assert all("东阿县人民医院" in c.decision_reason for c in losers)

    # 派单 82: the key tasks directed (委托) to their named unit when the list was published,
    # and the engine's run over the projects nobody claimed, which never touches them.
    directed = projects.filter(channel=Project.Channel.DIRECTED)
    assert set(directed.values_list("title", "implementing_unit__name")) == {
        ("有序推进DRG支付方式改革", "聊城市第二人民医院"),
        ("工作流程优化再造", "聊城市人民医院"),
        ("乡村医生“县招乡管村用”", "冠县卫生健康局"),
        ("少年儿童健康护航“五大行动”", "莘县卫生健康局"),
    }
    assert set(directed.values_list("status", flat=True)) == {"assigned"}
    assert not Claim.objects.filter(project__in=directed).exists()
    for project in directed:
        move = project.status_changes.get(to_status="assigned")
        assert move.reason == f"定向委托：榜单指定由{project.implementing_unit.name}承担"
    run = AssignmentRun.objects.get()
    assert run.status == AssignmentRun.Status.CONFIRMED
    assert run.pairs.count() == 82 - 4
    assert not run.projects.filter(channel=Project.Channel.DIRECTED).exists()
    assert run.objective >= run.greedy_objective
    # The list's application deadline is the round's: 15 days after publishing, now passed.
    assert first.guide_deadline == timezone.localdate(first.published_at) - timedelta(days=85)

    named = Project.objects.get(title="“预住院”服务模式")
    assert named.implementing_unit.name == "聊城市第三人民医院"
    assert GreenChannelCase.objects.count() == 16
    assert Project.objects.filter(is_key=True, project_list__round_number=2).count() == 15

    assert demo.load() == counts
    assert ProjectList.objects.get(name=demo.FIRST_LIST).projects.count() == 192
