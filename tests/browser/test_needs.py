"""Stage 1 main path: a GBK hotline export with two bad rows, the heatmap, a correction,
and a proposal drafted from a cluster of repeated complaints."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.needs.conftest import hotline_rows

from .test_login import log_in


@pytest.fixture
def stage1(demo_city, settings, tmp_path):
    from jiebang.needs import services

    services.ensure_categories()
    settings.MEDIA_ROOT = tmp_path


def gbk_export(tmp_path):
    rows = hotline_rows()
    # The same complaint filed again with a small edit: a cluster of repeats.
    rows.append(
        [
            "GX0007",
            "2026-03-08 09:00",
            "冠县",
            "冠县人民医院",
            "（再次来电）" + rows[2][4],
            "张三",
            "13812345678",
            "",
        ]
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "12345热线导出.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def heatmap_total(page, live_server):
    page.goto(f"{live_server.url}/needs/heatmap/")
    text = page.locator("#heatmap-total").inner_text()
    return int(re.search(r"\d+", text).group())


def test_import_heatmap_correct_and_draft(page, live_server, stage1, tmp_path, outside_requests):
    log_in(page, live_server, "city_admin")
    before = heatmap_total(page, live_server)

    page.goto(f"{live_server.url}/needs/imports/")
    page.set_input_files("#upload-form input[type=file]", str(gbk_export(tmp_path)))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#accepted-count")).to_have_text("5")
    expect(page.locator("#rejected-count")).to_have_text("2")
    rejects = page.locator("#rejects-table")
    expect(rejects).to_contain_text("诉求内容")
    expect(rejects).to_contain_text("火星县")
    expect(rejects).to_contain_text("12345热线导出.csv")

    assert heatmap_total(page, live_server) == before + 5
    expect(page.locator("#heatmap canvas")).to_have_count(1)

    page.goto(f"{live_server.url}/needs/feedback/?q=CT")
    page.locator("#feedback-table a").first.click()
    page.select_option("#correct-form select", label="检查检验")
    page.click("#correct-form button[type=submit]")
    expect(page.locator(".category-badge")).to_contain_text("检查检验")

    page.goto(f"{live_server.url}/needs/clusters/")
    row = page.locator("#cluster-table tr", has_text="万善乡")
    row.locator("input[type=checkbox]").check()
    page.click("#draft-from-clusters")
    page.fill("input[name=title]", "乡镇卫生院夜间值班保障")
    page.click("#proposal-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("乡镇卫生院夜间值班保障")
    expect(page.locator("body")).to_contain_text("万善乡卫生院")
    assert outside_requests == []
