"""Stage 6 demo: the first round's evaluation (seeds/000 评榜提质) — 46 nominated projects,
a 15-member panel of experts, media representatives and public supervisors drawn under the
conflict-of-interest rule, scores with realistic rater bias, scoring closed and the top ten
(十佳改革项目) published, 东阿县人民医院's 门诊志愿服务 among them with its national recognition
(seeds/000: "入选全国县市医院改善医疗服务十大杰出案例") recorded for the assessment points.

The demo's projects are all still in progress (the programme is mid-way, see projects/demo.py),
so the round admits projects in progress (EvaluationRound.admits_in_progress) rather than
moving 46 projects to completed past their open tasks. Everything goes through the services.
Scores come from a latent quality per nomination and criterion plus each rater's leniency and
spread and some noise: some raters are lenient, some harsh, which the ranking corrects.

Idempotent: when the round exists, nothing is loaded again.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from jiebang.assessment import services as assessment
from jiebang.assessment.models import Recognition
from jiebang.core.roles import Role
from jiebang.orgs.demo import DEMO_PASSWORD
from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.demo import NAMED
from jiebang.projects.models import Project

from . import services
from .models import Criterion, EvaluationRound, Nomination, PanelMember, ScoreSheet, TopTenEntry
from .queries import round_ranking

SEED = 20250101
ROUND_NAME = "“小切口、微改革、大民生”改革创新项目“十佳改革项目”评选（第一批）"
NOMINATIONS = 46
DONGE_UNIT, DONGE_TITLE = "东阿县人民医院", "门诊志愿者服务"
DONGE_WRITE_UP = (
    "东阿县人民医院以问题为导向，开展“门诊志愿者服务”活动：护理部组织临床护理人员、人事科组织"
    "行政后勤人员报名组成志愿服务小组，岗前培训后由事业发展部排班管理，全院职工轮值担任就医向导，"
    "从给患者指好路开始，覆盖门诊就医全流程。\n"
    "自2023年8月推行以来，全员职工参加志愿服务4000余人次，服务门诊患者460000余人次，出勤率达98%，"
    "实现门诊患者零投诉。经验做法入选“全国县市医院改善医疗服务十大杰出案例”。"
)
DONGE_CITATION = (
    "全院职工轮值担任门诊就医向导，服务门诊患者46万余人次，实现门诊患者零投诉；以小切口解决就医"
    "“第一步”难题，经验做法入选全国县市医院改善医疗服务十大杰出案例。"
)
NATIONAL_NOTE = "经验做法入选“全国县市医院改善医疗服务十大杰出案例”"

# The panel (评审团, seeds/000: 行业专家、媒体代表、群众监督员): username, name, role, kind,
# institution, region, affiliation, leniency (points added to every score), spread.
PANEL = [
    ("expert_demo", "", Role.EXPERT, "expert", None, None, "", -6, 9),
    ("rater_01", "郭建华", Role.EXPERT, "expert", "聊城市第二人民医院", None, "医院管理", 2, 7),
    ("rater_02", "孟庆伟", Role.EXPERT, "expert", "聊城市疾控中心", None, "公共卫生", -2, 8),
    ("rater_03", "田秀英", Role.EXPERT, "expert", "聊城市中医医院", None, "临床医疗", 5, 6),
    ("rater_04", "韩志刚", Role.EXPERT, "expert", "冠县人民医院", None, "医疗质量管理", -12, 10),
    ("rater_05", "崔丽萍", Role.EXPERT, "expert", "临清市人民医院", None, "护理管理", 1, 5),
    ("panel_demo", "", Role.PANEL, "media", None, None, "聊城日报社", 3, 6),
    ("rater_06", "王晓宁", Role.PANEL, "media", None, None, "齐鲁晚报·齐鲁壹点聊城融媒中心", 10, 5),
    ("rater_07", "李明轩", Role.PANEL, "media", None, None, "聊城广播电视台", 0, 8),
    ("rater_08", "赵雪", Role.PANEL, "media", None, None, "大众日报聊城分社", -3, 7),
    ("rater_09", "刘长海", Role.PANEL, "public", None, "莘县", "市人大代表", -10, 6),
    ("rater_10", "张桂芳", Role.PANEL, "public", None, "阳谷县", "市政协委员", 6, 4),
    ("rater_11", "孙立国", Role.PANEL, "public", None, "高唐县", "党代表", -4, 9),
    ("rater_12", "陈玉兰", Role.PANEL, "public", None, "茌平区", "群众监督员", 8, 6),
    ("rater_13", "马德胜", Role.PANEL, "public", None, None, "群众监督员", -1, 11),
]
INSPECTORS = ["李红梅", "王振东", "张立新", "刘建国", "赵海燕", "孙晓光", "周文静", "吴国庆"]
PRAISE = [
    "思路清晰，举措务实，群众获得感明显。",
    "切口小、见效快，可复制性强，建议在同类机构推广。",
    "数据翔实，现场验证情况与申报材料一致。",
    "制度建设较完善，形成了长效机制。",
    "创新点突出，但部分指标仍需持续跟踪。",
    "成效初显，建议进一步扩大覆盖面。",
]


def _panel_users() -> list[tuple]:
    """The panel's accounts (created once, with the demo password) and their bias."""
    rows = []
    password = None  # hashed once: thirteen slow hashes of the same demo password add nothing
    for username, name, role, kind, unit, region, affiliation, bias, spread in PANEL:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=name,
                role=role,
                institution=Institution.objects.get(name=unit) if unit else None,
                region=Region.objects.get(name=region) if region else None,
            )
            password = password or make_password(DEMO_PASSWORD)
            user.password = password
            user.save()
        rows.append((user, kind, affiliation, bias, spread))
    return rows


