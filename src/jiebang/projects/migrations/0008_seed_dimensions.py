"""The nine reform dimensions of seeds/000 (九大改革维度) for a new installation, so that no page
has to create them on a GET. From then on the city admin keeps the list (projects:dimension-list):
an installation that has any dimension already is left as it is."""

from django.db import migrations
from django.utils import timezone

DIMENSIONS = [
    "流程优化",
    "能力提升",
    "基层创新",
    "医防融合",
    "中医药传承",
    "一老一小",
    "数智赋能",
    "人才队伍",
    "法治与行风",
]


def seed_dimensions(apps, schema_editor):
    Dimension = apps.get_model("projects", "Dimension")
    HistoricalDimension = apps.get_model("projects", "HistoricalDimension")
    if Dimension.objects.exists():
        return
    Dimension.objects.bulk_create(
        Dimension(name=name, order=order) for order, name in enumerate(DIMENSIONS, start=1)
    )
    # The audit log shows where they came from (no signal writes history in a migration).
    now = timezone.now()
    HistoricalDimension.objects.bulk_create(
        HistoricalDimension(
            id=dimension.pk,
            name=dimension.name,
            order=dimension.order,
            is_active=dimension.is_active,
            history_date=now,
            history_type="+",
            history_change_reason="migration 0008_seed_dimensions",
        )
        for dimension in Dimension.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_project_item"),
    ]

    operations = [
        migrations.RunPython(seed_dimensions, migrations.RunPython.noop),
    ]
