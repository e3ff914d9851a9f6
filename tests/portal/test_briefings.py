"""Work briefings (工作简报): figures computed from the records of a period, the next number
taken inside the transaction, drafts edited and published, the PDF with its figures."""

import datetime
import io
import re

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from jiebang.core.errors import DomainError
from jiebang.portal import briefings, services
from jiebang.portal.models import Briefing
from jiebang.projects.models import Project, StatusChange
from jiebang.supervision.models import Ticket
from tests.factories import InterviewFactory, ProjectFactory, TaskFactory

from .conftest import make_ticket

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 3, 15)


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def move(project, status, day):
    StatusChange.objects.create(
        project=project, from_status="contracted", to_status=status, changed_at=at(day)
    )


@pytest.fixture
def period_records(live_project):
    """Records inside, before and after 1–15 March 2026."""
    other = ProjectFactory(status=Project.Status.IN_PROGRESS)
    move(live_project, "in_progress", START)  # in
    move(other, "in_progress", END)  # in (the last day counts)
    move(other, "in_progress", END + datetime.timedelta(days=1))  # after
    move(live_project, "completed", datetime.date(2026, 3, 10))  # in
    move(other, "completed", START - datetime.timedelta(days=1))  # before
    # Overdue at the end of 15 March: due before it and not done by then.
    TaskFactory(project=live_project, deadline=datetime.date(2026, 3, 10))  # open: overdue
    TaskFactory(  # done after the period: was overdue then
        project=live_project,
        deadline=datetime.date(2026, 3, 5),
        status="done",
        percent=100,
        done_at=at(datetime.date(2026, 3, 20)),
    )
    TaskFactory(  # done in time: not overdue
        project=live_project,
        deadline=datetime.date(2026, 3, 5),
        status="done",
        percent=100,
        done_at=at(datetime.date(2026, 3, 4)),
    )
    TaskFactory(project=live_project, deadline=END)  # due on the last day: not yet overdue
    # Tickets.
    make_ticket(project=live_project, received_at=at(START, 0), rating=5)  # closed today
    make_ticket(  # received and closed in the period, in time
        project=live_project,
        text="候诊区太拥挤",
        received_at=at(datetime.date(2026, 3, 2)),
        closed_at=at(datetime.date(2026, 3, 6)),
        rating=2,
    )
    make_ticket(  # closed in the period, late
        project=live_project,
        text="检查结果取得太慢",
        received_at=at(datetime.date(2026, 2, 20)),
        closed_at=at(datetime.date(2026, 3, 12)),
        in_time=False,
    )
    make_ticket(  # received in the period, still open
        project=live_project,
        text="停车难",
        status=Ticket.Status.OPEN,
        received_at=at(datetime.date(2026, 3, 14)),
    )
    make_ticket(  # dismissed: not public, counts nowhere
        project=live_project,
        text="广告",
        status=Ticket.Status.DISMISSED,
        received_at=at(datetime.date(2026, 3, 3)),
        rating=1,
    )
    make_ticket(project=live_project, received_at=at(END + datetime.timedelta(days=1)), rating=1)
    InterviewFactory(project=live_project, held_at=at(datetime.date(2026, 3, 9)))
    InterviewFactory(project=live_project, held_at=at(datetime.date(2026, 2, 9)))
    return live_project


def test_figures_of_a_period(period_records):
    figures = briefings.compute_figures(START, END)
    assert figures == {
        "projects_started": 2,
        "projects_completed": 1,
        "tasks_overdue": 2,
        "tickets_received": 3,
        "tickets_closed": 2,
        "tickets_closed_in_time": 1,
        "in_time_rate": 50.0,
        "average_rating": 3.5,
        "ratings": 2,
        "interviews": 1,
    }


def test_an_empty_period_has_no_share_and_no_average(db):
    figures = briefings.compute_figures(datetime.date(2001, 1, 1), datetime.date(2001, 1, 15))
    assert figures["tickets_received"] == 0
    assert figures["in_time_rate"] is None and figures["average_rating"] is None


def test_period_bounds_are_local_days():
    begin, after = briefings.period_bounds(START, END)
    assert str(begin) == "2026-03-01 00:00:00+08:00"
    assert str(after) == "2026-03-16 00:00:00+08:00"


