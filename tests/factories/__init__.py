"""factory_boy factories for the rows tests build most, placed in the demo organisation tree
that tests/conftest.py loads (regions and institutions are looked up, never created).

    from tests.factories import ProjectFactory, TaskFactory, UnitUserFactory

    project = ProjectFactory(status="contracted")     # claimed by 冠县人民医院, letter confirmed
    task = TaskFactory(project=project, overdue=True)
    update = ProgressUpdateFactory(task=task, percent=60, confirmed=True)

Every factory creates valid rows: statuses reached through legal transitions, the required
foreign keys filled, a county bureau in its county, a unit user in the implementing unit."""

from .accountability import InterviewFactory, RectificationFactory, ResponsibilityLetterFactory
from .ledger import (
    DeadlineChangeRequestFactory,
    MeasurementFactory,
    ProgressUpdateFactory,
    TaskFactory,
)
from .needs import CategoryFactory, ClusterFactory, FeedbackItemFactory
from .orgs import (
    CityAdminFactory,
    CountyBureauUserFactory,
    ExpertUserFactory,
    PanelUserFactory,
    TaskForceUserFactory,
    UnitUserFactory,
    UserFactory,
    county,
    institution,
    unit_head,
)
from .projects import (
    ClaimFactory,
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectListFactory,
)

__all__ = [
    "CategoryFactory",
    "CityAdminFactory",
    "ClaimFactory",
    "ClusterFactory",
    "CountyBureauUserFactory",
    "DeadlineChangeRequestFactory",
    "ExpertUserFactory",
    "FeedbackItemFactory",
    "IndicatorFactory",
    "InterviewFactory",
    "MeasurementFactory",
    "MilestoneFactory",
    "PanelUserFactory",
    "ProgressUpdateFactory",
    "ProjectFactory",
    "ProjectListFactory",
    "RectificationFactory",
    "ResponsibilityLetterFactory",
    "TaskFactory",
    "TaskForceUserFactory",
    "UnitUserFactory",
    "UserFactory",
    "county",
    "institution",
    "unit_head",
]
