"""The question bank: what makes a question valid, and its writes (docs/exams.md "Question bank").

One ``QuestionInput`` is what the form, the API, the .xlsx and the GIFT imports read; one
``question_problems`` says, in Chinese and keyed by field, what is wrong with it, so that a row
of an import and a form are refused alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage, scope_for

from .audit_events import EVENT_QUESTION_SAVED
from .models import Question

Kind = Question.Kind
TRUE_FALSE_OPTIONS = ("正确", "错误")
MAX_OPTIONS = 8


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    options: tuple[str, ...] = ()
    answer: tuple[Any, ...] = ()  # option indices (choice kinds) or accepted texts (blank)
    reference: str = ""
    explanation: str = ""
    category: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    difficulty: int = 3


def normalized(data: QuestionInput) -> QuestionInput:
    """Trimmed texts; a true/false question's two fixed options."""
    options = tuple(o.strip() for o in data.options if o and o.strip())
    if data.kind == Kind.TRUE_FALSE:
        options = TRUE_FALSE_OPTIONS
    answer: tuple[Any, ...] = data.answer
    if data.kind == Kind.BLANK:
        answer = tuple(str(a).strip() for a in data.answer if str(a).strip())
    tags = tuple(dict.fromkeys(t.strip()[:30] for t in data.tags if t and t.strip()))
    return QuestionInput(
        kind=data.kind,
        text=data.text.strip(),
        options=options,
        answer=answer,
        reference=data.reference.strip(),
        explanation=data.explanation.strip(),
        category=data.category.strip()[:50],
        tags=tags,
        difficulty=data.difficulty,
    )


def question_problems(data: QuestionInput) -> dict[str, str]:
    """What is wrong with ``data`` (normalized), by field; empty when it is a valid question."""
    problems: dict[str, str] = {}
    if data.kind not in Kind.values:
        return {"kind": _("题型不正确，应为单选题、多选题、判断题、填空题或简答题。")}
    if not data.text:
        problems["text"] = _("请填写题干。")
    if not 1 <= data.difficulty <= 5:
        problems["difficulty"] = _("难度应为 1 到 5。")
    if data.kind in (Kind.SINGLE, Kind.MULTIPLE):
        if not 2 <= len(data.options) <= MAX_OPTIONS:
            problems["options"] = _("选择题应有 2 到 %(max)s 个选项。") % {"max": MAX_OPTIONS}
    if data.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE):
        answer = _choice_problem(data)
        if answer:
            problems["answer"] = answer
    elif data.kind == Kind.BLANK and not data.answer:
        problems["answer"] = _("填空题请至少填写一个正确答案。")
    return problems


def _choice_problem(data: QuestionInput) -> str:
    indices = [a for a in data.answer if isinstance(a, int) and not isinstance(a, bool)]
    if not indices or len(indices) != len(data.answer):
        return _("请指定正确选项。")
    if any(not 0 <= i < len(data.options) for i in indices) or len(set(indices)) != len(indices):
        return _("正确选项不在选项之中。")
    if data.kind in (Kind.SINGLE, Kind.TRUE_FALSE) and len(indices) != 1:
        return _("单选题和判断题只能有一个正确选项。")
    if data.kind == Kind.MULTIPLE and len(indices) < 2:
        return _("多选题至少应有两个正确选项。")
    return ""


def can_keep_bank(*, acting_user: Any) -> bool:
    return scope_for(acting_user).is_manager


def bank_units(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """The units whose bank (and exams) ``acting_user`` keeps: those they manage."""
    return OrgUnit.objects.filter(scope_for(acting_user).units_q(manage=True), closed_on__isnull=True).order_by("path")


def questions_kept(*, acting_user: Any) -> QuerySet[Question]:
    """The questions of the banks ``acting_user`` manages (PermissionDenied for anyone else)."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能维护题库。"))
    return Question.objects.filter(scope.units_q("unit__", manage=True)).select_related("unit")


def question_save(
    *, acting_user: Any, unit: OrgUnit, data: QuestionInput, question: Question | None = None
) -> Question:
    """Add a question to ``unit``'s bank, or change ``question`` (which stays in its unit)."""
    target = question.unit if question is not None else unit
    require_manage(acting_user=acting_user, unit=target, message=_("您无权维护“%(unit)s”的题库。"))
    data = normalized(data)
    problems = question_problems(data)
    if problems:
        raise ValidationError(problems)
    fields = asdict(data)
    fields["options"], fields["answer"], fields["tags"] = list(data.options), list(data.answer), list(data.tags)
    with transaction.atomic():
        if question is None:
            question = Question.objects.create(unit=target, created_by=acting_user, **fields)
        else:
            for name, value in fields.items():
                setattr(question, name, value)
            question.save()
        audit_record(
            event=EVENT_QUESTION_SAVED,
            actor=acting_user,
            target=question,
            after={"kind": question.kind, "category": question.category, "active": question.active},
        )
    return question


def question_set_active(*, acting_user: Any, question: Question, active: bool) -> Question:
    """Withdraw a question from future papers (papers already drawn keep it), or bring it back."""
    require_manage(acting_user=acting_user, unit=question.unit, message=_("您无权维护“%(unit)s”的题库。"))
    with transaction.atomic():
        question.active = active
        question.save(update_fields=["active", "updated_at"])
        audit_record(
            event=EVENT_QUESTION_SAVED,
            actor=acting_user,
            target=question,
            after={"kind": question.kind, "category": question.category, "active": active},
        )
    return question


def question_input_of(question: Question) -> QuestionInput:
    return QuestionInput(
        kind=question.kind,
        text=question.text,
        options=tuple(question.options),
        answer=tuple(question.answer),
        reference=question.reference,
        explanation=question.explanation,
        category=question.category,
        tags=tuple(question.tags),
        difficulty=question.difficulty,
    )
