"""Demo data of the resource pool, after seeds/000 and 003: the 175 experts of the “聊智哺乡”
think tank (medical experts from Liaocheng, most of them working elsewhere, each paired with a
hospital of the city or a county), advice they gave the demo projects, and the “兴聊号” 百镇千村
直通车 events of the city medical association's committees (training + free clinics), which
trained 400+ village doctors.

Deterministic (seeded random, fixed past dates) and idempotent: experts are found by name,
events by title, and projects that already have advice get no more.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.models import Project

from . import services
from .models import Advice, Attendance, Expert, OutreachEvent
from .vocabulary import CLINICAL_SPECIALTIES, DIMENSIONS, REFORM_SKILLS

EXPERT_COUNT = 175
SEED = 20240517

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "建国华明丽军伟芳娜秀英敏静强磊洋艳勇杰娟涛超霞平刚桂兰玉红文志海燕立新春晓东辉宁波宏斌"
    "振凯鹏飞颖婷雪梅琳慧晶博宇浩然子轩瑞鑫佳欣怡铭俊峰岩松林庆祥瑜璐蕾莉倩彬凤云"
)

# Where the experts from Liaocheng practise outside the city (seeds: 聊城籍在外知名医学专家).
AFFILIATIONS = [
    "北京协和医院",
    "北京大学第一医院",
    "北京大学第三医院",
    "北京大学人民医院",
    "中国医学科学院阜外医院",
    "中国医学科学院肿瘤医院",
    "首都医科大学附属北京天坛医院",
    "首都医科大学宣武医院",
    "北京积水潭医院",
    "中国中医科学院广安门医院",
    "山东大学齐鲁医院",
    "山东第一医科大学附属省立医院",
    "山东省肿瘤医院",
    "山东中医药大学附属医院",
    "青岛大学附属医院",
    "复旦大学附属中山医院",
    "上海交通大学医学院附属瑞金医院",
    "四川大学华西医院",
    "浙江大学医学院附属第一医院",
    "中山大学附属第一医院",
    "天津医科大学总医院",
    "郑州大学第一附属医院",
]

TITLES = [
    (Expert.Title.CHIEF_PHYSICIAN, 45),
    (Expert.Title.PROFESSOR, 25),
    (Expert.Title.ASSOCIATE_CHIEF_PHYSICIAN, 12),
    (Expert.Title.RESEARCHER, 6),
    (Expert.Title.ASSOCIATE_PROFESSOR, 5),
    (Expert.Title.CHIEF_PHARMACIST, 3),
    (Expert.Title.CHIEF_NURSE, 3),
    (Expert.Title.SENIOR_ENGINEER, 1),
]
AVAILABILITY = [
    (Expert.Availability.AVAILABLE, 75),
    (Expert.Availability.LIMITED, 18),
    (Expert.Availability.UNAVAILABLE, 7),
]
LIMITED_NOTES = ["每月可安排一次远程指导", "仅周末可到现场", "年内出访，可线上会诊"]
UNAVAILABLE_NOTES = ["出国访学至年底", "病休中"]

# The demo expert's own record, linked to the expert_demo account.
DEMO_EXPERT = {
    "name": "孟庆华",
    "institution": "聊城市人民医院",
    "title": Expert.Title.CHIEF_PHYSICIAN,
    "specialties": ["流程优化", "医院管理", "信息化", "流程再造", "急诊急救", "心血管"],
    "bio": "聊城市人民医院心内科主任医师，长期从事胸痛中心建设与门诊流程改造。",
}

# 市医学会的专业委员会 that run the 直通车 (seeds/000: 12 committees), with the specialty
# their experts are drawn by.
COMMITTEES = [
    ("心血管病学分会", "心血管"),
    ("呼吸病学分会", "呼吸"),
    ("内分泌学分会", "内分泌"),
    ("神经病学分会", "神经"),
    ("儿科学分会", "儿科"),
    ("妇产科学分会", "妇产"),
    ("急诊医学分会", "急诊"),
    ("骨科学分会", "骨科"),
    ("眼科学分会", "眼科"),
    ("康复医学分会", "康复"),
    ("中医学分会", "中医"),
    ("全科医学分会", "健康管理"),
]
EVENT_COUNTIES = [
    "冠县",
    "莘县",
    "阳谷县",
    "东阿县",
    "高唐县",
    "临清市",
    "茌平区",
    "东昌府区",
    "冠县",
    "莘县",
    "阳谷县",
    "高唐县",
]
FIRST_EVENT = date(2024, 3, 16)


def _weighted(rng, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _names(rng, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _specialties(rng) -> list[str]:
    return [
        rng.choice(DIMENSIONS),
        *rng.sample(REFORM_SKILLS, rng.randint(2, 3)),
        rng.choice(CLINICAL_SPECIALTIES),
    ]


def expert_rows() -> list[dict]:
    """The 175 demo experts (the demo expert first), the same on every run."""
    rng = random.Random(SEED)
    K = Institution.Kind
    city = list(
        Institution.objects.filter(
            kind__in=[K.CITY_HOSPITAL, K.MCH], name__startswith="聊城市"
        ).order_by("name")
    )
    county = list(Institution.objects.filter(kind=K.COUNTY_HOSPITAL).order_by("name"))
    if not city and not county:
        return []
    rows = [
        {
            **DEMO_EXPERT,
            "institution": Institution.objects.get(name=DEMO_EXPERT["institution"]),
            "phone": "13906350001",
        }
    ]
    names = _names(rng, EXPERT_COUNT - 1, {DEMO_EXPERT["name"]})
    for name in names:
        pool = city if (rng.random() < 0.6 or not county) and city else county
        availability = _weighted(rng, AVAILABILITY)
        note = ""
        if availability == Expert.Availability.LIMITED:
            note = rng.choice(LIMITED_NOTES)
        elif availability == Expert.Availability.UNAVAILABLE:
            note = rng.choice(UNAVAILABLE_NOTES)
        affiliation = rng.choice(AFFILIATIONS) if rng.random() < 0.8 else ""
        specialties = _specialties(rng)
        rows.append(
            {
                "name": name,
                "institution": rng.choice(pool),
                "affiliation": affiliation,
                "title": _weighted(rng, TITLES),
                "specialties": specialties,
                "availability": availability,
                "availability_note": note,
                "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
                "bio": f"聊城籍专家，擅长{'、'.join(specialties[-2:])}。"
                + (f"现任职于{affiliation}。" if affiliation else ""),
            }
        )
    return rows


def load_experts() -> int:
    existing = set(Expert.objects.values_list("name", flat=True))
    for row in expert_rows():
        if row["name"] not in existing:
            services.create_expert(acting_user=None, **row)
    demo_user = User.objects.filter(username="expert_demo", role=Role.EXPERT).first()
    if demo_user is not None and not Expert.objects.filter(user=demo_user).exists():
        Expert.objects.filter(name=DEMO_EXPERT["name"], user=None).update(user=demo_user)
    return Expert.objects.count()


ADVICE_TEXTS = {
    Advice.Kind.CONSULTATION: "就{title}的实施路径远程指导，建议先选1个科室试点、按月复盘指标。",
    Advice.Kind.ON_SITE: "到现场查看{title}推进情况，梳理堵点3处，提出流程改造清单。",
    Advice.Kind.PLAN_REVIEW: "评审{title}实施方案：指标基线需补充数据来源，里程碑宜细化到周。",
    Advice.Kind.TRAINING: "围绕{title}为项目团队授课一次，讲解同类改革的经验做法。",
}
ADVICE_PROJECTS = 40
ADVICE_KINDS = list(Advice.Kind)


def load_advice() -> int:
    """Advice and an assigned expert on the first demo projects; projects that already have
    advice are left alone, and nothing happens when there are no projects yet."""
    acting = User.objects.filter(username="city_admin").first()
    projects = list(
        Project.objects.exclude(status=Project.Status.WITHDRAWN)
        .select_related("dimension", "region", "implementing_unit__region")
        .order_by("code")[:ADVICE_PROJECTS]
    )
    demo_expert = Expert.objects.filter(name=DEMO_EXPERT["name"]).first()
    for n, project in enumerate(projects):
        if project.advice.exists():
            continue
        experts = [s.expert for s in services.suggest_experts(project, limit=2)]
        if not experts and demo_expert is not None:
            experts = [demo_expert]
        if n % 5 == 0 and demo_expert is not None and demo_expert not in experts:
            experts = [demo_expert, *experts[:1]]
        base = project.start_date or date(2024, 5, 1)
        for k, expert in enumerate(experts):
            kind = ADVICE_KINDS[(n + k) % len(ADVICE_KINDS)]
            when = base + timedelta(days=7 + 14 * k + n % 7)
            when = min(when, timezone.localdate())
            services.record_advice(
                acting_user=acting,
                expert=expert,
                project=project,
                kind=kind,
                date=when,
                content=ADVICE_TEXTS[kind].format(title=project.title),
            )
        if experts and not project.assigned_experts.exists():
            services.assign_expert(project, experts[0], acting_user=acting)
    return Advice.objects.count()


def _event_experts(rng, specialty: str) -> list[Expert]:
    matching = list(
        Expert.objects.with_tag(specialty)
        .exclude(availability=Expert.Availability.UNAVAILABLE)
        .order_by("pk")
    )
    others = list(
        Expert.objects.filter(availability=Expert.Availability.AVAILABLE).order_by("pk")[:40]
    )
    chosen = rng.sample(matching, min(3, len(matching)))
    chosen += rng.sample(others, min(5 - len(chosen), len(others)))
    return list(dict.fromkeys(chosen))


def load_events() -> int:
    acting = User.objects.filter(username="city_admin").first()
    K = Institution.Kind
    for n, county_name in enumerate(EVENT_COUNTIES):
        rng = random.Random(SEED * 100 + n)
        county = Region.objects.filter(name=county_name, kind__in=Region.COUNTY_LEVEL).first()
        if county is None:
            continue
        committee, specialty = COMMITTEES[n % len(COMMITTEES)]
        centres = list(
            Institution.objects.filter(
                region__path__startswith=county.path,
                kind__in=[K.TOWNSHIP_HC, K.SUB_CENTRE],
            ).order_by("name")
        )
        if not centres:
            continue
        host = centres[(n * 7) % len(centres)]
        town = host.region
        title = f"“兴聊号”百镇千村直通车走进{town.name}（市医学会{committee}）"
        if OutreachEvent.objects.filter(title=title).exists():
            continue
        guests = [host] + rng.sample([c for c in centres if c != host], min(2, len(centres) - 1))
        clinics = list(
            Institution.objects.filter(
                region__path__startswith=town.path, kind=K.VILLAGE_CLINIC
            ).order_by("name")[:1]
        )
        attendance = []
        for institution in guests:
            doctors = rng.randint(9, 15)
            attendance.append(
                services.AttendanceRow(institution, doctors + rng.randint(2, 6), doctors)
            )
        for institution in clinics:
            attendance.append(services.AttendanceRow(institution, 3, 2))
        services.create_event(
            acting_user=acting,
            title=title,
            date=FIRST_EVENT + timedelta(days=21 * n + rng.randint(0, 6)),
            region=town,
            place=f"{host.name}",
            free_clinic_count=rng.randint(45, 95),
            notes=f"{committee}专家开展乡村医生培训和义诊，讲授{specialty}常见病诊疗与适宜技术。",
            experts=_event_experts(rng, specialty),
            attendance=attendance,
        )
    return OutreachEvent.objects.count()


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    step = progress or (lambda message: None)
    step("experts (专家智库)")
    experts = load_experts()
    step("expert advice")
    advice = load_advice()
    step("outreach events (兴聊号直通车)")
    events = load_events()
    doctors = Attendance.objects.aggregate(n=Sum("village_doctors"))["n"] or 0
    return {
        "experts": experts,
        "expert_advice": advice,
        "outreach_events": events,
        "village_doctors_trained": doctors,
    }
