"""The demo city's stage 5: windows with QR codes at the big hospitals, a deadline per aspect,
and a year of public tickets (seeds: 2000+ opinions rolled into the aspects, all rectified in
time) — the older ones answered, checked and closed, the last days' still at their units, so
every role has something in its queue. Texts come from the stage-1 generator (the corpus's QR
and online styles), classified like any other feedback. Idempotent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from jiebang.needs.demo import generate_feedback
from jiebang.needs.models import Category, FeedbackItem
from jiebang.orgs.models import Institution, User
from jiebang.projects.models import Project

from .models import (
    ApiKey,
    AspectDeadline,
    ServicePoint,
    Ticket,
    TicketEvent,
    digest,
    new_number,
)
from .services import CHANNEL_OF, checking_region
from .workdays import add_working_days

SEED = 2025
WINDOWS = [
    ("门诊挂号收费窗口", "门诊楼一楼大厅"),
    ("一站式服务中心", "门诊楼一楼东侧"),
    ("检验科取报告窗口", "医技楼二楼"),
    ("门诊西药房", "门诊楼一楼西侧"),
    ("住院部出入院办理处", "住院楼一楼"),
]
# Working days per aspect where the default (5) does not fit.
DEADLINES = {"环境与后勤": 3, "服务态度与医德": 3, "医保与费用": 10, "基层服务能力": 10}
REPLIES = [
    "已核实情况，对相关科室进行了通报，并调整排班、增加高峰时段窗口，感谢您的监督。",
    "已整改：增设引导标识和志愿者岗，专人负责解答，欢迎继续监督。",
    "经核查属实，已对当事人员进行批评教育并纳入绩效考核，已电话向您致歉。",
    "已优化流程，检查结果可在手机上查询，无需再到窗口排队领取。",
    "已对卫生间和候诊区加密保洁频次，每两小时巡查一次。",
]


def _hospitals():
    return list(
        Institution.objects.filter(
            kind__in=[Institution.Kind.CITY_HOSPITAL, Institution.Kind.COUNTY_HOSPITAL]
        ).order_by("name")[:8]
    )


def load_points() -> int:
    for hospital in _hospitals():
        for name, location in WINDOWS:
            ServicePoint.objects.get_or_create(
                institution=hospital, name=name, defaults={"location": location}
            )
    return ServicePoint.objects.count()


def load_deadlines() -> None:
    for category in Category.objects.filter(name__in=DEADLINES):
        AspectDeadline.objects.get_or_create(
            category=category, defaults={"working_days": DEADLINES[category.name]}
        )


@transaction.atomic
def load_tickets(n: int, rng: random.Random) -> None:
    today = timezone.localdate()
    points = list(ServicePoint.objects.select_related("institution__region"))
    projects = list(
        Project.objects.filter(status__in=Project.PUBLIC_STATUSES)
        .exclude(implementing_unit=None)
        .select_related("implementing_unit__region")
    )
    partner, _ = ApiKey.objects.get_or_create(
        name="12345政务服务便民热线平台",
        defaults={"prefix": "demo0000", "key_digest": digest(f"demo-{SEED}")},
    )
    donge = Institution.objects.filter(name="东阿县人民医院").first()
    checker = User.objects.filter(username="taskforce").first()
    units = {}
    for user in User.objects.filter(role="unit", is_active=True):
        units.setdefault(user.institution_id, user)
    by_county = {}
    for hospital in Institution.objects.exclude(kind=Institution.Kind.BUREAU).exclude(region=None):
        county = checking_region(hospital)
        if county is not None and hospital.kind != Institution.Kind.VILLAGE_CLINIC:
            by_county.setdefault(county.pk, []).append(hospital)
    items = generate_feedback(n, rng=rng, today=today)
    tickets, steps, numbers = [], [], set()
    for i, item in enumerate(items):
        source = rng.choices(
            [Ticket.Source.QR, Ticket.Source.ONLINE, Ticket.Source.OPEN311], [7, 2, 1]
        )[0]
        point = project = None
        if source == Ticket.Source.QR:
            if rng.random() < 0.75 and points:
                point = rng.choice(points)
                item.institution = point.institution
            elif projects:
                project = rng.choice(projects)
                item.institution = project.implementing_unit
        if i % 25 == 0:  # the last days' tickets: still being handled
            item.received_at = timezone.now() - timedelta(hours=rng.randint(1, 130))
            if i % 50 == 0 and donge is not None:  # the demo unit has its share
                item.institution = donge
        if item.institution is None and item.region is not None and i % 25:
            # Routed by the county bureau to one of its hospitals.
            item.institution = rng.choice(by_county.get(item.region_id) or [None])
        unit = item.institution
        if unit is not None and unit.region_id:
            item.region = checking_region(unit)
        item.channel = CHANNEL_OF[source]
        item.external_id = None
        item.caller_name = ""
        if rng.random() > 0.3:
            item.caller_phone = ""
        rating_only = source == Ticket.Source.QR and rng.random() < 0.35
        received = item.received_at
        age = (today - timezone.localdate(received)).days
        number = new_number(timezone.localdate(received))
        while number in numbers:
            number = new_number(timezone.localdate(received))
        numbers.add(number)
        ticket = Ticket(
            number=number,
            token=f"{rng.getrandbits(128):032x}",
            source=source,
            rating=(rng.choice([4, 5, 5, 5]) if rating_only else rng.choice([1, 2, 2, 3, 3, 4]))
            if source == Ticket.Source.QR
            else None,
            project=project,
            service_point=point,
            unit=unit,
            region=checking_region(unit, item.region),
            received_at=received,
            partner=partner if source == Ticket.Source.OPEN311 else None,
        )
        ticket._item = None if rating_only else item
        steps.append((ticket, TicketEvent.Kind.RECEIVED, received, None, ""))
        if rating_only:
            ticket.status, ticket.closed_at = Ticket.Status.CLOSED, received
            steps.append((ticket, TicketEvent.Kind.CLOSED, received, None, ""))
        elif unit is None:
            ticket.status = Ticket.Status.ROUTING if age < 6 else Ticket.Status.DISMISSED
            if ticket.status == Ticket.Status.DISMISSED:
                steps.append((ticket, TicketEvent.Kind.DISMISSED, received, checker, "无具体事项"))
        else:
            days = DEADLINES.get(item.category.name if item.category else "", 5)
            ticket.deadline = add_working_days(timezone.localdate(received), days)
            steps.append((ticket, TicketEvent.Kind.ROUTED, received, None, str(unit)))
            if age < 3:
                ticket.status = Ticket.Status.OPEN
            else:
                replied = received + timedelta(days=rng.randint(1, min(age, days)))
                replied = min(replied, timezone.now())
                ticket.reply = rng.choice(REPLIES)
                ticket.replied_at, ticket.replied_by = replied, units.get(unit.pk)
                steps.append(
                    (ticket, TicketEvent.Kind.ANSWERED, replied, ticket.replied_by, ticket.reply)
                )
                if age < 5:
                    ticket.status = Ticket.Status.ANSWERED
                else:
                    closed = min(replied + timedelta(days=1), timezone.now())
                    ticket.status, ticket.closed_at = Ticket.Status.CLOSED, closed
                    ticket.in_time = timezone.localdate(replied) <= ticket.deadline
                    steps.append((ticket, TicketEvent.Kind.CLOSED, closed, checker, ""))
        tickets.append(ticket)
    FeedbackItem.objects.bulk_create(
        [t._item for t in tickets if t._item is not None], batch_size=2000
    )
    for ticket in tickets:
        ticket.item = ticket._item
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket=t, kind=kind, at=at, actor=actor, note=note)
            for t, kind, at, actor, note in steps
        ],
        batch_size=5000,
    )


def load(progress=None, n: int = 2400) -> dict[str, int]:
    step = progress or (lambda message: None)
    step("service windows and deadlines")
    load_points()
    load_deadlines()
    if not Ticket.objects.exists():
        step("a year of public feedback")
        load_tickets(n, random.Random(SEED))
    return {
        "service windows": ServicePoint.objects.count(),
        "public tickets": Ticket.objects.count(),
    }
