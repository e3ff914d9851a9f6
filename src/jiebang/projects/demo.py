"""Stage 2–3 demo data (so far): the nine reform dimensions, and a dimension for each project
the stage-1 demo selected, by the category of the pain point it answers."""

from django.db import transaction

from .models import Dimension, Project
from .services import ensure_dimensions

# Pain-point category → the reform dimension its projects usually belong to.
DIMENSION_OF_CATEGORY = {
    "预约挂号": "流程优化",
    "排队候诊": "流程优化",
    "就医流程与指引": "流程优化",
    "检查检验": "数智赋能",
    "收费与医保": "流程优化",
    "服务态度与医德": "法治与行风",
    "环境与后勤": "能力提升",
    "基层服务能力": "基层创新",
}


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    ensure_dimensions()
    dimensions = {d.name: d for d in Dimension.objects.all()}
    for project in Project.objects.filter(dimension=None).select_related(
        "source_proposal__category"
    ):
        proposal = project.source_proposal
        name = DIMENSION_OF_CATEGORY.get(
            proposal.category.name if proposal and proposal.category else ""
        )
        if name in dimensions:
            project.dimension = dimensions[name]
            project.save(update_fields=["dimension"])
    return {"projects": Project.objects.count(), "dimensions": len(dimensions)}
