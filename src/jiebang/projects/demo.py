"""Stage 2–3 demo: the first round of seeds/000 and seeds/001.

192 projects in 51 items (事项: the 51 proposals selected in stage 1) across the nine reform
dimensions, published in one list; 110 claimed by units (点单: claim → county endorsement → city
approval), one of them through a competition of 10 bidding units (竞技比武, won by 东阿县人民医院's
门诊志愿服务); 82 assigned (派单, seeds/000 "对重点、难点…项目定向分配"): the key tasks the
commission directs to a named unit (委托, assigned when the list is published) and, by the
engine, the projects nobody claimed; the 16 cross-department problems of the green channel;
the 15 upgraded reserve proposals wait in a second, draft list.

Dates are relative to the day the demo is loaded (the list was published 100 days earlier), so
the programme is always mid-way: some milestones passed, most projects end within two months.
Everything goes through the services, so statuses, history and scoping are those of real use.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.needs.models import Proposal
from jiebang.orgs.models import Institution, Region, User

from .assign import services as assign_services
from .capabilities import CAPABILITY_TAGS
from .case import services as case_services
from .claim import services as claim_services
from .competition import services as competition_services
from .lists import services as list_services
from .models import Claim, Dimension, Project, ProjectList
from .project import services as project_services

SEED = 20240727  # the mobilisation meeting of seeds/001
FIRST_LIST = "2024年度“小切口、微改革、大民生”改革创新项目“揭榜挂帅”第一批榜单"
SECOND_LIST = "动态储备库升级重点项目榜单"
TOTAL_PROJECTS = 192
CLAIMED = 110  # 点单; the remaining 82 are 派单
BIDDERS = 10

# Pain-point category → the reform dimension its items usually belong to.
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
# Items whose title says more than their category (so that all nine dimensions appear).
DIMENSION_OF_KEYWORD = [
    ("中医", "中医药传承"),
    ("儿科", "一老一小"),
    ("急诊", "能力提升"),
    ("老年", "一老一小"),
    ("母婴", "一老一小"),
    ("校园", "一老一小"),
    ("医防", "医防融合"),
    ("慢病", "医防融合"),
    ("家庭医生", "医防融合"),
    ("乡村医生", "人才队伍"),
    ("业务院长", "人才队伍"),
    ("沟通技能", "人才队伍"),
    ("名医", "人才队伍"),
    ("线上", "数智赋能"),
    ("智慧", "数智赋能"),
    ("智能", "数智赋能"),
    ("云", "数智赋能"),
    ("电子", "数智赋能"),
    ("远程", "数智赋能"),
    ("清廉", "法治与行风"),
]
CAPABILITIES_OF_DIMENSION = {
    "流程优化": ["流程再造", "医院管理", "信息化", "护理服务"],
    "能力提升": ["医院管理", "外科微创", "检验检查", "人才培养"],
    "基层创新": ["全科医学", "慢病管理", "公共卫生", "疼痛诊疗"],
    "医防融合": ["公共卫生", "慢病管理", "健康教育", "全科医学"],
    "中医药传承": ["中医药", "康复医学", "健康教育"],
    "一老一小": ["老年医学", "妇幼保健", "医养结合", "心理健康"],
    "数智赋能": ["信息化", "互联网医疗", "检验检查"],
    "人才队伍": ["人才培养", "全科医学", "医院管理"],
    "法治与行风": ["法治建设", "医院管理", "志愿服务"],
}
# Two quantified indicators per dimension: (name, unit, baseline, target, direction, method).
INDICATORS_OF_DIMENSION = {
    "流程优化": [
        ("门诊患者平均等候时间", "分钟", 42, 25, "down", "信息系统挂号至接诊时间均值"),
        ("患者满意度", "%", 88, 95, "up", "第三方满意度调查"),
    ],
    "能力提升": [
        ("开展新技术新项目数", "项", 2, 6, "up", "医务科备案统计"),
        ("患者满意度", "%", 87, 94, "up", "第三方满意度调查"),
    ],
    "基层创新": [
        ("基层诊疗量占比", "%", 52, 60, "up", "卫生统计直报"),
        ("群众就医满意度", "%", 86, 93, "up", "入户抽样调查"),
    ],
    "医防融合": [
        ("慢病患者规范管理率", "%", 61, 75, "up", "基本公卫系统统计"),
        ("高血压患者血压控制率", "%", 55, 65, "up", "随访记录抽查"),
    ],
    "中医药传承": [
        ("中医非药物疗法使用人次", "人次/月", 800, 1300, "up", "HIS系统统计"),
        ("中医药服务满意度", "%", 90, 96, "up", "患者问卷"),
    ],
    "一老一小": [
        ("重点人群服务覆盖率", "%", 58, 80, "up", "服务台账统计"),
        ("服务对象满意度", "%", 89, 96, "up", "回访调查"),
    ],
    "数智赋能": [
        ("线上服务使用率", "%", 30, 60, "up", "平台后台统计"),
        ("报告平均获取时间", "小时", 24, 4, "down", "信息系统时间戳"),
    ],
    "人才队伍": [
        ("完成培训人数", "人", 0, 120, "up", "培训签到与考核记录"),
        ("考核合格率", "%", 80, 95, "up", "结业考核"),
    ],
    "法治与行风": [
        ("服务类投诉件数", "件/月", 18, 6, "down", "12345及院内投诉统计"),
        ("患者满意度", "%", 89, 96, "up", "第三方满意度调查"),
    ],
}
# The projects seeds/001 names, with the unit that took them: (item title, project title,
# unit, dimension, indicators or None for the dimension's). 门诊志愿服务 is the competition.
NAMED = [
    (
        "门诊志愿服务",
        "门诊志愿者服务",
        "东阿县人民医院",
        "法治与行风",
        [
            ("门诊患者投诉件数", "件/月", 6, 0, "down", "院内投诉登记"),
            ("门诊患者满意度", "%", 92, 98, "up", "第三方满意度调查"),
        ],
    ),
    (
        "预住院",
        "“预住院”服务模式",
        "聊城市第三人民医院",
        "流程优化",
        [
            ("术前平均等待天数", "天", 4.2, 2.0, "down", "病案首页入院至手术日期"),
            ("平均住院日", "天", 9.1, 7.5, "down", "病案首页统计"),
        ],
    ),
    (
        "住院床位“全院一张床”统筹",
        "“全院一张床”床位统筹管理",
        "聊城市第三人民医院",
        "流程优化",
        [
            ("床位使用率", "%", 82, 92, "up", "住院系统日报"),
            ("患者入院等待天数", "天", 3.5, 1.5, "down", "预约入院登记"),
        ],
    ),
    (
        "DRG付费改革",
        "有序推进DRG支付方式改革",
        "聊城市第二人民医院",
        "流程优化",
        [
            ("DRG医保结付率", "%", 96, 100, "up", "医保结算数据"),
            ("四级手术占比", "%", 18, 24, "up", "病案首页统计"),
        ],
    ),
    (
        "门诊流程再造“少跑腿”",
        "工作流程优化再造",
        "聊城市人民医院",
        "流程优化",
        [
            ("介入手术协调完成台数", "台/月", 655, 750, "up", "介入手术管理平台"),
            ("门诊患者平均等候时间", "分钟", 40, 20, "down", "信息系统时间戳"),
        ],
    ),
    (
        "乡村医生县招乡聘村用",
        "乡村医生“县招乡管村用”",
        "冠县卫生健康局",
        "人才队伍",
        [
            ("招录乡村医生人数", "人", 0, 400, "up", "招录台账"),
            ("乡村医生人均培训天数", "天", 8, 30, "up", "培训记录"),
        ],
    ),
    (
        "健康护航五大行动进校园",
        "少年儿童健康护航“五大行动”",
        "莘县卫生健康局",
        "一老一小",
        [
            ("学生心理测评人数", "人", 0, 1400, "up", "测评系统记录"),
            ("视力筛查人次", "人次", 0, 12000, "up", "筛查台账"),
        ],
    ),
    (
        "疼痛综合管理",
        "扩大疼痛综合管理覆盖面",
        "东昌府区广平中心卫生院",
        "基层创新",
        [
            ("疼痛门诊就诊人次", "人次/月", 600, 900, "up", "HIS系统统计"),
            ("疼痛患者随访率", "%", 60, 90, "up", "智慧随访系统"),
        ],
    ),
    ("医防融合", "“一院一策一清单”医防融合", "东昌府区疾控中心", "医防融合", None),
    (
        "名医基层工作站",
        "强化专科建设 提升服务能力",
        "茌平区温陈街道社区卫生服务中心",
        "能力提升",
        [
            ("胃肠镜检查例数", "例", 1600, 2000, "up", "内镜室登记"),
            ("早期癌症检出例数", "例", 30, 40, "up", "病理报告统计"),
        ],
    ),
    (
        "中医药特色服务进基层",
        "更好弘扬发展中医药文化",
        "聊城市中医医院",
        "中医药传承",
        [
            ("中医药文化宣教活动场次", "场", 4, 24, "up", "活动记录"),
            ("中医非药物疗法使用人次", "人次/月", 800, 1300, "up", "HIS系统统计"),
        ],
    ),
]
# The named projects the commission directs (委托) to their unit instead of opening them for
# claims: seeds/000 directs "公立医院高质量发展等重点任务" and assigns "重点、难点或需统筹推进的
# 项目"; seeds/001 has 聊城市人民医院 take on the commission's reform tasks (承接市卫健委改革任务),
# 聊城市第二人民医院 pilot DRG payment as the city's first pilot hospital, and two county
# bureaus (no claimant type) carry the county-wide 乡村医生 and 校园 programmes.
DIRECTED_ITEMS = frozenset(
    {"DRG付费改革", "门诊流程再造“少跑腿”", "乡村医生县招乡聘村用", "健康护航五大行动进校园"}
)
CLAIM_KINDS = (
    Institution.Kind.CITY_HOSPITAL,
    Institution.Kind.COUNTY_HOSPITAL,
    Institution.Kind.SUB_CENTRE,
    Institution.Kind.TOWNSHIP_HC,
    Institution.Kind.COMMUNITY_HC,
    Institution.Kind.CDC,
    Institution.Kind.MCH,
)
CAPACITY_OF_KIND = {
    Institution.Kind.CITY_HOSPITAL: 6,
    Institution.Kind.COUNTY_HOSPITAL: 4,
    Institution.Kind.CDC: 2,
    Institution.Kind.MCH: 2,
    Institution.Kind.SUB_CENTRE: 2,
    Institution.Kind.TOWNSHIP_HC: 1,
    Institution.Kind.COMMUNITY_HC: 1,
    Institution.Kind.BUREAU: 2,
}
MILESTONES = ("实施方案制定", "中期推进评估", "总结验收")
GREEN_CHANNEL_CASES = [
    ("预住院费用纳入住院医保结算", ["medical_insurance"], "预住院"),
    ("门诊慢特病“一站式”办理需医保经办授权", ["medical_insurance"], "门诊慢特病“一站式”办理"),
    ("乡村医生养老保险财政补助资金拨付", ["finance", "human_resources"], "乡村医生县招乡聘村用"),
    ("乡村医生招录编制与人事代理", ["staffing"], "乡村医生县招乡聘村用"),
    ("“业务院长”下派期间人事关系与待遇", ["staffing", "human_resources"], "乡镇卫生院“业务院长”"),
    ("校园健康筛查需教体部门协同", ["education"], "健康护航五大行动进校园"),
    (
        "检查检验结果互认的收费政策衔接",
        ["medical_insurance", "market_regulation"],
        "检查检验结果互认",
    ),
    ("院区周边交通疏导需公安交警配合", ["other"], "院区周边交通疏导"),
    ("停车场扩建用地规划审批", ["development_reform"], "院区停车“预约+错峰”"),
    ("医养结合机构床位纳入长护险", ["medical_insurance", "civil_affairs"], "老年人就医全程陪诊"),
    ("DRG病组付费标准动态调整", ["medical_insurance"], "DRG付费改革"),
    ("家庭医生签约服务费财政保障", ["finance"], "家庭医生签约履约提质"),
    ("互联网诊疗收费项目价格备案", ["medical_insurance", "market_regulation"], None),
    ("县域影像中心专网建设经费", ["finance", "development_reform"], None),
    ("名医工作站专家多点执业备案", ["human_resources"], "名医基层工作站"),
    ("村卫生室常用药品配送到村", ["market_regulation", "finance"], "村卫生室常用药品配备目录"),
]


def _dimension_name(item: Project) -> str:
    for keyword, name in DIMENSION_OF_KEYWORD:
        if keyword in item.title:
            return name
    category = item.source_proposal.category if item.source_proposal else None
    return DIMENSION_OF_CATEGORY.get(category.name if category else "", "流程优化")


def unit_head(institution: Institution) -> User:
    """The institution's head (unit role), created without a usable password if missing."""
    user = (
        User.objects.filter(role=Role.UNIT, institution=institution, is_active=True)
        .order_by("-is_unit_head", "pk")
        .first()
    )
    if user is None:
        user = User(
            username=f"head_{institution.pk}",
            full_name=f"{institution.name}负责人",
            role=Role.UNIT,
            institution=institution,
            is_unit_head=True,
        )
        user.set_unusable_password()
        user.save()
    elif not user.is_unit_head:
        user.is_unit_head = True
        user.save(update_fields=["is_unit_head"])
    return user


