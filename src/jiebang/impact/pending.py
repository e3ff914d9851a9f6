"""The promotion's kind of pending work (我的待办), for the workbench: the step of a promotion
under way that its owner can work on now (under way, or next in line once the step before it
is finished), due by its planned end."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jiebang.workbench.registry import Kind, register

from .models import Promotion, Step


def _steps_due(user):
    if not getattr(user, "is_authenticated", False):
        return Step.objects.none()
    previous_done = Step.objects.filter(
        promotion=OuterRef("promotion"), order=OuterRef("order") - 1, status=Step.Status.DONE
    )
    return (
        Step.objects.filter(owner=user, promotion__status=Promotion.Status.ACTIVE)
        .annotate(ready=Exists(previous_done))
        .filter(
            Q(status=Step.Status.IN_PROGRESS)
            | Q(status=Step.Status.NOT_STARTED, order=1)
            | Q(status=Step.Status.NOT_STARTED, ready=True)
        )
    )


register(
    Kind(
        key="impact.promotion_step",
        label=_("Promotion steps due"),
        pending=_steps_due,
        link="impact:promotion-detail",
        link_arg="promotion_id",
        title="promotion__title",
        due="planned_end",
        project="promotion__project",
        unit="promotion__project__implementing_unit",
        order=60,
        assignees=lambda step: [step.owner] if step.owner_id else [],
        announce_when=lambda step: step.owner_id is not None and step.status != Step.Status.DONE,
        round=lambda step: step.owner_id,
    ),
    model=Step,
)
