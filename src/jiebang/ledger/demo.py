"""Demo data of the ledger app: for every contracted or in-progress project without tasks,
5–15 tasks (one of them split into sub-tasks now and then) with a realistic spread of progress,
the confirmed updates behind each figure (a few still awaiting confirmation or returned), and
monthly indicator measurements trending from the baseline toward the target.

Dates are laid out around the day the demo is loaded (timezone.localdate()): tasks whose
deadline has passed are mostly done, and some are not, so they are overdue on that day and
every day after. Random choices are seeded by the project code, so a project gets the same
ledger whenever it is loaded on the same day; a project that has tasks is left alone, so a
second run changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jiebang.core.roles import Role
from jiebang.orgs.models import User
from jiebang.projects.models import Project

from .models import DeadlineChangeRequest, IndicatorMeasurement, ProgressUpdate, Review, Task

# (task, responsible department, deliverable); the first three open every project.
TASKS = [
    ("制定项目实施方案并报市级专班备案", "院办公室", "实施方案（定稿）"),
    ("成立院内工作专班，明确责任分工", "院办公室", "专班成立文件、分工表"),
    ("梳理现行流程，采集基线数据", "质量控制科", "流程图、基线数据表"),
    ("信息系统改造与接口联调", "信息科", "系统上线报告"),
    ("选取试点科室先行运行", "医务科", "试点运行记录"),
    ("全员培训与岗位练兵", "人事科", "培训签到表、考核成绩"),
    ("医保结算政策衔接", "医保办", "医保结算对接说明"),
    ("修订科室绩效考核方案", "绩效办", "绩效考核方案"),
    ("宣传引导与群众告知", "宣传科", "宣传材料、媒体报道"),
    ("全院推广应用", "医务科", "推广应用情况报告"),
    ("建立指标监测台账，按月报送", "质量控制科", "月度监测台账"),
    ("患者满意度第三方调查", "患者服务中心", "满意度调查报告"),
    ("问题清单整改销号", "质量控制科", "整改台账"),
    ("经验总结与制度固化", "院办公室", "管理制度、工作总结"),
    ("迎接市级验收，准备佐证材料", "院办公室", "验收材料汇编"),
]
SUBTASKS = ["细化方案，明确节点", "组织实施", "检查总结，查漏补缺"]
NOTES = [
    "已按计划推进，相关科室配合良好。",
    "完成阶段目标，佐证材料已上传。",
    "召开推进会，协调解决存在问题。",
    "试点运行平稳，正在收集反馈意见。",
    "按时间节点完成，待专班核验。",
]
RETURN_REASONS = [
    "佐证材料不完整，请补充现场照片及会议纪要。",
    "进度与实际不符，请核实后重新报送。",
]
SOURCES = ["医院信息系统（HIS）统计", "病案首页数据", "医保结算系统", "院内质控月报"]
# Why a unit asks for a later deadline (one request each, awaiting a decision).
DEADLINE_REASONS = [
    "信息系统接口需等待省级平台升级，联调节点顺延两周。",
    "试点科室骨干外出进修，培训安排顺延。",
    "医保结算政策衔接待市级专班协调，相关节点顺延。",
]


def _reviewers() -> tuple[User | None, dict[str, User]]:
    task_force = User.objects.filter(role=Role.TASK_FORCE, is_active=True).order_by("pk").first()
    bureaus = {}
    for user in User.objects.filter(role=Role.COUNTY_BUREAU, is_active=True).select_related(
        "region"
    ):
        if user.region_id:
            bureaus.setdefault(user.region.path, user)
    return task_force, bureaus


def _reviewer(project, task_force, bureaus):
    path = project.implementing_unit.region.path if project.implementing_unit else ""
    for prefix, user in bureaus.items():
        if path.startswith(prefix):
            return user
    return task_force


def _figures(rng, start, deadline, today):
    """Status and percent of a task on `today`, as a real ledger would have it."""
    if deadline < today:
        if rng.random() < 0.78:
            return Task.Status.DONE, 100
        return Task.Status.IN_PROGRESS, rng.choice([30, 40, 50, 60, 70, 80])
    if start > today:
        return Task.Status.NOT_STARTED, 0
    elapsed = (today - start).days / max((deadline - start).days, 1)
    if rng.random() < 0.12:
        return Task.Status.NOT_STARTED, 0
    percent = int(min(95, max(5, round(elapsed * 100 + rng.randint(-20, 15), -1))))
    return Task.Status.IN_PROGRESS, percent


def _moment(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


class _Builder:
    def __init__(self, today):
        self.today = today
        self.task_force, self.bureaus = _reviewers()
        self.unit_users = {}
        for user in User.objects.filter(role=Role.UNIT, institution__isnull=False).order_by("pk"):
            self.unit_users.setdefault(user.institution_id, user)
        self.tasks: list[Task] = []
        self.subtasks: list[tuple[Task, list[Task]]] = []
        self.measurements: list[IndicatorMeasurement] = []

    def plan(self, project: Project) -> None:
        rng = random.Random(f"ledger-{project.code}")
        today = self.today
        start = project.start_date or today - timedelta(days=rng.randint(60, 160))
        end = project.end_date or start + timedelta(days=rng.randint(200, 320))
        end = max(end, start + timedelta(days=60))
        count = rng.randint(5, 15)
        chosen = TASKS[:3] + sorted(rng.sample(TASKS[3:], count - 3), key=TASKS.index)
        owner = self.unit_users.get(project.implementing_unit_id)
        span = (end - start).days
        split = rng.randrange(3, count) if rng.random() < 0.5 else None
        for i, (title, department, deliverable) in enumerate(chosen):
            task_start = start + timedelta(days=int(span * i / count * 0.85))
            duration = max(14, int(span / count * rng.uniform(1.2, 2.4)))
            deadline = min(end, task_start + timedelta(days=duration))
            status, percent = _figures(rng, task_start, deadline, today)
            task = Task(
                project=project,
                title=title,
                department=department,
                deliverable=deliverable,
                owner=owner if rng.random() < 0.6 else None,
                start=task_start,
                deadline=deadline,
                weight=Decimal(rng.choice([1, 1, 1, 2, 2, 3])),
                status=status,
                percent=percent,
                done_at=_moment(min(deadline, today)) if status == Task.Status.DONE else None,
            )
            self.tasks.append(task)
            if i == split:
                self.subtasks.append((task, self._split(rng, task, project)))
        self._measure(rng, project, start)

    def _split(self, rng, parent: Task, project) -> list[Task]:
        days = max((parent.deadline - parent.start).days, 9)
        children = []
        for j, title in enumerate(SUBTASKS):
            start = parent.start + timedelta(days=days * j // 3)
            deadline = parent.start + timedelta(days=days * (j + 1) // 3)
            status, percent = _figures(rng, start, deadline, self.today)
            children.append(
                Task(
                    project=project,
                    title=title,
                    department=parent.department,
                    owner=parent.owner,
                    start=start,
                    deadline=deadline,
                    weight=Decimal(1),
                    status=status,
                    percent=percent,
                    done_at=_moment(deadline) if status == Task.Status.DONE else None,
                )
            )
        # The parent follows its sub-tasks (as services._roll_up keeps it).
        if all(c.status == Task.Status.DONE for c in children):
            parent.status, parent.percent = Task.Status.DONE, 100
            parent.done_at = children[-1].done_at
        else:
            parent.percent = min(99, round(sum(c.percent for c in children) / len(children)))
            started = any(c.status != Task.Status.NOT_STARTED for c in children)
            parent.status = Task.Status.IN_PROGRESS if started else Task.Status.NOT_STARTED
            parent.done_at = None
        return children

    def _measure(self, rng, project, start) -> None:
        """Monthly figures from the project's start (at most 8 months back) to last month."""
        first = max(start, self.today - timedelta(days=240)).replace(day=1)
        months = []
        month = first
        while month < self.today.replace(day=1):
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        reporter = self.unit_users.get(project.implementing_unit_id)
        reviewer = _reviewer(project, self.task_force, self.bureaus)
        for indicator in project.indicators.all():
            gap = indicator.target - indicator.baseline
            pending = rng.random() < 0.3
            for k, period in enumerate(months):
                share = Decimal(str(min(1.0, 0.15 + 0.85 * (k + 1) / (len(months) + 2))))
                noise = Decimal(str(rng.uniform(-0.05, 0.05)))
                value = (indicator.baseline + gap * (share + noise)).quantize(Decimal("0.01"))
                last = k == len(months) - 1
                reported = _moment(period + timedelta(days=35))
                self.measurements.append(
                    IndicatorMeasurement(
                        indicator=indicator,
                        period=period,
                        value=value,
                        source=rng.choice(SOURCES),
                        review=Review.SUBMITTED if last and pending else Review.CONFIRMED,
                        reviewed_by=None if last and pending else reviewer,
                        reviewed_at=None if last and pending else reported + timedelta(days=2),
                        created_by=reporter,
                        created_at=reported,
                    )
                )

    def updates(self, tasks: list[Task]) -> list[ProgressUpdate]:
        """The confirmed reports behind each task's figures, and a few still open."""
        out = []
        for task in tasks:
            if task.subtasks_planned or task.percent == 0:
                continue
            rng = random.Random(f"ledger-update-{task.project.code}-{task.title}-{task.deadline}")
            reporter = self.unit_users.get(task.project.implementing_unit_id)
            reviewer = _reviewer(task.project, self.task_force, self.bureaus)
            done = task.status == Task.Status.DONE
            last_day = min(task.deadline if done else self.today, self.today)
            first_day = min(task.start or last_day, last_day)
            steps = sorted({rng.randint(2, 9) * 10 for _ in range(rng.randint(0, 2))})
            figures = [p for p in steps if p < task.percent] + [task.percent]
            for n, percent in enumerate(figures, start=1):
                day = first_day + timedelta(days=(last_day - first_day).days * n // len(figures))
                status = Task.Status.DONE if percent == 100 else Task.Status.IN_PROGRESS
                out.append(
                    ProgressUpdate(
                        task=task,
                        reported_on=day,
                        status=status,
                        percent=percent,
                        text=rng.choice(NOTES),
                        created_by=reporter,
                        created_at=_moment(day),
                        review=Review.CONFIRMED,
                        reviewed_by=reviewer,
                        reviewed_at=_moment(day) + timedelta(days=1),
                    )
                )
            if task.status == Task.Status.IN_PROGRESS and rng.random() < 0.25:
                returned = rng.random() < 0.35
                out.append(
                    ProgressUpdate(
                        task=task,
                        reported_on=self.today - timedelta(days=rng.randint(0, 3)),
                        status=Task.Status.IN_PROGRESS,
                        percent=min(95, task.percent + 10),
                        text=rng.choice(NOTES),
                        created_by=reporter,
                        created_at=_moment(self.today - timedelta(days=1)),
                        review=Review.RETURNED if returned else Review.SUBMITTED,
                        reviewed_by=reviewer if returned else None,
                        reviewed_at=_moment(self.today) if returned else None,
                        return_reason=rng.choice(RETURN_REASONS) if returned else "",
                    )
                )
        return out


def _deadline_requests(projects, today: date) -> None:
    """A few units, their letter confirmed, ask for a later deadline on an overdue task: the
    requests wait in the task force's and the county bureaus' queues."""
    from jiebang.projects.demo import unit_head

    from . import services

    overdue = (
        Task.objects.overdue(today)
        .filter(project__in=[p.pk for p in projects], subtasks__isnull=True)
        .select_related("project__implementing_unit")
        .order_by("project__code", "deadline", "pk")
    )
    asked = set()
    for task in overdue:
        if len(asked) == len(DEADLINE_REASONS):
            break
        if task.project_id in asked or not services.letter_confirmed(task.project):
            continue
        services.request_deadline_change(
            task,
            acting_user=unit_head(task.project.implementing_unit),
            deadline=today + timedelta(days=14),
            reason=DEADLINE_REASONS[len(asked)],
        )
        asked.add(task.project_id)


@transaction.atomic
def load(progress=None, today: date | None = None) -> dict[str, int]:
    step = progress or (lambda message: None)
    projects = list(
        Project.objects.filter(
            status__in=[Project.Status.CONTRACTED, Project.Status.IN_PROGRESS],
            implementing_unit__isnull=False,
            tasks__isnull=True,
        )
        .select_related("implementing_unit__region")
        .prefetch_related("indicators")
        .order_by("code")
    )
    if projects:
        step(f"ledger: tasks of {len(projects)} projects")
        builder = _Builder(today or timezone.localdate())
        for project in projects:
            builder.plan(project)
        for task in builder.tasks:
            task.subtasks_planned = False
        for parent, _children in builder.subtasks:
            parent.subtasks_planned = True
        bulk_create_with_history(builder.tasks, Task)
        children = []
        for parent, subtasks in builder.subtasks:
            for child in subtasks:
                child.parent = parent
                child.subtasks_planned = False
                children.append(child)
        bulk_create_with_history(children, Task)
        step("ledger: progress updates and indicator measurements")
        updates = builder.updates(builder.tasks + children)
        bulk_create_with_history(updates, ProgressUpdate)
        bulk_create_with_history(builder.measurements, IndicatorMeasurement)
        started = {u.task.project_id for u in updates if u.review == Review.CONFIRMED}
        for project in projects:
            if project.status == Project.Status.CONTRACTED and project.pk in started:
                project.move_to(Project.Status.IN_PROGRESS, by=builder.task_force)
        _deadline_requests(projects, builder.today)
    return {
        "ledger_tasks": Task.objects.count(),
        "ledger_deadline_requests": DeadlineChangeRequest.objects.count(),
        "ledger_overdue_tasks": Task.objects.overdue().count(),
        "ledger_progress_updates": ProgressUpdate.objects.count(),
        "ledger_indicator_measurements": IndicatorMeasurement.objects.count(),
    }
