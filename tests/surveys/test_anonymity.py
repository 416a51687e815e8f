"""An anonymous survey's stored rows cannot be joined back to the people who answered.

Twelve members answer, each with a different text (a marker only they wrote) and a choice that
follows their order. Then the test tries every join an insider with the database could: the
columns of the answer rows, their ids, their physical order, their days, the participations'
order, every audit row, every log line, the outbox of messages and search, and every row of every
table of the schema. It fails to link any answer to any person."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from django.db import connection, models

from services.audit.models import AuditEvent
from services.notifications.models import Message
from services.search.models import SearchOutbox
from services.surveys import builder
from services.surveys.answering import survey_answer
from services.surveys.ballots import ballots_sweep, small_cell
from services.surveys.inputs import Submission
from services.surveys.models import Answer, Participation, PendingBallot, Question, Survey

from .conftest import World, answers_for, build_survey

ALLOWED_ANSWER_COLUMNS = {"id", "survey", "question", "option", "rating", "text", "response", "day"}


def _marker(i: int) -> str:
    return f"建议-{i:02d}-标记"


@pytest.fixture
def answered(world: World, caplog: pytest.LogCaptureFixture) -> tuple[Survey, list[int], list[str]]:
    """The survey after 12 members answered in order (then the sweep and the close), with who
    answered in which order (user ids) and every log line written meanwhile."""
    caplog.set_level(logging.DEBUG)
    survey = build_survey(world)
    order = []
    for i, user in enumerate(world.members):
        answers = answers_for(survey, choice=i % 3, rating=1 + i % 5, text=_marker(i))
        survey_answer(acting_user=user, survey=survey, submission=Submission(answers=answers))
        order.append(user.pk)
    assert ballots_sweep() == {"closed": 0, "written": len(order) - small_cell()}  # k wait for the next batch
    builder.survey_close(acting_user=world.secretary, survey=survey)
    return survey, order, [record.getMessage() for record in caplog.records]


def _text_order(rows: list[str]) -> list[int]:
    """Which member's marker each row holds, in the order given."""
    return [int(text.split("-")[1]) for text in rows if text.startswith("建议-")]


def test_answer_rows_carry_nothing_that_names_a_person_or_a_moment(
    answered: tuple[Survey, list[int], list[str]],
) -> None:
    survey, _, _ = answered
    columns = {field.name for field in Answer._meta.concrete_fields}
    assert columns == ALLOWED_ANSWER_COLUMNS
    assert not any(isinstance(f, models.DateTimeField) for f in Answer._meta.concrete_fields)
    assert isinstance(Answer._meta.pk, models.UUIDField)
    assert not Answer.objects.filter(survey=survey, response__isnull=False).exists()
    assert not PendingBallot.objects.filter(survey=survey).exists()  # all written at the close
    participation_columns = {field.name for field in Participation._meta.concrete_fields}
    assert participation_columns == {"id", "survey", "user"}  # no time, a random id


def test_ordering_the_answer_rows_does_not_give_the_order_of_answering(
    answered: tuple[Survey, list[int], list[str]],
) -> None:
    survey, order, _ = answered
    texts = Answer.objects.filter(survey=survey, question__kind=Question.Kind.TEXT)
    submitted = list(range(len(order)))
    by_id = _text_order(list(texts.order_by("id").values_list("text", flat=True)))
    with connection.cursor() as cursor:  # the physical order of the rows: the order of insertion
        cursor.execute("SELECT text FROM surveys_answer WHERE survey_id = %s AND text <> '' ORDER BY ctid", [survey.pk])
        physical = _text_order([row[0] for row in cursor.fetchall()])
    assert sorted(by_id) == sorted(physical) == submitted  # every ballot was written
    # 12! orders: the chance that a shuffle gives back the submission order is ~2e-9.
    assert by_id != submitted and physical != submitted
    # The participations' order is that of answering, and matches neither.
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM surveys_participation WHERE survey_id = %s ORDER BY ctid", [survey.pk])
        assert [row[0] for row in cursor.fetchall()] == order
    assert [order[i] for i in physical] != order


def test_answers_are_written_in_batches_of_at_least_k_with_the_day_only(
    answered: tuple[Survey, list[int], list[str]],
) -> None:
    survey, order, _ = answered
    k = small_cell()
    batches = list(
        AuditEvent.objects.filter(event="survey.ballots_written", object_id=str(survey.pk)).values_list(
            "after", flat=True
        )
    )
    assert sorted(batch["ballots"] for batch in batches) == sorted([len(order) - k, k])
    assert all(batch["ballots"] >= k for batch in batches)
    days = Counter(Answer.objects.filter(survey=survey).values_list("day", flat=True))
    assert len(days) == 1  # one day: nothing finer to sort by


def test_no_audit_row_log_line_or_outbox_row_says_what_anyone_answered(
    answered: tuple[Survey, list[int], list[str]],
) -> None:
    survey, order, logs = answered
    markers = [_marker(i) for i in range(len(order))]
    audit = [str(row) for row in AuditEvent.objects.values("before", "after", "detail")]
    for marker in markers:
        assert not any(marker in line for line in audit)
        assert not any(marker in line for line in logs)
    answered_rows = AuditEvent.objects.filter(event="survey.answered", object_id=str(survey.pk))
    assert sorted(answered_rows.values_list("actor_id", flat=True)) == sorted(order)
    assert all(row == (None, None, {}) for row in answered_rows.values_list("before", "after", "detail"))
    answer_ids = {str(pk) for pk in Answer.objects.filter(survey=survey).values_list("pk", flat=True)}
    assert not any(answer_id in line for line in audit for answer_id in answer_ids)
    assert not any(str(row) for row in Message.objects.values() if any(m in str(row) for m in markers))
    assert not any(m in str(row) for row in SearchOutbox.objects.values() for m in markers)


def test_only_the_answer_table_holds_what_was_answered(answered: tuple[Survey, list[int], list[str]]) -> None:
    """Every row of every table of the institution's schema, as text: the markers are found in
    the answer table only, whose rows hold no person."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        holders = set()
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE %s', ["%建议-%-标记%"])
            if cursor.fetchone()[0]:
                holders.add(table)
    assert holders == {"surveys_answer"}


def test_the_results_list_texts_without_names(answered: tuple[Survey, list[int], list[str]], world: World) -> None:
    from services.surveys.results import survey_results

    survey, order, _ = answered
    results = survey_results(survey=survey)
    question = next(q for s in results.sections for q in s.questions if q.question.kind == Question.Kind.TEXT)
    assert sorted(question.texts) == sorted(_marker(i) for i in range(len(order)))
    assert question.named_texts == []