def _nominator(project: Project):
    unit = project.implementing_unit
    user = User.objects.of_unit(unit).order_by("-is_unit_head", "pk").first()
    if user is None and unit.region.county is not None:
        user = User.objects.with_role(Role.COUNTY_BUREAU).filter(region=unit.region.county).first()
    return user or User.objects.get(username="city_admin")


def _projects(rng: random.Random, statuses) -> list[Project]:
    """The 46 projects put forward: the named ones of seeds/001 first, the rest drawn."""
    carried = Project.objects.filter(
        status__in=statuses, implementing_unit__isnull=False
    ).select_related("implementing_unit__region")
    named_titles = [row[1] for row in NAMED]
    named = sorted(
        (p for p in carried if p.title in named_titles), key=lambda p: named_titles.index(p.title)
    )
    others = sorted((p for p in carried if p.title not in named_titles), key=lambda p: p.code)
    rng.shuffle(others)
    return (named + others)[:NOMINATIONS]


def _figures_text(project: Project) -> str:
    from .queries import indicator_figures

    lines = []
    for f in indicator_figures(Nomination(project=project)):
        if f.latest is None:
            continue
        lines.append(
            f"{f.name}由{f.baseline.normalize():f}{f.unit}到{f.latest.normalize():f}{f.unit}"
            f"（目标{f.target.normalize():f}{f.unit}）"
        )
    return "；".join(lines)


def _write_up(project: Project) -> str:
    if project.title == DONGE_TITLE and project.implementing_unit.name == DONGE_UNIT:
        return DONGE_WRITE_UP
    figures = _figures_text(project)
    parts = [
        f"{project.implementing_unit.name}承接{project.title}项目，聚焦群众就医中的堵点难点，"
        "成立由单位主要负责人任组长的工作专班，细化任务清单，按月晾晒进度。",
        (project.description or "").strip(),
        f"主要成效：{figures}。" if figures else "",
    ]
    return "\n".join(p for p in parts if p)


def _citation(project: Project) -> str:
    if project.title == DONGE_TITLE and project.implementing_unit.name == DONGE_UNIT:
        return DONGE_CITATION
    figures = _figures_text(project)
    title = project.title if "“" in project.title else f"“{project.title}”"
    text = f"{project.implementing_unit.name}以{title}为切口，举措务实、成效可感"
    return f"{text}，{figures}，经评审团综合评议入选“十佳改革项目”。" if figures else f"{text}。"


def _verify(nominations, rng, task_force, today) -> None:
    for nomination in nominations:
        inspectors = "、".join(rng.sample(INSPECTORS, 3))
        verdict = "confirmed" if rng.random() < 0.85 else "mostly"
        findings = (
            "现场查看服务流程、查阅台账并随机访谈患者，申报材料所述做法已落实，数据与台账一致。"
            if verdict == "confirmed"
            else "现场查看服务流程并访谈患者，主要做法已落实，个别指标数据仍在完善统计口径。"
        )
        services.record_verification(
            nomination,
            acting_user=task_force,
            visited_on=today - timedelta(days=rng.randint(20, 40)),
            inspectors=f"市卫健委评审组（{inspectors}）",
            findings=findings,
            verdict=verdict,
        )


