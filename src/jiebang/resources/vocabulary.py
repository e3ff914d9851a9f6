"""The tags that describe what an expert knows and what a project needs.

Experts' specialties and projects' capabilities are matched by equal tags, so both draw from
this list: the nine reform dimensions (a project's dimension counts as one of its needs), the
reform skills projects ask for, and the clinical specialties of the city's specialist
alliances (orgs/demo.py).
"""

from jiebang.orgs.demo import SPECIALTIES
from jiebang.projects.services import DIMENSIONS

REFORM_SKILLS = [
    "医院管理",
    "流程再造",
    "信息化",
    "互联网医疗",
    "医保支付",
    "绩效考核",
    "医疗质量",
    "公共卫生",
    "慢病管理",
    "家庭医生签约",
    "分级诊疗",
    "医共体建设",
    "基层卫生",
    "乡村医生培训",
    "老年医学",
    "妇幼健康",
    "健康科普",
    "院感防控",
    "急救体系",
    "药事管理",
    "人才培养",
    "医患沟通",
]

CLINICAL_SPECIALTIES = list(SPECIALTIES)

CAPABILITY_TAGS = [*DIMENSIONS, *REFORM_SKILLS, *CLINICAL_SPECIALTIES]
