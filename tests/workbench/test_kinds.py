# ruff: noqa: F811 — fixtures imported from other test modules are redefined as arguments
"""Each kind of pending work appears for exactly the users who must act, and disappears once
they have acted; the claimant hears of the decision."""

import datetime

import pytest
from django.utils import timezone

from jiebang.accountability import services as accountability
from jiebang.needs import services as needs
from jiebang.projects.case import services as case_services
from jiebang.projects.claim import services as claim_services
from jiebang.projects.competition import services as competition_services
from jiebang.workbench import queue as work
from jiebang.workbench.models import Notification, Topic

from ..accountability.conftest import (  # noqa: F401 — the accountability fixtures
    claimed_project,
    contracted_project,
    guanxian_head,
    letter,
    make_claimed,
    overdue_tasks,
)
from ..projects.test_competitions import claims, competition, project, units  # noqa: F401
from ..projects.test_projects import _published, dimension, make_project  # noqa: F401


def _has(user, kind, pk) -> bool:
    rows = work.queue(user, work.Filters(kinds=[kind]))
    return rows is not None and any(r["w_pk"] == pk for r in rows)


def _who(kind, pk, *users):
    return {u.username for u in users if _has(u, kind, pk)}


@pytest.fixture
def everyone(city_admin, task_force, guanxian_bureau, shenxian_bureau, donge_unit, expert):
    return [city_admin, task_force, guanxian_bureau, shenxian_bureau, donge_unit, expert]


def test_a_claim_waits_for_its_county_then_the_city(
    django_capture_on_commit_callbacks,
    make_project,
    city_admin,
    guanxian_head,
    everyone,  # noqa: F811
):
    project = _published(make_project, city_admin, title="门诊一站式服务")
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_services.claim_project(
            project, acting_user=guanxian_head, plan="一个月内上线"
        )
    assert _who("projects.endorse_claim", claim.pk, *everyone) == {"county_guanxian"}
    bureau = next(u for u in everyone if u.username == "county_guanxian")
    assert Notification.objects.filter(user=bureau, topic=Topic.NEW_WORK).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.endorse_claim(claim, acting_user=bureau)
    assert not _who("projects.endorse_claim", claim.pk, *everyone)
    assert _who("projects.decide_claim", claim.pk, *everyone) == {"city_admin"}
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.approve_claim(claim, acting_user=city_admin)
    assert not _who("projects.decide_claim", claim.pk, *everyone)
    told = Notification.objects.filter(user=guanxian_head, topic=Topic.DECISION)
    assert told.count() == 2  # endorsed, then approved
    assert any("门诊一站式服务" in n.title and "批准" in n.title for n in told)