def _county_bureau(region: Region) -> User | None:
    """The bureau user of the region's county, created for the counties without a demo user."""
    county = region.county
    if county is None:
        return None
    user = User.objects.filter(role=Role.COUNTY_BUREAU, region=county).order_by("pk").first()
    if user is None:
        bureau = Institution.objects.filter(kind=Institution.Kind.BUREAU, region=county).first()
        user = User(
            username=f"county_{county.code}",
            full_name=f"{county.name}卫生健康局",
            role=Role.COUNTY_BUREAU,
            region=county,
            institution=bureau,
        )
        user.set_unusable_password()
        user.save()
    return user


def _unit_capabilities(rng: random.Random) -> list[Institution]:
    """Give every unit that can take projects its capability tags and capacity (派单)."""
    units = list(
        Institution.objects.filter(kind__in=[*CLAIM_KINDS, Institution.Kind.BUREAU])
        .exclude(region__parent=None)  # the city-level commission and CDC do not take projects
        .select_related("region")
        .order_by("pk")
    )
    by_kind = {
        Institution.Kind.CITY_HOSPITAL: (4, 7),
        Institution.Kind.COUNTY_HOSPITAL: (4, 6),
    }
    for unit in units:
        if unit.capabilities:
            continue
        low, high = by_kind.get(unit.kind, (2, 4))
        unit.capabilities = sorted(rng.sample(CAPABILITY_TAGS, rng.randint(low, high)))
        unit.project_capacity = CAPACITY_OF_KIND.get(unit.kind, 1)
        unit.save(update_fields=["capabilities", "project_capacity"])
    return units


