"""The results of a survey as .xlsx (openpyxl, like the roster export): the counts as the results
page shows them (hidden cells stay hidden), the texts, and in named mode the comments with names.
Every cell is written as text, so an answer that starts with "=" is never a formula."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.audit.services import audit_record

from .audience import can_manage_survey, can_see_results
from .audit_events import EVENT_EXPORTED
from .models import Survey
from .results import SurveyResults, survey_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_xlsx(*, acting_user: Any, survey: Survey) -> bytes:
    if not can_see_results(acting_user=acting_user, survey=survey):
        raise PermissionDenied(_("您无权查看这次意见征集的结果。"))
    names = can_manage_survey(acting_user=acting_user, survey=survey)
    results = survey_results(survey=survey, names=names)
    workbook = Workbook(write_only=True)
    counts = _sheet(workbook, _("统计"), [_("部分"), _("题目"), _("选项或评分"), _("人数"), _("占比（%）")])
    texts = _sheet(workbook, _("文字回答"), [_("题目"), _("姓名"), _("回答")])
    if not results.hidden:
        _counts(counts, results)
        _texts(texts, results)
    if not survey.anonymous and names:
        comments = _sheet(workbook, _("分部分意见"), [_("部分"), _("姓名"), _("所在组织"), _("意见")])
        for section in results.sections:
            for name, unit, text in section.comments:
                _row(comments, [section.section.title, name, unit, text])
    out = BytesIO()
    workbook.save(out)
    with transaction.atomic():
        audit_record(event=EVENT_EXPORTED, actor=acting_user, target=survey, after={"format": "xlsx"})
    return out.getvalue()


def _counts(sheet: WriteOnlyWorksheet, results: SurveyResults) -> None:
    hidden = _("少于 %(k)s") % {"k": results.threshold}
    for section in results.sections:
        for question in section.questions:
            for cell in question.cells:
                count = hidden if cell.count is None else str(cell.count)
                share = "" if cell.share is None else str(cell.share)
                _row(sheet, [section.section.title, question.question.text, cell.label, count, share])
            if question.average:
                _row(sheet, [section.section.title, question.question.text, _("平均分"), question.average, ""])


def _texts(sheet: WriteOnlyWorksheet, results: SurveyResults) -> None:
    for section in results.sections:
        for question in section.questions:
            if question.named_texts:
                for name, text in question.named_texts:
                    _row(sheet, [question.question.text, name, text])
            else:
                for text in question.texts:
                    _row(sheet, [question.question.text, "", text])


def _sheet(workbook: Workbook, title: str, headers: list[str]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _row(sheet: WriteOnlyWorksheet, values: list[str]) -> None:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, str(value))
        cell.data_type = "s"  # text, even "=…": never a formula
        cells.append(cell)
    sheet.append(cells)
