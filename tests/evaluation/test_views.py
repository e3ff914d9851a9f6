"""The evaluation's pages: who sees what (blind review, scope), the rater's scoring page, the
admin's ranking and publishing, the public top-ten page, and the work queue."""

from django.urls import reverse

from jiebang.evaluation import services
from jiebang.evaluation.models import EvaluationRound, Nomination, ScoreSheet
from jiebang.workbench.models import Notification

from ..conftest import pending
from .conftest import UNITS, scores, sheet_of

GUAN, SHEN, DONGE = UNITS


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def test_every_role_of_the_stage_opens_the_rounds(
    login, drawn, city_admin, task_force, guanxian_bureau, expert, panel_member
):
    for user in (city_admin, task_force, guanxian_bureau, expert, panel_member):
        client = login(user)
        assert client.get(url("round-list")).status_code == 200
    # expert_demo has no seat on this panel: the round is not theirs.
    assert login(expert).get(url("round-detail", drawn.pk)).status_code == 404
    assert login(panel_member).get(url("round-detail", drawn.pk)).status_code == 200


def test_the_admin_creates_a_round(login, city_admin):
    client = login(city_admin)
    assert client.get(url("round-create")).status_code == 200
    data = {
        "name": "第二批十佳评选",
        "year": 2026,
        "weight_innovation": 20,
        "weight_effectiveness": 30,
        "weight_replicability": 20,
        "weight_recognition": 15,
        "weight_standardisation": 15,
    }
    response = client.post(url("round-create"), data)
    created = EvaluationRound.objects.get(name="第二批十佳评选")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (
        login(city_admin).post(url("round-create"), {**data, "weight_innovation": -1}).status_code
        == 200
    )


def test_a_unit_nominates_from_the_round_page(login, round_, projects, unit_users):
    client = login(unit_users[GUAN])
    page = client.get(url("round-detail", round_.pk))
    assert url("nomination-create", round_.pk) in page.text
    form = client.get(url("nomination-create", round_.pk))
    assert projects[GUAN].title in form.text and projects[SHEN].title not in form.text
    response = client.post(
        url("nomination-create", round_.pk),
        {"project": projects[GUAN].pk, "write_up": "全院推开，患者满意度提升。"},
    )
    nomination = Nomination.objects.get(project=projects[GUAN])
    assert response["Location"] == nomination.get_absolute_url()
    # Another county's project is not among the choices.
    refused = client.post(
        url("nomination-create", round_.pk), {"project": projects[SHEN].pk, "write_up": "x"}
    )
    assert refused.status_code == 200 and not Nomination.objects.filter(project=projects[SHEN])


def test_a_county_sees_only_its_countys_nominations(login, nominations, guanxian_bureau):
    client = login(guanxian_bureau)
    assert client.get(nominations[GUAN].get_absolute_url()).status_code == 200
    assert client.get(nominations[SHEN].get_absolute_url()).status_code == 404


def test_the_admin_screens_and_the_nominator_is_told(
    login, round_, projects, unit_users, city_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = services.nominate(
            round_, projects[GUAN], acting_user=unit_users[GUAN], write_up="x"
        )
    assert list(pending(city_admin, "evaluation.screen_nomination")) == [nomination]
    assert Notification.objects.filter(user=city_admin, key__contains="screen_nomination")
    client = login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("nomination-screen", nomination.pk), {"decision": "reject", "note": "材料不全"}
        )
    assert response.status_code == 302
    assert not pending(city_admin, "evaluation.screen_nomination").exists()
    told = Notification.objects.get(user=unit_users[GUAN], key__startswith="evaluation.nomination")
    assert "材料不全" in told.title


