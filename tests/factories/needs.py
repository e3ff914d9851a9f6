"""Feedback items (诉求) and the clusters of near-duplicates they fall into."""

import datetime

import factory
from django.db.models import Count, Max, Min
from django.utils import timezone
from factory.django import DjangoModelFactory

from jiebang.needs.models import Category, Channel, Cluster, FeedbackItem

from .orgs import institution


def _taxonomy() -> list[tuple[str, str]]:
    from jiebang.needs.classifier.engine import CATEGORIES

    return CATEGORIES


class CategoryFactory(DjangoModelFactory):
    """A category of the default taxonomy by its code (queue, 排队候诊, unless `code` says
    otherwise), taken when it exists: needs.services.ensure_categories makes the same rows."""

    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "queue"
    name = factory.LazyAttribute(lambda o: dict(_taxonomy()).get(o.code, o.code))
    order = factory.LazyAttribute(
        lambda o: next((i for i, (c, _n) in enumerate(_taxonomy(), 1) if c == o.code), 0)
    )


class FeedbackItemFactory(DjangoModelFactory):
    """A 12345 hotline item about a demo institution (冠县人民医院), in that institution's
    county, received yesterday, classified with confidence."""

    class Meta:
        model = FeedbackItem
        skip_postgeneration_save = True

    channel = Channel.HOTLINE
    external_id = factory.Sequence(lambda n: f"FAC{n:07d}")
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    institution = factory.LazyFunction(institution)
    region = factory.LazyAttribute(lambda o: o.institution.region.county if o.institution else None)
    text = factory.LazyAttributeSequence(
        lambda o, n: (
            f"来电人反映{o.institution or '医院'}门诊缴费排队一个多小时（{n}），诉求增开窗口。"
        )
    )
    category = factory.SubFactory(CategoryFactory)
    confidence = 0.9
    status = FeedbackItem.Status.OPEN
    caller_name = "张女士"
    caller_phone = "13800000000"


class ClusterFactory(DjangoModelFactory):
    """A cluster of `items` near-duplicate items (2 by default; a list of items to gather
    those), its size and first and last dates computed from them as the clustering does."""

    class Meta:
        model = Cluster
        skip_postgeneration_save = True

    representative = "来电人反映门诊缴费排队一个多小时，诉求增开窗口。"
    category = factory.SubFactory(CategoryFactory)

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if not create:
            return
        if isinstance(extracted, list | tuple):
            FeedbackItem.objects.filter(pk__in=[i.pk for i in extracted]).update(cluster=obj)
        else:
            count = 2 if extracted is None else extracted
            kwargs.setdefault("category", obj.category)
            kwargs.setdefault("text", obj.representative)
            FeedbackItemFactory.create_batch(count, cluster=obj, **kwargs)
        stats = obj.items.aggregate(
            n=Count("pk"), first=Min("received_at"), last=Max("received_at")
        )
        obj.size, obj.first_seen, obj.last_seen = stats["n"], stats["first"], stats["last"]
        obj.save(update_fields=["size", "first_seen", "last_seen"])
