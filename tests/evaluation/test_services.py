"""The evaluation's services: nominating, screening, the conflict-of-interest rule in the draw
and in every assignment, the sheets, closing and publishing the top ten."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from jiebang.assessment.models import Recognition
from jiebang.core.errors import DomainError
from jiebang.evaluation import queries, services
from jiebang.evaluation.models import EvaluationRound, Nomination, ScoreSheet, TopTenEntry
from jiebang.orgs.models import User
from jiebang.projects.models import Project
from tests.factories.orgs import county, institution
from tests.factories.projects import ProjectFactory

from .conftest import UNITS, scores, sheet_of

S = Project.Status
GUAN, SHEN, DONGE = UNITS


# -- Nominating ------------------------------------------------------------------------------


def test_a_unit_nominates_its_completed_project(round_, projects, unit_users):
    nomination = services.nominate(
        round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="做法与成效"
    )
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.nominating_unit == institution(GUAN)
    assert nomination.history.count() == 1


def test_nominating_refuses_another_units_project_and_a_second_nomination(
    round_, projects, unit_users
):
    with pytest.raises(DomainError, match="own unit or county"):
        services.nominate(round_, projects[SHEN], acting_user=unit_users[GUAN], write_up="x")
    services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="x")
    with pytest.raises(DomainError, match="nominated in this round already"):
        services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="y")


def test_a_county_bureau_nominates_its_countys_projects(round_, projects, guanxian_bureau):
    nomination = services.nominate(
        round_, projects[GUAN], acting_user=guanxian_bureau, write_up="县局推荐"
    )
    assert nomination.nominating_unit == guanxian_bureau.institution
    with pytest.raises(DomainError):
        services.nominate(round_, projects[SHEN], acting_user=guanxian_bureau, write_up="x")


def test_only_completed_projects_unless_the_round_admits_projects_in_progress(
    round_, unit_users, city_admin
):
    running = ProjectFactory(status=S.IN_PROGRESS, implementing_unit=institution(GUAN))
    with pytest.raises(DomainError, match="Only completed projects"):
        services.nominate(round_, running, acting_user=unit_users[GUAN], write_up="x")
    services.update_round(round_, acting_user=city_admin, admits_in_progress=True)
    round_.refresh_from_db()
    assert services.nominate(round_, running, acting_user=unit_users[GUAN], write_up="x").pk


def test_nominations_close_at_the_deadline_and_need_a_write_up(
    round_, projects, unit_users, city_admin
):
    with pytest.raises(DomainError, match="write-up"):
        services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="  ")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.update_round(round_, acting_user=city_admin, nomination_deadline=yesterday)
    round_.refresh_from_db()
    with pytest.raises(DomainError, match="closed on"):
        services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="x")


def test_raters_and_experts_do_not_nominate(round_, projects, expert, panel_member):
    for user in (expert, panel_member):
        with pytest.raises(PermissionDenied):
            services.nominate(round_, projects[GUAN], acting_user=user, write_up="x")


def test_screening_needs_a_reason_to_turn_down(round_, projects, unit_users, city_admin):
    nomination = services.nominate(
        round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="x"
    )
    with pytest.raises(DomainError, match="reason"):
        services.screen_nomination(nomination, acting_user=city_admin, accept=False)
    services.screen_nomination(nomination, acting_user=city_admin, accept=False, note="材料不全")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REJECTED
    # Turned down, it may come again.
    assert services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="y")


def test_weights_cannot_all_be_zero_nor_change_after_closing(scored, city_admin):
    zero = {f"weight_{c}": 0 for c in ("innovation", "effectiveness", "replicability")}
    zero |= {"weight_recognition": 0, "weight_standardisation": 0}
    with pytest.raises(DomainError, match="positive weight"):
        services.update_round(scored, acting_user=city_admin, **zero)
    services.close_round(scored, acting_user=city_admin)
    with pytest.raises(DomainError, match="fixed"):
        services.update_round(scored, acting_user=city_admin, weight_innovation=50)


# -- Conflict of interest --------------------------------------------------------------------


def test_conflict_of_interest_rule(nominations, raters):
    guan, shen, donge = (nominations[name] for name in UNITS)
    assert "冠县人民医院" in services.conflict_of_interest(raters["guan_expert"], guan)
    # Another institution of 冠县: the same county.
    colleague = User.objects.create_user(
        "ev_colleague", role="expert", institution=institution("冠县中医医院")
    )
    assert "冠县" in services.conflict_of_interest(colleague, guan)
    # A panel member who lives in 莘县 (the account's region).
    assert "莘县" in services.conflict_of_interest(raters["shen_public"], shen)
    assert services.conflict_of_interest(raters["guan_expert"], shen) == ""
    assert services.conflict_of_interest(raters["media"], guan) == ""
    # expert_demo of 聊城市人民医院 (东昌府区) has none with these.
    expert_demo = User.objects.get(username="expert_demo")
    assert all(services.conflict_of_interest(expert_demo, n) == "" for n in (guan, shen, donge))


def test_the_draw_never_gives_a_rater_their_institutions_or_countys_nomination(
    drawn, nominations, raters
):
    pairs = set(ScoreSheet.objects.filter(round=drawn).values_list("rater", "nomination"))
    guan, shen, donge = (nominations[name].pk for name in UNITS)
    assert (raters["guan_expert"].pk, guan) not in pairs
    assert (raters["shen_public"].pk, shen) not in pairs
    # Everyone else scores everything (every member free of a conflict is drawn).
    assert len(pairs) == 4 * 3 - 2
    assert drawn.status == EvaluationRound.Status.SCORING
    for sheet in ScoreSheet.objects.filter(round=drawn).select_related("rater", "nomination"):
        assert services.conflict_of_interest(sheet.rater, sheet.nomination) == ""


def test_the_draw_refuses_when_too_few_raters_are_free_of_conflict(
    round_, nominations, panel, city_admin
):
    with pytest.raises(DomainError, match="free of a conflict of interest; it needs 4"):
        services.draw_panel(round_, acting_user=city_admin, per_nomination=4)
    round_.refresh_from_db()
    assert round_.status == EvaluationRound.Status.NOMINATING
    assert not ScoreSheet.objects.exists()


def test_the_draw_with_a_number_per_nomination(round_, nominations, panel, city_admin):
    drawn = services.draw_panel(round_, acting_user=city_admin, per_nomination=2)
    assert all(len(members) == 2 for members in drawn.values())
    assert ScoreSheet.objects.filter(round=round_).count() == 6


def test_the_draw_waits_for_screening(round_, projects, unit_users, panel, city_admin):
    services.nominate(round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="x")
    with pytest.raises(DomainError, match="await screening"):
        services.draw_panel(round_, acting_user=city_admin)


def test_a_redraw_is_refused_once_a_sheet_is_in(drawn, nominations, raters, city_admin):
    services.draw_panel(drawn, acting_user=city_admin, per_nomination=2)  # allowed: none in
    assert ScoreSheet.objects.filter(round=drawn).count() == 6
    sheet = ScoreSheet.objects.filter(round=drawn).first()
    services.submit_sheet(sheet, acting_user=sheet.rater, scores=scores())
    with pytest.raises(DomainError, match="handed in"):
        services.draw_panel(drawn, acting_user=city_admin)


def test_assigning_a_rater_checks_the_conflict_of_interest(drawn, nominations, panel, city_admin):
    with pytest.raises(DomainError, match="Conflict of interest"):
        services.assign_rater(nominations[GUAN], panel["guan_expert"], acting_user=city_admin)
    with pytest.raises(DomainError, match="already"):
        services.assign_rater(nominations[GUAN], panel["media"], acting_user=city_admin)
    ScoreSheet.objects.filter(nomination=nominations[DONGE], rater=panel["media"].user).delete()
    sheet = services.assign_rater(nominations[DONGE], panel["media"], acting_user=city_admin)
    assert sheet.rater == panel["media"].user


def test_a_sheet_is_refused_when_a_conflict_arose_after_the_draw(drawn, nominations, raters):
    media = raters["media"]
    media.region = county("冠县")
    media.save()
    with pytest.raises(DomainError, match="Conflict of interest"):
        services.submit_sheet(
            sheet_of(media, nominations[GUAN]), acting_user=media, scores=scores()
        )


# -- Sheets ----------------------------------------------------------------------------------


def test_a_rater_fills_their_sheet_and_may_change_it(drawn, nominations, raters):
    media = raters["media"]
    sheet = sheet_of(media, nominations[DONGE])
    services.submit_sheet(sheet, acting_user=media, scores=scores(88), comment="很好")
    sheet.refresh_from_db()
    assert sheet.submitted_at and sheet.effectiveness == 88 and sheet.entered_by == media
    services.submit_sheet(sheet, acting_user=media, scores=scores(90, innovation=70))
    sheet.refresh_from_db()
    assert (sheet.innovation, sheet.effectiveness) == (70, 90)


def test_nobody_but_the_rater_fills_a_sheet(drawn, nominations, raters, unit_users, city_admin):
    sheet = sheet_of(raters["media"], nominations[DONGE])
    for user in (unit_users[DONGE], raters["panel_demo"], city_admin):
        with pytest.raises(PermissionDenied):
            services.submit_sheet(sheet, acting_user=user, scores=scores())


@pytest.mark.parametrize("bad", [{"innovation": 101}, {"innovation": -1}, {"innovation": None}])
def test_scores_lie_between_0_and_100(drawn, nominations, raters, bad):
    media = raters["media"]
    with pytest.raises(DomainError):
        services.submit_sheet(
            sheet_of(media, nominations[DONGE]), acting_user=media, scores=scores() | bad
        )


def test_closing_waits_for_every_sheet_then_locks_them(drawn, nominations, raters, city_admin):
    with pytest.raises(DomainError, match="not complete"):
        services.close_round(drawn, acting_user=city_admin)
    for sheet in ScoreSheet.objects.filter(round=drawn).select_related("rater"):
        services.submit_sheet(sheet, acting_user=sheet.rater, scores=scores())
    services.close_round(drawn, acting_user=city_admin)
    media = raters["media"]
    with pytest.raises(DomainError, match="only while the round is scoring"):
        services.submit_sheet(
            sheet_of(media, nominations[DONGE]), acting_user=media, scores=scores(10)
        )


# -- The ranking, publishing -----------------------------------------------------------------


def test_the_apps_ranking_is_the_commands(scored, tmp_path):
    """The scores the app exports, ranked by `jiebang rank`, give the app's ranking."""
    import csv
    import io
    import json

    from django.core.management import call_command

    from jiebang.evaluation.ranking import HEADER

    rows = [HEADER] + [
        (s.nomination, s.rater, s.criterion, s.score) for s in queries.scores_of(scored)
    ]
    scores_file = tmp_path / "scores.csv"
    with scores_file.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    weights = tmp_path / "weights.json"
    # The app normalises the admin's percentages; the command takes weights as given.
    percentages = queries.weights_of(scored)
    shares = {c: w / sum(percentages.values()) for c, w in percentages.items()}
    weights.write_text(json.dumps(shares, ensure_ascii=False))
    output = tmp_path / "ranking.csv"
    call_command(
        "rank",
        "--input",
        scores_file,
        "--weights",
        weights,
        "--output",
        output,
        stdout=io.StringIO(),
    )
    ranked = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    app = queries.round_ranking(scored).standings
    assert [int(r["nomination"]) for r in ranked] == [s.nomination.pk for s in app]
    assert [float(r["total"]) for r in ranked] == pytest.approx([s.total for s in app], abs=1e-4)
    assert app[0].nomination.project.implementing_unit.name == DONGE