def _indicator_rows(name: str, specials) -> list[dict]:
    rows = specials or INDICATORS_OF_DIMENSION[name]
    return [
        {
            "name": n,
            "unit": unit,
            "baseline": Decimal(str(base)),
            "target": Decimal(str(target)),
            "direction": direction,
            "method": method,
            "frequency": "monthly",
        }
        for n, unit, base, target, direction, method in rows
    ]


def _plan_projects(rng: random.Random, items: list[Project]) -> list[dict]:
    """The 192 projects: each item's own project plus 1–6 more, the named ones included."""
    extra = TOTAL_PROJECTS - len(items)
    weights = [rng.random() + 0.3 for _ in items]
    counts = [int(extra * w / sum(weights)) for w in weights]
    for i in rng.sample(range(len(items)), extra - sum(counts)):
        counts[i] += 1
    named = {title: rest for title, *rest in NAMED}
    plans = []
    for item, more in zip(items, counts, strict=True):
        dimension = _dimension_name(item)
        special = named.get(item.title)
        plans.append(
            {
                "project": item,
                "item": item,
                "title": special[0] if special else item.title,
                "dimension": special[2] if special else dimension,
                "named_unit": special[1] if special else None,
                "indicators": special[3] if special else None,
                "directed": item.title in DIRECTED_ITEMS,
            }
        )
        for _ in range(more):
            plans.append(
                {
                    "project": None,
                    "item": item,
                    "title": item.title,
                    "dimension": dimension,
                    "named_unit": None,
                    "indicators": None,
                    "directed": False,
                }
            )
    return plans


