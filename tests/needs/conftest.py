import pytest

from jiebang.needs import services


@pytest.fixture
def categories(db):
    services.ensure_categories()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


HEADER = [
    "工单编号",
    "受理时间",
    "所属区县",
    "涉及单位",
    "诉求内容",
    "来电人",
    "联系电话",
    "诉求类型",
]


def hotline_rows():
    """Six rows of a 12345 export: four good, two bad (empty text; unknown county)."""
    return [
        HEADER,
        [
            "GX0001",
            "2026-03-02 09:15:00",
            "冠县",
            "冠县人民医院",
            "来电人反映在冠县人民医院挂专家号一直挂不上，号源太少，诉求增加号源。",
            "张三",
            "13812345678",
            "",
        ],
        [
            "GX0002",
            "2026/3/3 10:20",
            "冠县",
            "",
            "来电人反映冠县万善乡卫生院晚上没有医生值班，老人发烧只能去县城，诉求加强基层值班。",
            "李四",
            "13900001111",
            "",
        ],
        ["GX0003", "2026-03-04", "冠县", "冠县中医医院", "", "王五", "13700002222", ""],
        [
            "SX0004",
            "2026年3月5日 8时30分",
            "莘县",
            "莘县人民医院",
            "来电人反映莘县人民医院门诊缴费排队一个多小时，诉求增开窗口。",
            "赵六",
            "0635-7123456",
            "",
        ],
        [
            "XX0005",
            "2026-03-06 11:00",
            "火星县",
            "",
            "来电人反映医院厕所太脏，诉求改善。",
            "钱七",
            "13600003333",
            "",
        ],
        [
            "GX0006",
            "2026-03-07 16:45",
            "",
            "冠县人民医院",
            "来电人反映冠县人民医院做CT要等一周，诉求缩短检查预约时间。",
            "",
            "",
            "",
        ],
    ]


def write_csv(path, rows, encoding="gbk"):
    import csv

    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path
