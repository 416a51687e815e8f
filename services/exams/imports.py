"""Questions in and out of the bank (docs/exams.md "Import and export"): an .xlsx in the export's
columns, or Moodle GIFT text. Every row is checked by ``bank.question_problems`` (the form's own
rules); one row with an error and nothing is imported, each error given by its row in Chinese.
The export writes the same columns, so it re-imports."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage

from .audit_events import EVENT_QUESTIONS_EXPORTED, EVENT_QUESTIONS_IMPORTED
from .bank import QuestionInput, normalized, question_problems, questions_kept
from .gift import gift_parse
from .models import Question
from .question_text import LETTERS, answer_text, question_input

OPTION_COLUMNS = tuple(f"选项{letter}" for letter in LETTERS[:6])
COLUMNS = ("题型", "题干", *OPTION_COLUMNS, "正确答案", "类别", "标签", "难度", "解析", "参考答案")
MAX_ROWS = 2000


@dataclass(frozen=True)
class Parsed:
    rows: list[tuple[int, QuestionInput]]
    errors: list[str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def xlsx_parse(content: bytes) -> Parsed:
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:
        return Parsed([], [_("无法读取该文件，请上传 .xlsx 格式的试题表。")])
    lines = sheet.iter_rows(values_only=True)
    header = [_cell(v) for v in next(lines, ())]
    missing = [c for c in ("题型", "题干", "正确答案") if c not in header]
    if missing:
        return Parsed([], [_("表头缺少列：%(columns)s。") % {"columns": "、".join(missing)}])
    where = {name: header.index(name) for name in COLUMNS if name in header}
    rows: list[tuple[int, QuestionInput]] = []
    errors: list[str] = []
    for number, values in enumerate(lines, start=2):
        cells = {name: _cell(values[i]) if i < len(values) else "" for name, i in where.items()}
        if not any(cells.values()):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(_("一次最多导入 %(max)s 题。") % {"max": MAX_ROWS})
            break
        difficulty = cells.get("难度") or "3"
        if not difficulty.isdigit():
            errors.append(_("第 %(row)s 行：难度应为 1 到 5。") % {"row": number})
            continue
        data = question_input(
            kind=cells["题型"],
            text=cells["题干"],
            options=[cells.get(c, "") for c in OPTION_COLUMNS],
            answer=cells["正确答案"],
            reference=cells.get("参考答案", ""),
            explanation=cells.get("解析", ""),
            category=cells.get("类别", ""),
            tags=cells.get("标签", ""),
            difficulty=int(difficulty),
        )
        rows.append((number, data))
    return Parsed(rows, errors)


def gift_rows(text: str) -> Parsed:
    rows: list[tuple[int, QuestionInput]] = []
    errors: list[str] = []
    for item in gift_parse(text):
        if item.data is None:
            errors.append(_("第 %(row)s 行起的题目：%(error)s") % {"row": item.line, "error": item.error})
        else:
            rows.append((item.line, item.data))
    if not rows and not errors:
        errors.append(_("没有读到题目。"))
    return Parsed(rows, errors)


def _row_errors(parsed: Parsed, *, label: str) -> tuple[list[QuestionInput], list[str]]:
    errors = list(parsed.errors)
    good = []
    for number, data in parsed.rows:
        data = normalized(data)
        problems = question_problems(data)
        if problems:
            errors.append(label % {"row": number, "error": "；".join(problems.values())})
        else:
            good.append(data)
    return good, errors


def questions_import(*, acting_user: Any, unit: OrgUnit, filename: str, content: bytes) -> int:
    """Import every question of the file into ``unit``'s bank, or none (ValidationError listing
    each row's error)."""
    require_manage(acting_user=acting_user, unit=unit, message=_("您无权维护“%(unit)s”的题库。"))
    if filename.lower().endswith((".gift", ".txt")):
        parsed, label, kind = (
            gift_rows(content.decode("utf-8-sig", errors="replace")),
            _("第 %(row)s 行起的题目：%(error)s"),
            "gift",
        )
    else:
        parsed, label, kind = xlsx_parse(content), _("第 %(row)s 行：%(error)s"), "xlsx"
    good, errors = _row_errors(parsed, label=label)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Question.objects.bulk_create(
            Question(
                unit=unit,
                created_by=acting_user,
                kind=d.kind,
                text=d.text,
                options=list(d.options),
                answer=list(d.answer),
                reference=d.reference,
                explanation=d.explanation,
                category=d.category,
                tags=list(d.tags),
                difficulty=d.difficulty,
            )
            for d in good
        )
        audit_record(
            event=EVENT_QUESTIONS_IMPORTED, actor=acting_user, target=unit, after={"format": kind, "count": len(good)}
        )
    return len(good)


def questions_export(*, acting_user: Any) -> bytes:
    """The banks ``acting_user`` keeps as .xlsx in the import's columns."""
    questions = list(questions_kept(acting_user=acting_user).filter(active=True).order_by("unit__path", "pk"))
    book = Workbook()
    sheet = book.active
    sheet.title = "试题"
    sheet.append(list(COLUMNS))
    for q in questions:
        options = list(q.options)[: len(OPTION_COLUMNS)] if q.kind != Question.Kind.TRUE_FALSE else []
        options += [""] * (len(OPTION_COLUMNS) - len(options))
        sheet.append(
            [
                q.get_kind_display(),
                q.text,
                *options,
                answer_text(q.kind, q.answer),
                q.category,
                ",".join(q.tags),
                q.difficulty,
                q.explanation,
                q.reference,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(event=EVENT_QUESTIONS_EXPORTED, actor=acting_user, after={"count": len(questions)})
    return buffer.getvalue()
