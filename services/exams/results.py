"""What members read (docs/exams.md "Results"): their exams, their paper while they answer, their
result once the exam has closed, and a contest's leaderboard of those who chose to appear."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.selectors import member_of
from services.organization.scope import ancestor_paths

from .audit_events import EVENT_LEADERBOARD_CHOICE
from .models import Answer, Attempt, Exam, Question
from .papers import AUDIENCE_STATUSES

# The exams members see (and may start while open): published ones, never drafts.
VISIBLE_STATUSES = (Exam.Status.PUBLISHED, Exam.Status.OPEN, Exam.Status.CLOSED)


@dataclass(frozen=True)
class MyExam:
    exam: Exam
    attempt: Attempt | None  # the latest

    @property
    def results_out(self) -> bool:
        return timezone.now() >= self.exam.closes_at

    @property
    def state(self) -> str:
        now = timezone.now()
        if self.attempt is not None and self.attempt.status == Attempt.Status.STARTED:
            return "started"
        if now < self.exam.opens_at:
            return "upcoming"
        if now >= self.exam.closes_at:
            return "closed"
        if self.attempt is not None and self.attempt.finished:
            return "again" if self.attempt.number < self.exam.attempts_allowed else "done"
        return "open"


def _visible_exams(member: Any) -> Any:
    return Exam.objects.filter(
        unit__path__in=ancestor_paths(member.branch.path),
        status__in=VISIBLE_STATUSES,
    ).select_related("unit")


def my_exams(*, acting_user: Any) -> list[MyExam]:
    """The exams for the caller's branch and the units above it, each with their latest attempt."""
    member = member_of(acting_user)
    if member is None or member.status not in AUDIENCE_STATUSES:
        return []
    exams = list(_visible_exams(member).order_by("-opens_at")[:100])
    latest: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(member=member, exam__in=exams).order_by("number"):
        latest[attempt.exam_id] = attempt
    return [MyExam(exam=e, attempt=latest.get(e.pk)) for e in exams]


def my_exam(*, acting_user: Any, pk: int) -> MyExam:
    """One exam the caller may take (Exam.DoesNotExist otherwise)."""
    member = member_of(acting_user)
    if member is None or member.status not in AUDIENCE_STATUSES:
        raise Exam.DoesNotExist
    exam = _visible_exams(member).get(pk=pk)
    attempt = Attempt.objects.filter(member=member, exam=exam).order_by("-number").first()
    return MyExam(exam=exam, attempt=attempt)


@dataclass(frozen=True)
class PaperLine:
    number: int
    question: Question
    options: list[tuple[int, str]]  # (the option's own index, its text), in this person's order
    points: Decimal
    given: list[Any] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def correct_texts(self) -> list[str]:
        if self.question.kind in (Question.Kind.BLANK,):
            return [str(a) for a in self.question.answer]
        return [self.question.options[i] for i in self.question.answer if i < len(self.question.options)]


def paper_lines(attempt: Attempt) -> list[PaperLine]:
    """The paper in this person's order, with their answers (two queries)."""
    questions = Question.objects.in_bulk([e[0] for e in attempt.paper])
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    lines = []
    for number, (pk, _kind, order, points) in enumerate(attempt.paper, start=1):
        question = questions[pk]
        answer = answers.get(pk)
        lines.append(
            PaperLine(
                number=number,
                question=question,
                options=[(i, question.options[i]) for i in order],
                points=Decimal(points),
                given=answer.given if answer else [],
                answer=answer,
            )
        )
    return lines


def paper_to_answer(attempt: Attempt, *, fresh: bool = False) -> list[dict[str, Any]]:
    """The paper as the taker's API shows it (``paper_lines``' fields, as plain values): one
    query for the questions' texts, and one for the answers unless the attempt is ``fresh``
    (started just now: it has none)."""
    ids = [e[0] for e in attempt.paper]
    texts = {pk: (kind, text, options) for pk, kind, text, options in _question_texts(ids)}
    given = {} if fresh else dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "given"))
    lines = []
    for number, (pk, _kind, order, points) in enumerate(attempt.paper, start=1):
        kind, text, options = texts[pk]
        lines.append(
            {
                "id": pk,
                "number": number,
                "kind": kind,
                "text": text,
                "options": [[i, options[i]] for i in order],
                "points": f"{Decimal(points):.2f}",
                "given": given.get(pk, []),
            }
        )
    return lines


def _question_texts(ids: list[int]) -> Any:
    return Question.objects.filter(pk__in=ids).values_list("pk", "kind", "text", "options")


def seconds_left(attempt: Attempt) -> int:
    return seconds_until(attempt.deadline_at)


def seconds_until(deadline: Any) -> int:
    if deadline is None:
        return 0
    return max(0, int((deadline - timezone.now()).total_seconds()))


def best_attempt(*, exam: Exam, member: Any) -> Attempt | None:
    finished = Attempt.objects.filter(
        exam=exam, member=member, status__in=(Attempt.Status.SUBMITTED, Attempt.Status.MARKED)
    )
    return finished.order_by("-score", "number").first()


def leaderboard(*, exam: Exam, limit: int = 50) -> list[dict[str, Any]]:
    """A closed contest's best scores of those who chose to appear (names of those only)."""
    if not exam.is_contest or timezone.now() < exam.closes_at:
        return []
    rows = (
        Attempt.objects.filter(exam=exam, on_leaderboard=True, score__isnull=False)
        .values("member_id", "member__name")
        .annotate(best=Max("score"))
        .order_by("-best", "member__name")[:limit]
    )
    return [{"rank": i, "name": r["member__name"], "score": r["best"]} for i, r in enumerate(rows, start=1)]


def leaderboard_choose(*, acting_user: Any, pk: int, shown: bool) -> MyExam:
    """A contest's participant chooses whether their name and best score appear (off unless chosen)."""
    mine = my_exam(acting_user=acting_user, pk=pk)
    if not mine.exam.is_contest or mine.attempt is None:
        raise ValidationError(_("只有参加了知识竞赛的人才能选择是否上排行榜。"))
    with transaction.atomic():
        Attempt.objects.filter(exam=mine.exam, member_id=mine.attempt.member_id).update(on_leaderboard=shown)
        audit_record(event=EVENT_LEADERBOARD_CHOICE, actor=acting_user, target=mine.exam, after={"shown": shown})
    return my_exam(acting_user=acting_user, pk=pk)