def test_a_competition_waits_for_each_member_until_their_sheets_are_in(
    competition,
    claims,
    city_admin,
    panel_member,
    expert,  # noqa: F811
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    kind = "projects.score_competition"
    assert _has(panel_member, kind, competition.pk) and _has(expert, kind, competition.pk)
    criteria = list(competition.criteria.all())
    for claim in claims:
        competition_services.submit_scores(
            competition,
            claim,
            acting_user=expert,
            values={c.pk: c.max_score for c in criteria},
            comment="",
        )
    assert not _has(expert, kind, competition.pk)
    assert _has(panel_member, kind, competition.pk)
    assert not _has(city_admin, kind, competition.pk)


def test_green_channel_cases(guanxian_institution, task_force, city_admin, guanxian_bureau):
    from jiebang.core.roles import Role
    from jiebang.orgs.models import User

    unit = User.objects.create_user("case_unit", role=Role.UNIT, institution=guanxian_institution)
    case = case_services.raise_case(
        acting_user=unit, title="医保打包付费", description="需协调", departments=["finance"]
    )
    assert _who("projects.take_case", case.pk, task_force, city_admin, guanxian_bureau) == {
        "taskforce"
    }
    case = case_services.take_case(case, acting_user=task_force)
    assert not _has(task_force, "projects.take_case", case.pk)
    assert _has(task_force, "projects.answer_case", case.pk)
    case_services.resolve_case(case, acting_user=task_force, resolution="已协调医保局")
    assert not _has(task_force, "projects.answer_case", case.pk)


def test_letters_wait_for_the_unit_head(letter, guanxian_head, task_force, city_admin):  # noqa: F811
    assert _who(
        "accountability.confirm_letter", letter.pk, guanxian_head, task_force, city_admin
    ) == {guanxian_head.username}
    accountability.confirm_letter(letter, acting_user=guanxian_head)
    assert not _has(guanxian_head, "accountability.confirm_letter", letter.pk)
    assert _has(guanxian_head, "accountability.sign_letter", letter.pk)


def test_rectification_goes_to_the_unit_then_the_task_force(
    django_capture_on_commit_callbacks,
    contracted_project,  # noqa: F811
    overdue_tasks,  # noqa: F811
    guanxian_head,  # noqa: F811
    task_force,
    shenxian_bureau,
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = accountability.record_interview(
            contracted_project,
            acting_user=task_force,
            tasks=overdue_tasks,
            interviewees="院长",
            interviewers="专班",
            held_at=timezone.now(),
            findings="进度滞后",
            rectification_deadline=timezone.localdate() + datetime.timedelta(days=10),
        )
    rectification = interview.rectification
    kind = "accountability.submit_rectification"
    assert _who(kind, rectification.pk, guanxian_head, task_force, shenxian_bureau) == {
        guanxian_head.username
    }
    topics = set(Notification.objects.filter(user=guanxian_head).values_list("topic", flat=True))
    assert {Topic.INTERVIEW, Topic.RECTIFICATION} <= topics
    accountability.submit_rectification(rectification, acting_user=guanxian_head, report="已整改")
    assert not _has(guanxian_head, kind, rectification.pk)
    assert _has(task_force, "accountability.accept_rectification", rectification.pk)


def test_proposals_wait_for_their_assigned_reviewers(
    city_admin, guanxian_bureau, expert, donge_unit, task_force
):
    from jiebang.orgs.models import Region

    proposal = needs.draft_proposal(
        acting_user=guanxian_bureau, title="慢病长处方", region=Region.objects.get(name="冠县")
    )
    needs.open_screening(
        proposal, acting_user=city_admin, experts=[expert], panel_members=[donge_unit]
    )
    proposal.refresh_from_db()
    assert _who("needs.score_proposal", proposal.pk, expert, donge_unit, task_force) == {
        expert.username
    }
    assert _who("needs.test_proposal", proposal.pk, expert, donge_unit, task_force) == {
        donge_unit.username
    }
    needs.score_proposal(proposal, acting_user=expert, feasibility=5, urgency=5, benefit=5)
    needs.record_verdict(proposal, acting_user=donge_unit, verdict="pass")
    assert not _has(expert, "needs.score_proposal", proposal.pk)
    assert not _has(donge_unit, "needs.test_proposal", proposal.pk)


def test_decided_claims_have_a_searchable_record(
    login,
    make_project,
    city_admin,
    guanxian_head,
    guanxian_bureau,
    shenxian_bureau,  # noqa: F811
):
    from django.urls import reverse

    project = _published(make_project, city_admin, title="胸痛中心建设")
    claim = claim_services.claim_project(project, acting_user=guanxian_head, plan="建设方案")
    claim_services.endorse_claim(claim, acting_user=guanxian_bureau)
    claim_services.approve_claim(claim, acting_user=city_admin)
    url = reverse("projects:claim-list")
    for user in (city_admin, guanxian_bureau):
        client = login(user)
        assert "胸痛中心建设" not in client.get(url).content.decode()  # nothing left to do
        html = client.get(url, {"view": "decided", "q": "胸痛"}).content.decode()
        assert f'id="claim-{claim.pk}"' in html
        assert (
            f'id="claim-{claim.pk}"'
            not in client.get(url, {"view": "decided", "q": "不存在的项目"}).content.decode()
        )
    other = login(shenxian_bureau).get(url, {"view": "decided"}).content.decode()
    assert f'id="claim-{claim.pk}"' not in other


def test_figures_and_deadline_requests_wait_for_the_reviewers_of_their_county(
    guanxian_bureau, shenxian_bureau, task_force, city_admin
):
    from tests.factories import DeadlineChangeRequestFactory, MeasurementFactory

    figure = MeasurementFactory()
    reviewers = (guanxian_bureau, shenxian_bureau, task_force, city_admin)
    expected = {guanxian_bureau.username, task_force.username}
    assert _who("ledger.confirm_measurement", figure.pk, *reviewers) == expected
    request = DeadlineChangeRequestFactory()
    assert _who("ledger.decide_deadline", request.pk, *reviewers) == expected
    returned = MeasurementFactory(returned="口径不一致")
    assert not _who("ledger.confirm_measurement", returned.pk, *reviewers)
    assert _has(returned.created_by, "ledger.fix_measurement", returned.pk)


def test_low_confidence_items_wait_for_the_feedback_staff_of_their_county(
    guanxian_bureau, shenxian_bureau, task_force, expert
):
    from tests.factories import FeedbackItemFactory

    unsure = FeedbackItemFactory(confidence=0.3)
    sure = FeedbackItemFactory(confidence=0.95)
    users = (guanxian_bureau, shenxian_bureau, task_force, expert)
    assert _who("needs.review_feedback", unsure.pk, *users) == {"county_guanxian", "taskforce"}
    assert not _who("needs.review_feedback", sure.pk, *users)
    needs.correct_category(unsure, unsure.category, acting_user=guanxian_bureau)
    assert not _who("needs.review_feedback", unsure.pk, *users)


def test_an_import_waiting_for_its_mapping_waits_for_its_uploader(guanxian_bureau, task_force):
    from jiebang.needs.models import ImportBatch

    batch = ImportBatch.objects.create(
        file_name="12345.csv", channel="hotline", created_by=task_force
    )
    assert _who("needs.map_import", batch.pk, guanxian_bureau, task_force) == {"taskforce"}
    batch.status = ImportBatch.Status.RUNNING
    batch.attempt = 1
    batch.save()
    assert not _has(task_force, "needs.map_import", batch.pk)


def test_reserve_reviews_due_wait_for_the_city_admin(city_admin, guanxian_bureau, task_force):
    from jiebang.needs.models import Proposal

    proposal = Proposal.objects.create(
        title="互联网医院",
        status=Proposal.Status.RESERVE,
        reserve_tag=Proposal.ReserveTag.POLICY,
        review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    kind = "needs.review_reserve"
    assert _who(kind, proposal.pk, city_admin, guanxian_bureau, task_force) == {"city_admin"}
    counts = {c.kind.key: c for c in work.counts(city_admin)}
    assert counts[kind].overdue == 1
    proposal.review_date = timezone.localdate() + datetime.timedelta(days=90)
    proposal.save()
    assert not _has(city_admin, kind, proposal.pk)
