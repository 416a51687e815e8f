"""Isolation cases of 考试 (merged into test_isolation's CASES), and the builders of its objects
for the role × route matrix (registered in matrix_world.py): an exam of a branch open now with its
papers drawn, a question of the branch's bank, a short answer waiting to be marked."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def exam_question(branch: models.Model, marker: str) -> models.Model:
    from services.exams.models import Question

    return Question.objects.create(
        unit=branch, kind=Question.Kind.SINGLE, text=marker, options=["甲", "乙"], answer=[0], category="MX"
    )


def exam(branch: models.Model, marker: str) -> models.Model:
    """An exam of ``branch`` titled ``marker``, open now, its papers drawn for the branch's members."""
    from services.exams.models import Exam
    from services.exams.papers import papers_draw

    exam_question(branch, f"{marker}-q")
    now = timezone.now()
    made = Exam.objects.create(
        unit=branch,
        title=marker,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
        time_limit_minutes=30,
        rules=[{"category": "MX", "count": 1, "points": 1}],
        status=Exam.Status.PUBLISHED,
    )
    papers_draw(exam=made)
    return made


def exam_answer(branch: models.Model, marker: str) -> models.Model:
    """A short answer (the text is ``marker``) of a paper of ``branch``, submitted and waiting to be
    marked: a paper drawn for one of the branch's members (a new member only where it has none)."""
    from services.exams.models import Answer, Attempt, Question
    from tests.factories import MemberFactory

    made = exam(branch, f"{marker}-exam")
    question = Question.objects.create(unit=branch, kind=Question.Kind.SHORT, text=f"{marker}-short")
    now = timezone.now()
    attempt = Attempt.objects.filter(exam=made).order_by("pk").first()
    if attempt is None:
        attempt = Attempt.objects.create(exam=made, member=MemberFactory(branch=branch))
    Attempt.objects.filter(pk=attempt.pk).update(
        paper=[[question.pk, "short", [], "5"]],
        status=Attempt.Status.STARTED,
        started_at=now,
        deadline_at=now + timedelta(minutes=30),
        total=5,
    )
    answer = Answer.objects.create(attempt=attempt, question=question, given=[marker], saved_at=now)
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED, pending_marks=1, score=0)
    return answer


def _unit() -> models.Model:
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory()


def _exam(owner: User, marker: str) -> models.Model:
    return exam(_unit(), marker)


def _question(owner: User, marker: str) -> models.Model:
    return exam_question(_unit(), marker)


def _answer(owner: User, marker: str) -> models.Model:
    return exam_answer(_unit(), marker)


def _unmarked(obj: models.Model) -> bool:
    from services.exams.models import Answer

    return Answer.objects.filter(pk=obj.pk, marked_at__isnull=True).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "exams:home"): Case("page"),
    (TENANT, "exams:exam"): Case("object", factory=_exam),
    (TENANT, "exams:start"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams:take"): Case("object", factory=_exam),
    (TENANT, "exams:answer"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams:submit"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams:result"): Case("object", factory=_exam),
    (TENANT, "exams:leaderboard"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams:manage"): Case("collection", factory=_exam),
    (TENANT, "exams:exam_new"): Case("page", methods=("get", "post")),
    (TENANT, "exams:report"): Case("object", factory=_exam),
    (TENANT, "exams:exam_edit"): Case("object", factory=_exam, methods=("get", "post")),
    (TENANT, "exams:exam_publish"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams:marking"): Case("collection", factory=_answer),
    (TENANT, "exams:mark"): Case("object", factory=_answer, methods=("post",), exists=_unmarked),
    (TENANT, "exams:bank"): Case("collection", factory=_question),
    (TENANT, "exams:question_new"): Case("page", methods=("get", "post")),
    (TENANT, "exams:question_edit"): Case("object", factory=_question, methods=("get", "post")),
    (TENANT, "exams:question_toggle"): Case("object", factory=_question, methods=("post",)),
    (TENANT, "exams:import"): Case("page", methods=("get", "post")),
    (TENANT, "exams:export"): Case("page"),
    (TENANT, "exams-mine"): Case("page"),
    (TENANT, "exams-start"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams-answer"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams-submit"): Case("object", factory=_exam, methods=("post",)),
    (TENANT, "exams-result"): Case("object", factory=_exam),
    (TENANT, "exams-questions"): Case("collection", factory=_question, methods=("get", "post")),
    (TENANT, "exams-exams"): Case("collection", factory=_exam),
    (TENANT, "exams-publish"): Case("object", factory=_exam, methods=("post",)),
}
