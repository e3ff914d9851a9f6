"""The figures, counted from the records: on the demo (seeds/000: 35 suggestions, 12 adopted)
and on a small fixture, overall, per event and by invitee category."""

from django.urls import reverse

from jiebang.experience import demo, queries, services
from jiebang.experience.models import Event, Invitee, Suggestion
from jiebang.needs.models import Channel, FeedbackItem
from jiebang.projects.models import Project
from tests.factories.projects import ProjectFactory

S = Suggestion.Status


def test_demo_35_suggestions_12_adopted_and_idempotent(login, task_force, guanxian_bureau):
    project = ProjectFactory(status=Project.Status.PUBLISHED, title="“预住院”服务模式")
    first = demo.load()
    assert first == {
        "experience_events": 9,
        "officer_suggestions": 35,
        "adopted_suggestions": 12,
    }
    figures = queries.figures(Event.objects.all())
    assert (figures.events, figures.held) == (9, 8)
    assert (figures.suggestions, figures.adopted, figures.declined, figures.awaiting) == (
        35,
        12,
        18,
        5,
    )
    assert figures.rate == 34.3
    assert FeedbackItem.objects.filter(channel=Channel.OFFICER).count() == 35
    assert Suggestion.objects.filter(project=project).count() == 1  # linked where it fits
    adopted = Suggestion.objects.filter(status=S.ADOPTED)
    assert all(s.project_id or s.measure for s in adopted)
    assert not Suggestion.objects.filter(status=S.NOT_ADOPTED, decision_note="").exists()
    rows = queries.by_category(Event.objects.all())
    assert sum(r.suggestions for r in rows) == 35 and sum(r.adopted for r in rows) == 12
    assert sum(r.invitees for r in rows) == Invitee.objects.count()
    categories = {r.category for r in rows if r.invitees}
    assert set(Invitee.Category.values) <= categories  # 两代表一委员, patients and others

    history = (Event.history.count(), Suggestion.history.count(), FeedbackItem.objects.count())
    assert demo.load() == first
    assert (
        Event.history.count(),
        Suggestion.history.count(),
        FeedbackItem.objects.count(),
    ) == history

    text = login(task_force).get(reverse("experience:figures")).content.decode()
    assert 'id="figure-suggestions">35<' in text and 'id="figure-adopted">12<' in text
    assert 'id="figure-rate">34.3%<' in text and 'id="figure-awaiting">5<' in text
    # The county sees its own events' figures only.
    county = Event.objects.visible_to(guanxian_bureau)
    text = login(guanxian_bureau).get(reverse("experience:figures")).content.decode()
    own = queries.figures(county)
    assert 0 < own.suggestions < 35
    assert f'id="figure-suggestions">{own.suggestions}<' in text


def test_figures_per_event_and_by_category(guanxian_event, shenxian_event, task_force, suggest):
    deputy, patient = guanxian_event.invitees.order_by("pk")
    member = shenxian_event.invitees.get()
    made = [
        suggest(guanxian_event, task_force, "建议一", deputy),
        suggest(guanxian_event, task_force, "建议二", deputy),
        suggest(guanxian_event, task_force, "建议三", patient),
        suggest(shenxian_event, task_force, "建议四", member),
    ]
    services.decide_suggestion(made[0], acting_user=task_force, adopted=True, measure="措施")
    services.decide_suggestion(made[2], acting_user=task_force, adopted=True, measure="措施")
    services.decide_suggestion(made[3], acting_user=task_force, adopted=False, note="理由")

    overall = queries.figures(Event.objects.all())
    assert (overall.suggestions, overall.adopted, overall.declined, overall.awaiting) == (
        4,
        2,
        1,
        1,
    )
    assert overall.rate == 50.0 and overall.invitees == 3
    per_event = {e.pk: e for e in queries.with_counts(Event.objects.all())}
    one = per_event[guanxian_event.pk]
    assert (one.invitee_count, one.suggestion_count, one.adopted_count, one.awaiting_count) == (
        2,
        3,
        2,
        1,
    )
    other = per_event[shenxian_event.pk]
    assert (other.suggestion_count, other.adopted_count) == (1, 0)
    rows = {r.category: r for r in queries.by_category(Event.objects.all())}
    assert (rows["npc_deputy"].suggestions, rows["npc_deputy"].adopted) == (2, 1)
    assert rows["npc_deputy"].rate == 50.0
    assert (rows["patient"].suggestions, rows["patient"].adopted) == (1, 1)
    assert (rows["cppcc_member"].suggestions, rows["cppcc_member"].adopted) == (1, 0)
    assert rows["party_deputy"].invitees == 0 and rows["party_deputy"].rate is None
