"""The Liaocheng demo city: divisions, grids, medical groups, institutions and demo users.

Everything is created with get_or_create on natural keys, so loading twice changes nothing
(no new rows, no new history). Figures follow the seeds: 8 county-level divisions and 3 zones,
11 grids led by city hospitals, 139 township health centres and community health service
centres (10 of them county medical sub-centres), 1 city medical group, 10 medical alliances,
17 county medical communities and 34 specialist alliances.
"""

import csv
import hashlib
from pathlib import Path

from django.db import transaction

from jiebang.core.roles import Role

from .models import Grid, Institution, MedicalGroup, Region, User

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "Liaocheng@2024"
K = Institution.Kind
L = Institution.Level

ZONES = [("371571", "高新区"), ("371572", "经开区"), ("371573", "度假区")]

# City-level hospitals, each leading one grid (seeds/004: 11 grids, 1 city hospital each),
# listed in the order of the county or zone its grid covers.
GRID_LEADS = [
    ("东昌府区", "聊城市人民医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("茌平区", "聊城市第三人民医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("临清市", "聊城市第二人民医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("阳谷县", "聊城市中医医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("莘县", "聊城市第四人民医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("东阿县", "聊城市妇幼保健院", K.MCH, L.GRADE_3A),
    ("冠县", "聊城市传染病医院", K.CITY_HOSPITAL, L.GRADE_2A),
    ("高唐县", "聊城市人民医院脑科医院", K.CITY_HOSPITAL, L.GRADE_3A),
    ("高新区", "聊城市眼科医院", K.CITY_HOSPITAL, L.GRADE_2A),
    ("经开区", "聊城市肿瘤医院", K.CITY_HOSPITAL, L.GRADE_3B),
    ("度假区", "聊城市退役军人医院", K.CITY_HOSPITAL, L.GRADE_2A),
]

SPECIALTIES = [
    "胸痛",
    "卒中",
    "创伤",
    "危重孕产妇救治",
    "危重新生儿救治",
    "肿瘤",
    "心血管",
    "呼吸",
    "消化",
    "内分泌",
    "肾病",
    "神经",
    "骨科",
    "康复",
    "疼痛",
    "麻醉",
    "重症医学",
    "急诊",
    "儿科",
    "妇产",
    "眼科",
    "耳鼻喉",
    "口腔",
    "皮肤",
    "精神心理",
    "感染",
    "中医",
    "针灸推拿",
    "医学影像",
    "检验",
    "病理",
    "药学",
    "护理",
    "健康管理",
]

VILLAGE_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
)
VILLAGE_SUFFIXES = ["庄", "楼", "屯", "集", "营", "店", "寨", "堂", "口", "洼", "桥", "园"]


def _pick(seed: str, options):
    """A stable choice for `seed` (the same on every run and machine)."""
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return options[digest % len(options)]


def _region(code, name, kind, parent, village_count=0):
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={"name": name, "kind": kind, "parent": parent, "village_count": village_count},
    )
    return region


def _institution(name, kind, region, level=L.UNGRADED, **extra):
    institution, _created = Institution.objects.get_or_create(
        name=name, defaults={"kind": kind, "region": region, "level": level, **extra}
    )
    return institution


def county_kind(name: str) -> str:
    if name.endswith("区"):
        return Region.Kind.DISTRICT
    if name.endswith("市"):
        return Region.Kind.COUNTY_CITY
    return Region.Kind.COUNTY


def town_kind(name: str) -> str:
    if name.endswith("乡"):
        return Region.Kind.TOWNSHIP
    if name.endswith("镇"):
        return Region.Kind.TOWN
    return Region.Kind.STREET


def load_regions() -> dict[str, Region]:
    """City, counties (with the CSV's townships/streets), zones and a sample of villages."""
    city = _region("3715", "聊城市", Region.Kind.CITY, None)
    counties: dict[str, Region] = {}
    with open(DATA / "liaocheng_divisions.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seq: dict[str, int] = {}
    for row in rows:
        county = counties.get(row["county"])
        if county is None:
            county = _region(row["county_code"], row["county"], county_kind(row["county"]), city)
            counties[county.name] = county
        seq[county.code] = seq.get(county.code, 0) + 1
        town = _region(
            f"{county.code}{seq[county.code]:03d}",
            row["town"],
            town_kind(row["town"]),
            county,
            int(row["village_count"]),
        )
        for n in range(1, 3):
            name = _village_name(town, n)
            _region(f"{town.code}{n:03d}", name, Region.Kind.VILLAGE, town)
    for code, name in ZONES:
        counties[name] = _region(code, name, Region.Kind.ZONE, city)
    return {"city": city, **counties}


def _village_name(town: Region, n: int) -> str:
    if town.name == "姜店镇" and n == 1:
        return "王楼村"  # seeds/002: 高唐县姜店镇王楼村卫生室
    surname = _pick(f"{town.code}-{n}-s", VILLAGE_SURNAMES)
    return f"{surname}{_pick(f'{town.code}-{n}-x', VILLAGE_SUFFIXES)}村"


def load_institutions(regions: dict[str, Region]) -> None:
    city = regions["city"]
    _institution("聊城市卫生健康委员会", K.BUREAU, city)
    _institution("聊城市疾控中心", K.CDC, city)
    leads = {}
    for area, name, kind, level in GRID_LEADS:
        leads[area] = _institution(name, kind, regions["东昌府区"], level)

    grids = {}
    for number, (area, *_rest) in enumerate(GRID_LEADS, start=1):
        grid, created = Grid.objects.get_or_create(
            number=number,
            defaults={"name": f"第{number}网格（{area}）", "lead_institution": leads[area]},
        )
        if created:
            grid.regions.add(regions[area])
        grids[area] = grid
    for institution in leads.values():
        if institution.grid_id is None:
            Institution.objects.filter(pk=institution.pk).update(grid=grids["东昌府区"])

    city_group, _ = MedicalGroup.objects.get_or_create(
        name="聊城市城市医疗集团",
        defaults={"kind": MedicalGroup.Kind.CITY_GROUP, "lead_institution": leads["东昌府区"]},
    )
    for lead in list(leads.values())[1:]:
        MedicalGroup.objects.get_or_create(
            name=f"{lead.name}医疗联合体",
            defaults={"kind": MedicalGroup.Kind.ALLIANCE, "lead_institution": lead},
        )
    lead_list = list(leads.values())
    for i, specialty in enumerate(SPECIALTIES):
        MedicalGroup.objects.get_or_create(
            name=f"聊城市{specialty}专科联盟",
            defaults={
                "kind": MedicalGroup.Kind.SPECIALIST,
                "lead_institution": lead_list[i % len(lead_list)],
            },
        )

    primary_care = []
    for area, region in regions.items():
        if region.kind == Region.Kind.CITY:
            continue
        grid = grids[area]
        if region.kind == Region.Kind.ZONE:
            communities = [city_group]
        else:
            communities = _county_institutions(region, grid)
        primary_care += _primary_care(region, grid, communities)
    _mark_sub_centres(primary_care)


def _county_institutions(county: Region, grid: Grid) -> list[MedicalGroup]:
    """A county's bureau, CDC, hospitals and its medical communities (医共体)."""
    name = county.name
    _institution(f"{name}卫生健康局", K.BUREAU, county, grid=grid)
    _institution(f"{name}疾控中心", K.CDC, county, grid=grid)
    _institution(f"{name}妇幼保健院", K.MCH, county, L.GRADE_2A, grid=grid)
    hospitals = [
        _institution(f"{name}人民医院", K.COUNTY_HOSPITAL, county, L.GRADE_3B, grid=grid),
        _institution(
            f"{name}中医院" if name == "东昌府区" else f"{name}中医医院",
            K.COUNTY_HOSPITAL,
            county,
            L.GRADE_2A,
            grid=grid,
        ),
    ]
    communities = []
    for hospital in hospitals:
        group, _ = MedicalGroup.objects.get_or_create(
            name=f"{hospital.name}医共体",
            defaults={"kind": MedicalGroup.Kind.COUNTY_COMMUNITY, "lead_institution": hospital},
        )
        communities.append(group)
        Institution.objects.filter(pk=hospital.pk, medical_group=None).update(medical_group=group)
    if name == "东昌府区":  # the 17th county medical community (seeds/004)
        mch = Institution.objects.get(name=f"{name}妇幼保健院")
        group, _ = MedicalGroup.objects.get_or_create(
            name=f"{mch.name}医共体",
            defaults={"kind": MedicalGroup.Kind.COUNTY_COMMUNITY, "lead_institution": mch},
        )
        communities.append(group)
    return communities


PRIMARY_CARE_NAMES = {"广平乡": "东昌府区广平中心卫生院"}
ZONE_CENTRES = {"高新区": ["九州", "许营"], "经开区": ["广岳"], "度假区": ["凤凰"]}


def _primary_care(region, grid, communities) -> list[Institution]:
    """One health centre per township/town, one community centre per street (and per zone)."""
    created = []
    if region.kind == Region.Kind.ZONE:
        for place in ZONE_CENTRES[region.name]:
            created.append(
                _institution(
                    f"{region.name}{place}社区卫生服务中心",
                    K.COMMUNITY_HC,
                    region,
                    grid=grid,
                    medical_group=communities[0],
                )
            )
        return created
    for i, town in enumerate(region.children.order_by("code")):
        if town.name.endswith("管委会"):
            continue  # a management committee, not a township (data/README.md)
        is_street = town.kind == Region.Kind.STREET
        default = f"{region.name}{town.name}{'社区卫生服务中心' if is_street else '卫生院'}"
        institution = _institution(
            PRIMARY_CARE_NAMES.get(town.name, default),
            K.COMMUNITY_HC if is_street else K.TOWNSHIP_HC,
            town,
            L.GRADE_1,
            grid=grid,
            medical_group=communities[i % len(communities)],
        )
        created.append(institution)
        village = town.children.order_by("code").first()
        if village is not None:
            _institution(
                f"{region.name}{town.name}{village.name}卫生室",
                K.VILLAGE_CLINIC,
                village,
                grid=grid,
                medical_group=institution.medical_group,
            )
    return created


def _mark_sub_centres(primary_care: list[Institution], count: int = 10) -> None:
    """The 10 county medical sub-centres: 广平 and the largest township of each county first."""
    if Institution.objects.filter(kind=K.SUB_CENTRE).exists():
        return
    townships = [i for i in primary_care if i.kind == K.TOWNSHIP_HC]
    townships.sort(
        key=lambda i: (i.name not in PRIMARY_CARE_NAMES.values(), -i.region.village_count)
    )
    chosen, counties = [], set()
    for institution in townships:
        county = institution.region.parent_id
        if county not in counties or len(counties) >= 8:
            chosen.append(institution)
            counties.add(county)
        if len(chosen) == count:
            break
    for institution in chosen:
        institution.kind = K.SUB_CENTRE
        institution.level = L.GRADE_2B
        institution.save(update_fields=["kind", "level"])


DEMO_USERS = [
    ("city_admin", "市卫健委管理员", Role.CITY_ADMIN, "聊城市卫生健康委员会", None),
    ("taskforce", "市级专班", Role.TASK_FORCE, "聊城市卫生健康委员会", None),
    ("county_guanxian", "冠县卫生健康局", Role.COUNTY_BUREAU, "冠县卫生健康局", "冠县"),
    ("county_shenxian", "莘县卫生健康局", Role.COUNTY_BUREAU, "莘县卫生健康局", "莘县"),
    ("unit_donge", "东阿县人民医院", Role.UNIT, "东阿县人民医院", None),
    ("expert_demo", "专家（演示）", Role.EXPERT, "聊城市人民医院", None),
    ("panel_demo", "评审团成员（演示）", Role.PANEL, None, None),
]


def load_users() -> list[User]:
    users = []
    for username, full_name, role, institution, region in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                institution=Institution.objects.get(name=institution) if institution else None,
                region=Region.objects.get(name=region) if region else None,
                is_staff=role == Role.CITY_ADMIN,
                is_superuser=role == Role.CITY_ADMIN,
                is_unit_head=role == Role.UNIT,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users.append(user)
    return users


@transaction.atomic
def load(progress=None) -> dict[str, int]:
    """Load the organisation tree and the demo users; returns row counts."""
    step = progress or (lambda message: None)
    step("regions")
    regions = load_regions()
    step("institutions, grids and medical groups")
    load_institutions(regions)
    step("demo users")
    load_users()
    return {
        "regions": Region.objects.count(),
        "institutions": Institution.objects.count(),
        "grids": Grid.objects.count(),
        "medical_groups": MedicalGroup.objects.count(),
        "users": User.objects.count(),
    }