def _fill(plan: dict, *, admin, rng, dimensions, counties, start) -> Project:
    dimension = dimensions[plan["dimension"]]
    tags = CAPABILITIES_OF_DIMENSION[dimension.name]
    begin = start + timedelta(days=rng.randint(0, 20))
    end = begin + timedelta(days=rng.choice((60, 75, 90, 90, 90, 105)))
    region = rng.choice(counties) if rng.random() < 0.3 else None
    item = plan["item"]
    fields = {
        "description": (
            f"{item.description or ''}围绕“{item.title}”，以小切口推进微改革，"
            "在规定周期内完成量化指标并形成可复制经验。"
        ),
        "dimension": dimension,
        "start_date": begin,
        "end_date": end,
        "priority": rng.choice((2, 3, 3, 4, 4, 5)),
        "capabilities": sorted(rng.sample(tags, min(len(tags), rng.randint(1, 3)))),
        "eligible_types": [],
        "region": region,
        "channel": Project.Channel.DIRECTED if plan["directed"] else Project.Channel.OPEN,
        "implementing_unit": Institution.objects.get(name=plan["named_unit"])
        if plan["directed"]
        else None,
        "coverage_types": [Institution.Kind.COUNTY_HOSPITAL, Institution.Kind.TOWNSHIP_HC]
        if dimension.name in {"基层创新", "医防融合", "人才队伍"}
        else [],
    }
    if plan["project"] is None:
        project = project_services.create_project(
            acting_user=admin,
            title=plan["title"],
            source_proposal=item.source_proposal,
            **fields,
        )
    else:
        project = project_services.update_project(
            plan["project"], acting_user=admin, title=plan["title"], **fields
        )
    for row in _indicator_rows(dimension.name, plan["indicators"]):
        project_services.add_indicator(project, acting_user=admin, **row)
    span = (end - begin).days
    for k, title in enumerate(MILESTONES):
        due = begin + timedelta(days=span * (k + 1) // len(MILESTONES))
        project_services.add_milestone(project, acting_user=admin, title=title, due_date=due)
    return project


def _claim(project: Project, unit: Institution, *, admin, plan_text: str, approve=True) -> Claim:
    head = unit_head(unit)
    claim = claim_services.claim_project(project, acting_user=head, plan=plan_text)
    bureau = _county_bureau(unit.region)
    claim_services.endorse_claim(claim, acting_user=bureau, note="经县级卫健部门审核，同意推荐。")
    if approve:
        claim_services.approve_claim(claim, acting_user=admin, reason="方案可行，同意揭榜。")
    return claim


def _green_channel(rng, *, admin, task_force, projects_by_item_title) -> int:
    created = 0
    for k, (title, departments, item_title) in enumerate(GREEN_CHANNEL_CASES):
        project = None
        candidates = projects_by_item_title.get(item_title or "", [])
        candidates = [p for p in candidates if p.implementing_unit_id]
        if candidates:
            project = candidates[0]
            unit = project.implementing_unit
        else:
            unit = Institution.objects.filter(kind=Institution.Kind.COUNTY_HOSPITAL).order_by("pk")[
                k % 8
            ]
        case = case_services.raise_case(
            acting_user=unit_head(unit),
            title=title,
            description=f"{title}：项目推进中需跨部门协调，单位层面无法独立解决，申请市级“一事一议”。",
            departments=departments,
            project=project,
        )
        if k % 4 != 3:
            case = case_services.take_case(case, acting_user=task_force)
            if k % 4 in (0, 1):
                case_services.resolve_case(
                    case,
                    acting_user=task_force,
                    resolution="经市级协调会商，已形成解决方案并落实。",
                )
        created += 1
    return created


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    step = progress or (lambda message: None)
    ensure = project_services.ensure_dimensions()
    dimensions = {d.name: d for d in Dimension.objects.all()}
    if not ProjectList.objects.filter(name=FIRST_LIST).exists():
        items = list(
            Project.objects.filter(
                status=Project.Status.DRAFT,
                is_key=False,
                source_proposal__status=Proposal.Status.SELECTED,
            )
            .select_related("source_proposal__category")
            .order_by("code")
        )
        if items:
            step("the first list: 192 projects, claims, a competition and 派单")
            _load_first_round(items, dimensions)
    for project in Project.objects.filter(dimension=None, source_proposal__isnull=False):
        project.dimension = dimensions[_dimension_name(project)]
        project.save(update_fields=["dimension"])
    return {"projects": Project.objects.count(), "dimensions": len(ensure)}


def _load_first_round(items: list[Project], dimensions: dict) -> None:
    rng = random.Random(SEED)
    admin = User.objects.get(username="city_admin")
    task_force = User.objects.get(username="taskforce")
    today = timezone.localdate()
    published = today - timedelta(days=100)
    counties = list(
        Region.objects.filter(kind__in=Region.COUNTY_LEVEL).exclude(kind=Region.Kind.ZONE)
    )
    units = _unit_capabilities(rng)
    # The round is replayed today, so its claims are made today: the list is open until
    # today while they are, and gets the deadline the round had at the end (_back_date).
    project_list = list_services.create_list(
        acting_user=admin,
        name=FIRST_LIST,
        round_number=1,
        guide_process="重点任务定向委托（委托）；普惠性项目单位自主申报（点单）→ 县级卫健部门"
        "审核推荐 → 市卫健委审定；多家单位申报同一项目的，组织竞技比武；无人申报的项目由市级"
        "统筹派单。",
        guide_materials="实施方案（含目标、路径、量化指标、进度安排）、单位负责人承诺书。",
        guide_deadline=today,
        guide_contact="市卫生健康委体制改革科 0635-8888888",
    )
    plans = _plan_projects(rng, items)
    projects = []
    for plan in plans:
        project = _fill(
            plan,
            admin=admin,
            rng=rng,
            dimensions=dimensions,
            counties=counties,
            start=published + timedelta(days=20),
        )
        plan["project"] = project
        projects.append(project)
    list_services.add_projects_to_list(project_list, projects, acting_user=admin)
    list_services.publish_list(project_list, acting_user=admin)

    # 点单: the named projects by their units (the directed ones are theirs since publishing),
    # the competition, then the rest.
    claimable = [u for u in units if u.kind in CLAIM_KINDS]
    taken: dict[int, int] = {}
    named = [p for p in plans if p["named_unit"] and not p["directed"]]
    competition_plan = next(p for p in named if p["named_unit"] == "东阿县人民医院")
    for plan in named:
        if plan is competition_plan:
            continue
        unit = Institution.objects.get(name=plan["named_unit"])
        _claim(
            plan["project"],
            unit,
            admin=admin,
            plan_text=f"{unit.name}揭榜“{plan['title']}”实施方案。",
        )
        taken[unit.pk] = taken.get(unit.pk, 0) + 1
    _competition(competition_plan["project"], rng=rng, admin=admin, claimable=claimable)
    others = [p for p in plans if not p["named_unit"]]
    rng.shuffle(others)
    remaining = CLAIMED - len(named)
    for plan in others[:remaining]:
        project = plan["project"]
        ranked = sorted(
            claimable,
            key=lambda u: (
                -len(set(u.capabilities) & set(project.capabilities)),
                taken.get(u.pk, 0),
                rng.random(),
            ),
        )
        unit = next(u for u in ranked if taken.get(u.pk, 0) < u.project_capacity)
        _claim(project, unit, admin=admin, plan_text=f"{unit.name}揭榜“{project.title}”实施方案。")
        taken[unit.pk] = taken.get(unit.pk, 0) + 1

    # 派单: the engine assigns what nobody claimed.
    _assign(admin=admin)
    _back_date(project_list, published + timedelta(days=15))

    by_item: dict[str, list[Project]] = {}
    for plan in plans:
        by_item.setdefault(plan["item"].title, []).append(
            Project.objects.get(pk=plan["project"].pk)
        )
    _green_channel(rng, admin=admin, task_force=task_force, projects_by_item_title=by_item)

    second = list_services.create_list(acting_user=admin, name=SECOND_LIST, round_number=2)
    keys = Project.objects.filter(is_key=True, status=Project.Status.DRAFT)
    list_services.add_projects_to_list(second, keys, acting_user=admin)


def _back_date(project_list: ProjectList, deadline) -> None:
    """The deadline the first round had (seeds: claims closed before the roadshow), set on the
    list and its history once the replayed claims are in (not a user action)."""
    ProjectList.objects.filter(pk=project_list.pk).update(guide_deadline=deadline)
    ProjectList.history.filter(id=project_list.pk).update(guide_deadline=deadline)


def _competition(project: Project, *, rng, admin, claimable) -> None:
    """竞技比武: 10 units bid for 门诊志愿服务; the panel scores; 东阿县人民医院 wins."""
    winner = Institution.objects.get(name="东阿县人民医院")
    rivals = [
        u
        for u in claimable
        if u.kind in (Institution.Kind.COUNTY_HOSPITAL, Institution.Kind.CITY_HOSPITAL)
        and u.pk != winner.pk
    ]
    bidders = [winner, *rng.sample(rivals, BIDDERS - 1)]
    claims = [
        _claim(
            project,
            unit,
            admin=admin,
            approve=False,
            plan_text=f"{unit.name}“门诊志愿服务”竞标方案：全员轮值就医向导。",
        )
        for unit in bidders
    ]
    run_competition(project, claims, winner=claims[0], rng=rng, admin=admin)


def run_competition(project, claims, *, winner, rng, admin) -> None:
    """The roadshow (评促会) a week after the deadline: five judges score all ten pitches."""
    from datetime import datetime, time

    panel = list(competition_services.panel_candidates()[:5])
    session = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=78), time(14, 30))
    )
    competition = competition_services.open_competition(
        project,
        acting_user=admin,
        session_at=session,
        place="市卫生健康委三楼会议室（卫健系统改革攻坚评促会）",
        note="10个意向单位“一把手”领衔竞标，方案路演后评审团现场评分。",
        panel=panel,
    )
    competition = competition_services.start_scoring(competition, acting_user=admin)
    criteria = list(competition.criteria.all())
    for member in panel:
        for claim in claims:
            strength = 0.92 if claim.pk == winner.pk else rng.uniform(0.55, 0.85)
            values = {
                c.pk: min(
                    c.max_score,
                    Decimal(str(round(float(c.max_score) * strength + rng.uniform(-0.5, 0.5), 1))),
                )
                for c in criteria
            }
            comment = (
                "方案可操作性强，全员轮值就医向导，已有运行基础。"
                if claim.pk == winner.pk
                else rng.choice(
                    [
                        "方案思路清晰，但量化指标偏保守。",
                        "创新性不足，与现有做法区别不大。",
                        "保障条件需进一步落实，人员安排不够具体。",
                        "预期成效论证不充分，缺少基线数据。",
                    ]
                )
            )
            competition_services.submit_scores(
                competition, claim, acting_user=member, values=values, comment=comment
            )
    competition_services.close_competition(competition, acting_user=admin)


def _assign(*, admin) -> None:
    """派单: the engine gives every project nobody claimed to a unit, and the admin confirms."""
    run = assign_services.run_assignment(
        acting_user=admin,
        projects=assign_services.unclaimed_projects(),
        units=assign_services.candidate_units(kinds=CLAIM_KINDS),
        weights=assign_services.Weights(capability=1.0, locality=0.5, min_per_region=1),
    )
    assign_services.confirm_run(run, acting_user=admin)
