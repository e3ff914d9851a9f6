"""The models of stages 2–3, one sub-package per sub-domain: project (dimensions, projects,
indicators, milestones, status changes), lists (榜单), claim (点单), case (绿色通道), competition
(竞技比武) and assign (派单). Django loads them from here and every importer takes them from here.

validate_claim_attachment and default_response_deadline are named by this path in the
migrations (0003, 0004): keep re-exporting them."""

from .assign.models import AssignmentPair, AssignmentRun
from .case.models import GreenChannelCase, default_response_deadline
from .claim.models import Claim, validate_claim_attachment
from .competition.models import Competition, Criterion, Score, ScoreSheet
from .lists.models import ProjectList
from .project.models import (
    CarriedQuerySet,
    Dimension,
    Indicator,
    Milestone,
    Project,
    StatusChange,
)

__all__ = [
    "AssignmentPair",
    "AssignmentRun",
    "CarriedQuerySet",
    "Claim",
    "Competition",
    "Criterion",
    "Dimension",
    "GreenChannelCase",
    "Indicator",
    "Milestone",
    "Project",
    "ProjectList",
    "Score",
    "ScoreSheet",
    "StatusChange",
    "default_response_deadline",
    "validate_claim_attachment",
]
