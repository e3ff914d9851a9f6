"""The stage-2/3 demo reproduces the first round of the seeds through the services."""

from collections import Counter

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

    run = AssignmentRun.objects.get()
    assert run.status == AssignmentRun.Status.CONFIRMED
    assert run.pairs.count() == 82
    assert run.objective >= run.greedy_objective

    named = Project.objects.get(title="“预住院”服务模式")
    assert named.implementing_unit.name == "聊城市第三人民医院"
    assert GreenChannelCase.objects.count() == 16
    assert Project.objects.filter(is_key=True, project_list__round_number=2).count() == 15

    assert demo.load() == counts
    assert ProjectList.objects.get(name=demo.FIRST_LIST).projects.count() == 192
