"""The question bank: validation in Chinese by field, import from .xlsx (row-level errors, all or
nothing) and GIFT, and an export that re-imports."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from services.exams import bank, imports
from services.exams.bank import QuestionInput
from services.exams.gift import gift_parse
from services.exams.models import Question
from tests.orglife.conftest import Branch

from .conftest import account, add_questions

pytestmark = pytest.mark.django_db
Kind = Question.Kind


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(imports.COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(kind: str, text: str, options: list[str], answer: str, category: str = "党章") -> list[object]:
    return [kind, text, *(options + [""] * (6 - len(options))), answer, category, "二十大", 3, "", ""]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (QuestionInput(Kind.SINGLE, "题", ("甲", "乙"), ()), "answer", "请指定正确选项"),
        (QuestionInput(Kind.SINGLE, "题", ("甲", "乙"), (0, 1)), "answer", "只能有一个正确选项"),
        (QuestionInput(Kind.MULTIPLE, "题", ("甲", "乙", "丙"), (5, 1)), "answer", "不在选项之中"),
        (QuestionInput(Kind.SINGLE, "题", ("甲",), (0,)), "options", "2 到 8 个选项"),
        (QuestionInput(Kind.BLANK, "题", (), ()), "answer", "至少填写一个正确答案"),
        (QuestionInput(Kind.SHORT, "", (), ()), "text", "请填写题干"),
    ],
)
def test_a_question_is_refused_with_its_reason(data: QuestionInput, field: str, message: str) -> None:
    problems = bank.question_problems(bank.normalized(data))
    assert message in problems[field]


def test_only_managers_keep_the_bank(branch: Branch) -> None:
    member = account(branch.members[3], "bank_member")
    with pytest.raises(PermissionDenied):
        bank.question_save(acting_user=member, unit=branch.unit, data=QuestionInput(Kind.TRUE_FALSE, "题", answer=(0,)))
    with pytest.raises(PermissionDenied):
        bank.questions_kept(acting_user=member)


def test_xlsx_import_reports_each_bad_row_in_chinese_and_imports_nothing(branch: Branch) -> None:
    content = _xlsx(
        [
            _row("单选题", "好题", ["甲", "乙"], "A"),
            _row("单选题", "没有正确选项", ["甲", "乙"], ""),
            _row("多选题", "选项外的答案", ["甲", "乙"], "A,F"),
            _row("魔法题", "题型不对", [], ""),
        ]
    )
    with pytest.raises(ValidationError) as refused:
        imports.questions_import(acting_user=branch.secretary, unit=branch.unit, filename="q.xlsx", content=content)
    messages = refused.value.messages
    assert messages[0] == "第 3 行：请指定正确选项。"
    assert messages[1].startswith("第 4 行：") and "不在选项之中" in messages[1]
    assert messages[2].startswith("第 5 行：题型不正确")
    assert not Question.objects.exists()


def test_export_re_imports_to_the_same_questions(branch: Branch) -> None:
    add_questions(branch)
    exported = imports.questions_export(acting_user=branch.secretary)
    assert load_workbook(io.BytesIO(exported)).active.max_row == 8
    before = list(Question.objects.order_by("pk").values_list("kind", "text", "options", "answer", "category", "tags"))
    Question.objects.all().delete()
    count = imports.questions_import(
        acting_user=branch.secretary, unit=branch.unit, filename="questions.xlsx", content=exported
    )
    assert count == 7
    after = list(Question.objects.order_by("pk").values_list("kind", "text", "options", "answer", "category", "tags"))
    assert after == before


GIFT = """
// 党章题
$CATEGORY: $course$/党章
::q1:: 预备党员的预备期为几年？ {~半年 =一年 ~两年}

党员的权利包括： {~%50%表决权 ~%50%选举权 ~%-100%指定继承人}

遵义会议召开于1935年。 {T}

中国共产党的根本宗旨是全心全意{=为人民服务 =为人民服务的}。

谈谈你的体会。 {}

配对题 {=甲 -> 乙 =丙 -> 丁}
"""


def test_gift_text_is_read_by_kind() -> None:
    items = gift_parse(GIFT)
    kinds = [item.data.kind if item.data else item.error for item in items]
    assert kinds[:5] == [Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE, Kind.BLANK, Kind.SHORT]
    assert "不支持的题型" in kinds[5]
    first = items[0].data
    assert first is not None and first.text == "预备党员的预备期为几年？" and first.answer == (1,)
    assert first.category == "党章"
    assert items[1].data is not None and items[1].data.answer == (0, 1)
    assert items[3].data is not None and items[3].data.answer == ("为人民服务", "为人民服务的")


def test_gift_import_refuses_the_unsupported_question_by_its_line(branch: Branch) -> None:
    with pytest.raises(ValidationError) as refused:
        imports.questions_import(
            acting_user=branch.secretary, unit=branch.unit, filename="bank.gift", content=GIFT.encode()
        )
    assert refused.value.messages == ["第 14 行起的题目：不支持的题型（只支持选择、判断、填空和简答）。"]
    good = GIFT.replace("配对题 {=甲 -> 乙 =丙 -> 丁}", "")
    count = imports.questions_import(
        acting_user=branch.secretary, unit=branch.unit, filename="bank.txt", content=good.encode()
    )
    assert count == 5
