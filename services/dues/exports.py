"""The .xlsx exports of a branch's dues (audited, as the roster's exports): its month (each
member's bill, how it was computed, paid, reduced, outstanding, the payments' receipts) and its
year (each member's twelve months, outstanding at the end). Amounts are written as numbers with
two places; a branch's sheet is at most a few hundred rows, written with openpyxl's write-only
workbook into a temporary file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage

from .audit_events import EVENT_EXPORTED
from .ledger import NOT_YOURS
from .models import Entry
from .month_sheet import sheet, year_lines
from .selectors import ZERO

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "0.00"


def _workbook(title: str, headers: list[str], rows: Iterable[list[Any]]) -> IO[bytes]:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title)
    worksheet.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(worksheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value)
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            cells.append(cell)
        worksheet.append(cells)
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out


def _audit_export(acting_user: Any, unit: OrgUnit, year: int, month: int | None) -> None:
    with transaction.atomic():
        audit_record(
            event=EVENT_EXPORTED, actor=acting_user, target=unit, after={"year": year, "month": month, "unit": unit.pk}
        )


def _receipts(entries: list[Entry]) -> str:
    return "；".join(
        f"{e.get_method_display()} {e.reference}".strip()
        + (f"（{_('代缴人')}：{e.paid_by_name}）" if e.paid_by_name else "")
        for e in entries
        if e.kind == Entry.Kind.PAYMENT
    )


def month_xlsx(*, acting_user: Any, unit: OrgUnit, year: int, month: int) -> IO[bytes]:
    require_manage(acting_user=acting_user, unit=unit, message=NOT_YOURS)
    data = sheet(unit=unit, year=year, month=month)
    headers = [
        _("姓名"),
        _("应交（元）"),
        _("已交（元）"),
        _("减免（元）"),
        _("欠交（元）"),
        _("计算方法"),
        _("凭证号"),
    ]
    rows = [
        [line.name, line.billed, line.paid, line.reduced, line.outstanding, line.how, _receipts(line.entries)]
        for line in data.lines
    ]
    totals = data.totals
    rows.append([_("合计"), totals["billed"], totals["paid"], totals["reduced"], totals["outstanding"], "", ""])
    rows.extend([member.name, "", "", "", "", _("缺少党费基数"), ""] for member in data.missing)
    _audit_export(acting_user, unit, year, month)
    return _workbook(f"{year}-{month:02d}", headers, rows)


def year_xlsx(*, acting_user: Any, unit: OrgUnit, year: int) -> IO[bytes]:
    """One row per member: what they paid each month (empty: not billed), billed and outstanding for the year."""
    require_manage(acting_user=acting_user, unit=unit, message=NOT_YOURS)
    headers = [_("姓名")] + [_("%(month)s月已交") % {"month": m} for m in range(1, 13)]
    headers += [_("全年应交（元）"), _("全年已交（元）"), _("全年欠交（元）")]
    rows = []
    for person in year_lines(unit=unit, year=year):
        months = person["months"]
        billed = sum((r["billed"] for r in months.values()), ZERO)
        paid = sum((r["paid"] for r in months.values()), ZERO)
        reduced = sum((r["reduced"] for r in months.values()), ZERO)
        cells: list[Any] = [person["name"]]
        cells += [months[m]["paid"] if m in months else "" for m in range(1, 13)]
        rows.append([*cells, billed, paid, billed - paid - reduced])
    _audit_export(acting_user, unit, year, None)
    return _workbook(str(year), headers, rows)
