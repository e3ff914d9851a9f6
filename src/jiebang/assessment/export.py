"""The ranked table as an Excel workbook: a summary sheet of the counties, then one sheet per
county with its units ranked within the county."""

import dataclasses
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jiebang.core import exports

from .points import Table, UnitPoints, rank_rows

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name, unique per book."""
    title = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "-"
    base, n = title, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _write(sheet, title: str, header: list[str], rows: list[list], widths: list[int]) -> None:
    """Title row, styled header, bordered rows, column widths and a frozen header."""
    exports.append(sheet, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.row_dimensions[1].height = 24
    exports.append(sheet, header)
    for cell in sheet[2]:
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
    for row in rows:
        exports.append(sheet, row)
        for cell in sheet[sheet.max_row]:
            cell.border = BORDER
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A3"


def _by_county(rows: list[UnitPoints]) -> dict[str, list[UnitPoints]]:
    groups: dict[str, list[UnitPoints]] = {}
    for row in sorted(rows, key=lambda r: r.county.path if r.county else "~"):
        name = row.county.name if row.county else _("Other")
        groups.setdefault(name, []).append(dataclasses.replace(row))
    return groups


def ranking_workbook(table: Table) -> Workbook:
    book = exports.new_workbook()
    summary = book.active
    taken = {_sheet_title(_("Summary"), set())}
    summary.title = next(iter(taken))
    groups = _by_county(table.rows)
    if table.county is None:  # ranked city-wide: rank each county's units among themselves
        groups = {name: rank_rows(rows) for name, rows in groups.items()}
    _write(
        summary,
        _("Assessment points %(year)s: summary by county") % {"year": table.year},
        [_("County"), _("Units with points"), _("Total points"), _("Average"), _("First place")],
        [
            [
                name,
                len(rows),
                sum(r.total for r in rows),
                round(sum(r.total for r in rows) / len(rows), 1),
                rows[0].institution.name,
            ]
            for name, rows in groups.items()
        ],
        [16, 14, 12, 10, 36],
    )
    rule_names = [f"{rule.name} ({rule.points:+d})" for rule in table.rules]
    header = [_("Rank"), _("Unit"), *rule_names, _("Total points")]
    for name, rows in groups.items():
        _write(
            book.create_sheet(_sheet_title(name, taken)),
            _("Assessment points %(year)s: %(county)s") % {"year": table.year, "county": name},
            header,
            [
                [
                    r.rank or "—",
                    r.institution.name,
                    *[points for _count, points in r.cells(table.rules)],
                    r.total,
                ]
                for r in rows
            ],
            [8, 36, *[max(12, len(n) * 2) for n in rule_names], 12],
        )
    return book
