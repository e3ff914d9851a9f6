"""The demo's evaluation round (seeds/000 评榜提质) on the first round of the demo city, and
the scope of every evaluation URL with an id on it (the cases to add to tests/core/
test_scope_matrix.py's MATRIX, checked here the same way)."""

import pytest
from django.db import transaction
from django.urls import reverse

from jiebang.assessment.models import Recognition
from jiebang.assessment.points import breakdown
from jiebang.core.history import audited_models
from jiebang.evaluation import demo, queries, services
from jiebang.evaluation.models import (
    EvaluationRound,
    Nomination,
    PanelMember,
    ScoreSheet,
)
from jiebang.orgs.models import Institution, User
from jiebang.projects.models import Project

PERSONAS = [
    "city_admin",
    "taskforce",
    "county_guanxian",
    "county_shenxian",
    "unit_donge",
    "unit_guanxian_head",
    "expert_demo",
    "panel_demo",
]


@pytest.fixture(scope="module")
def first_round(django_db_setup, django_db_blocker):
    """Every demo loader (the organisation tree is the session's), in a transaction rolled back
    after the module; fewer feedback items make it faster."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils.module_loading import import_string

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for dotted in settings.JIEBANG_DEMO_LOADERS[1:]:
                loader = import_string(dotted)
                sized = dotted in ("jiebang.needs.demo.load", "jiebang.supervision.demo.load")
                loader(n=300) if sized else loader()
            guanxian = Institution.objects.get(name="冠县人民医院")
            User.objects.create_user(
                "unit_guanxian_head", role="unit", institution=guanxian, is_unit_head=True
            )
            loaded = EvaluationRound.objects.get(name=demo.ROUND_NAME)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def round_(first_round, db):
    return first_round


def test_the_round_of_the_seeds(round_):
    assert round_.status == EvaluationRound.Status.PUBLISHED
    assert round_.nominations.filter(status=Nomination.Status.ACCEPTED).count() == 46
    kinds = list(round_.members.values_list("kind", flat=True))
    assert len(kinds) == 15
    assert {k: kinds.count(k) for k in set(kinds)} == {"expert": 6, "media": 4, "public": 5}
    assert round_.members.filter(user__username__in=["expert_demo", "panel_demo"]).count() == 2
    assert not ScoreSheet.objects.filter(round=round_, submitted_at=None).exists()
    assert all(hasattr(n, "verification") for n in round_.nominations.all())


def test_the_top_ten_with_donges_volunteer_service_and_its_recognitions(round_):
    top = queries.published_top_ten()
    assert [e.rank for e in top] == list(range(1, 11))
    assert any(e.unit == "东阿县人民医院" and e.title == "门诊志愿者服务" for e in top)
    donge = Project.objects.get(title="门诊志愿者服务")
    kinds = set(Recognition.objects.filter(project=donge).values_list("kind", flat=True))
    assert kinds == {Recognition.Kind.TOP_TEN, Recognition.Kind.NATIONAL_RECOGNITION}
    assert Recognition.objects.filter(kind="top_ten", year=round_.year).count() == 10
    rules = {e.rule.kind for e in breakdown(round_.year, donge.implementing_unit)}
    assert {"top_ten", "national_recognition"} <= rules


def test_the_panel_is_biased_and_the_draw_respected_the_conflicts(round_):
    means = [r.mean for r in queries.rater_summaries(round_)]
    assert max(means) - min(means) > 12  # lenient and harsh raters
    for sheet in ScoreSheet.objects.filter(round=round_).select_related(
        "rater__institution__region", "rater__region", "nomination__project__implementing_unit"
    ):
        assert services.conflict_of_interest(sheet.rater, sheet.nomination) == ""
    ranking = queries.round_ranking(round_)
    assert any(s.moved for s in ranking.standings)  # the correction changes places
    assert all(a.w is not None for _label, a in ranking.agreement)


def test_the_demo_loads_once(round_):
    def snapshot():
        return {m._meta.label: m.objects.count() for m in audited_models()}

    before = snapshot()
    demo.load()
    assert snapshot() == before


def test_demo_users_open_their_pages(round_, client):
    panel_demo = User.objects.get(username="panel_demo")
    client.force_login(panel_demo)
    assert client.get(reverse("evaluation:round-ranking", args=[round_.pk])).status_code == 200
    own = ScoreSheet.objects.filter(rater=panel_demo).first()
    assert client.get(own.get_absolute_url()).status_code == 200
    other = ScoreSheet.objects.exclude(rater=panel_demo).first()
    assert client.get(other.get_absolute_url()).status_code == 404
    client.force_login(User.objects.get(username="city_admin"))
    for name in ("round-detail", "round-ranking", "round-publish", "score-list"):
        status = client.get(reverse(f"evaluation:{name}", args=[round_.pk])).status_code
        assert status in (200, 403), name  # the admin has no seat: no score list


# -- The scope of every URL with an id ------------------------------------------------------


def own(model, user):
    return model.objects.visible_to(user)


MATRIX = {
    "evaluation:round-detail": (EvaluationRound, own, None),
    "evaluation:round-edit": (EvaluationRound, own, None),
    "evaluation:panel-add": (EvaluationRound, own, None),
    "evaluation:round-draw": (EvaluationRound, own, None),
    "evaluation:round-close": (EvaluationRound, own, None),
    "evaluation:round-ranking": (EvaluationRound, own, None),
    "evaluation:round-scores-csv": (EvaluationRound, own, None),
    "evaluation:round-publish": (EvaluationRound, own, None),
    "evaluation:nomination-create": (EvaluationRound, own, None),
    "evaluation:score-list": (EvaluationRound, own, None),
    "evaluation:panel-remove": (PanelMember, own, None),
    "evaluation:member-sheet-export": (PanelMember, own, None),
    "evaluation:member-sheet-import": (PanelMember, own, None),
    "evaluation:nomination-detail": (Nomination, own, None),
    "evaluation:nomination-screen": (Nomination, own, None),
    "evaluation:nomination-withdraw": (Nomination, own, None),
    "evaluation:nomination-evidence": (
        Nomination,
        own,
        lambda: Nomination.objects.exclude(evidence=""),  # the demo has none: no case
    ),
    "evaluation:nomination-verify": (Nomination, own, None),
    "evaluation:nomination-assign": (Nomination, own, None),
    "evaluation:score-sheet": (ScoreSheet, own, None),
}


def test_every_id_url_of_the_app_is_in_the_matrix():
    from django.urls import get_resolver

    names = {
        f"evaluation:{name}"
        for name, patterns in get_resolver("jiebang.evaluation.urls").reverse_dict.items()
        if isinstance(name, str) and any(p[0][0][1] for p in [patterns])
    }
    assert names == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_scope_of_every_id_url(round_, client, name):
    model, scope, objects = MATRIX[name]
    candidates = objects() if objects else model.objects.all()
    failures = []
    for username in PERSONAS:
        user = User.objects.get(username=username)
        visible = scope(model, user).values("pk")
        inside = candidates.filter(pk__in=visible).order_by("pk").first()
        outside = candidates.exclude(pk__in=visible).order_by("pk").first()
        client.force_login(user)
        if inside is not None:
            status = client.get(reverse(name, args=[inside.pk])).status_code
            if status == 404 or status >= 500:
                failures.append(f"{username} GET in scope: {status}")
        if outside is not None:
            for method in (client.get, client.post):
                status = method(reverse(name, args=[outside.pk])).status_code
                if status not in (403, 404, 405):
                    failures.append(f"{username} {method.__name__} out of scope: {status}")
    client.logout()
    any_object = candidates.order_by("pk").first()
    for method in (client.get, client.post) if any_object else ():
        response = method(reverse(name, args=[any_object.pk]))
        if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
            failures.append(f"stranger {method.__name__}: {response.status_code}")
    assert failures == []


WRITE = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_opens_and_reading_writes_nothing(round_, client, username):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = User.objects.get(username=username)
    client.force_login(user)
    pages = [reverse(f"evaluation:{n}") for n in ("round-list", "round-create", "top-ten")]
    for name, (model, scope, objects) in MATRIX.items():
        candidates = objects() if objects else model.objects.all()
        obj = candidates.filter(pk__in=scope(model, user).values("pk")).order_by("pk").first()
        if obj is not None:
            pages.append(reverse(name, args=[obj.pk]))
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        assert status in (200, 403, 405), (path, status)
        writes = [
            q["sql"][:80]
            for q in queries
            if q["sql"].lstrip().upper().startswith(WRITE) and "django_session" not in q["sql"]
        ]
        assert writes == [], path
