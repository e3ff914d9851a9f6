"""The offline score sheet: a rater's nominations as an Excel workbook to fill in, and the
import of the filled workbook (by the rater, or by the city admin for them).

Layout of the sheet: the seat's number in B2 (which rater's file it is), then a header row
whose columns E–I carry the five criteria by their Chinese names, and one row per nomination:
A the sheet number (the key), B the nomination, C the project, D the unit, E–I the scores,
J the comment. A row left blank is "not scored yet"; a row scored is handed in.

The import checks every row first and writes nothing when one is wrong (each error names the
file, the row and the column); then it stores each row through services.store_scores in one
transaction. Importing the same file again changes nothing.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.exports import new_workbook, workbook_bytes, write
from jiebang.core.permissions import require_perm
from jiebang.core.text import FORMULA_START, clean_text, safe_cell

from . import services
from .models import CRITERION_NAMES, Criterion, EvaluationRound, PanelMember, ScoreSheet

SEAT_CELL = (2, 2)  # B2
FIRST_SCORE_COLUMN = 5  # E
COMMENT_COLUMN = FIRST_SCORE_COLUMN + len(Criterion.values)  # J
MAX_ROWS = 1000
SHOWN_ERRORS = 20


def _put(sheet, row: int, column: int, value):
    """Every cell goes through safe_cell (a formula-like text stays text)."""
    return write(sheet, row, column, safe_cell(value))


def _headers() -> list[str]:
    return [
        _("Sheet no."),
        _("Nomination no."),
        _("Project"),
        _("Implementing unit"),
        *CRITERION_NAMES.values(),
        _("Comment"),
    ]


def file_name(member: PanelMember) -> str:
    return f"score-sheet-{member.round_id}-{member.pk}.xlsx"


def export_sheet(member: PanelMember) -> bytes:
    """The member's score sheet of the round as a workbook: blank rows for the nominations not
    scored yet, their scores for the others."""
    book = new_workbook()
    sheet = book.active
    sheet.title = _("Score sheet")[:31]
    _put(sheet, 1, 1, _("Score sheet: %(round)s") % {"round": member.round.name})
    _put(sheet, 2, 1, _("Seat no."))
    _put(sheet, *SEAT_CELL, member.pk)
    _put(sheet, 2, 3, _("Rater"))
    _put(sheet, 2, 4, str(member.user))
    _put(sheet, 2, 5, str(member.get_kind_display()))
    _put(
        sheet,
        3,
        1,
        _(
            "Score each criterion from 0 to 100 and add a comment; leave a row blank to score "
            "it later. Do not change columns A and B or the seat number."
        ),
    )
    header_row = 4
    for column, title in enumerate(_headers(), start=1):
        _put(sheet, header_row, column, title)
    rows = (
        ScoreSheet.objects.filter(member=member)
        .select_related("nomination__project__implementing_unit")
        .order_by("nomination")
    )
    for row, score_sheet in enumerate(rows, start=header_row + 1):
        project = score_sheet.nomination.project
        values = [
            score_sheet.pk,
            score_sheet.nomination_id,
            f"{project.code} {project.title}",
            project.implementing_unit.name if project.implementing_unit else "",
            *(float(v) if v is not None else None for v in score_sheet.scores().values()),
            score_sheet.comment,
        ]
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)
    for column, width in zip("ABCDEFGHIJ", (10, 10, 40, 24, 12, 12, 12, 12, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(book)


class SheetErrors(DomainError):
    """The file was refused; `errors` lists every problem (file, row, column, reason)."""

    def __init__(self, errors: list[str]):
        shown = errors[:SHOWN_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown)
        if more:
            text += "\n" + _("… and %(count)d more.") % {"count": more}
        super().__init__(text)
        self.errors = errors


@dataclass
class ImportResult:
    saved: int = 0
    unchanged: int = 0
    blank: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = clean_text(str(value)).strip()
    # safe_cell kept a formula-like text as text behind an apostrophe: take it off again.
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def _open(content: bytes, name: str):
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise DomainError(_("%(file)s is not an Excel workbook (.xlsx).") % {"file": name})
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if not book.worksheets:
            raise DomainError(_("%(file)s has no worksheet.") % {"file": name})
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    except DomainError:
        raise
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise DomainError(
            _("%(file)s could not be opened as an Excel workbook: %(error)s")
            % {"file": name, "error": e}
        ) from e


def _cell(row: tuple, column: int):
    return row[column - 1] if len(row) >= column else None


def _header_row(rows: list[tuple], name: str) -> int:
    """The number of the row whose columns E–I carry the five criteria."""
    wanted = list(CRITERION_NAMES.values())
    for number, row in enumerate(rows[:10], start=1):
        cells = [_text(_cell(row, c)) for c in range(FIRST_SCORE_COLUMN, COMMENT_COLUMN)]
        if cells == wanted:
            return number
    raise DomainError(
        _("%(file)s: required columns missing: %(columns)s.")
        % {"file": name, "columns": "、".join(wanted)}
    )


def _error(name: str, row: int, column: str, reason: str) -> str:
    return _("%(file)s, row %(row)d, column “%(column)s”: %(reason)s") % {
        "file": name,
        "row": row,
        "column": column,
        "reason": reason,
    }


def _score(value) -> Decimal | None | str:
    """The score in a cell: a Decimal, None when blank, or the reason it is not a score."""
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _("“%(value)s” is not a number") % {"value": text[:40]}
    if not number.is_finite() or not 0 <= number <= 100:
        return _("%(value)s is not a score from 0 to 100") % {"value": text[:40]}
    return number


def _check(rows, name: str, member: PanelMember) -> tuple[list, int, list[str]]:
    """The rows to store (sheet pk, scores, comment), the blank rows, and the errors."""
    header = _headers()
    seat = _text(_cell(rows[SEAT_CELL[0] - 1], SEAT_CELL[1])) if len(rows) >= SEAT_CELL[0] else ""
    if seat != str(member.pk):
        raise DomainError(
            _("%(file)s is not the score sheet of %(user)s in this round (seat no. in B2).")
            % {"file": name, "user": member.user}
        )
    header_row = _header_row(rows, name)
    own = set(member.sheets.values_list("pk", flat=True))
    found, blank, errors, seen = [], 0, [], {}
    body = rows[header_row:]
    if len(body) > MAX_ROWS:
        raise DomainError(
            _("%(file)s has more than %(max)d rows.") % {"file": name, "max": MAX_ROWS}
        )
    for number, row in enumerate(body, start=header_row + 1):
        cells = [_cell(row, c) for c in range(1, COMMENT_COLUMN + 1)]
        if not any(_text(v) for v in cells):
            continue
        key = _text(cells[0])
        pk = int(key) if key.isdigit() else None
        if pk is None or pk not in own:
            errors.append(_error(name, number, header[0], _("not one of your score sheets")))
            continue
        if pk in seen:
            errors.append(
                _error(name, number, header[0], _("also on row %(row)d") % {"row": seen[pk]})
            )
            continue
        seen[pk] = number
        scores, row_errors = {}, []
        for offset, code in enumerate(Criterion.values):
            value = _score(cells[FIRST_SCORE_COLUMN - 1 + offset])
            if isinstance(value, str):
                row_errors.append(_error(name, number, header[4 + offset], value))
            scores[code] = value
        comment = _text(cells[COMMENT_COLUMN - 1])
        if all(v is None for v in scores.values()) and not comment:
            blank += 1
            continue
        for offset, code in enumerate(Criterion.values):
            if scores[code] is None:
                row_errors.append(
                    _error(name, number, header[4 + offset], _("a score is required"))
                )
        errors.extend(row_errors)
        if not row_errors:
            found.append((number, pk, scores, comment))
    return found, blank, errors


def import_sheet(member: PanelMember, content: bytes, name: str, *, acting_user) -> ImportResult:
    """Store the filled workbook of `member`'s sheets (the rater's own, or the city admin's for
    them). SheetErrors (a DomainError) listing every wrong cell, with nothing stored; DomainError
    for a file that is no workbook, of another rater, or once scoring is closed."""
    require_perm(acting_user, "evaluation.use_sheet_file", member)
    round_ = EvaluationRound.objects.get(pk=member.round_id)  # as it is now
    if round_.status != EvaluationRound.Status.SCORING:
        raise DomainError(_("Scores can be given only while the round is scoring."))
    rows = _open(content, name)
    found, blank, errors = _check(rows, name, member)
    if errors:
        raise SheetErrors(errors)
    result = ImportResult(blank=blank)
    with transaction.atomic():
        for number, pk, scores, comment in found:
            sheet = services.lock_sheet(ScoreSheet(pk=pk))
            try:
                changed = services.store_scores(
                    sheet, acting_user=acting_user, scores=scores, comment=comment
                )
            except DomainError as e:  # e.g. a conflict of interest found since the draw
                raise SheetErrors([_error(name, number, _headers()[0], e.message)]) from e
            if changed:
                result.saved += 1
            else:
                result.unchanged += 1
    return result
