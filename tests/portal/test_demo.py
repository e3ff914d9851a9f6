"""The portal's demo loader: news and press conferences from the seeds, two public updates per
project, and one published briefing per fortnight the records reach, numbered so the last is
第29期; a second run changes nothing."""

import datetime

import pytest
from django.utils import timezone

from jiebang.ledger.models import ProgressUpdate
from jiebang.portal import demo
from jiebang.portal.models import Briefing, NewsItem
from tests.factories import ProgressUpdateFactory, TaskFactory

from .conftest import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(live_project):
    """Updates on a live project, and public tickets over the last 50 days."""
    task = TaskFactory(project=live_project)
    for percent in (20, 40, 60):
        ProgressUpdateFactory(task=task, percent=percent, text=f"完成{percent}%", confirmed=True)
    now = timezone.now()
    for days in range(0, 50, 3):
        make_ticket(project=live_project, rating=4, received_at=now - datetime.timedelta(days=days))
    return live_project


def test_demo_is_idempotent(records):
    first = demo.load()
    assert first["portal news items"] == 6
    assert first["portal press conferences"] == 4
    assert NewsItem.objects.published().count() == 10
    issues = list(Briefing.objects.order_by("number"))
    assert [b.number for b in issues] == list(range(30 - len(issues), 30))
    assert first["portal briefings"] == 29
    assert all(b.is_published for b in issues)
    # Consecutive fortnights, the last one ending today, each with its figures.
    assert issues[-1].period_end == timezone.localdate()
    for earlier, later in zip(issues, issues[1:], strict=False):
        assert later.period_start == earlier.period_end + datetime.timedelta(days=1)
    assert all((b.period_end - b.period_start).days == 14 for b in issues)
    assert sum(b.figures["tickets_received"] for b in issues) == 17
    assert list(issues[-1].projects.all()) == [records]  # its updates are of this fortnight
    assert "（已确认）。完成60%" in issues[-1].highlights
    # The two latest updates with a note are public.
    public = ProgressUpdate.objects.filter(is_public=True)
    assert sorted(public.values_list("percent", flat=True)) == [40, 60]

    history = sum(m.history.count() for m in (NewsItem, Briefing, ProgressUpdate))
    assert demo.load() == first
    assert sum(m.history.count() for m in (NewsItem, Briefing, ProgressUpdate)) == history
