"""The demo city's portal: news items and press-conference records written from the seeds'
reports (seeds/000–004), a few confirmed progress updates per project shown publicly by their
reviewer, and the work briefings (工作简报) of the programme.

Briefings: one per fortnight (15 days), the last one ending on the day the demo is loaded,
generated from the demo's records by portal.briefings like any other (figures computed, text
drafted from them) and published. Going back, a fortnight gets an issue only while the
records reach it (a public ticket received, a project moving, a task due, an interview):
the demo's public feedback goes back one year, so about 24 of the 29 issues the seeds count
(seeds/000 "编发工作简报29期") can be computed, and they are numbered so the last is 第29期 —
the first ones were compiled before the platform held the records, on paper, and are not
made up here. Each issue highlights up to two projects with a progress update confirmed in
its fortnight (the confirmed figure, and the note when its reviewer made it public). Dates are
relative to the day the demo is loaded. Idempotent: news by title, briefings and public
updates only when there are none yet.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jiebang.accountability.models import Interview
from jiebang.core.permissions import can
from jiebang.core.roles import Role
from jiebang.ledger import services as ledger_services
from jiebang.ledger.models import ProgressUpdate, Review, Task
from jiebang.orgs.models import User
from jiebang.projects.models import StatusChange
from jiebang.supervision.models import Ticket

from . import briefings, cache
from .models import Briefing, NewsItem
from .queries import public_projects

SEED = 29
LAST_ISSUE = 29
PERIOD_DAYS = 15
PUBLIC_UPDATES_PER_PROJECT = 2

K = NewsItem.Kind
# (days before the load day, kind, title, source, venue, speakers, text)
NEWS = [
    (
        330,
        K.NEWS,
        "聊城市召开“小切口、微改革、大民生”改革创新项目“揭榜挂帅”动员会",
        "聊城市卫生健康委员会",
        "",
        "",
        "为落实“聚力攻坚突破年”工作要求，聊城市卫生健康委召开“小切口、微改革、大民生”改革创新"
        "项目“揭榜挂帅”动员会，公布揭榜情况。聊城市人民医院、聊城市第二人民医院等10家单位就领衔的"
        "改革项目作交流发言。\n以小切口打开局面，以小举措撬动革新。各承办单位将按照“管理制度化、"
        "制度流程化、流程信息化、结果导向化”的原则，按质按量按时完成改革任务。",
    ),
    (
        300,
        K.PRESS_CONFERENCE,
        "“小切口、微改革、大民生”改革创新项目“揭榜挂帅”新闻发布会",
        "",
        "聊城市人民政府新闻办公室新闻发布厅",
        "市卫生健康委分管负责同志；市人民医院、东阿县人民医院负责同志",
        "发布会介绍了全市卫生健康系统“揭榜挂帅”活动总体情况：围绕流程优化、能力提升、基层创新等"
        "九大改革维度，筛选出51项192个“小切口”改革项目，实行“点单+派单”双轨揭榜，每个项目明确实施"
        "主体、覆盖范围、量化指标“三要素”。\n发布会还介绍了扫码评价、市民开放日等社会监督渠道，"
        "欢迎群众通过“改革进行时”专栏查看项目进展并提出意见建议。",
    ),
    (
        270,
        K.NEWS,
        "东阿县人民医院“门诊志愿服务”项目入选全国改善医疗服务十大杰出案例",
        "聊城市卫生健康委员会",
        "",
        "",
        "东阿县人民医院“门诊志愿服务”项目组织全院职工轮值担任就医向导，从给患者指好路开始，"
        "提供覆盖就医全流程的志愿服务。项目推行以来，全员职工参加志愿服务4000余人次，服务门诊患者"
        "46万余人次，实现门诊患者零投诉，门诊患者满意度上升至98%。\n该项目在第五届全国县市医院改善"
        "医疗服务行动擂台赛中荣获“完善医疗服务制度十大杰出案例”。",
    ),
    (
        240,
        K.NEWS,
        "冠县深化乡村医生“县招乡管村用”改革",
        "冠县卫生健康局",
        "",
        "",
        "为解决乡村医生队伍老化、后继无人的难题，冠县按照每千服务人口至少配备1名乡村医生的要求，"
        "计划分期分批招录715名乡村医生，今年计划招录400名。\n基层医疗机构与招录的乡村医生签订服务"
        "协议，定期考核；对新招录乡村医生参加养老保险的，县财政给予每人每年5000元补助；每人累计"
        "培训时间不少于30天。",
    ),
    (
        200,
        K.PRESS_CONFERENCE,
        "改善医疗服务行动专题新闻发布会",
        "",
        "聊城市卫生健康委员会三楼会议室",
        "市卫生健康委新闻发言人；市第三人民医院、莘县卫生健康局负责同志",
        "发布会通报了“预就诊”服务、“预住院”模式、“全院一张床”等改革举措的进展，以及莘县健康护航"
        "“五大行动”进校园的开展情况。\n截至发布会前，莘县已为1400余名学生做了心理测评，开展牙齿疾病"
        "筛查8000余人次、视力筛查1.2万人次。",
    ),
    (
        160,
        K.NEWS,
        "“预住院”模式在全市5家三级医院复制推广",
        "聊城市卫生健康委员会",
        "",
        "",
        "聊城市人民医院“预住院”项目通过术前流程重构，实现术前等待时间、平均住院日、患者费用、医保"
        "资金“三降一升”。经“调研诊断—试点验证—经验凝练—全域推广”四步工作法，该模式已在全市5家"
        "三级医院复制推广。",
    ),
    (
        120,
        K.NEWS,
        "“扫码评价—实时反馈—立行整改”机制运行情况",
        "聊城市卫生健康委员会",
        "",
        "",
        "在服务窗口、政务公众号等场景投放“改革满意度”二维码，群众扫码即可评价、留言。每条意见"
        "即时推送到责任单位，按问题类别限时整改并公开答复，整改情况在“改革进行时”专栏各项目页面"
        "公开，接受群众监督。",
    ),
    (
        90,
        K.PRESS_CONFERENCE,
        "“15210工程”暨卫生健康惠民举措新闻发布会",
        "",
        "聊城市人民政府新闻办公室新闻发布厅",
        "市卫生健康委主要负责同志；市疾控中心负责同志",
        "发布会解读“15210工程”：以五个年度主题为引领，聚力落实十项重点任务。村卫生室人财物一体化"
        "管理覆盖率达80%以上，基层医疗机构AI辅助诊断系统覆盖率超60%，检查检验结果互认项目超500项，"
        "新增普惠托位1000个，建设不少于25个社区托育驿站。",
    ),
    (
        45,
        K.NEWS,
        "市疾控中心“三点发力”构建医防融合新模式",
        "聊城市疾病预防控制中心",
        "",
        "",
        "市疾控中心以“一院一策一清单”打通医防融合壁垒：成立医防融合工作专班，为医疗机构提供服务"
        "清单，采取“点单式”服务；建立医疗机构与疾控机构检测结果互认机制；围绕院感和多重耐药菌传播"
        "等联合开展科学研究。",
    ),
    (
        12,
        K.PRESS_CONFERENCE,
        "“揭榜挂帅”改革项目阶段成效新闻发布会",
        "",
        "聊城市人民政府新闻办公室新闻发布厅",
        "市卫生健康委分管负责同志；东昌府区广平中心卫生院负责同志",
        "发布会通报了改革项目的阶段成效：项目全部签订责任书，明确路线图，实行“任务分解+进度追踪”"
        "双台账管理；对节点任务逾期的负责人进行约谈，推动滞后任务整改达标。东昌府区广平中心卫生院"
        "介绍了扩大疼痛综合管理覆盖面项目的做法。",
    ),
]


def _admin():
    return User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()


def _moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load_news(today, admin) -> None:
    for days, kind, title, source, venue, speakers, body in NEWS:
        day = today - timedelta(days=days)
        if NewsItem.objects.filter(title=title).exists():
            continue
        item = NewsItem(
            kind=kind,
            title=title,
            date=day,
            source=source,
            venue=venue,
            speakers=speakers,
            body=body,
            status=NewsItem.Status.PUBLISHED,
            published_at=_moment(day, 16),
            created_by=admin,
        )
        item._history_user = admin
        item.save()


def publicise_updates() -> None:
    """The reviewers show the two latest confirmed updates with a note of each project being
    implemented on the portal (through the ledger's service, as on the task page)."""
    if ProgressUpdate.objects.filter(is_public=True).exists():
        return
    updates = (
        ProgressUpdate.objects.filter(review=Review.CONFIRMED, task__project__in=public_projects())
        .exclude(text="")
        .exclude(reviewed_by=None)
        .select_related("reviewed_by", "task__project")
        .order_by("task__project", "-reported_on", "-pk")
    )
    task_force = User.objects.filter(role=Role.TASK_FORCE, is_active=True).order_by("pk").first()
    shown: dict[int, int] = {}
    for update in updates:
        project_id = update.task.project_id
        if shown.get(project_id, 0) >= PUBLIC_UPDATES_PER_PROJECT:
            continue
        reviewer = update.reviewed_by
        if not can(reviewer, "ledger.review_figure", update):
            reviewer = task_force
        ledger_services.set_update_public(update, acting_user=reviewer, public=True)
        shown[project_id] = shown.get(project_id, 0) + 1


def _has_records(start, end) -> bool:
    """Something happened in the period that a briefing reports."""
    begin, after = briefings.period_bounds(start, end)
    return (
        Ticket.objects.filter(received_at__gte=begin, received_at__lt=after).exists()
        or StatusChange.objects.filter(changed_at__gte=begin, changed_at__lt=after).exists()
        or Task.objects.filter(deadline__gte=start, deadline__lte=end).exists()
        or Interview.objects.filter(held_at__gte=begin, held_at__lt=after).exists()
    )


def periods(today) -> list[tuple]:
    """The fortnights the records reach, oldest first, the last one ending today (at most
    LAST_ISSUE of them)."""
    found = []
    end = today
    while len(found) < LAST_ISSUE:
        start = end - timedelta(days=PERIOD_DAYS - 1)
        if not _has_records(start, end):
            break
        found.append((start, end))
        end = start - timedelta(days=1)
    return found[::-1]


def _highlights(rng, start, end) -> tuple[list, str]:
    """Up to two projects with a progress update confirmed in the period, each with its
    confirmed figure (public on the project's page) and, when its reviewer made it public,
    the update's note."""
    updates = (
        ProgressUpdate.objects.filter(
            review=Review.CONFIRMED,
            reported_on__gte=start,
            reported_on__lte=end,
            task__project__in=public_projects(),
        )
        .select_related("task__project__implementing_unit")
        .order_by("reported_on", "pk")
    )
    latest = {u.task.project_id: u for u in updates}  # each project's last one
    chosen = rng.sample(sorted(latest.values(), key=lambda u: u.pk), min(2, len(latest)))
    lines = [
        f"{u.task.project.title}（{u.task.project.implementing_unit}）："
        f"{u.reported_on.month}月{u.reported_on.day}日报送“{u.task.title}”进度{u.percent}%"
        "（已确认）。" + (u.text if u.is_public else "")
        for u in chosen
    ]
    return [u.task.project for u in chosen], "\n".join(lines)


def load_briefings(today, admin) -> None:
    if Briefing.objects.exists():
        return
    found = periods(today)
    rng = random.Random(SEED)
    first = LAST_ISSUE - len(found) + 1
    for number, (start, end) in enumerate(found, start=first):
        figures = briefings.compute_figures(start, end)
        published = min(_moment(end + timedelta(days=1)), timezone.now())
        briefing = Briefing(
            number=number,
            title=f"“揭榜挂帅”改革项目工作简报（{start.month}月{start.day}日—{end.month}月{end.day}日）",
            period_start=start,
            period_end=end,
            figures=figures,
            figures_at=published,
            body=briefings.draft_body(start, end, figures),
            status=Briefing.Status.PUBLISHED,
            published_at=published,
            created_by=admin,
        )
        projects, briefing.highlights = _highlights(rng, start, end)
        briefing._history_user = admin
        briefing.save()
        briefing.projects.set(projects)


def load(progress=lambda message: None) -> dict:
    today = timezone.localdate()
    admin = _admin()
    with transaction.atomic():
        progress("portal: news and press conferences")
        load_news(today, admin)
        progress("portal: public progress updates")
        publicise_updates()
        progress("portal: work briefings")
        load_briefings(today, admin)
    # The other loaders write in bulk (no signals): what the portal cached before is stale.
    cache.bump()
    return {
        "portal news items": NewsItem.objects.filter(kind=NewsItem.Kind.NEWS).count(),
        "portal press conferences": NewsItem.objects.filter(
            kind=NewsItem.Kind.PRESS_CONFERENCE
        ).count(),
        "portal briefings": Briefing.objects.aggregate(last=Max("number"))["last"] or 0,
    }
