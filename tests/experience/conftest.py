import datetime

import pytest
from django.utils import timezone

from jiebang.experience import services
from jiebang.experience.models import Event, Invitee
from jiebang.orgs.models import Institution, Region


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def guanxian(db):
    return Region.objects.get(name="冠县", kind__in=Region.COUNTY_LEVEL)


@pytest.fixture
def shenxian(db):
    return Region.objects.get(name="莘县", kind__in=Region.COUNTY_LEVEL)


@pytest.fixture
def make_event():
    """An event recorded through the service; `held=True` records its visit too."""

    def _make(actor, *, held=False, invitees=(), **fields):
        fields.setdefault("kind", Event.Kind.OFFICER)
        fields.setdefault("title", "改革体验官走进医院")
        fields.setdefault("date", days_ago(10))
        event = services.create_event(acting_user=actor, **fields)
        for name, category in invitees:
            services.add_invitee(
                event,
                acting_user=actor,
                name=name,
                category=category,
                affiliation=f"{name}的工作单位",
                phone="13912345678",
            )
        if held:
            event = services.record_visit(
                event, acting_user=actor, visit_record="跟随患者走完流程。"
            )
        return event

    return _make


@pytest.fixture
def guanxian_event(make_event, guanxian_bureau, guanxian_institution):
    """A held event of 冠县 at 冠县人民医院, recorded by its bureau: a deputy and a patient."""
    return make_event(
        guanxian_bureau,
        title="改革体验官走进冠县人民医院",
        host=guanxian_institution,
        held=True,
        invitees=[("王代表", Invitee.Category.NPC_DEPUTY), ("李患者", Invitee.Category.PATIENT)],
    )


@pytest.fixture
def shenxian_event(make_event, task_force, shenxian_institution):
    return make_event(
        task_force,
        title="市民开放日走进莘县人民医院",
        kind=Event.Kind.OPEN_DAY,
        host=shenxian_institution,
        held=True,
        invitees=[("赵委员", Invitee.Category.CPPCC_MEMBER)],
    )


@pytest.fixture
def donge_event(make_event, task_force):
    """An event hosted by 东阿县人民医院 (unit_donge's own)."""
    return make_event(
        task_force,
        title="改革体验官体验东阿县门诊志愿服务",
        host=Institution.objects.get(name="东阿县人民医院"),
        held=True,
        invitees=[("钱党代表", Invitee.Category.PARTY_DEPUTY)],
    )


@pytest.fixture
def suggest():
    def _suggest(event, actor, text="建议把术前检查集中预约，一次排好时间。", invitee=None):
        invitee = invitee or event.invitees.order_by("pk").first()
        return services.add_suggestion(event, acting_user=actor, invitee=invitee, text=text)

    return _suggest
