"""The workbench's jobs on Django's tasks API: sending, announcing, and the daily run."""

from django_tasks import task

from . import services
from .models import Delivery


@task()
def deliver(delivery_pk: int) -> str:
    delivery = Delivery.objects.filter(pk=delivery_pk).first()
    if delivery is None:
        return "gone"
    return services.send(delivery).status


@task()
def announce_work(kind_key: str, pk) -> int:
    return services.announce(kind_key, pk)


@task()
def fire_event(event_key: str, pk) -> int:
    return services.fire(event_key, pk)


@task()
def daily_run() -> dict:
    return services.daily_run()
