"""Spreadsheets for people: the import template and the error report."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .aliases import help_rows
from .columns import COLUMNS, ERROR_COLUMN, HEADERS, HELP_SHEET, MAX_ROWS, TEMPLATE_SHEET, choice_labels, column_format
from .reading import Sheet

_BAD_FILL = PatternFill("solid", fgColor="FEE4E2")
_TEXT_COLUMNS = ("身份证号", "手机号", "学号/工号", "出生日期", "入党日期", "转正日期", "保留组织关系起始日期")


def template_write(*, out: IO[bytes]) -> None:
    """The import template: the header row (text-formatted where Excel would mangle values,
    drop-down lists for the choice columns) and a "说明" sheet, one line per column with the
    alias table's other names of the column and other ways of writing its values (aliases.py)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = TEMPLATE_SHEET
    sheet.append(list(HEADERS))
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C8161D" if column.required else "000000")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(10, len(column.example) * 1.6)
        if column.header in _TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices is not None:
            labels = ",".join(choice_labels(column.choices).values())
            validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=not column.required)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(["列名", "是否必填", "含义", "格式", "示例", "其他可用列名", "可识别的其他写法"])
    for column, other_names, other_values in help_rows():
        help_sheet.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.meaning,
                column_format(column),
                column.example,
                other_names,
                other_values,
            ]
        )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (12, 10, 48, 48, 26, 36, 60), strict=True):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.append([])
    help_sheet.append(
        [
            "说明",
            "",
            "表头行上方可以有标题行；列名可用“列名”或“其他可用列名”中的任一个（全国党员管理信息系统导出的名册可直接导入），"
            "无法识别的列不读取；红色列为必填。同一身份证号已有档案的将被更新，否则新建。"
            "校验通过并确认后才会写入，任何一行有错误时都不会导入。",
        ]
    )
    workbook.save(out)


def error_report_write(
    *, sheet: Sheet, errors: list[dict[str, Any]], out: IO[bytes], title: str = TEMPLATE_SHEET
) -> None:
    """The uploaded rows as they were, with an extra "错误" column filled on each bad row:
    fix the file, upload it again (the extra column is ignored)."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        if error["row"]:
            text = f"{error['column']}：{error['message']}" if error["column"] else error["message"]
            by_row.setdefault(error["row"], []).append(text)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title)
    worksheet.freeze_panes = "A2"
    headers = [header for header in sheet.headers if header != ERROR_COLUMN]
    keep = [index for index, header in enumerate(sheet.headers) if header != ERROR_COLUMN]
    worksheet.append([*headers, ERROR_COLUMN])
    for number, cells in sheet.rows:
        values: list[Any] = [cells[index] for index in keep]
        messages = by_row.get(number)
        if messages:
            cell = WriteOnlyCell(worksheet, "；".join(messages))
            cell.fill = _BAD_FILL
            cell.font = Font(color="B42318")
            values.append(cell)
        worksheet.append(values)
    workbook.save(out)
