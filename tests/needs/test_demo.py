"""The stage-1 demo: feedback with structure, and the seeds' screening outcome."""

from jiebang.needs import demo
from jiebang.needs.models import FeedbackItem, Proposal
from jiebang.projects.models import Project


def test_stage1_demo_matches_the_seeds_and_is_idempotent(db):
    counts = demo.load(n=600)
    assert counts["feedback"] == 600
    assert FeedbackItem.objects.exclude(category=None).count() == 600
    assert FeedbackItem.objects.values("region").distinct().count() >= 8
    assert Project.objects.filter(source_proposal__isnull=False, is_key=False).count() == 51
    assert Proposal.objects.filter(status=Proposal.Status.SELECTED).count() == 51
    assert Project.objects.filter(is_key=True).count() == 15
    assert Proposal.objects.filter(status=Proposal.Status.RESERVE).count() == 80 - 51 - 15
    assert Proposal.objects.filter(status=Proposal.Status.SCREENING).count() == 6
    assert Proposal.objects.values("category").distinct().count() == 8
    again = demo.load(n=600)
    assert again == counts
