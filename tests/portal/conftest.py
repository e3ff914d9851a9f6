import datetime
import itertools

import pytest
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.needs.models import Channel
from jiebang.orgs.models import User
from jiebang.projects.models import Project
from jiebang.supervision.models import Ticket
from tests.factories import FeedbackItemFactory, ProjectFactory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def live_project(db):
    """A project in progress (published in a published list, claimed by 冠县人民医院, letter
    confirmed), with one indicator."""
    return ProjectFactory(status=Project.Status.IN_PROGRESS, title="门诊一站式服务改革")


@pytest.fixture
def unit_user(live_project):
    """A user of the implementing unit, with a name and a phone nobody else may read."""
    return User.objects.create_user(
        "portal_unit_user",
        full_name="赵保密",
        phone="13700001111",
        role=Role.UNIT,
        institution=live_project.implementing_unit,
    )


def make_ticket(*, project=None, text="", status=Ticket.Status.CLOSED, **fields) -> Ticket:
    """A public ticket as the supervision app stores it (with its feedback item when the
    citizen wrote something), received yesterday unless told."""
    n = next(_numbers)
    now = timezone.now()
    item = None
    if text:
        item = FeedbackItemFactory(
            text=text,
            channel=Channel.QR,
            external_id=None,
            caller_name=fields.pop("caller_name", "钱女士"),
            caller_phone=fields.pop("caller_phone", "13911112222"),
            institution=project.implementing_unit if project else None,
        )
    defaults = {
        "received_at": now - datetime.timedelta(days=1),
        "closed_at": now if status == Ticket.Status.CLOSED else None,
        "in_time": True if status == Ticket.Status.CLOSED else None,
        "source": Ticket.Source.QR,
    }
    defaults.update(fields)
    return Ticket.objects.create(
        number=f"T{n:07d}",
        token=f"token{n:027d}",
        item=item,
        project=project,
        unit=project.implementing_unit if project else None,
        status=status,
        **defaults,
    )