def test_generate_numbers_after_the_highest(period_records, city_admin):
    first = services.generate_briefing(acting_user=city_admin, period_start=START, period_end=END)
    assert first.number == 1
    assert first.status == Briefing.Status.DRAFT
    assert first.figures["tickets_closed_in_time"] == 1
    assert "2026-03-01" in first.body
    Briefing.objects.filter(pk=first.pk).update(number=28)
    second = services.generate_briefing(
        acting_user=city_admin, period_start=START, period_end=END, title="第二份"
    )
    assert (second.number, second.title) == (29, "第二份")


def test_a_taken_number_is_skipped(db, city_admin, monkeypatch):
    """Two generated at once: the second insert meets the unique number and takes the next."""
    services.generate_briefing(acting_user=city_admin, period_start=START, period_end=END)
    real = services.next_number
    calls = []

    def stale():  # the first attempt read the highest number before the other one stored
        calls.append(1)
        return 1 if len(calls) == 1 else real()

    monkeypatch.setattr(services, "next_number", stale)
    briefing = services.generate_briefing(
        acting_user=city_admin, period_start=START, period_end=END
    )
    assert briefing.number == 2
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (END, START),
        (START, None),
        (datetime.date(1999, 1, 1), START),
        (START, timezone.localdate() + datetime.timedelta(days=1)),
    ],
)
def test_a_bad_period_is_refused(db, city_admin, start, end):
    with pytest.raises(DomainError):
        services.generate_briefing(acting_user=city_admin, period_start=start, period_end=end)
    assert not Briefing.objects.exists()


def test_edit_refresh_and_publish(period_records, task_force):
    briefing = services.generate_briefing(
        acting_user=task_force, period_start=START, period_end=END
    )
    services.update_briefing(
        briefing,
        acting_user=task_force,
        title="三月上半月工作简报",
        body="本期各项目按计划推进。",
        highlights="预住院服务成效明显。",
        projects=[period_records],
    )
    briefing.refresh_from_db()
    assert list(briefing.projects.all()) == [period_records]
    make_ticket(project=period_records, received_at=at(datetime.date(2026, 3, 3)), rating=4)
    services.refresh_figures(briefing, acting_user=task_force)
    briefing.refresh_from_db()
    assert briefing.figures["tickets_received"] == 4
    assert briefing.body == "本期各项目按计划推进。"  # the text stays as staff wrote it
    services.publish_briefing(briefing, acting_user=task_force)
    briefing.refresh_from_db()
    assert briefing.is_published and briefing.published_at
    for change in (
        lambda: services.refresh_figures(briefing, acting_user=task_force),
        lambda: services.publish_briefing(briefing, acting_user=task_force),
        lambda: services.update_briefing(briefing, acting_user=task_force, title="x", body="y"),
    ):
        with pytest.raises(DomainError):
            change()


def test_only_public_projects_are_highlighted(db, city_admin):
    briefing = services.generate_briefing(
        acting_user=city_admin, period_start=START, period_end=END
    )
    draft = ProjectFactory()
    with pytest.raises(DomainError):
        services.update_briefing(
            briefing, acting_user=city_admin, title="简报", body="正文", projects=[draft]
        )


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_holds_the_figures_in_chinese(period_records, city_admin):
    briefing = services.generate_briefing(
        acting_user=city_admin, period_start=START, period_end=END, title="聊城市改革工作简报"
    )
    services.update_briefing(
        briefing,
        acting_user=city_admin,
        title="聊城市改革工作简报",
        body="本期全市改革项目稳步推进，群众满意度持续提升。",
        highlights="门诊一站式服务成效明显。",
        projects=[period_records],
    )
    briefing = services.publish_briefing(briefing, acting_user=city_admin)
    text = re.sub(r"\s+", "", _text(briefings.briefing_pdf(briefing)))
    assert "聊城市改革工作简报" in text
    assert "本期全市改革项目稳步推进，群众满意度持续提升。" in text
    assert "门诊一站式服务成效明显。" in text
    assert period_records.title in text
    with translation.override("zh-hans"):
        expected = [
            (re.sub(r"\s+", "", str(label)), briefing.figures[key])
            for key, label in briefings.FIGURES
        ]
        issue = re.sub(r"\s+", "", str(briefing.issue_label))
    assert issue in text
    for label, value in expected:
        assert f"{label}{value}" in text, label
