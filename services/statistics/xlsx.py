"""The annual tables as .xlsx in the official layout, for entry into the national system: one
sheet per table, the template's headers (a column group is one merged cell above its columns, an
ungrouped column's label spans both header rows), numbers only in the body. When checks failed,
a first sheet lists every failure; the tables follow unchanged."""

from __future__ import annotations

import io
from itertools import groupby

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .filling import Cells, CheckResult
from .template import Edition, Table

FAILURES_SHEET = "校验未通过"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def sheet_name(table: Table) -> str:
    return f"{table.number} {table.title}"[:31]


def _table_sheet(book: Workbook, table: Table, cells: dict[str, dict[str, int]], subtitle: str) -> None:
    sheet = book.create_sheet(sheet_name(table))
    width = len(table.columns) + 1
    sheet.cell(row=1, column=1, value=table.heading).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=2, column=1, value=subtitle)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header_rows = 2 if table.has_groups else 1
    top = 3
    sheet.cell(row=top, column=1, value=_("项目")).alignment = CENTER
    if header_rows == 2:
        sheet.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    column = 2
    for group, grouped in groupby(table.columns, key=lambda c: c.group):
        members = list(grouped)
        if group:
            sheet.cell(row=top, column=column, value=group).alignment = CENTER
            if len(members) > 1:
                sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + len(members) - 1)
            for offset, line in enumerate(members):
                sheet.cell(row=top + 1, column=column + offset, value=line.label).alignment = CENTER
        else:
            for offset, line in enumerate(members):
                sheet.cell(row=top, column=column + offset, value=line.label).alignment = CENTER
                if header_rows == 2:
                    sheet.merge_cells(
                        start_row=top, start_column=column + offset, end_row=top + 1, end_column=column + offset
                    )
        column += len(members)
    first = top + header_rows
    for index, row in enumerate(table.rows):
        sheet.cell(row=first + index, column=1, value=row.label)
        for offset, line in enumerate(table.columns):
            sheet.cell(row=first + index, column=2 + offset, value=int(cells.get(row.id, {}).get(line.id, 0)))
    sheet.column_dimensions["A"].width = 14
    for offset in range(len(table.columns)):
        sheet.column_dimensions[get_column_letter(2 + offset)].width = 12
    sheet.freeze_panes = sheet.cell(row=first, column=2)


def tables_xlsx(*, edition: Edition, year: int, cells: Cells, failures: list[CheckResult], whose: str) -> bytes:
    """The workbook's bytes. ``whose``: the institution's name, or the committee's sum."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    subtitle = _("%(whose)s · %(year)s 年度 · 统计截至 %(year)s-12-31 · 模板 %(edition)s") % {
        "whose": whose, "year": year, "edition": edition.id,
    }  # fmt: skip
    if failures:
        sheet = book.create_sheet(FAILURES_SHEET)
        intro = _("以下校验未通过，请核对后再录入全国党员管理信息系统：")
        sheet.cell(row=1, column=1, value=intro).font = Font(bold=True)
        for index, failure in enumerate(failures, start=2):
            sheet.cell(row=index, column=1, value=failure.message)
        sheet.column_dimensions["A"].width = 120
    for table in edition.tables:
        _table_sheet(book, table, cells.get(table.id, {}), subtitle)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
