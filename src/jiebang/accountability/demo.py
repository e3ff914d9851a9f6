"""Demo data of the accountability app.

load() runs before the ledger demo: every claimed or assigned project gets its letter, confirmed
by its unit head (so the project is contracted; the ledger demo then starts most of them, since
the first confirmed figure moves a contracted project to in progress), a few letters signed on
site at the signing ceremony, both task forces with members, and some weekly minutes.

load_interviews() runs after the ledger demo: two interviews on projects with overdue tasks
(one rectified and accepted, one still open), a follow-up task from the minutes, and the
monthly showings of the last three months.

Choices are seeded; a project with a letter, an existing interview or showing month is left
alone, so a second run changes nothing.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.demo import unit_head
from jiebang.projects.models import Project

from . import services
from .models import (
    Interview,
    Meeting,
    MonthlyShowing,
    ResponsibilityLetter,
    ShowingRow,
    TaskForce,
    TaskForceMember,
)

SEED = 20240401
CEREMONY = ("聊城市卫生健康“揭榜挂帅”改革项目集中签约仪式", 6)
OUTSIDERS = [
    ("张建华", "市医保局待遇保障科科长"),
    ("刘洪涛", "市委编办事业编制科副科长"),
    ("陈立新", "市财政局社会保障科科长"),
    ("赵敏", "市人社局专业技术人员管理科科长"),
]
DEPUTIES = [("李卫东", "副院长"), ("王秀芝", "副院长"), ("孙志强", "医务科科长")]
LIAISONS = [("周丽", "院办公室干事"), ("吴磊", "质控科干事"), ("郑爽", "信息科工程师")]
DECISIONS = [
    "梳理当前进度，明确下周重点任务；信息系统接口改造由信息科牵头，周五前完成联调。",
    "研究试点科室运行中的问题，优化患者告知流程；医保结算问题报市级专班协调。",
    "通报逾期节点，责任科室说明原因并限期完成；下周例会前报送佐证材料。",
    "听取培训进展汇报，部署患者满意度调查；宣传材料由宣传科审核后发布。",
]


def _task_force_user():
    return User.objects.filter(role=Role.TASK_FORCE, is_active=True).order_by("pk").first()


def _aware(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _bureau_of(project, bureaus):
    unit = project.implementing_unit
    for path, user in bureaus.items():
        if unit and unit.region.path.startswith(path):
            return user
    return None


def _county_bureaus() -> dict[str, User]:
    bureaus = {}
    for user in User.objects.filter(role=Role.COUNTY_BUREAU, is_active=True).select_related(
        "region"
    ):
        if user.region_id:
            bureaus.setdefault(user.region.path, user)
    return bureaus


def _members(project, city, unit, *, rng, task_force, bureau):
    rows = [TaskForceMember(task_force=city, user=task_force, role=TaskForceMember.Role.LEADER)]
    if bureau is not None:
        rows.append(TaskForceMember(task_force=city, user=bureau, role=TaskForceMember.Role.DEPUTY))
    name, position = rng.choice(OUTSIDERS)
    rows.append(
        TaskForceMember(
            task_force=city, name=name, position=position, role=TaskForceMember.Role.MEMBER
        )
    )
    for (name, position), role in (
        (rng.choice(DEPUTIES), TaskForceMember.Role.DEPUTY),
        (rng.choice(LIAISONS), TaskForceMember.Role.LIAISON),
    ):
        rows.append(TaskForceMember(task_force=unit, name=name, position=position, role=role))
    TaskForceMember.objects.bulk_create(rows)


def _minutes(project, city, unit, *, rng, today):
    start = project.start_date or today
    meetings = []
    for week in range(rng.randint(1, 3)):
        day = start + datetime.timedelta(days=7 * week + rng.randint(0, 4))
        if day > today:
            break
        group = unit if week % 2 == 0 else city
        meetings.append(
            Meeting(
                project=project,
                task_force=group,
                date=day,
                attendees="单位工作专班全体成员"
                if group is unit
                else "市级指导组、单位工作专班负责人",
                decisions=rng.choice(DECISIONS),
            )
        )
    Meeting.objects.bulk_create(meetings)


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    step = progress or (lambda message: None)
    task_force = _task_force_user()
    projects = list(
        Project.objects.filter(
            status__in=[Project.Status.CLAIMED, Project.Status.ASSIGNED],
            implementing_unit__isnull=False,
            letters__isnull=True,
        )
        .select_related("implementing_unit__region")
        .order_by("code")
    )
    if projects and task_force is not None:
        step(f"accountability: letters of {len(projects)} projects")
        rng = random.Random(SEED)
        today = timezone.localdate()
        bureaus = _county_bureaus()
        heads = {p.pk: unit_head(p.implementing_unit) for p in projects}
        on_site = set(rng.sample(range(len(projects)), min(CEREMONY[1], len(projects))))
        ceremony_day = min((p.start_date or today for p in projects), default=today)
        ceremony_day -= datetime.timedelta(days=3)
        for index, project in enumerate(projects):
            letter = services.generate_letter(project, acting_user=task_force)
            services.confirm_letter(letter, acting_user=heads[project.pk])
            signed = (project.start_date or today) - datetime.timedelta(days=rng.randint(2, 8))
            fields = {
                "generated_at": _aware(signed - datetime.timedelta(days=5)),
                "confirmed_at": _aware(signed, 15),
            }
            if index in on_site:
                fields.update(signed_on_site=True, event_name=CEREMONY[0], event_date=ceremony_day)
                fields["confirmed_at"] = _aware(ceremony_day, 15)
            # Back-date the demo letter to before the project started (not a user action).
            ResponsibilityLetter.objects.filter(pk=letter.pk).update(**fields)
            city, unit = services.ensure_task_forces(project)
            _members(
                project,
                city,
                unit,
                rng=rng,
                task_force=task_force,
                bureau=_bureau_of(project, bureaus),
            )
            _minutes(project, city, unit, rng=rng, today=today)
    return {
        "accountability_letters": ResponsibilityLetter.objects.count(),
        "accountability_letters_on_site": ResponsibilityLetter.objects.filter(
            signed_on_site=True
        ).count(),
        "accountability_task_forces": TaskForce.objects.count(),
        "accountability_minutes": Meeting.objects.count(),
    }


# After the ledger demo: interviews and monthly showings.


def _progress_as_of(day: datetime.date) -> tuple[dict[int, float], dict[int, int]]:
    """Each project's progress and overdue count at the end of `day`, rebuilt from the
    confirmed progress updates dated up to then (the demo's past months)."""
    from jiebang.ledger.models import ProgressUpdate, Review, Task

    percent = {}
    for task_id, value in (
        ProgressUpdate.objects.filter(review=Review.CONFIRMED, reported_on__lte=day)
        .order_by("task", "reported_on", "pk")
        .values_list("task", "percent")
    ):
        percent[task_id] = value  # the last one wins
    tasks = list(Task.objects.values("pk", "project", "parent", "weight", "deadline"))
    children = defaultdict(list)
    for task in tasks:
        if task["parent"]:
            children[task["parent"]].append(task)

    def task_percent(task) -> float:
        subs = children.get(task["pk"])
        if not subs:
            return float(percent.get(task["pk"], 0))
        weight = sum(s["weight"] for s in subs)
        return float(sum(s["weight"] * Decimal(percent.get(s["pk"], 0)) for s in subs) / weight)

    weighted, weights, overdue = defaultdict(float), defaultdict(float), defaultdict(int)
    for task in tasks:
        if task["deadline"] < day and percent.get(task["pk"], 0) < 100:
            overdue[task["project"]] += 1
        if task["parent"] is None:
            weighted[task["project"]] += float(task["weight"]) * task_percent(task)
            weights[task["project"]] += float(task["weight"])
    progress = {pk: round(weighted[pk] / weights[pk], 1) for pk in weights if weights[pk]}
    return progress, dict(overdue)


def _past_showing(month: datetime.date, *, task_force) -> None:
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    end = next_month - datetime.timedelta(days=1)
    progress, overdue = _progress_as_of(end)
    projects = Project.objects.filter(
        status__in=services.SHOWING_STATUSES, letters__status="confirmed"
    ).filter(letters__confirmed_at__date__lte=end)
    showing = MonthlyShowing.objects.create(month=month, taken_by=task_force, taken_at=_aware(end))
    ShowingRow.objects.bulk_create(
        ShowingRow(
            showing=showing,
            project=project,
            progress=progress.get(project.pk, 0.0),
            overdue_count=overdue.get(project.pk, 0),
            status=Project.Status.IN_PROGRESS
            if progress.get(project.pk)
            else Project.Status.CONTRACTED,
        )
        for project in projects.distinct().order_by("pk")
    )


def _interviews(rng, *, task_force, today) -> None:
    from jiebang.ledger.models import Task

    overdue = list(
        Task.objects.overdue()
        .filter(project__implementing_unit__isnull=False)
        .select_related("project__implementing_unit")
        .order_by("project__code", "deadline", "pk")
    )
    by_project = defaultdict(list)
    for task in overdue:
        by_project[task.project].append(task)
    candidates = sorted(by_project, key=lambda p: (-len(by_project[p]), p.code))[:6]
    for number, project in enumerate(rng.sample(candidates, min(2, len(candidates)))):
        head = services.head_of(project.implementing_unit)
        if head is None:
            continue
        tasks = by_project[project][:2]
        held = today - datetime.timedelta(days=12 if number == 0 else 3)
        interview = services.record_interview(
            project,
            acting_user=task_force,
            tasks=tasks,
            interviewees=f"{head}（{project.implementing_unit}主要负责人）",
            interviewers="市级专班、市卫健委医政医管科",
            held_at=_aware(held, 9),
            findings=f"“{tasks[0].title}”等{len(tasks)}项任务超过截止日期仍未完成，"
            "责任科室推进不力，佐证材料不全。",
            rectification_deadline=held + datetime.timedelta(days=10),
        )
        if number == 0:
            services.submit_rectification(
                interview.rectification,
                acting_user=head,
                report="已召开专题会议，明确责任人和时间表，逾期任务已全部完成并上传佐证材料。",
            )
            services.accept_rectification(
                interview.rectification,
                acting_user=task_force,
                note="经现场核查，整改到位，同意验收销号。",
            )


def _follow_up(rng, *, task_force, today) -> None:
    """One meeting of a city guidance group whose follow-up became a ledger task."""
    group = (
        TaskForce.objects.filter(
            kind=TaskForce.Kind.CITY, project__status=Project.Status.IN_PROGRESS
        )
        .select_related("project")
        .order_by("project__code")
        .first()
    )
    if group is None:
        return
    services.record_meeting(
        group,
        acting_user=task_force,
        date=today,
        attendees="市级指导组、单位工作专班负责人",
        decisions="针对医保结算衔接问题，由单位报送需求清单，市级专班协调医保部门。",
        follow_ups=[
            {
                "title": "报送医保结算政策衔接需求清单",
                "deadline": today + datetime.timedelta(days=7),
                "department": "医保办",
            }
        ],
    )


@transaction.atomic
def load_interviews(progress=None) -> dict[str, int]:
    step = progress or (lambda message: None)
    task_force = _task_force_user()
    if task_force is not None and TaskForce.objects.exists():
        rng = random.Random(SEED + 1)
        today = timezone.localdate()
        if not Interview.objects.exists():
            step("accountability: interviews and a follow-up from the minutes")
            _interviews(rng, task_force=task_force, today=today)
            _follow_up(rng, task_force=task_force, today=today)
        this_month = services.month_start(today)
        months = [this_month]
        for _ in range(2):
            months.append(services.previous_month(months[-1]))
        step("accountability: monthly progress showings")
        for month in reversed(months):
            if MonthlyShowing.objects.filter(month=month).exists():
                continue
            if month == this_month:
                services.take_showing(month, acting_user=task_force)
            else:
                _past_showing(month, task_force=task_force)
    return {
        "accountability_interviews": Interview.objects.count(),
        "accountability_interviews_accepted": Interview.objects.filter(
            rectification__status="accepted"
        ).count(),
        "accountability_showings": MonthlyShowing.objects.count(),
    }