def test_drawing_the_panel_puts_the_sheets_in_each_raters_queue(
    round_, nominations, panel, raters, city_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.draw_panel(round_, acting_user=city_admin)
    media = raters["media"]
    seats = pending(media, "evaluation.score_nominations")
    assert [s.round_id for s in seats] == [round_.pk] and seats[0].w_open == 3
    assert Notification.objects.filter(user=media, key__contains="score_nominations").count() == 1
    for sheet in ScoreSheet.objects.filter(rater=media):
        services.submit_sheet(sheet, acting_user=media, scores=scores())
    assert not pending(media, "evaluation.score_nominations").exists()
    assert not pending(raters["guan_expert"], "evaluation.screen_nomination").exists()


def test_the_rater_scores_on_the_page_beside_the_figures(login, drawn, nominations, raters):
    media = raters["media"]
    sheet = sheet_of(media, nominations[DONGE])
    client = login(media)
    page = client.get(sheet.get_absolute_url())
    assert page.status_code == 200
    for part in ("indicator-data", "verification", "satisfaction", "门诊志愿服务"):
        assert part in page.text
    data = {code: 85 for code in scores()} | {"comment": "服务细致"}
    response = client.post(sheet.get_absolute_url(), data)
    assert response.status_code == 302
    following = ScoreSheet.objects.filter(rater=media, submitted_at=None).order_by("nomination")
    assert response["Location"] == following.first().get_absolute_url()
    sheet.refresh_from_db()
    assert sheet.comment == "服务细致" and sheet.innovation == 85
    bad = client.post(sheet.get_absolute_url(), data | {"innovation": 120})
    assert bad.status_code == 200


def test_blind_review_a_rater_sees_only_their_own_sheets(login, scored, nominations, raters):
    media, other = raters["media"], raters["panel_demo"]
    client = login(media)
    assert client.get(sheet_of(other, nominations[DONGE]).get_absolute_url()).status_code == 404
    assert (
        client.post(sheet_of(other, nominations[DONGE]).get_absolute_url(), {}).status_code == 404
    )
    # No ranking, no scores file, no other member's Excel sheet before closing.
    assert client.get(url("round-ranking", scored.pk)).status_code == 403
    assert client.get(url("round-scores-csv", scored.pk)).status_code == 403
    other_seat = scored.members.get(user=other)
    assert client.get(url("member-sheet-export", other_seat.pk)).status_code == 404
    detail = client.get(nominations[DONGE].get_absolute_url())
    assert detail.status_code == 200 and "sheet-table" not in detail.text
    own = client.get(url("score-list", scored.pk))
    assert own.status_code == 200
    assert own.text.count('id="my-sheet-') == ScoreSheet.objects.filter(rater=media).count()


def test_a_unit_cannot_score(login, drawn, nominations, unit_users, raters):
    client = login(unit_users[DONGE])
    sheet = sheet_of(raters["media"], nominations[DONGE])
    assert client.post(sheet.get_absolute_url(), {c: 90 for c in scores()}).status_code == 404
    assert client.get(url("score-list", drawn.pk)).status_code == 403
    assert client.get(url("round-ranking", drawn.pk)).status_code == 403


def test_the_city_sees_the_live_ranking_and_the_panel_after_closing(
    login, scored, raters, city_admin, task_force
):
    live = login(task_force).get(url("round-ranking", scored.pk))
    assert live.status_code == 200 and "live-ranking" in live.text and "rater-table" in live.text
    services.close_round(scored, acting_user=city_admin)
    closed = login(raters["media"]).get(url("round-ranking", scored.pk))
    assert closed.status_code == 200 and "rater-table" not in closed.text
    standings = closed.context["ranking"].standings
    assert standings[0].nomination.project.implementing_unit.name == DONGE


def test_the_scores_csv_is_what_jiebang_rank_reads(login, scored, city_admin):
    response = login(city_admin).get(url("round-scores-csv", scored.pk))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "nomination,rater,criterion,score"
    assert len(text.splitlines()) == 1 + 10 * 5


def test_publishing_then_the_public_page(login, client, scored, city_admin):
    services.close_round(scored, acting_user=city_admin)
    admin = login(city_admin)
    form = admin.get(url("round-publish", scored.pk))
    assert form.status_code == 200 and form.text.count("top-ten-card") == 3
    data = {"form-TOTAL_FORMS": 3, "form-INITIAL_FORMS": 3}
    data |= {f"form-{i}-citation": f"评语<script>{i}</script>" for i in range(3)}
    assert admin.post(url("round-publish", scored.pk), data)["Location"] == url("top-ten")
    client.logout()
    public = client.get(url("top-ten"))
    assert public.status_code == 200
    assert public.text.count('class="list-group-item d-flex gap-2 top-ten-entry"') == 3
    assert "门诊志愿服务" in public.text and "评语&lt;script&gt;0" in public.text
    assert "<script>0" not in public.text
    for private in ("案例材料", "记者", "莘监督员", "冠专家"):  # write-ups, raters
        assert private not in public.text


def test_the_public_page_without_a_published_round(client, scored):
    page = client.get(url("top-ten"))
    assert page.status_code == 200 and "no-top-ten" in page.text


def test_panel_members_and_their_draw_from_the_round_page(
    login, round_, nominations, raters, city_admin
):
    client = login(city_admin)
    for key, kind in (("media", "media"), ("shen_public", "public")):
        response = client.post(url("panel-add", round_.pk), {"user": raters[key].pk, "kind": kind})
        assert response.status_code == 302
    response = client.post(url("round-draw", round_.pk), {"per_nomination": ""})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == EvaluationRound.Status.SCORING
    assert ScoreSheet.objects.filter(round=round_).count() == 3 + 2
    page = client.get(round_.get_absolute_url())
    assert "panel-table" in page.text and "0 / 3" in page.text