def _qualities(nominations, rng) -> dict[int, dict[str, float]]:
    """A latent quality per nomination and criterion; the named projects of seeds/001 are a
    little better, 东阿's volunteer service the best of all."""
    named_titles = {row[1] for row in NAMED}
    base = {}
    for nomination in nominations:
        q = rng.gauss(0, 1) + (0.6 if nomination.project.title in named_titles else 0)
        base[nomination.pk] = q
    donge = next(
        n
        for n in nominations
        if n.project.title == DONGE_TITLE and n.project.implementing_unit.name == DONGE_UNIT
    )
    base[donge.pk] = max(base.values()) + 0.8
    return {
        pk: {code: q + rng.gauss(0, 0.35) for code in Criterion.values} for pk, q in base.items()
    }


def _score(sheets, quality, bias, rng) -> None:
    for sheet in sheets:
        leniency, spread = bias[sheet.rater_id]
        scores = {
            code: max(30, min(100, round(72 + leniency + spread * q + rng.gauss(0, 3))))
            for code, q in quality[sheet.nomination_id].items()
        }
        comment = rng.choice(PRAISE) if rng.random() < 0.4 else ""
        services.submit_sheet(sheet, acting_user=sheet.rater, scores=scores, comment=comment)


def _counts() -> dict[str, int]:
    return {
        "evaluation_nominations": Nomination.objects.count(),
        "evaluation_panel_members": PanelMember.objects.count(),
        "evaluation_score_sheets": ScoreSheet.objects.count(),
        "evaluation_top_ten": TopTenEntry.objects.count(),
    }


@transaction.atomic
def load(progress=lambda message: None) -> dict:
    if EvaluationRound.objects.filter(name=ROUND_NAME).exists():
        return _counts()
    rng = random.Random(SEED)
    statuses = services.NOMINABLE_IN_PROGRESS
    projects = _projects(rng, statuses)
    if len(projects) < NOMINATIONS or not any(p.title == DONGE_TITLE for p in projects):
        return _counts()  # the earlier stages' demo is not loaded
    progress("the evaluation round: 46 nominations, the panel and its scores, the top ten")
    admin = User.objects.get(username="city_admin")
    task_force = User.objects.get(username="taskforce")
    today = timezone.localdate()
    round_ = services.create_round(
        acting_user=admin, name=ROUND_NAME, year=today.year, admits_in_progress=True
    )
    nominations = [
        services.nominate(
            round_, project, acting_user=_nominator(project), write_up=_write_up(project)
        )
        for project in projects
    ]
    for nomination in nominations:
        services.screen_nomination(
            nomination, acting_user=admin, accept=True, note="材料齐全，准予参评。"
        )
    _verify(nominations, rng, task_force, today)

    bias = {}
    for user, kind, affiliation, leniency, spread in _panel_users():
        services.add_panel_member(
            round_, acting_user=admin, user=user, kind=kind, affiliation=affiliation
        )
        bias[user.pk] = (leniency, spread)
    services.draw_panel(round_, acting_user=admin, per_nomination=None)
    quality = _qualities(nominations, rng)
    sheets = ScoreSheet.objects.filter(round=round_).order_by("pk")
    _score(sheets, quality, bias, rng)
    services.close_round(round_, acting_user=admin)
    services.update_round(
        round_,
        acting_user=admin,
        nomination_deadline=today - timedelta(days=45),
        scoring_deadline=today - timedelta(days=10),
    )

    top = round_ranking(round_).standings[: services.TOP]
    citations = [_citation(s.nomination.project) for s in top]
    services.publish_top_ten(round_, acting_user=admin, citations=citations)
    donge = Project.objects.get(title=DONGE_TITLE, implementing_unit__name=DONGE_UNIT)
    if not TopTenEntry.objects.filter(round=round_, nomination__project=donge).exists():
        raise RuntimeError("the demo's top ten lacks 东阿县人民医院's 门诊志愿服务")
    if not Recognition.objects.filter(
        project=donge, kind=Recognition.Kind.NATIONAL_RECOGNITION
    ).exists():
        assessment.record_recognition(
            donge,
            kind=Recognition.Kind.NATIONAL_RECOGNITION,
            year=round_.year,
            acting_user=admin,
            note=NATIONAL_NOTE,
        )
    return _counts()
