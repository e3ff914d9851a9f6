"""The workbench kind "suggestions to decide": in the queue of the task force and of the
event's county bureau while received or under study; a new one notifies them."""

from jiebang.experience import services
from jiebang.workbench.models import Notification
from tests.conftest import pending

KIND = "experience.decide_suggestion"


def test_suggestions_wait_for_the_deciders(
    guanxian_event,
    shenxian_event,
    task_force,
    guanxian_bureau,
    shenxian_bureau,
    city_admin,
    donge_unit,
    suggest,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        here = suggest(guanxian_event, guanxian_bureau)
    there = suggest(shenxian_event, task_force, "建议增加便民服务点。")
    assert set(pending(task_force, KIND)) == {here, there}
    assert list(pending(guanxian_bureau, KIND)) == [here]
    assert list(pending(shenxian_bureau, KIND)) == [there]
    for user in (city_admin, donge_unit):
        assert not pending(user, KIND).exists()

    told = Notification.objects.filter(key__startswith=f"new:{KIND}:{here.pk}:")
    assert set(told.values_list("user__username", flat=True)) == {"taskforce", "county_guanxian"}
    assert told.first().url == here.get_absolute_url()

    services.study_suggestion(here, acting_user=guanxian_bureau)
    assert list(pending(guanxian_bureau, KIND)) == [here]  # under study: still to decide
    services.decide_suggestion(here, acting_user=guanxian_bureau, adopted=False, note="已有")
    assert not pending(guanxian_bureau, KIND).exists()
    assert list(pending(task_force, KIND)) == [there]
