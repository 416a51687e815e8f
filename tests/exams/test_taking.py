"""Taking an exam: papers drawn at the opening (one per member, shuffled), starting only marks a
row, answers saved per question, the server's clock, marking, and the refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.utils import InternalError, ProgrammingError
from django.utils import timezone

from services.exams import marking, papers, taking
from services.exams.models import Answer, Attempt, Exam, Question
from tests.orglife.conftest import Branch

from .conftest import account, add_questions, open_exam

pytestmark = pytest.mark.django_db


def _answer_right(user, exam, attempt) -> None:  # type: ignore[no-untyped-def]
    questions = Question.objects.in_bulk([e[0] for e in attempt.paper])
    for pk, kind, _order, _points in attempt.paper:
        q = questions[pk]
        given = q.answer if kind not in ("blank", "short") else (["为人民服务"] if kind == "blank" else ["我的体会"])
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=pk, given=given)


def test_papers_are_drawn_at_opening_one_per_member_with_the_rules(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    assert exam.status == Exam.Status.OPEN
    attempts = list(Attempt.objects.filter(exam=exam))
    assert len(attempts) == 5  # four full members and one probationary
    for attempt in attempts:
        assert attempt.status == Attempt.Status.READY and len(attempt.paper) == 5
        assert attempt.total == Decimal("19")  # 2×2 + 3×5
        assert len({e[0] for e in attempt.paper}) == 5
    assert papers.papers_draw(exam=exam) == 0  # idempotent


def test_an_exam_opening_later_is_drawn_by_the_sweeper(branch: Branch) -> None:
    add_questions(branch)
    now = timezone.now()
    exam = open_exam(branch, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    assert exam.status == Exam.Status.PUBLISHED and not exam.attempts.exists()
    assert papers.exams_to_open(now=now + timedelta(minutes=59)) == 5
    exam.refresh_from_db()
    assert exam.status == Exam.Status.OPEN


def test_start_answer_submit_and_marking(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_taker")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    assert attempt.status == Attempt.Status.STARTED
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=30)
    _answer_right(user, exam, attempt)
    _answer_right(user, exam, attempt)  # saving again replaces: one row per question
    assert Answer.objects.filter(attempt=attempt).count() == 5
    done = taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    assert done.status == Attempt.Status.SUBMITTED and done.pending_marks == 1
    assert done.score == Decimal("14")  # everything but the short answer
    answer = marking.marking_queue(acting_user=branch.secretary).get()
    marking.answer_mark(acting_user=branch.secretary, answer=answer, points=Decimal("3"), note="较好")
    done.refresh_from_db()
    assert done.status == Attempt.Status.MARKED and done.score == Decimal("17")


def test_resuming_keeps_the_deadline(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_resume")
    first = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    again = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    assert again.pk == first.pk and again.deadline_at == first.deadline_at


def test_answers_after_the_time_limit_are_refused_and_the_paper_submitted(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_late")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="答题时间已到"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=attempt.paper[0][0], given=[0])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKED and attempt.timed_out and attempt.score == 0
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_forged_question_and_a_bad_option_are_refused(branch: Branch) -> None:
    questions = add_questions(branch) + add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_forger")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    outside = next(q for q in questions if q.pk not in {e[0] for e in attempt.paper})
    with pytest.raises(ValidationError, match="不在您的试卷中"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=outside.pk, given=[0])
    choice = next(e for e in attempt.paper if e[1] == "single")
    with pytest.raises(ValidationError, match="不在本题之中"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[7])
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_second_attempt_beyond_the_limit_is_refused(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch, attempts=2)
    user = account(branch.members[2], "exam_twice")
    taking.attempt_start(acting_user=user, exam_id=exam.pk)
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    second = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    assert second.number == 2 and second.status == Attempt.Status.STARTED
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    with pytest.raises(ValidationError, match="答题次数已用完"):
        taking.attempt_start(acting_user=user, exam_id=exam.pk)
    assert Attempt.objects.filter(exam=exam, member=branch.members[2]).count() == 2


def test_a_closed_exam_takes_no_answers(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_closed")
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="考试已结束"):
        taking.attempt_start(acting_user=user, exam_id=exam.pk)
    with pytest.raises(ValidationError, match="没有正在进行的答题"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=1, given=[0])


def test_the_database_keeps_submitted_answers_final(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_final")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    _answer_right(user, exam, attempt)
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Answer.objects.filter(attempt=attempt).update(given=[2])
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Answer.objects.create(
            attempt=attempt, question_id=attempt.paper[0][0] + 100000, given=[0], saved_at=timezone.now()
        )


def test_the_sweeper_submits_attempts_whose_time_is_up(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "exam_sweep")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    blank = next(e for e in attempt.paper if e[1] == "blank")
    taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=blank[0], given=["为人民服务"])
    assert taking.attempts_timed_out(now=timezone.now() + timedelta(minutes=31)) == 1
    attempt.refresh_from_db()
    assert attempt.finished and attempt.timed_out and attempt.score == Decimal("5")
