"""The offline score sheet: export a rater's blank sheet, fill it, import it (by the rater or
the city admin), refuse a bad sheet naming file, row and column, with nothing written."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jiebang.core.errors import DomainError
from jiebang.evaluation import excel, services
from jiebang.evaluation.models import CRITERION_NAMES, ScoreSheet

from .conftest import UNITS

SCORE_COLUMNS = range(5, 10)  # E–I


def workbook(member):
    return load_workbook(io.BytesIO(excel.export_sheet(member)))


def sheet_rows(book):
    """(row number, row cells) of the sheet rows under the header (row 4)."""
    sheet = book.active
    return [(cells[0].row, cells) for cells in sheet.iter_rows(min_row=5) if cells[0].value]


def filled(member, values=None, comment="思路清晰") -> bytes:
    book = workbook(member)
    for number, cells in sheet_rows(book):
        for column in SCORE_COLUMNS:
            cells[column - 1].value = (values or {}).get((number, column), 80 + column)
        cells[9].value = comment
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_blank_sheet_lists_the_raters_nominations(drawn, panel):
    member = panel["media"]
    book = workbook(member)
    sheet = book.active
    assert sheet["B2"].value == member.pk
    assert [sheet.cell(4, c).value for c in SCORE_COLUMNS] == list(CRITERION_NAMES.values())
    rows = sheet_rows(book)
    ids = {cells[0].value for _n, cells in rows}
    assert ids == set(member.sheets.values_list("pk", flat=True))
    assert all(cells[4].value is None for _n, cells in rows)


def test_a_filled_sheet_round_trips_and_a_second_import_changes_nothing(drawn, panel, raters):
    member, media = panel["media"], raters["media"]
    content = filled(member, comment="-较好，建议推广")
    result = excel.import_sheet(member, content, "评分表.xlsx", acting_user=media)
    assert (result.saved, result.unchanged, result.blank) == (3, 0, 0)
    sheets = ScoreSheet.objects.filter(member=member)
    assert all(s.submitted_at and s.innovation == 85 and s.standardisation == 89 for s in sheets)
    assert sheets.first().comment == "-较好，建议推广"
    history = sum(s.history.count() for s in sheets)
    # Exported again, the formula-like comment stays text behind safe_cell's apostrophe …
    again = workbook(member)
    assert sheet_rows(again)[0][1][9].value == "'-较好，建议推广"
    # … and importing the new export (or the same file) changes nothing.
    out = io.BytesIO()
    again.save(out)
    for repeat in (content, out.getvalue()):
        result = excel.import_sheet(member, repeat, "评分表.xlsx", acting_user=media)
        assert (result.saved, result.unchanged) == (0, 3)
    assert sum(s.history.count() for s in sheets) == history


def test_blank_rows_stay_unscored(drawn, panel, raters):
    member = panel["media"]
    book = workbook(member)
    _number, cells = sheet_rows(book)[0]
    for column in SCORE_COLUMNS:
        cells[column - 1].value = 90
    out = io.BytesIO()
    book.save(out)
    result = excel.import_sheet(member, out.getvalue(), "x.xlsx", acting_user=raters["media"])
    assert (result.saved, result.blank) == (1, 2)


def test_a_bad_sheet_names_every_cell_and_writes_nothing(drawn, panel, raters):
    member = panel["media"]
    rows = [n for n, _cells in sheet_rows(workbook(member))]
    values = {(rows[0], 5): 101, (rows[1], 6): "很好", (rows[2], 7): None}
    content = filled(member, values)
    with pytest.raises(excel.SheetErrors) as e:
        excel.import_sheet(member, content, "评分表.xlsx", acting_user=raters["media"])
    errors = e.value.errors
    names = list(CRITERION_NAMES.values())
    assert len(errors) == 3
    assert f"评分表.xlsx, row {rows[0]}, column “{names[0]}”" in errors[0]
    assert f"row {rows[1]}, column “{names[1]}”" in errors[1] and "很好" in errors[1]
    assert f"row {rows[2]}, column “{names[2]}”" in errors[2]
    assert not ScoreSheet.objects.filter(member=member, submitted_at__isnull=False).exists()


def test_another_raters_file_or_sheet_is_refused(drawn, panel, raters, nominations):
    mine, other = panel["media"], panel["panel_demo"]
    with pytest.raises(DomainError, match="not the score sheet of"):
        excel.import_sheet(mine, filled(other), "x.xlsx", acting_user=raters["media"])
    # Someone else's sheet numbers typed into my file.
    book = workbook(mine)
    foreign = ScoreSheet.objects.filter(member=other).first().pk
    sheet_rows(book)[0][1][0].value = foreign
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(excel.SheetErrors, match="not one of your score sheets"):
        excel.import_sheet(mine, out.getvalue(), "x.xlsx", acting_user=raters["media"])
    with pytest.raises(PermissionDenied):
        excel.import_sheet(mine, filled(mine), "x.xlsx", acting_user=raters["panel_demo"])


def test_not_a_workbook(drawn, panel, raters):
    with pytest.raises(DomainError, match="not an Excel workbook"):
        excel.import_sheet(panel["media"], b"a,b\n1,2\n", "x.xlsx", acting_user=raters["media"])


def test_the_admin_imports_for_a_rater_and_the_page_shows_errors(login, drawn, panel, city_admin):
    member = panel["media"]
    client = login(city_admin)
    download = client.get(reverse("evaluation:member-sheet-export", args=[member.pk]))
    assert download.status_code == 200 and download.content.startswith(b"PK")
    rows = [n for n, _cells in sheet_rows(workbook(member))]
    bad = SimpleUploadedFile("评分表.xlsx", filled(member, {(rows[0], 5): "abc"}))
    page = client.post(reverse("evaluation:member-sheet-import", args=[member.pk]), {"file": bad})
    assert page.status_code == 200 and "import-errors" in page.text and "abc" in page.text
    good = SimpleUploadedFile("评分表.xlsx", filled(member))
    done = client.post(reverse("evaluation:member-sheet-import", args=[member.pk]), {"file": good})
    assert done.status_code == 302
    sheets = ScoreSheet.objects.filter(member=member)
    assert all(s.submitted_at and s.entered_by == city_admin for s in sheets)
    assert services.conflict_of_interest(member.user, sheets.first().nomination) == ""


def test_the_rater_imports_from_their_page(login, drawn, panel, raters):
    member = panel["panel_demo"]
    client = login(raters["panel_demo"])
    page = client.get(reverse("evaluation:score-list", args=[drawn.pk]))
    assert "sheet-import" in page.text
    upload = SimpleUploadedFile("mine.xlsx", filled(member))
    response = client.post(
        reverse("evaluation:member-sheet-import", args=[member.pk]), {"file": upload}
    )
    assert response["Location"] == reverse("evaluation:score-list", args=[drawn.pk])
    assert not ScoreSheet.objects.filter(member=member, submitted_at=None).exists()
    assert UNITS  # the nominations of conftest
