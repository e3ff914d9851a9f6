"""The kinds of pending work (待办) and the events worth a notification, as each app declares
them in its `pending.py` (imported by WorkbenchConfig.ready()).

A Kind answers "what must this user do now" with a queryset, so the queue is always what the
records say; nothing is copied into a to-do table that could drift from them. The queue reads
every kind through the same columns (title, due date, project, unit), so stages added later
(the portal's rectifications, the panel's nominations) appear in the queue, the home page, the
badge and the reminders by declaring a Kind, without touching the workbench.

An Event is a change someone should hear about although there is nothing for them to do in the
queue (a decision on their claim, a figure returned with a reason, an interview notice).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Kind:
    key: str  # "<app>.<what>", stable: notification keys and preferences refer to it
    label: str  # what to do, as a heading: "待推荐的揭榜申请"
    pending: Callable[[object], QuerySet]  # user -> the records this user must act on now
    link: str  # URL name of the page where the work is done
    title: str  # ORM path of the row's title
    link_arg: str = "pk"  # ORM path of the value the URL takes
    due: str | None = None  # ORM path of the date by which it must be done
    project: str | None = None  # ORM path of the project's id, for the project filter
    unit: str | None = None  # ORM path of the unit's id (Institution), for the unit filter
    region: str | None = None  # ORM path of a Region, for the county filter; default unit's
    order: int = 100  # among kinds equally urgent
    batch: str | None = None  # URL name of a POST view acting on many (`ids`): batch confirm
    batch_label: str = ""
    # What the row shows besides its title (the reason, the figure, the evidence, buttons):
    # `detail` is a template given `record`, which `records(pks)` loads for a page in bulk.
    detail: str | None = None
    records: Callable[[list], dict] | None = None
    # Notifications: who must act on a record (users), when a saved record is new work worth
    # telling them (a cheap test on the instance), and what makes it new again (a returned
    # update submitted anew is new work again).
    assignees: Callable[[Model], Iterable] | None = None
    announce_when: Callable[[Model], bool] | None = None
    round: Callable[[Model], object] | None = None

    @property
    def region_path(self) -> str | None:
        if self.region:
            return self.region
        return f"{self.unit}__region" if self.unit else None


@dataclass(frozen=True)
class Event:
    key: str  # "<app>.<what>"
    topic: str  # a models.Topic: what a user sets a preference for
    model: type[Model]
    when: Callable[[Model], bool]  # the saved record is such an event
    recipients: Callable[[Model], Iterable]
    title: Callable[[Model], str]
    url: Callable[[Model], str]
    occurrence: Callable[[Model], object]  # what makes one event differ from the next


KINDS: dict[str, Kind] = {}
MODELS: dict[str, type[Model]] = {}  # kind key -> the model its pending queryset returns
EVENTS: dict[str, Event] = {}


def register(kind: Kind, *, model: type[Model]) -> Kind:
    """Declare a kind of pending work; `model` is the model `kind.pending` returns (its saves
    may announce new work)."""
    KINDS[kind.key] = kind
    MODELS[kind.key] = model
    return kind


def register_event(event: Event) -> Event:
    EVENTS[event.key] = event
    return event


def kinds() -> list[Kind]:
    return sorted(KINDS.values(), key=lambda k: (k.order, k.key))
