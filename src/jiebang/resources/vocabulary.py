"""The tags that describe what an expert knows, matched by equal tags against what a project
needs: the project's capabilities (the shared vocabulary in projects/capabilities.py) and its
reform dimension. Experts also carry the clinical specialty of their discipline (the city's
specialist alliances, orgs/demo.py), which the outreach events draw their teams by."""

from jiebang.orgs.demo import SPECIALTIES
from jiebang.projects.capabilities import CAPABILITY_TAGS as PROJECT_CAPABILITIES
from jiebang.projects.project.services import DIMENSIONS

REFORM_SKILLS = list(PROJECT_CAPABILITIES)
CLINICAL_SPECIALTIES = [s for s in SPECIALTIES if s not in REFORM_SKILLS]

CAPABILITY_TAGS = [*DIMENSIONS, *REFORM_SKILLS, *CLINICAL_SPECIALTIES]
