"""Answering: once per person, inside the audience and the window, only the survey's own questions
and options, every required question answered — otherwise a Chinese refusal and nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.surveys import builder
from services.surveys.answering import survey_answer
from services.surveys.inputs import Submission, question_key
from services.surveys.models import Answer, Option, Participation, PendingBallot, Question, Survey

from .conftest import World, answers_for, build_survey


def _nothing_stored(survey: Survey, participations: int = 0) -> None:
    assert Participation.objects.filter(survey=survey).count() == participations
    assert PendingBallot.objects.filter(survey=survey).count() == participations
    assert not Answer.objects.filter(survey=survey).exists()


def test_an_answer_is_stored_as_a_participation_and_a_waiting_ballot(world: World) -> None:
    survey = build_survey(world)
    survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))
    assert Participation.objects.filter(survey=survey, user=world.members[0]).exists()
    ballot = PendingBallot.objects.get(survey=survey)
    assert len(ballot.answers) == 4  # single, two multiple, rating
    assert not Answer.objects.filter(survey=survey).exists()  # written later, in a batch


def test_answering_twice_is_refused_and_nothing_is_counted(world: World) -> None:
    survey = build_survey(world)
    submission = Submission(answers=answers_for(survey))
    survey_answer(acting_user=world.members[0], survey=survey, submission=submission)
    with pytest.raises(ValidationError, match="每人只能提交一次"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=submission)
    _nothing_stored(survey, participations=1)


def test_a_closed_survey_is_refused(world: World) -> None:
    survey = build_survey(world)
    builder.survey_close(acting_user=world.secretary, survey=survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="已经结束"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))
    _nothing_stored(survey)


def test_a_survey_past_its_close_date_is_refused_even_before_the_sweep(world: World) -> None:
    survey = build_survey(world)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="已经结束"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))


def test_a_draft_is_not_answerable(world: World) -> None:
    survey = build_survey(world, open_it=False)
    with pytest.raises(ValidationError, match="还没有开始"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))


def test_outside_the_audience_is_refused(world: World) -> None:
    survey = build_survey(world)
    with pytest.raises(PermissionDenied, match="不在这次意见征集的对象范围内"):
        survey_answer(acting_user=world.outsider, survey=survey, submission=Submission(answers=answers_for(survey)))
    _nothing_stored(survey)


def test_roles_narrow_the_audience(world: World) -> None:
    survey = build_survey(world, open_it=False)
    Survey.objects.filter(pk=survey.pk).update(roles=[Survey.Role.FULL])
    survey = builder.survey_open(acting_user=world.secretary, survey=Survey.objects.get(pk=survey.pk))
    with pytest.raises(PermissionDenied):
        survey_answer(acting_user=world.probationary, survey=survey, submission=Submission(answers=answers_for(survey)))


def test_a_forged_question_id_is_refused_whole(world: World) -> None:
    survey = build_survey(world)
    other = build_survey(world)
    answers = answers_for(survey) | {Question.objects.filter(section__survey=other).first().pk: "x"}  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="题目不属于"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers))
    _nothing_stored(survey)


def test_a_forged_option_id_is_refused_whole(world: World) -> None:
    survey = build_survey(world)
    other = build_survey(world)
    answers = answers_for(survey)
    single = Question.objects.get(section__survey=survey, kind=Question.Kind.SINGLE)
    answers[single.pk] = Option.objects.filter(question__section__survey=other).first().pk  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="选项不属于"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers))
    _nothing_stored(survey)


def test_a_missing_required_answer_is_named_next_to_its_question(world: World) -> None:
    survey = build_survey(world)
    answers = answers_for(survey)
    rating = Question.objects.get(section__survey=survey, kind=Question.Kind.RATING)
    del answers[rating.pk]
    with pytest.raises(ValidationError) as caught:
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers))
    assert "请回答这道必答题" in caught.value.message_dict[question_key(rating.pk)][0]
    _nothing_stored(survey)


@pytest.mark.parametrize("value", [0, 6, "abc"])
def test_a_rating_out_of_range_is_refused(world: World, value: object) -> None:
    survey = build_survey(world)
    answers = answers_for(survey)
    answers[Question.objects.get(section__survey=survey, kind=Question.Kind.RATING).pk] = value
    with pytest.raises(ValidationError, match="评分应为"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers))
    _nothing_stored(survey)


def test_two_options_on_a_single_choice_are_refused(world: World) -> None:
    survey = build_survey(world)
    answers = answers_for(survey)
    single = Question.objects.get(section__survey=survey, kind=Question.Kind.SINGLE)
    answers[single.pk] = list(single.options.values_list("pk", flat=True)[:2])
    with pytest.raises(ValidationError, match="只能选一项"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers))


def test_the_audit_row_of_an_answer_says_nothing_of_what_was_answered(world: World) -> None:
    survey = build_survey(world)
    survey_answer(
        acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey, text="秘密建议"))
    )
    row = AuditEvent.objects.get(event="survey.answered")
    assert row.before is None and row.after is None and row.detail == {}
    assert "秘密建议" not in str(list(AuditEvent.objects.values()))
