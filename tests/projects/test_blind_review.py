"""Issue 10, defect 6: 竞技比武 reviews are blind. Until the competition is closed a panel
member sees only their own sheets; the ranking and the other members' comments are for city
staff, and for the whole panel once it is closed."""

import pytest
from django.urls import reverse

from jiebang.projects.competition import services as competition_services

from .test_competitions import _score, claims, competition, project, units  # noqa: F401
from .test_projects import dimension, make_project  # noqa: F401


@pytest.fixture
def scoring(competition, claims, city_admin, panel_member, expert):  # noqa: F811
    """Scoring under way: the expert has scored every pitch with a comment, the panel member
    only the first one."""
    competition_services.start_scoring(competition, acting_user=city_admin)
    for claim, values in zip(claims, ([9, 9, 9, 9], [5, 5, 5, 5], [4, 4, 4, 4]), strict=True):
        _score(competition, claim, expert, values, "专家意见：保障条件薄弱")
    _score(competition, claims[0], panel_member, [8, 8, 8, 8], "评委本人意见")
    return competition


def _results(competition):  # noqa: F811
    return reverse("projects:competition-results", args=[competition.pk])


def test_panel_member_sees_only_their_own_sheets_while_scoring(login, scoring, panel_member):
    client = login(panel_member)
    assert client.get(_results(scoring)).status_code == 403
    detail = client.get(scoring.get_absolute_url()).content.decode()
    assert 'id="results-link"' not in detail
    assert "专家意见" not in detail
    assert "评审结束前" in detail  # told why the ranking is hidden
    sheets = client.get(reverse("projects:competition-score", args=[scoring.pk])).content.decode()
    assert "评委本人意见" in sheets and "专家意见" not in sheets


def test_city_staff_see_the_live_ranking_and_every_comment(login, scoring, city_admin, task_force):
    for user in (city_admin, task_force):
        page = login(user).get(_results(scoring))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="ranking-table"' in html and "专家意见：保障条件薄弱" in html
        assert "评委本人意见" in html


def test_after_closing_the_whole_panel_sees_the_ranking(
    login,
    scoring,
    claims,  # noqa: F811
    city_admin,
    panel_member,
):
    for claim in claims[1:]:
        _score(scoring, claim, panel_member, [5, 5, 5, 5])
    competition_services.close_competition(scoring, acting_user=city_admin)
    client = login(panel_member)
    detail = client.get(scoring.get_absolute_url()).content.decode()
    assert 'id="results-link"' in detail
    html = client.get(_results(scoring)).content.decode()
    assert 'id="ranking-table"' in html and "专家意见：保障条件薄弱" in html


def test_claimants_are_not_told_who_sits_on_the_panel_until_it_closes(
    login,
    scoring,
    claims,  # noqa: F811
    units,  # noqa: F811
    city_admin,
    panel_member,
    expert,
):
    competition_services.update_competition(
        scoring,
        acting_user=city_admin,
        session_at=scoring.session_at,
        place=scoring.place,
        panel=[panel_member, expert],
    )
    client = login(units[0])
    html = client.get(scoring.get_absolute_url()).content.decode()
    assert 'id="competition-panel"' not in html
    assert str(panel_member) not in html and str(expert) not in html
    assert "不公开" in html  # the history says the panel changed, not to whom
    member_view = login(panel_member).get(scoring.get_absolute_url()).content.decode()
    assert 'id="competition-panel"' in member_view
