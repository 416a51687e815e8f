"""The paths 300 people hit at once (issue 14's bench): how few statements they take, and that
the shortcuts refuse what the full paths refuse — the visibility checks folded into the
attempt's query, and the answer saved by one guarded upsert once the process knows the paper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services.exams import taking
from services.exams.models import Answer, Attempt, Exam
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for
from tests.factories import OrgUnitFactory
from tests.orglife.conftest import Branch

from .conftest import account, add_questions, open_exam

pytestmark = pytest.mark.django_db


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """What reached the database, without the savepoints of the test's transaction."""
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_starting_takes_one_read_one_update_one_audit_row_and_the_questions(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "fast_start")
    with CaptureQueriesContext(connection) as captured:
        attempt, fresh = taking.attempt_begin(acting_user=user, exam_id=exam.pk)
    assert fresh and attempt.status == Attempt.Status.STARTED
    statements = _statements(captured)
    assert len(statements) == 3, statements  # the attempt (visibility folded in), the update, the audit row
    assert statements[1].startswith("UPDATE") and "audit_auditevent" in statements[2]
    again, fresh_again = taking.attempt_begin(acting_user=user, exam_id=exam.pk)
    assert again.pk == attempt.pk and not fresh_again


def test_the_start_api_answers_with_the_paper_and_answers_given_on_resume(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    client = client_for(inst_a, account(branch.members[2], "fast_api"))
    url = reverse("exams-start", kwargs={"pk": exam.pk})
    client.get("/healthz/live")  # the host's route and schema are this process's by now
    with CaptureQueriesContext(connection) as captured:
        paper = client.post(url).json()
    # session, user; the attempt, the update, the audit row; the questions (no answers yet)
    assert len(_statements(captured)) == 6, _statements(captured)
    first = paper["questions"][0]
    assert [q["number"] for q in paper["questions"]] == [1, 2, 3, 4, 5]
    assert first["given"] == [] and first["points"] in ("2.00", "5.00") and first["text"]
    choice = next(q for q in paper["questions"] if q["kind"] == "single")
    assert sorted(i for i, _text in choice["options"]) == [0, 1, 2]
    answer_url = reverse("exams-answer", kwargs={"pk": exam.pk})
    given = [choice["options"][1][0]]
    client.post(answer_url, {"question": choice["id"], "given": given}, content_type="application/json")
    resumed = client.post(url).json()
    assert next(q for q in resumed["questions"] if q["id"] == choice["id"])["given"] == given
    assert resumed["attempt"]["status"] == "started" and resumed["attempt"]["seconds_left"] > 0


def test_a_known_attempt_saves_an_answer_in_one_statement(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "fast_answer")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    choice = next(e for e in attempt.paper if e[1] == "single")
    with CaptureQueriesContext(connection) as captured:
        deadline = taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[2])
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[1])
    assert len(_statements(captured)) == 2, _statements(captured)
    assert deadline == attempt.deadline_at
    stored = Answer.objects.get(attempt=attempt, question_id=choice[0])
    assert stored.given == [1]


def test_a_known_attempt_that_was_submitted_takes_no_answer(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "fast_submitted")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    with pytest.raises(ValidationError, match="没有正在进行的答题"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=attempt.paper[0][0], given=[0])
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_known_attempt_past_its_deadline_takes_no_answer_and_is_submitted(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "fast_late")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    choice = next(e for e in attempt.paper if e[1] == "single")
    taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[0])  # known now
    # The database's deadline is what counts, not the one this process remembers.
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="答题时间已到"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[1])
    attempt.refresh_from_db()
    assert attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.MARKED) and attempt.timed_out
    assert Answer.objects.get(attempt=attempt, question_id=choice[0]).given == [0]


def test_a_known_attempt_of_an_account_unlinked_from_its_member_takes_no_answer(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    member = branch.members[2]
    user = account(member, "fast_unlinked")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    Member.objects.filter(pk=member.pk).update(user=None)
    with pytest.raises(ValidationError, match="没有正在进行的答题"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=attempt.paper[0][0], given=[0])
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_bad_answer_to_a_known_attempt_is_refused_in_the_full_paths_words(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "fast_bad")
    attempt = taking.attempt_start(acting_user=user, exam_id=exam.pk)
    choice = next(e for e in attempt.paper if e[1] == "single")
    with pytest.raises(ValidationError, match="不在本题之中"):
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[9])
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    with pytest.raises(ValidationError, match="没有正在进行的答题"):  # no attempt comes first
        taking.answer_save(acting_user=user, exam_id=exam.pk, question_id=choice[0], given=[9])


@pytest.mark.parametrize("change", ["draft", "left_the_audience", "moved_out"])
def test_an_attempt_drawn_earlier_is_not_started_once_the_exam_is_not_the_callers(
    inst_a: Institution, branch: Branch, change: str
) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    member = branch.members[2]
    client = client_for(inst_a, account(member, f"fast_{change}"))
    assert Attempt.objects.filter(exam=exam, member=member).exists()
    if change == "draft":
        Exam.objects.filter(pk=exam.pk).update(status=Exam.Status.DRAFT)
    elif change == "left_the_audience":
        Member.objects.filter(pk=member.pk).update(status=Member.Status.TRANSFERRED_OUT)
    else:
        Member.objects.filter(pk=member.pk).update(branch=OrgUnitFactory(name="另一党支部"))
    response = client.post(reverse("exams-start", kwargs={"pk": exam.pk}))
    assert response.status_code == 404
    assert Attempt.objects.get(exam=exam, member=member).status == Attempt.Status.READY
