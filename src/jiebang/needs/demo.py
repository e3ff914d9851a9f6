"""Stage-1 demo data: a year of feedback with real structure, clusters, and the screening
outcome of the seeds (51 proposals selected, a reserve pool of which 15 were upgraded).

Texts come from the shipped labelled corpus (re-filed with small edits for the repeats), and
every item is classified by the shipped model, so the heatmap shows the model's view.
Idempotent: it does nothing when the demo items exist.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.orgs.models import Institution, Region, User

from . import services
from .classifier import classify
from .classifier.engine import load_corpus
from .clustering import cluster_items
from .importing import Lookups, category_lookup
from .models import (
    Channel,
    Cluster,
    ExpertScore,
    FeedbackItem,
    PracticeVerdict,
    Proposal,
)

DEMO_PREFIX = "DEMO-"
SEED = 2024

# Channel → share of items and the corpus style its texts are drawn from.
CHANNELS = [
    (Channel.HOTLINE, 0.58, "hotline"),
    (Channel.QR, 0.17, "qr"),
    (Channel.ONLINE, 0.15, "online"),
    (Channel.SURVEY, 0.05, "online"),
    (Channel.OFFICER, 0.05, "online"),
]
# How often each county files feedback, and which problems stand out where: rural counties
# report primary-care gaps, the city districts queues, bookings and tests at big hospitals.
COUNTY_WEIGHT = {
    "东昌府区": 26,
    "临清市": 12,
    "茌平区": 9,
    "阳谷县": 11,
    "莘县": 12,
    "东阿县": 6,
    "冠县": 10,
    "高唐县": 7,
    "高新区": 3,
    "经开区": 2,
    "度假区": 2,
}
BASE_MIX = {
    "预约挂号": 10,
    "排队候诊": 10,
    "就医流程与指引": 9,
    "检查检验": 9,
    "收费与医保": 10,
    "服务态度与医德": 8,
    "环境与后勤": 7,
    "基层服务能力": 7,
    "其他": 30,
}
COUNTY_BOOST = {
    "东昌府区": {"预约挂号": 2.0, "排队候诊": 1.8, "检查检验": 1.5, "基层服务能力": 0.3},
    "临清市": {"收费与医保": 1.9},
    "冠县": {"基层服务能力": 2.6},
    "莘县": {"基层服务能力": 2.2, "服务态度与医德": 1.3},
    "阳谷县": {"基层服务能力": 1.8, "环境与后勤": 1.5},
    "高唐县": {"就医流程与指引": 1.7},
    "茌平区": {"检查检验": 1.6},
    "东阿县": {"服务态度与医德": 0.5, "就医流程与指引": 0.6},
}
WINTER_BOOST = {"排队候诊": 1.7, "预约挂号": 1.3}  # flu season, December to February
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红"
REFILE = ["（再次来电）", "至今未解决，", "之前反映过，", "又来反映：", "第二次反映，", ""]


def _weighted(rng, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _edit(rng, text: str) -> str:
    """A re-filing: the same complaint with a small edit."""
    choice = rng.random()
    if choice < 0.4:
        return rng.choice(REFILE) + text
    if choice < 0.7 and len(text) > 10:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1 :]
    return text + rng.choice(["请尽快处理。", "希望给个说法", "！！", "谢谢。"])


def generate_feedback(n: int = 20_000, rng=None, today=None) -> list[FeedbackItem]:
    rng = rng or random.Random(SEED)
    today = today or timezone.localdate()
    corpus = load_corpus()
    pool: dict[tuple[str, str], list[str]] = {}
    for example in corpus:
        pool.setdefault((example.category, example.style), []).append(example.text)
    lookups = Lookups()
    counties = {r.name: r for r in Region.objects.filter(kind__in=Region.COUNTY_LEVEL)}
    institutions: dict[str, dict[bool, list[Institution]]] = {}
    for inst in Institution.objects.exclude(kind=Institution.Kind.BUREAU).select_related("region"):
        county = lookups.county_of.get(inst.pk)
        if county is not None:
            primary = inst.kind in (*Institution.PRIMARY_CARE, Institution.Kind.VILLAGE_CLINIC)
            institutions.setdefault(county.name, {True: [], False: []})[primary].append(inst)
    channel_weights = {c: w for c, w, _s in CHANNELS}
    style_of = {c: s for c, _w, s in CHANNELS}
    items: list[FeedbackItem] = []
    for seq in range(n):
        if items and rng.random() < 0.08:  # a repeat of an earlier complaint
            source = rng.choice(items[-2000:])
            text, county, channel = _edit(rng, source.text), source.region, source.channel
            institution, day = (
                source.institution,
                source.received_at.date() + timedelta(days=rng.randint(1, 20)),
            )
            day = min(day, today)
        else:
            county_name = _weighted(rng, COUNTY_WEIGHT)
            county = counties[county_name]
            day = today - timedelta(days=int(rng.triangular(0, 364, 120)))
            mix = dict(BASE_MIX)
            for name, factor in COUNTY_BOOST.get(county_name, {}).items():
                mix[name] *= factor
            if day.month in (12, 1, 2):
                for name, factor in WINTER_BOOST.items():
                    mix[name] *= factor
            category = _weighted(rng, mix)
            channel = _weighted(rng, channel_weights)
            texts = pool.get((category, style_of[channel])) or pool.get((category, "hotline"))
            if not texts:
                continue
            text = rng.choice(texts)
            institution = lookups.institution("", text)
            if institution is not None:
                # The same story at a like institution of this county: corpus texts name one
                # place each, the demo city has many.
                primary = institution.kind in (
                    *Institution.PRIMARY_CARE,
                    Institution.Kind.VILLAGE_CLINIC,
                )
                peers = [
                    i
                    for i in institutions.get(county_name, {}).get(primary, [])
                    if i.kind == institution.kind
                ]
                if peers:
                    peer = rng.choice(peers)
                    text, institution = text.replace(institution.name, peer.name), peer
            if institution is None and category != "其他":
                choices = institutions.get(county_name, {}).get(category == "基层服务能力")
                institution = rng.choice(choices) if choices else None
            if institution is not None:
                county = lookups.county_of.get(institution.pk) or county
        moment = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))
        caller = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        items.append(
            FeedbackItem(
                channel=channel,
                external_id=f"{DEMO_PREFIX}{seq + 1:06d}",
                received_at=timezone.make_aware(moment),
                text=text,
                region=county,
                institution=institution,
                caller_name=caller if channel == Channel.HOTLINE else "",
                caller_phone=f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
                if channel in (Channel.HOTLINE, Channel.ONLINE)
                else "",
            )
        )
    categories = category_lookup()
    for start in range(0, len(items), 5000):
        part = items[start : start + 5000]
        for item, (name, confidence) in zip(part, classify([i.text for i in part]), strict=True):
            item.category, item.confidence = categories.get(name), confidence
    return items


# Proposal titles drawn from the pain points (demo data).
PROPOSALS = {
    "预约挂号": [
        "全市号源统一池与分时段精准预约",
        "检查检验“一站式”集中预约",
        "儿科夜间号源动态调配",
        "复诊患者诊间预约全覆盖",
        "老年人电话预约与现场预留号源",
        "县域医共体上下转诊预约绿色通道",
        "专家号源向基层下沉预约",
        "预约爽约信用管理与号源回收",
        "“先看后付”预约就诊改革",
        "诊后随访预约一体化",
    ],
    "排队候诊": [
        "门诊志愿服务",
        "“潮汐式”门诊弹性排班",
        "门诊一次排队多项缴费",
        "智慧叫号与候诊时间公示",
        "药房发药“零等待”",
        "高峰时段窗口动态增开",
        "急诊分级分区就诊",
        "住院床位“全院一张床”统筹",
        "入院准备中心集中办理",
        "预住院",
    ],
    "就医流程与指引": [
        "门诊“一站式”服务中心",
        "院内导航与标识系统再造",
        "老年人就医全程陪诊",
        "出院结算床旁办理",
        "病历复印线上申请邮寄",
        "诊断证明“一次办”",
        "转诊手续一窗通办",
        "智能自助机帮办专岗",
        "急危重症“上车即入院”",
        "门诊流程再造“少跑腿”",
    ],
    "检查检验": [
        "检查检验结果互认",
        "大型设备检查夜间开放",
        "胃肠镜预约时间压缩",
        "检验报告线上推送",
        "检查前告知“一张单”",
        "影像云胶片",
        "抽血采样区扩容提速",
        "基层检查县级诊断",
        "超声检查预约分时段",
        "病理报告时限承诺",
    ],
    "收费与医保": [
        "DRG付费改革",
        "异地就医直接结算便民服务",
        "门诊慢特病“一站式”办理",
        "费用清单通俗化与日清单推送",
        "先诊疗后付费扩面",
        "电子医保码全流程应用",
        "退费线上原路返回",
        "医保政策窗口咨询专席",
        "住院押金“零预交”试点",
        "自费项目事前告知",
    ],
    "服务态度与医德": [
        "医患沟通“首问负责制”",
        "窗口服务“微笑工程”",
        "清廉医院建设“拒收红包”承诺",
        "患者满意度月度晾晒",
        "医务人员沟通技能培训",
        "投诉“接诉即办”闭环",
        "老年友善医院建设",
        "行风监督员制度",
        "护理服务“暖心十条”",
        "医德医风考评与绩效挂钩",
    ],
    "环境与后勤": [
        "院区停车“预约+错峰”",
        "卫生间“革命”",
        "病房陪护床与陪护管理",
        "医院食堂营养配餐与订餐",
        "电梯分流与专梯专用",
        "病区安静管理",
        "院区无障碍设施改造",
        "母婴室与便民设施提升",
        "“6S”管理提升就医环境",
        "院区周边交通疏导",
    ],
    "基层服务能力": [
        "乡村医生县招乡聘村用",
        "健康护航五大行动进校园",
        "疼痛综合管理",
        "医防融合",
        "家庭医生签约履约提质",
        "村卫生室常用药品配备目录",
        "乡镇卫生院“业务院长”",
        "中医药特色服务进基层",
        "基层慢病长处方",
        "名医基层工作站",
    ],
}
# The second round, still being screened when the demo starts: the ranking page has work.
SECOND_ROUND = [
    ("预约挂号", "基层号源“一键转诊”预约"),
    ("排队候诊", "门诊药房自动化发药"),
    ("检查检验", "县域影像中心远程诊断"),
    ("收费与医保", "医保电子凭证床旁结算"),
    ("基层服务能力", "村卫生室远程心电"),
    ("就医流程与指引", "出院患者“一站式”随访"),
]
# The proposals behind the projects seeds/001 names: the screening selects them.
SEED_ITEMS = {
    "门诊志愿服务",
    "预住院",
    "住院床位“全院一张床”统筹",
    "DRG付费改革",
    "门诊流程再造“少跑腿”",
    "乡村医生县招乡聘村用",
    "健康护航五大行动进校园",
    "疼痛综合管理",
    "医防融合",
    "名医基层工作站",
    "中医药特色服务进基层",
}
PRACTICE_PANEL = 18  # 8 county hospitals + 10 sub-centres (seeds/000)
EXPERTS = 15


def _experts() -> list[User]:
    users = list(User.objects.filter(role=Role.EXPERT).order_by("pk"))
    lead = Institution.objects.filter(kind=Institution.Kind.CITY_HOSPITAL).order_by("pk")
    for i in range(len(users), EXPERTS):
        user = User(
            username=f"expert_{i + 1:02d}",
            full_name=f"{SURNAMES[i]}专家",
            role=Role.EXPERT,
            institution=lead[i % lead.count()],
        )
        user.set_unusable_password()
        user.save()
        users.append(user)
    return users[:EXPERTS]


def _practice_panel() -> list[User]:
    heads = []
    county_hospitals = Institution.objects.filter(
        kind=Institution.Kind.COUNTY_HOSPITAL, name__endswith="人民医院"
    ).order_by("name")
    sub_centres = Institution.objects.filter(kind=Institution.Kind.SUB_CENTRE).order_by("name")
    for institution in [*county_hospitals[:8], *sub_centres[:10]]:
        user = User.objects.filter(role=Role.UNIT, institution=institution).first()
        if user is None:
            user = User(
                username=f"head_{institution.pk}",
                full_name=f"{institution.name}负责人",
                role=Role.UNIT,
                institution=institution,
            )
            user.set_unusable_password()
            user.save()
        heads.append(user)
    return heads


def load_proposals(rng=None) -> None:
    """The two screening rounds: 51 selected, the rest to the reserve pool (15 upgraded)."""
    from jiebang.projects.project import services as project_services

    rng = rng or random.Random(SEED)
    admin = User.objects.get(username="city_admin")
    experts, panel = _experts(), _practice_panel()
    categories = category_lookup()
    titles = [(cat, title) for cat, names in PROPOSALS.items() for title in names]
    rng.shuffle(titles)
    today = timezone.localdate()
    clusters_by_category: dict[int, list] = {}
    for cluster in Cluster.objects.filter(size__gt=2).order_by("-size")[:400]:
        clusters_by_category.setdefault(cluster.category_id, []).append(cluster)
    proposals = []
    for category_name, title in titles:
        category = categories[category_name]
        proposal = services.draft_proposal(
            acting_user=admin,
            title=title,
            description=f"源自“{category_name}”类高频诉求的改革候选项目。",
            category=category,
            clusters=clusters_by_category.get(category.pk, [])[:3],
        )
        services.open_screening(
            proposal,
            acting_user=admin,
            experts=rng.sample(experts, 3),
            panel_members=rng.sample(panel, 2),
        )
        quality = rng.uniform(4.5, 9.5)
        if title in SEED_ITEMS:
            quality = max(quality, 8.5)
        for expert in proposal.experts.all():
            ExpertScore.objects.create(
                proposal=proposal,
                expert=expert,
                feasibility=max(1, min(10, round(rng.gauss(quality, 1)))),
                urgency=max(1, min(10, round(rng.gauss(quality, 1.3)))),
                benefit=max(1, min(10, round(rng.gauss(quality, 1.1)))),
            )
        for member in proposal.panel_members.all():
            verdict = (
                PracticeVerdict.Verdict.PASS
                if quality > 6.5
                else PracticeVerdict.Verdict.CONDITIONAL
                if quality > 5.5
                else PracticeVerdict.Verdict.FAIL
            )
            PracticeVerdict.objects.create(
                proposal=proposal, member=member, verdict=verdict, note="已在本单位模拟运行。"
            )
        proposals.append(proposal)
    ranked = services.ranking(Proposal.objects.filter(pk__in=[p.pk for p in proposals]))
    tags = list(Proposal.ReserveTag.values)
    for rank, proposal in enumerate(ranked):
        if rank < 51:
            project_services.create_project_from_proposal(proposal, acting_user=admin)
        else:
            services.send_to_reserve(
                proposal,
                acting_user=admin,
                tag=tags[rank % 3],
                review_date=today - timedelta(days=rng.randint(1, 60))
                if rank < 51 + 15 + 4
                else today + timedelta(days=rng.randint(20, 120)),
            )
    for proposal in Proposal.objects.filter(status=Proposal.Status.RESERVE).order_by("review_date")[
        :15
    ]:
        project_services.upgrade_reserve_proposal(
            proposal, acting_user=admin, note="政策窗口期已到，升级为重点项目。"
        )
    for category_name, title in SECOND_ROUND:
        proposal = services.draft_proposal(
            acting_user=admin, title=title, category=categories[category_name]
        )
        services.open_screening(
            proposal,
            acting_user=admin,
            experts=rng.sample(experts, 3),
            panel_members=rng.sample(panel, 2),
        )
        for expert in list(proposal.experts.all())[: rng.randint(1, 3)]:
            quality = rng.uniform(5, 9)
            ExpertScore.objects.create(
                proposal=proposal,
                expert=expert,
                feasibility=round(quality),
                urgency=max(1, min(10, round(rng.gauss(quality, 1.2)))),
                benefit=max(1, min(10, round(rng.gauss(quality, 1)))),
            )


@transaction.atomic
def load(progress=None, n: int = 20_000) -> dict[str, int]:
    step = progress or (lambda message: None)
    services.ensure_categories()
    if not FeedbackItem.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        step("a year of feedback")
        FeedbackItem.objects.bulk_create(generate_feedback(n), batch_size=2000)
        step("grouping repeated complaints")
        cluster_items()
    if not Proposal.objects.exists():
        step("proposals and the reserve pool")
        load_proposals()
    return {
        "feedback": FeedbackItem.objects.count(),
        "clusters": Cluster.objects.filter(size__gt=1).count(),
        "proposals": Proposal.objects.count(),
    }
