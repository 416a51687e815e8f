"""Marking (docs/exams.md "Marking"): automatic at submit or time-out for the choice kinds and
fill-in-the-blank; short answers wait for a person who manages the exam's unit.

- single choice and true/false: the one correct option; multiple choice: exactly the correct
  set (no part marks); fill in the blank: one of the accepted texts, compared without spaces,
  case or full-width differences;
- an unanswered question scores 0, a short answer too (nothing to mark).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.scope import require_manage, scope_for

from .audit_events import EVENT_ANSWER_MARKED
from .models import Answer, Attempt, Question

Kind = Question.Kind


def blank_text(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def is_correct(question: Question, given: list[Any]) -> bool:
    if question.kind == Kind.BLANK:
        accepted = {blank_text(a) for a in question.answer}
        return bool(given) and blank_text(given[0]) in accepted
    return sorted(given) == sorted(question.answer)


def auto_mark(attempt: Attempt) -> None:
    """Mark every answer of ``attempt`` that a machine can, and set its score, pending short
    answers and status (called inside the submitting transaction, the attempt locked)."""
    points = {entry[0]: Decimal(entry[3]) for entry in attempt.paper}
    questions = Question.objects.in_bulk(list(points))
    answers = list(Answer.objects.filter(attempt=attempt))
    score, pending = Decimal(0), 0
    for answer in answers:
        question = questions[answer.question_id]
        if question.kind == Kind.SHORT:
            if any(str(g).strip() for g in answer.given):
                pending += 1
                continue
            answer.correct, answer.points = False, Decimal(0)
        else:
            answer.correct = is_correct(question, answer.given)
            answer.points = points[answer.question_id] if answer.correct else Decimal(0)
        score += answer.points
    Answer.objects.bulk_update(answers, ["correct", "points"])
    attempt.score, attempt.pending_marks = score, pending
    attempt.status = Attempt.Status.SUBMITTED if pending else Attempt.Status.MARKED


def marking_queue(*, acting_user: Any) -> QuerySet[Answer]:
    """Short answers waiting for a marker, in exams of units ``acting_user`` manages."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能阅卷。"))
    return (
        Answer.objects.filter(
            scope.units_q("attempt__exam__unit__", manage=True),
            attempt__status=Attempt.Status.SUBMITTED,
            question__kind=Kind.SHORT,
            marked_at__isnull=True,
            correct__isnull=True,
        )
        .select_related("attempt__exam", "question")
        .order_by("attempt__exam_id", "attempt_id", "pk")
    )


def max_points(answer: Answer) -> Decimal:
    return next(Decimal(e[3]) for e in answer.attempt.paper if e[0] == answer.question_id)


def answer_mark(*, acting_user: Any, answer: Answer, points: Decimal, note: str = "") -> Answer:
    """A person marks one short answer (0 to its points); the attempt's score follows, and it is
    marked once no short answer waits. A marked answer is final."""
    attempt = answer.attempt
    require_manage(acting_user=acting_user, unit=attempt.exam.unit, message=_("您无权评阅“%(unit)s”的考试。"))
    top = max_points(answer)
    if not Decimal(0) <= points <= top:
        raise ValidationError({"points": _("得分应在 0 到 %(max)s 之间。") % {"max": top}})
    with transaction.atomic():
        locked = Answer.objects.select_for_update().get(pk=answer.pk)
        if locked.marked_at is not None or locked.correct is not None:
            raise ValidationError(_("该答案已评阅。"))
        locked.points, locked.correct, locked.note = points, points == top, (note or "").strip()[:200]
        locked.marked_by, locked.marked_at = acting_user, timezone.now()
        locked.save(update_fields=["points", "correct", "note", "marked_by", "marked_at"])
        Attempt.objects.filter(pk=attempt.pk).update(score=F("score") + points, pending_marks=F("pending_marks") - 1)
        Attempt.objects.filter(pk=attempt.pk, pending_marks=0).update(status=Attempt.Status.MARKED)
        audit_record(
            event=EVENT_ANSWER_MARKED,
            actor=acting_user,
            target=locked,
            after={"points": str(points), "note": locked.note},
        )
    return locked
