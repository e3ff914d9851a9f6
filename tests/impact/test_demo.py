"""The impact demo on the first round: 预住院 through the four steps into five tertiary
hospitals, its “三降一升” measured, the three policy documents, the reach of seeds/000;
a second run changes nothing."""

import pytest
from django.db import transaction

from jiebang.impact import demo, queries
from jiebang.impact.models import (
    Adoption,
    AdoptionValue,
    PolicyArticle,
    PolicyDocument,
    Promotion,
    ReachRecord,
    Step,
)
from jiebang.orgs.models import Institution
from jiebang.projects.models import Indicator

# The stage 1–4 loaders the impact demo stands on (the others add nothing it reads).
LOADERS = [
    ("jiebang.needs.demo.load", {"n": 200}),
    ("jiebang.projects.demo.load", {}),
    ("jiebang.accountability.demo.load", {}),
    ("jiebang.ledger.demo.load", {}),
]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings
    from django.utils.module_loading import import_string

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for dotted, kwargs in LOADERS:
                import_string(dotted)(**kwargs)
            counts = demo.load()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()
            raise
    yield counts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    media.disable()


def test_pre_admission_is_taken_through_the_steps_and_replicated(loaded, db):
    promotion = Promotion.objects.get()
    project = promotion.project
    assert "预住院" in project.title
    steps = list(promotion.steps.order_by("order"))
    assert [s.status for s in steps] == [Step.Status.DONE] * 3 + [Step.Status.IN_PROGRESS]
    assert all(s.owner_id and s.planned_end for s in steps)
    assert all(s.outputs for s in steps[:3])
    adopters = Institution.objects.filter(adoptions__promotion=promotion)
    assert adopters.count() == 5
    assert set(adopters.values_list("level", flat=True)) <= {"3a", "3b"}
    assert project.implementing_unit not in adopters
    assert loaded["impact_adoptions"] == 5


def test_three_down_one_up_is_measured_before_and_after(loaded, db):
    project = Promotion.objects.get().project
    when, rows = queries.project_effects(project)
    assert when.chosen is not None and when.date < project.start_date
    named = {r.indicator.name: r for r in rows}
    three_down = [n for n in named if "术前" in n or "住院日" in n or "费用" in n]
    one_up = [n for n in named if "医保" in n]
    assert len(three_down) == 3 and len(one_up) == 1
    for name in three_down + one_up:
        row = named[name]
        assert row.enough and row.segmented.enough, name
        assert row.n_before >= 12 and row.n_after >= 12
        assert row.verdict["code"] == "improved", name
    assert named[one_up[0]].indicator.direction == Indicator.Direction.UP


def test_every_adopter_is_measured_on_the_source_indicators(loaded, db):
    promotion = Promotion.objects.get()
    blocks = queries.spread(promotion)
    assert len(blocks) == 4
    for block in blocks:
        assert len(block.adopters) == 5
        assert all(r.enough for r in block.adopters)
        assert block.improved >= 3
    assert AdoptionValue.objects.count() >= 5 * 4 * 15


def test_the_three_policy_documents_cite_projects(loaded, db):
    sizes = {d.title: d.articles.count() for d in PolicyDocument.objects.all()}
    assert sizes == {
        "聊城市改善医疗服务60条": 60,
        "聊城市缓解群众看病难20条": 20,
        "聊城市卫生健康智慧服务10条": 10,
    }
    cited = PolicyArticle.objects.filter(projects__isnull=False).distinct().count()
    assert 40 <= cited < 90


def test_reach_matches_the_seeds(loaded, db):
    counts = queries.reach_counts()
    assert counts["by_kind"] == {"media": 108, "speech": 56, "delegation": 109}
    assert len(counts["by_year"]) >= 2
    assert not ReachRecord.objects.filter(projects__isnull=True).exists()


def test_a_second_run_changes_nothing(loaded, db):
    models = [Promotion, Step, Adoption, AdoptionValue, PolicyDocument, PolicyArticle, ReachRecord]
    before = [(m.objects.count(), m.history.count()) for m in models]
    assert demo.load() == loaded
    assert [(m.objects.count(), m.history.count()) for m in models] == before
