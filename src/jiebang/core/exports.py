"""The one way to write a spreadsheet (CSV or XLSX) for staff to open.

User text reaches these files from anonymous citizens and from every unit, and Excel runs a cell
that starts with = + - or @ as a formula (`=HYPERLINK("http://…"&B5,"打开附件")`). So:

- CSV: every text cell goes through `core.text.safe_cell` (control characters dropped, a leading
  = + - @ tab or carriage return kept as text behind an apostrophe, OWASP's rule); UTF-8 with a
  BOM so Excel reads the Chinese.
- XLSX: `write`/`append` drop the characters a workbook cannot hold (openpyxl would refuse the
  whole file), and `workbook_bytes` turns every cell that would be a formula, or starts like
  one, into a text cell with Excel's quote prefix: shown as typed, never run. Exports carry no
  formulas of their own.

Code elsewhere never calls csv.writer or openpyxl's Workbook itself (tests/core/test_exports.py).
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_FORMULA, TYPE_STRING

from .text import FORMULA_START, clean_text, safe_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def attachment(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def csv_response(file_name: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    return attachment(csv_bytes(header, rows), file_name, "text/csv; charset=utf-8")


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    return attachment(content, file_name, XLSX_TYPE)


def new_workbook() -> Workbook:
    return Workbook()


def cell_value(value):
    return clean_text(value) if isinstance(value, str) else value


def write(sheet, row: int, column: int, value):
    """sheet.cell(row, column, value) with the value made storable; returns the cell."""
    return sheet.cell(row=row, column=column, value=cell_value(value))


def append(sheet, values: Iterable) -> None:
    sheet.append([cell_value(v) for v in values])


def workbook_bytes(book: Workbook) -> bytes:
    """The saved workbook, with every formula-like cell kept as text (see the module doc)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (
                    cell.data_type == TYPE_FORMULA or value.startswith(FORMULA_START)
                ):
                    cell.data_type = TYPE_STRING
                    cell.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
