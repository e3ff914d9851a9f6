"""The heatmap: counts from the database, scoped, switchable axes, cells drill down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiebang.needs.models import Category, Channel, FeedbackItem
from jiebang.orgs.models import Institution, Region


@pytest.fixture
def items(categories):
    now = timezone.now()
    guanxian, shenxian = Region.objects.get(name="冠县"), Region.objects.get(name="莘县")
    booking, other = Category.objects.get(name="预约挂号"), Category.objects.get(name="其他")
    hospital = Institution.objects.get(name="冠县人民医院")
    rows = (
        [(guanxian, booking, hospital)] * 3
        + [(guanxian, other, None)]
        + [(shenxian, booking, None)] * 2
    )
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            channel=Channel.HOTLINE if i % 2 else Channel.QR,
            external_id=f"H{i}",
            received_at=now - timedelta(days=i),
            text=f"诉求{i}",
            region=region,
            category=category,
            institution=institution,
        )
        for i, (region, category, institution) in enumerate(rows)
    )


def _cell(data, column, category):
    col = data["columns"].index(column)
    row = data["categories"].index(category)
    return next((c[2] for c in data["cells"] if c[0] == col and c[1] == row), 0)


def test_counts_by_county(login, city_admin, items, django_assert_max_num_queries):
    client = login(city_admin)
    with django_assert_max_num_queries(10):
        data = client.get("/needs/heatmap/data/").json()
    assert _cell(data, "冠县", "预约挂号") == 3
    assert _cell(data, "莘县", "预约挂号") == 2
    assert data["total"] == 6


def test_channel_filter_and_axes(login, city_admin, items):
    client = login(city_admin)
    hotline = client.get("/needs/heatmap/data/", {"channel": "hotline"}).json()
    assert hotline["total"] == 3
    by_institution = client.get("/needs/heatmap/data/", {"axis": "institution"}).json()
    assert _cell(by_institution, "冠县人民医院", "预约挂号") == 3
    by_month = client.get("/needs/heatmap/data/", {"axis": "month"}).json()
    assert sum(c[2] for c in by_month["cells"]) == 6


def test_county_sees_only_its_county(login, guanxian_bureau, items):
    data = login(guanxian_bureau).get("/needs/heatmap/data/").json()
    assert data["columns"] == ["冠县"]


def test_cell_opens_its_items(login, city_admin, items):
    client = login(city_admin)
    data = client.get("/needs/heatmap/data/").json()
    col, row = data["columns"].index("冠县"), data["categories"].index("预约挂号")
    listed = client.get(
        "/needs/feedback/",
        {"county": data["column_keys"][col], "category": data["category_ids"][row]},
    )
    assert listed.context["page"].paginator.count == 3


def test_heatmap_page_renders(login, city_admin, items):
    page = login(city_admin).get("/needs/heatmap/")
    assert page.status_code == 200 and "echarts.min.js" in page.text
