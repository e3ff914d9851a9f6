"""竞技比武: the admin opens a competition on a project several units claimed, the panel scores
each pitch, the ranking picks the winner and every other unit is told why."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jiebang.core.errors import DomainError
from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, User
from jiebang.projects.claim import services as claim_services
from jiebang.projects.competition import services as competition_services
from jiebang.projects.models import Claim, Competition, Project, Score, StatusChange

from .test_projects import _published, dimension, make_project  # noqa: F401

C = Claim.Status
K = Competition.Status


def _unit_user(username, institution):
    return User.objects.create_user(username, role=Role.UNIT, institution=institution)


@pytest.fixture
def project(make_project, city_admin):  # noqa: F811
    return _published(make_project, city_admin, title="门诊志愿服务")


@pytest.fixture
def units(guanxian_institution, shenxian_institution):
    """Three claimant unit users: two in 冠县, one in 莘县."""
    second = (
        Institution.objects.filter(region__path__startswith=guanxian_institution.region.path)
        .exclude(pk=guanxian_institution.pk)
        .first()
    )
    return [
        _unit_user("unit_gx1", guanxian_institution),
        _unit_user("unit_gx2", second),
        _unit_user("unit_sx", shenxian_institution),
    ]


@pytest.fixture
def claims(project, units, guanxian_bureau, shenxian_bureau):
    """One endorsed claim per unit, in order."""
    made = []
    for n, user in enumerate(units):
        claim = claim_services.claim_project(project, acting_user=user, plan=f"方案{n + 1}")
        bureau = shenxian_bureau if user.username == "unit_sx" else guanxian_bureau
        made.append(claim_services.endorse_claim(claim, acting_user=bureau))
    return made


@pytest.fixture
def second_panel_member(db):
    return User.objects.create_user("panel_two", role=Role.PANEL, full_name="评委乙")


@pytest.fixture
def competition(project, claims, city_admin, panel_member, expert):
    return competition_services.open_competition(
        project,
        acting_user=city_admin,
        session_at=timezone.now() + datetime.timedelta(days=3),
        place="市卫健委三楼会议室",
        panel=[panel_member, expert],
    )


def _score(competition, claim, member, values, comment=""):
    criteria = list(competition.criteria.all())
    return competition_services.submit_scores(
        competition,
        claim,
        acting_user=member,
        values={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
        comment=comment,
    )


def test_open_score_rank_close(competition, claims, city_admin, panel_member, expert, project):
    assert [c.name for c in competition.criteria.all()] == [
        "方案可行性",
        "创新性",
        "预期成效",
        "保障条件",
    ]
    competition_services.start_scoring(competition, acting_user=city_admin)
    competition.refresh_from_db()
    assert competition.status == K.SCORING
    assert set(competition.pitches.all()) == set(claims)
    first, second, third = claims
    # Weights 30/25/25/20 of 10 each: totals are weighted shares out of 100.
    _score(competition, first, panel_member, [8, 7, 8, 6], "方案扎实")
    _score(competition, first, expert, [8, 7, 8, 6])
    _score(competition, second, panel_member, [9, 9, 9, 9], "创新突出")
    _score(competition, second, expert, [9, 8, 9, 9])
    _score(competition, third, panel_member, [5, 6, 6, 5], "保障条件薄弱")
    _score(competition, third, expert, [6, 5, 6, 5], "人员不足")

    standings = competition_services.ranking(competition)
    assert [s.claim for s in standings] == [second, first, third]
    # second: panel 90, expert (27 + 20 + 22.5 + 18) = 87.5 → 88.75
    assert standings[0].total == Decimal("88.75")
    assert standings[1].total == Decimal("73.50")

    competition_services.close_competition(competition, acting_user=city_admin)
    competition.refresh_from_db()
    project.refresh_from_db()
    for claim in claims:
        claim.refresh_from_db()
    assert competition.status == K.CLOSED and competition.winner == second
    assert second.status == C.APPROVED
    assert project.status == Project.Status.CLAIMED
    assert project.implementing_unit == second.claimant_unit
    assert first.status == third.status == C.REJECTED
    reason = third.decision_reason
    assert "3" in reason and "88.75" in reason and str(second.claimant_unit) in reason
    assert "保障条件" in reason and "保障条件薄弱" in reason and "人员不足" in reason
    assert "方案扎实" in first.decision_reason
    change = StatusChange.objects.filter(project=project).last()
    assert change.to_status == Project.Status.CLAIMED


def test_ties_are_broken_on_the_heaviest_criterion(
    competition, claims, city_admin, panel_member, expert
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    first, second, third = claims
    competition.panel.remove(expert)
    # Equal totals (30×a + 25×b + 25×c + 20×d): first is better on 方案可行性 (weight 30).
    _score(competition, first, panel_member, [8, 6, 6, 6])  # 240 + 150 + 150 + 120 = 660
    _score(competition, second, panel_member, [6, 8, 6, 7])  # 180 + 200 + 150 + 140 = 670
    _score(competition, third, panel_member, [7, 6, 6, 7.5])  # 210 + 150 + 150 + 150 = 660
    standings = competition_services.ranking(competition)
    assert [s.claim for s in standings] == [second, first, third]
    assert standings[1].total == standings[2].total
    assert "方案可行性" in standings[2].tie_break
    assert standings[1].tie_break == ""


def test_withdrawn_pitch_is_left_out_and_members_off_the_panel_do_not_count(
    competition, claims, city_admin, panel_member, expert, units
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    first, second, third = claims
    claim_services.withdraw_claim(third, acting_user=units[2])
    _score(competition, first, expert, [10, 10, 10, 10])
    _score(competition, first, panel_member, [5, 5, 5, 5])
    _score(competition, second, panel_member, [6, 6, 6, 6])
    _score(competition, second, expert, [6, 6, 6, 6])
    assert [s.claim for s in competition_services.ranking(competition)] == [first, second]
    competition_services.update_competition(
        competition,
        acting_user=city_admin,
        session_at=competition.session_at,
        place=competition.place,
        panel=[panel_member],
    )
    assert [s.claim for s in competition_services.ranking(competition)] == [second, first]


def test_close_refuses_incomplete_scoring_and_unendorsed_winner(
    project, units, guanxian_bureau, city_admin, panel_member
):
    a = claim_services.claim_project(project, acting_user=units[0], plan="甲")
    b = claim_services.claim_project(project, acting_user=units[1], plan="乙")
    claim_services.endorse_claim(a, acting_user=guanxian_bureau)
    competition = competition_services.open_competition(
        project,
        acting_user=city_admin,
        session_at=timezone.now(),
        place="会议室",
        panel=[panel_member],
    )
    competition_services.start_scoring(competition, acting_user=city_admin)
    _score(competition, a, panel_member, [5, 5, 5, 5])
    with pytest.raises(DomainError, match="评审团成员"):
        competition_services.close_competition(competition, acting_user=city_admin)
    _score(competition, b, panel_member, [9, 9, 9, 9])
    with pytest.raises(DomainError):
        competition_services.close_competition(competition, acting_user=city_admin)
    assert Competition.objects.get(pk=competition.pk).status == K.SCORING
    claim_services.endorse_claim(b, acting_user=guanxian_bureau)
    competition_services.close_competition(competition, acting_user=city_admin)
    assert Claim.objects.get(pk=b.pk).status == C.APPROVED


def test_open_needs_two_open_claims_and_one_at_a_time(project, units, claims, city_admin):
    claim_services.withdraw_claim(claims[0], acting_user=units[0])
    claim_services.withdraw_claim(claims[1], acting_user=units[1])
    when = timezone.now()
    with pytest.raises(DomainError):
        competition_services.open_competition(
            project, acting_user=city_admin, session_at=when, place="x"
        )
    claim_services.claim_project(project, acting_user=units[0], plan="再次")
    competition_services.open_competition(
        project, acting_user=city_admin, session_at=when, place="x"
    )
    with pytest.raises(DomainError):
        competition_services.open_competition(
            project, acting_user=city_admin, session_at=when, place="y"
        )


def test_claims_in_a_competition_are_decided_by_it(login, competition, claims, city_admin, units):
    page = login(city_admin).get(reverse("projects:claim-list")).content.decode()
    assert reverse("projects:claim-approve", args=[claims[0].pk]) not in page
    assert competition.get_absolute_url() in page
    with pytest.raises(DomainError):
        claim_services.approve_claim(claims[0], acting_user=city_admin)
    with pytest.raises(DomainError):
        claim_services.reject_claim(claims[0], acting_user=city_admin, reason="不符合")
    competition_services.start_scoring(competition, acting_user=city_admin)
    other = User.objects.create_user(
        "unit_late",
        role=Role.UNIT,
        institution=Institution.objects.filter(kind="township_hc").first(),
    )
    with pytest.raises(DomainError):
        claim_services.claim_project(competition.project, acting_user=other, plan="迟到")


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ((), "close"),
        (("start",), "start"),
        (("cancel",), "start"),
        (("cancel",), "cancel"),
    ],
)
def test_illegal_transitions_are_refused(competition, city_admin, path, illegal):
    steps = {
        "start": lambda c: competition_services.start_scoring(c, acting_user=city_admin),
        "close": lambda c: competition_services.close_competition(c, acting_user=city_admin),
        "cancel": lambda c: competition_services.cancel_competition(
            c, acting_user=city_admin, reason="改期"
        ),
    }
    for step in path:
        steps[step](competition)
    before = Competition.objects.get(pk=competition.pk).status
    with pytest.raises(DomainError):
        steps[illegal](competition)
    assert Competition.objects.get(pk=competition.pk).status == before


def test_criteria_are_fixed_once_scoring_starts(competition, city_admin):
    competition_services.set_criteria(
        competition,
        [
            {"name": "可行性", "weight": Decimal(60), "max_score": Decimal(100)},
            {"name": "成效", "weight": Decimal(40), "max_score": Decimal(100)},
        ],
        acting_user=city_admin,
    )
    assert competition.criteria.count() == 2
    with pytest.raises(DomainError):
        competition_services.set_criteria(
            competition,
            [{"name": "x", "weight": Decimal(0), "max_score": Decimal(10)}],
            acting_user=city_admin,
        )
    competition_services.start_scoring(competition, acting_user=city_admin)
    with pytest.raises(DomainError):
        competition_services.set_criteria(
            competition,
            [{"name": "x", "weight": Decimal(1), "max_score": Decimal(10)}],
            acting_user=city_admin,
        )


def test_scores_must_be_in_range_and_only_while_scoring(
    competition, claims, city_admin, panel_member
):
    with pytest.raises(DomainError):
        _score(competition, claims[0], panel_member, [5, 5, 5, 5])
    competition_services.start_scoring(competition, acting_user=city_admin)
    with pytest.raises(DomainError):
        _score(competition, claims[0], panel_member, [11, 5, 5, 5])
    _score(competition, claims[0], panel_member, [5, 5, 5, 5])
    _score(competition, claims[0], panel_member, [6, 6, 6, 6], "改分")
    assert Score.objects.filter(sheet__member=panel_member).count() == 4
    assert set(Score.objects.values_list("value", flat=True)) == {Decimal(6)}


def test_wrong_roles_are_refused(
    competition, claims, city_admin, task_force, panel_member, second_panel_member, units
):
    with pytest.raises(PermissionDenied):
        competition_services.start_scoring(competition, acting_user=task_force)
    with pytest.raises(PermissionDenied):
        competition_services.open_competition(
            competition.project, acting_user=units[0], session_at=timezone.now(), place="x"
        )
    competition_services.start_scoring(competition, acting_user=city_admin)
    # A panel member who is not on this competition's panel cannot score it.
    with pytest.raises(PermissionDenied):
        _score(competition, claims[0], second_panel_member, [5, 5, 5, 5])
    with pytest.raises(PermissionDenied):
        _score(competition, claims[0], city_admin, [5, 5, 5, 5])
    with pytest.raises(DomainError):
        competition_services.update_competition(
            competition,
            acting_user=city_admin,
            session_at=timezone.now(),
            place="x",
            panel=[units[0]],
        )


# Pages


def test_admin_pages_and_panel_scoring_page(
    login, competition, claims, city_admin, panel_member, expert, project
):
    client = login(city_admin)
    response = client.get(reverse("projects:competition-list"))
    assert response.status_code == 200
    assert "竞技比武" in response.content.decode()
    assert f'id="competition-{competition.pk}"' in response.content.decode()
    detail = client.get(competition.get_absolute_url()).content.decode()
    assert "开始评分" in detail and "方案可行性" in detail
    assert client.get(project.get_absolute_url()).content.decode().count("bi-trophy") >= 1
    response = client.post(reverse("projects:competition-start", args=[competition.pk]))
    assert response.status_code == 302
    assert Competition.objects.get(pk=competition.pk).status == K.SCORING

    client = login(panel_member)
    page = client.get(reverse("projects:competition-score", args=[competition.pk]))
    assert page.status_code == 200
    assert str(claims[0].claimant_unit) in page.content.decode()
    criteria = list(competition.criteria.all())
    url = reverse("projects:competition-score-pitch", args=[competition.pk, claims[0].pk])
    data = {f"{claims[0].pk}-c{c.pk}": "7" for c in criteria} | {f"{claims[0].pk}-comment": "好"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    bad = data | {f"{claims[0].pk}-c{criteria[0].pk}": "70"}
    response = client.post(url, bad, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "text-danger" in response.content.decode()
    assert Score.objects.filter(value=7).count() == 4

    # Blind review: the ranking waits for the close (tests/projects/test_blind_review.py).
    results = client.get(reverse("projects:competition-results", args=[competition.pk]))
    assert results.status_code == 403


def test_pages_refuse_the_wrong_roles(
    login, competition, claims, task_force, second_panel_member, units, donge_unit, city_admin
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    score_url = reverse("projects:competition-score", args=[competition.pk])
    # Not on this panel: the competition is out of sight.
    assert login(second_panel_member).get(competition.get_absolute_url()).status_code == 404
    assert login(second_panel_member).get(score_url).status_code == 404
    # A claimant unit sees the session but cannot score, close or see the ranking.
    client = login(units[0])
    assert client.get(competition.get_absolute_url()).status_code == 200
    assert client.get(score_url).status_code == 403
    results_url = reverse("projects:competition-results", args=[competition.pk])
    assert client.get(results_url).status_code == 403
    close_url = reverse("projects:competition-close", args=[competition.pk])
    assert client.post(close_url).status_code == 403
    assert login(task_force).post(close_url).status_code == 403
    assert login(donge_unit).get(competition.get_absolute_url()).status_code == 404
    assert Competition.objects.get(pk=competition.pk).status == K.SCORING


def test_unit_sees_why_it_lost_on_its_claims_page(
    login, competition, claims, city_admin, panel_member, expert, units
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    for claim, values in zip(claims, ([9, 9, 9, 9], [5, 5, 5, 5], [4, 4, 4, 4]), strict=True):
        _score(competition, claim, panel_member, values, "需加强")
        _score(competition, claim, expert, values)
    login(city_admin).post(reverse("projects:competition-close", args=[competition.pk]))
    page = login(units[2]).get(reverse("projects:claim-list")).content.decode()
    assert "竞技比武" in page and "需加强" in page and "第 3 名" in page


def test_pages_keep_their_query_count(
    login, competition, claims, city_admin, panel_member, expert, django_assert_max_num_queries
):
    competition_services.start_scoring(competition, acting_user=city_admin)
    for claim in claims:
        _score(competition, claim, panel_member, [5, 6, 7, 8], "意见")
        _score(competition, claim, expert, [8, 7, 6, 5])
    client = login(city_admin)
    # The detail page's history table reads the field and panel changes of its last 50 rows.
    with django_assert_max_num_queries(60):
        assert client.get(competition.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(25):
        url = reverse("projects:competition-results", args=[competition.pk])
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("projects:competition-list")).status_code == 200
    client = login(panel_member)
    with django_assert_max_num_queries(20):
        url = reverse("projects:competition-score", args=[competition.pk])
        assert client.get(url).status_code == 200
