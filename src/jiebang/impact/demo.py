"""Stage 6 spread and effect demo (seeds/000 评榜提质): 预住院 through the four steps and into
five tertiary hospitals, its “三降一升” measured before and after, the three policy documents,
and the programme's reach (108 media reports, 56 speeches, 109 visiting delegations).

The source project is the 预住院 project of 聊城市人民医院 (seeds/000) when the projects demo
has one, else the named “预住院”服务模式 project (seeds/001 gives 预住院 to 市第三人民医院, and
the projects demo follows it). The 预住院 model went live in pilot departments 14 months before
the demo day, before this round's project was filed; the city sets that day as the project's
intervention date with its reason (services.set_intervention), so the effect is measured from
it. Steps, adoptions, figures and values go through the services (ledger figures through the
ledger's: reported by the unit, confirmed by the task force). The two indicators of “三降一升”
the project lacks are added directly: projects.services.add_indicator accepts drafts only.

Dates are relative to the day the demo is loaded; random figures are seeded, so a load on the
same day gives the same data. Every part is skipped when present, so a second run changes
nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiebang.ledger import services as ledger
from jiebang.ledger.models import Review
from jiebang.orgs.models import Institution, User
from jiebang.projects.demo import unit_head
from jiebang.projects.models import Indicator, Project

from . import services
from .models import Adoption, Intervention, PolicyDocument, Promotion, ReachRecord, Step

SEED = 20250101
SOURCE_UNIT = "聊城市人民医院"
MODEL = "“预住院”服务模式"
PILOT_MONTHS_AGO = 14  # the model went live in pilot departments this many months ago
MONTHS_BEFORE = 12  # monthly figures kept from before each start
# Adopting hospitals, in order of preference (tertiary, seeds/004); the source is skipped.
ADOPTERS = [
    "聊城市第二人民医院",
    "聊城市第四人民医院",
    "聊城市中医医院",
    "聊城市肿瘤医院",
    "聊城市人民医院脑科医院",
    "聊城市第三人民医院",
    "聊城市人民医院",
]
# “三降一升”: (keywords that find an existing indicator, name, unit, baseline, target,
# direction, method); the level the series reaches by last month is `end` of the way from
# the baseline to the target.
THREE_DOWN_ONE_UP = [
    (("术前",), "术前等待时间", "天", 4.2, 2.0, "down", "病案首页入院至手术日期", 0.55),
    (("平均住院日",), "平均住院日", "天", 9.1, 7.5, "down", "病案首页统计", 0.6),
    (
        ("费用",),
        "患者次均住院费用",
        "元",
        12800,
        11600,
        "down",
        "收费系统：出院患者住院总费用/出院人次",
        0.7,
    ),
    (
        ("医保",),
        "医保基金使用效率",
        "%",
        88,
        94,
        "up",
        "医保结算数据：病组支付标准内结算费用占医保基金支出比例",
        0.75,
    ),
]
NOISE = 0.03  # sd of the monthly noise, as a share of the baseline
SOURCES = ["病案首页数据", "医院信息系统（HIS）统计", "医保结算系统"]


def _month(day: date, shift: int = 0) -> date:
    """The first day of the month `shift` months after `day`'s."""
    months = day.year * 12 + day.month - 1 + shift
    return date(months // 12, months % 12 + 1, 1)


def _months(first: date, last: date) -> list[date]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = _month(month, 1)
    return out


def _plain(title: str) -> str:
    """A project title without its own quotation marks, to be quoted in a sentence."""
    return title.replace("“", "").replace("”", "")


def source_project() -> Project | None:
    carried = Project.objects.filter(
        status__in=services.PROMOTABLE, title__contains="预住院"
    ).order_by("code")
    return (
        carried.filter(implementing_unit__name=SOURCE_UNIT).first()
        or carried.filter(title=MODEL).first()
        or carried.filter(implementing_unit__kind=Institution.Kind.CITY_HOSPITAL).first()
    )


@transaction.atomic
def load(progress=lambda message: None) -> dict:
    today = timezone.localdate()
    admin = User.objects.filter(username="city_admin").first()
    task_force = User.objects.filter(username="taskforce").first()
    project = source_project()
    if project is not None and admin is not None and task_force is not None:
        progress("impact: 预住院 through the four steps, five adopters, “三降一升”")
        pilot = _month(today, -PILOT_MONTHS_AGO) + timedelta(days=9)
        indicators = _indicators(project, admin)
        if not Intervention.objects.filter(project=project).exists():
            services.set_intervention(
                project,
                acting_user=admin,
                date=pilot,
                reason="预住院模式在试点科室上线运行之日（四步工作法“试点验证”起点），早于本轮揭榜"
                "立项；效果自上线之日起计。",
            )
        _figures(project, indicators, pilot, today, task_force)
        promotion = _promotion(project, pilot, today, admin, task_force)
        _adoptions(promotion, indicators, today, admin)
    if admin is not None:
        progress("impact: policy documents and reach")
        _policies(admin, today)
        _reach(admin, today)
    return {
        "impact_promotions": Promotion.objects.count(),
        "impact_adoptions": Adoption.objects.count(),
        "impact_policy_documents": PolicyDocument.objects.count(),
        "impact_reach_records": ReachRecord.objects.count(),
    }


# 预住院: indicators, figures, steps, adoptions


def _indicators(project: Project, admin) -> list[tuple[Indicator, tuple]]:
    """The project's four “三降一升” indicators, the missing ones added."""
    found = []
    for spec in THREE_DOWN_ONE_UP:
        keywords, name, unit, baseline, target, direction, method, _end = spec
        existing = project.indicators.filter(*[Q(name__contains=k) for k in keywords]).order_by(
            "pk"
        )
        indicator = existing.first()
        if indicator is None:
            indicator = Indicator(
                project=project,
                name=name,
                unit=unit,
                baseline=Decimal(str(baseline)),
                target=Decimal(str(target)),
                direction=direction,
                method=method,
                frequency=Indicator.Frequency.MONTHLY,
            )
            indicator._history_user = admin
            indicator.save()
        found.append((indicator, spec))
    return found


def _path(
    indicator: Indicator,
    end: float,
    months,
    start: date,
    rng,
    *,
    strength=1.0,
    scale=1.0,
    anchor=None,
):
    """A monthly series: flat around the indicator's baseline before `start`, then a clear
    drop (or rise) and a steady trend that reaches `anchor` (or `end` of the way to the
    target) by the last month, `strength` times as far, with noise."""
    baseline = float(indicator.baseline) * scale
    target = float(indicator.target) * scale
    goal = anchor if anchor is not None else baseline + (target - baseline) * end
    goal = baseline + (goal - baseline) * strength
    after = [m for m in months if m >= start]
    span = max(1, len(after) - 1)
    jump = baseline + (goal - baseline) * 0.6
    values = {}
    for month in months:
        level = baseline if month < start else jump + (goal - jump) * after.index(month) / span
        values[month] = round(level + rng.gauss(0, abs(baseline) * NOISE), 2)
    return values


def _figures(project: Project, indicators, pilot: date, today: date, task_force) -> None:
    """Monthly confirmed ledger figures from a year before the pilot to last month (months
    that have a figure already are left as they are)."""
    reporter = unit_head(project.implementing_unit)
    months = _months(_month(pilot, -MONTHS_BEFORE), _month(today, -1))
    for indicator, spec in indicators:
        rng = random.Random(f"{SEED}:{project.code}:{spec[1]}")
        taken = set(
            indicator.measurements.exclude(review=Review.RETURNED).values_list("period", flat=True)
        )
        confirmed = list(
            indicator.measurements.filter(review=Review.CONFIRMED).values_list("value", flat=True)
        )
        anchor = float(sum(confirmed) / len(confirmed)) if confirmed else None
        values = _path(indicator, spec[-1], months, pilot, rng, anchor=anchor)
        for month in months:
            if month in taken:
                continue
            figure = ledger.report_measurement(
                indicator,
                acting_user=reporter,
                period=month,
                value=values[month],
                source=rng.choice(SOURCES),
            )
            ledger.confirm_measurement(figure, acting_user=task_force)


def _promotion(project: Project, pilot: date, today: date, admin, task_force) -> Promotion:
    """Three steps finished, the city-wide rollout under way."""
    promotion = project.promotions.filter(title=MODEL).first()
    if promotion is not None:
        return promotion
    promotion = services.start_promotion(
        project,
        acting_user=admin,
        title=MODEL,
        summary="术前检查、检验和评估在门诊完成后再办理入院，入院次日即可手术；"
        "“预住院”期间费用纳入住院医保结算。实现术前等待时间、平均住院日、患者费用下降，"
        "医保基金使用效率提升（“三降一升”）。",
    )
    head = unit_head(project.implementing_unit)
    research_end = pilot - timedelta(days=12)
    pilot_end = pilot + timedelta(days=150)
    distil_start = pilot_end + timedelta(days=3)
    distil_end = distil_start + timedelta(days=60)
    rollout_start = distil_end + timedelta(days=5)
    plan = [
        (
            head,
            pilot - timedelta(days=60),
            research_end,
            pilot - timedelta(days=58),
            research_end,
            "完成12个手术科室术前流程调研，梳理出术前等待长、检查排队、重复住院等6类堵点，"
            "形成《预住院服务调研诊断报告》。",
        ),
        (
            head,
            pilot,
            pilot_end,
            pilot,
            pilot_end,
            "在普外科、骨科、眼科3个科室试点，术前平均等待时间由4.2天降至2.6天，"
            "形成试点评估报告和患者满意度调查。",
        ),
        (
            task_force,
            distil_start,
            distil_end,
            distil_start,
            distil_end,
            "市级专班会同医院凝练形成《预住院服务规范（试行）》和医保结算衔接办法。",
        ),
        (task_force, rollout_start, today + timedelta(days=90), rollout_start, None, ""),
    ]
    for step, (owner, planned_start, planned_end, started, finished, outputs) in zip(
        promotion.steps.order_by("order"), plan, strict=True
    ):
        step = services.plan_step(
            step,
            acting_user=admin,
            owner=owner,
            planned_start=planned_start,
            planned_end=planned_end,
        )
        step = services.start_step(step, acting_user=owner, started_on=started)
        if finished is not None:
            services.finish_step(step, acting_user=owner, outputs=outputs, finished_on=finished)
    return promotion


def _adoptions(promotion: Promotion, indicators, today: date, admin) -> None:
    """Five tertiary hospitals adopt the model during the rollout, each with its monthly values
    from a year before its start: most show the source's effect, some less of it."""
    if promotion.adoptions.exists():
        return
    rollout = promotion.steps.get(kind=Step.Kind.ROLLOUT)
    names = [n for n in ADOPTERS if n != promotion.project.implementing_unit.name][:5]
    hospitals = list(Institution.objects.filter(name__in=names))
    hospitals.sort(key=lambda h: names.index(h.name))
    last = _month(today, -1)
    latest_start = _month(today, -3)  # three months of values after the start, at least
    for k, hospital in enumerate(hospitals):
        rng = random.Random(f"{SEED}:adopt:{hospital.name}")
        adopted_on = min(rollout.actual_start + timedelta(days=12 + 18 * k), latest_start)
        adoption = services.add_adoption(
            promotion,
            acting_user=admin,
            institution=hospital,
            adopted_on=adopted_on,
            status=Adoption.Status.RUNNING,
            note=f"{hospital.name}按《预住院服务规范（试行）》在手术科室推行预住院服务。",
        )
        reporter = unit_head(hospital)
        scale = rng.uniform(0.92, 1.1)
        months = _months(_month(adopted_on, -MONTHS_BEFORE), last)
        for indicator, spec in indicators:
            strength = rng.choice((0.8, 0.9, 1.0, 1.1)) if k != 4 else rng.choice((0.3, 0.5))
            values = _path(
                indicator, spec[-1], months, adopted_on, rng, strength=strength, scale=scale
            )
            for month in months:
                services.record_adoption_value(
                    adoption,
                    acting_user=reporter,
                    indicator=indicator,
                    period=month,
                    value=values[month],
                    source="医院信息系统（HIS）统计",
                )


# 制度化: the three policy documents of seeds/000


POLICIES = [
    (
        "聊城市改善医疗服务60条",
        60,
        90,
        ("流程优化", "能力提升", "法治与行风"),
        "聚焦群众就医“急难愁盼”，将“揭榜挂帅”项目中可复制的流程优化、能力提升和行风建设经验"
        "固化为60条改善医疗服务举措，在全市二级以上医疗机构推行。",
    ),
    (
        "聊城市缓解群众看病难20条",
        20,
        45,
        ("基层创新", "一老一小", "医防融合", "人才队伍"),
        "围绕基层能力、一老一小、医防融合和人才队伍，将改革项目经验转化为缓解群众看病难的20条"
        "举措，推动优质资源下沉。",
    ),
    (
        "聊城市卫生健康智慧服务10条",
        10,
        20,
        ("数智赋能",),
        "总结数智赋能类改革项目经验，推出线上服务、结果互认、智慧随访等10条智慧服务举措。",
    ),
]
GENERAL_ARTICLES = [
    "各医疗机构要将本举措纳入院内质量管理体系，明确牵头科室和责任人。",
    "县级卫生健康行政部门负责本辖区推进工作的督促指导，每季度报送推进情况。",
    "市卫生健康委将推进情况纳入年度绩效考核，对成效突出的单位予以通报表扬。",
    "建立群众评价机制，通过扫码评价、第三方调查等方式检验改革成效。",
    "本举措自印发之日起施行，由市卫生健康委负责解释。",
]


SUPPORTING = [
    "完善“{title}”配套机制，将其纳入科室绩效考核和医疗质量控制指标。",
    "加强“{title}”信息化支撑，实现预约、结算、随访数据互联互通。",
    "做好“{title}”与医保结算、价格政策的衔接，方便群众报销。",
]


def _articles(dimensions, wanted: int) -> list[tuple[str, list[Project]]]:
    """Texts and source projects: one article per project title of the dimensions, then a
    supporting measure per title, up to `wanted`."""
    groups: dict[str, list[Project]] = {}
    projects = (
        Project.objects.filter(status__in=services.CITABLE, dimension__name__in=dimensions)
        .select_related("implementing_unit")
        .order_by("code")
    )
    for project in projects:
        groups.setdefault(project.title, []).append(project)
    rows = []
    for title, group in groups.items():
        title = _plain(title)
        names = dict.fromkeys(str(p.implementing_unit) for p in group if p.implementing_unit)
        units = "、".join(list(names)[:3]) or "项目承办单位"
        rows.append(
            (
                f"推广“{title}”做法。总结{units}在“揭榜挂帅”中形成的经验，明确流程标准和服务"
                "规范，在全市同类医疗机构推行。",
                group,
            )
        )
    for k, (title, group) in enumerate(groups.items()):
        rows.append((SUPPORTING[k % len(SUPPORTING)].format(title=_plain(title)), group))
    return rows[:wanted]


def _policies(admin, today: date) -> None:
    for k, (title, articles, days_ago, dimensions, summary) in enumerate(POLICIES):
        if PolicyDocument.objects.filter(title=title).exists():
            continue
        issued = today - timedelta(days=days_ago)
        document = services.create_policy(
            acting_user=admin,
            title=title,
            number=f"聊卫发〔{issued.year}〕{18 + 7 * k}号",
            issued_on=issued,
            issuer="聊城市卫生健康委员会",
            summary=summary,
        )
        cited = _articles(dimensions, articles - len(GENERAL_ARTICLES))
        texts = [*cited, *((text, []) for text in GENERAL_ARTICLES)]
        for number, (text, projects) in enumerate(texts[:articles], start=1):
            services.add_article(
                document, acting_user=admin, number=number, text=text, projects=projects
            )


# 示范辐射: 108 media reports, 56 speeches, 109 visiting delegations over two years

MEDIA = [
    ("健康报", ReachRecord.Level.NATIONAL),
    ("人民日报", ReachRecord.Level.NATIONAL),
    ("新华社", ReachRecord.Level.NATIONAL),
    ("人民网", ReachRecord.Level.NATIONAL),
    ("中国卫生杂志", ReachRecord.Level.NATIONAL),
    ("央广网", ReachRecord.Level.NATIONAL),
    ("学习强国", ReachRecord.Level.NATIONAL),
    ("大众日报", ReachRecord.Level.PROVINCIAL),
    ("山东广播电视台", ReachRecord.Level.PROVINCIAL),
    ("齐鲁晚报", ReachRecord.Level.PROVINCIAL),
    ("闪电新闻", ReachRecord.Level.PROVINCIAL),
]
MEDIA_TITLES = [
    "聊城：“{title}”让群众就医更省心",
    "小切口撬动大民生——聊城“{title}”改革见闻",
    "聊城“揭榜挂帅”：{title}跑出改革加速度",
    "看病少跑腿、住院少花钱，聊城推行“{title}”",
]
MEETINGS = [
    ("全国改善医疗服务行动推进会", ReachRecord.Level.NATIONAL),
    ("全国县域医共体建设经验交流会", ReachRecord.Level.NATIONAL),
    ("全国公立医院高质量发展论坛", ReachRecord.Level.NATIONAL),
    ("全省卫生健康工作会议", ReachRecord.Level.PROVINCIAL),
    ("全省公立医院高质量发展现场推进会", ReachRecord.Level.PROVINCIAL),
    ("全省基层卫生健康工作会议", ReachRecord.Level.PROVINCIAL),
    ("全省深化医药卫生体制改革工作会议", ReachRecord.Level.PROVINCIAL),
]
VISITORS = [
    "河北省邯郸市卫生健康委员会",
    "河南省濮阳市卫生健康委员会",
    "江苏省徐州市卫生健康委员会",
    "山西省长治市卫生健康委员会",
    "安徽省阜阳市卫生健康委员会",
    "河北省衡水市卫生健康委员会",
    "河南省商丘市卫生健康委员会",
    "江苏省宿迁市卫生健康委员会",
    "内蒙古自治区包头市卫生健康委员会",
    "陕西省宝鸡市卫生健康委员会",
    "湖北省襄阳市卫生健康委员会",
    "天津市滨海新区卫生健康委员会",
]
REACH = [
    (ReachRecord.Kind.MEDIA, 108),
    (ReachRecord.Kind.SPEECH, 56),
    (ReachRecord.Kind.DELEGATION, 109),
]


def _reach(admin, today: date) -> None:
    if ReachRecord.objects.exists():
        return
    rng = random.Random(f"{SEED}:reach")
    projects = list(
        Project.objects.filter(status__in=services.PROMOTABLE).select_related("implementing_unit")
    )
    if not projects:
        return
    showcase = [p for p in projects if p.is_key or p.channel == Project.Channel.DIRECTED]
    source = source_project()
    for kind, count in REACH:
        for _i in range(count):
            day = today - timedelta(days=rng.randint(1, 730))
            picked = rng.sample(projects, rng.randint(1, 2))
            if showcase and rng.random() < 0.4:
                picked.append(rng.choice(showcase))
            if source is not None and rng.random() < 0.2:
                picked.append(source)
            picked = list(dict.fromkeys(picked))
            title = _plain(picked[0].title)
            if kind == ReachRecord.Kind.MEDIA:
                outlet, level = rng.choice(MEDIA)
                fields = {"title": rng.choice(MEDIA_TITLES).format(title=title), "outlet": outlet}
            elif kind == ReachRecord.Kind.SPEECH:
                outlet, level = rng.choice(MEETINGS)
                fields = {
                    "title": f"以“小切口”改革撬动健康“大民生”——“{title}”典型发言",
                    "outlet": outlet,
                }
            else:
                outlet, level = rng.choice(VISITORS), ReachRecord.Level.PROVINCIAL
                fields = {
                    "title": f"{outlet}考察团来聊考察“{title}”",
                    "outlet": outlet,
                    "visitors": rng.randint(8, 30),
                }
            services.create_reach(
                acting_user=admin, kind=kind, date=day, level=level, projects=picked, **fields
            )