def test_publishing_the_top_ten_records_the_recognitions(scored, nominations, city_admin):
    services.close_round(scored, acting_user=city_admin)
    with pytest.raises(DomainError, match="citation"):
        services.publish_top_ten(scored, acting_user=city_admin, citations=["a", "", "c"])
    entries = services.publish_top_ten(
        scored, acting_user=city_admin, citations=["第一", "第二", "第三"]
    )
    assert [e.nomination.project.implementing_unit.name for e in entries] == [DONGE, SHEN, GUAN]
    recognitions = Recognition.objects.filter(kind=Recognition.Kind.TOP_TEN, year=2026)
    assert recognitions.count() == 3
    assert all(e.recognition in recognitions for e in entries)
    # Completed projects are now evaluated, with the reason on record.
    project = nominations[DONGE].project
    project.refresh_from_db()
    assert project.status == S.EVALUATED
    assert "十佳改革项目评选" in project.status_changes.last().reason
    top = queries.published_top_ten()
    assert [(e.rank, e.unit, e.citation) for e in top] == [
        (1, DONGE, "第一"),
        (2, SHEN, "第二"),
        (3, GUAN, "第三"),
    ]
    assert TopTenEntry.objects.count() == 3


def test_only_the_city_admin_publishes(scored, city_admin, task_force):
    services.close_round(scored, acting_user=city_admin)
    with pytest.raises(PermissionDenied):
        services.publish_top_ten(scored, acting_user=task_force, citations=["a", "b", "c"])


def test_nothing_is_published_before_a_round_is(round_):
    assert queries.published_top_ten() == []
