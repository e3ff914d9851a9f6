"""The task ledger in Excel: export → edit → import round-trips; a bad row is named with
file, row, column and reason without losing the good ones; the export-ledger command."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from jiebang.ledger import excel
from jiebang.ledger.models import Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def tasks(make_task, guanxian_staff):
    plan = make_task("制定实施方案", deadline=datetime.date(2026, 3, 31), owner=guanxian_staff)
    pilot = make_task("试点运行", deadline=datetime.date(2099, 6, 30), weight=3)
    make_task("信息系统改造", deadline=datetime.date(2099, 5, 31), parent=pilot)
    return plan, pilot


def _sheet(content):
    return load_workbook(io.BytesIO(content)).active


def _header_index(sheet):
    return {cell.value: cell.column for cell in sheet[excel.HEADER_ROW]}


def test_export_is_a_formatted_ledger(login, project, tasks, guanxian_unit):
    response = login(guanxian_unit).get(reverse("ledger:export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = _sheet(response.content)
    assert sheet["A1"].value == excel.TITLE
    assert sheet.freeze_panes == "C4"
    assert sheet[excel.HEADER_ROW][0].font.bold
    columns = _header_index(sheet)
    rows = list(sheet.iter_rows(min_row=excel.HEADER_ROW + 1, values_only=True))
    assert len(rows) == 3
    by_title = {row[columns["任务名称"] - 1]: row for row in rows}
    plan = by_title["制定实施方案"]
    assert plan[columns["项目编号"] - 1] == project.code
    assert plan[columns["责任人"] - 1] == "李医生"
    assert plan[columns["是否逾期"] - 1] == "是"  # 31 March 2026 has passed
    assert by_title["试点运行"][columns["是否逾期"] - 1] == "否"
    # a sub-task follows its parent
    titles = [row[columns["任务名称"] - 1] for row in rows]
    assert titles.index("信息系统改造") == titles.index("试点运行") + 1


def test_export_import_round_trip_names_the_bad_row(login, project, tasks, guanxian_unit):
    plan, pilot = tasks
    client = login(guanxian_unit)
    content = client.get(reverse("ledger:export")).content
    # Unchanged, the sheet changes nothing.
    result = excel.import_tasks(content, "台账.xlsx", acting_user=guanxian_unit)
    assert (result.created, result.updated, result.unchanged, result.rejects) == (0, 0, 3, [])

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    columns = _header_index(sheet)
    first = excel.HEADER_ROW + 1
    for row in range(first, first + 3):
        if sheet.cell(row, columns["任务名称"]).value == "制定实施方案":
            sheet.cell(row, columns["任务名称"]).value = "制定并报备实施方案"
            sheet.cell(row, columns["截止日期"]).value = datetime.date(2026, 4, 15)
    values = {"项目编号": project.code, "任务名称": "全院推广", "截止日期": "2026-09-30"}
    values |= {"责任部门": "医务科", "权重": 2, "责任人": "王主任"}
    for name, value in values.items():
        sheet.cell(first + 3, columns[name]).value = value
    bad = {"项目编号": project.code, "任务名称": "宣传引导", "截止日期": "下个月"}
    for name, value in bad.items():
        sheet.cell(first + 4, columns[name]).value = value
    unknown = {"项目编号": "JB1999-999", "任务名称": "不存在的项目", "截止日期": "2026-05-01"}
    for name, value in unknown.items():
        sheet.cell(first + 5, columns[name]).value = value
    out = io.BytesIO()
    workbook.save(out)

    upload = SimpleUploadedFile("台账（已填）.xlsx", out.getvalue(), content_type=XLSX)
    page = client.post(reverse("ledger:import"), {"file": upload}, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "新增 1 项，更新 1 项，未变 2 项，拒绝 2 行" in text
    assert "下个月" in text and "截止日期" in text and str(first + 4) in text
    assert "JB1999-999" in text
    plan.refresh_from_db()
    assert (plan.title, plan.deadline) == ("制定并报备实施方案", datetime.date(2026, 4, 15))
    added = Task.objects.get(title="全院推广")
    assert (added.department, str(added.weight), added.owner) == ("医务科", "2.00", guanxian_unit)
    assert not Task.objects.filter(title__in=["宣传引导", "不存在的项目"]).exists()


def test_import_reject_messages_name_file_row_and_column(project, tasks, guanxian_unit):
    content = excel.export_tasks(Task.objects.filter(project=project), scope="测试")
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    columns = _header_index(sheet)
    row = excel.HEADER_ROW + 1
    sheet.cell(row, columns["权重"]).value = -1
    out = io.BytesIO()
    workbook.save(out)
    result = excel.import_tasks(out.getvalue(), "任务表.xlsx", acting_user=guanxian_unit)
    assert result.messages() == [f"任务表.xlsx 第 {row} 行“权重”列：权重须为正数"]


def test_import_refuses_other_units_tasks_and_non_workbooks(project, tasks, donge_unit):
    content = excel.export_tasks(Task.objects.filter(project=project), scope="测试")
    result = excel.import_tasks(content, "台账.xlsx", acting_user=donge_unit)
    assert result.created + result.updated + result.unchanged == 0
    assert len(result.rejects) == 3  # the project is out of the unit's scope
    with pytest.raises(Exception, match="不是 Excel 工作簿"):
        excel.import_tasks(b"a,b\n1,2\n", "任务.csv", acting_user=donge_unit)


def test_export_ledger_command(tmp_path, project, tasks):
    output = tmp_path / "台账.xlsx"
    out = io.StringIO()
    call_command("export-ledger", "--output", str(output), stdout=out)
    assert "1 个项目，3 项任务，其中逾期 1 项" in out.getvalue()
    sheet = load_workbook(output).active
    assert sheet.max_row == excel.HEADER_ROW + 3
    call_command("export-ledger", "--output", str(output), "--project", project.code, stdout=out)
    with pytest.raises(CommandError, match="找不到项目编号"):
        call_command("export-ledger", "--output", str(output), "--project", "JB1999-001")
