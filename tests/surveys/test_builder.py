"""The builder: only managers of the unit, only a draft changes, what a question needs, open and
close (the close writes every waiting ballot), and the append-only answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from services.surveys import builder
from services.surveys.answering import survey_answer
from services.surveys.ballots import ballots_sweep
from services.surveys.inputs import Submission
from services.surveys.models import Answer, PendingBallot, Question, Survey

from .conftest import World, answers_for, build_survey


def test_only_the_units_managers_build_a_survey(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied, match="无权管理"):
        builder.survey_create(
            acting_user=world.members[0],
            unit=world.branch,
            title="x",
            mode=Survey.Mode.ANONYMOUS,
            roles=[Survey.Role.FULL],
            opens_on=today,
            closes_on=today,
        )
    with pytest.raises(PermissionDenied):
        builder.survey_create(
            acting_user=world.secretary,
            unit=world.other_branch,
            title="x",
            mode=Survey.Mode.ANONYMOUS,
            roles=[Survey.Role.FULL],
            opens_on=today,
            closes_on=today,
        )


def test_settings_are_checked_together(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        builder.survey_create(
            acting_user=world.secretary,
            unit=world.branch,
            title=" ",
            mode="x",
            roles=[],
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"title", "mode", "roles", "closes_on"}


def test_a_choice_question_needs_two_distinct_options(world: World) -> None:
    survey = build_survey(world, open_it=False)
    section = survey.sections.get()
    with pytest.raises(ValidationError, match="至少要有两个选项"):
        builder.question_add(
            acting_user=world.secretary, section=section, kind=Question.Kind.SINGLE, text="?", options=["a"]
        )
    with pytest.raises(ValidationError, match="不能重复"):
        builder.question_add(
            acting_user=world.secretary, section=section, kind=Question.Kind.MULTIPLE, text="?", options=["a", "a"]
        )


def test_an_open_survey_no_longer_changes(world: World) -> None:
    survey = build_survey(world)
    with pytest.raises(ValidationError, match="已经发布"):
        builder.section_add(acting_user=world.secretary, survey=survey, title="新增")
    with pytest.raises(ValidationError, match="已经发布"):
        builder.question_delete(
            acting_user=world.secretary, question=Question.objects.filter(section__survey=survey).first()
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        builder.survey_delete(acting_user=world.secretary, survey=survey)


def test_an_empty_questionnaire_is_not_published(world: World) -> None:
    today = timezone.localdate()
    survey = builder.survey_create(
        acting_user=world.secretary,
        unit=world.branch,
        title="空问卷",
        mode=Survey.Mode.ANONYMOUS,
        roles=[Survey.Role.FULL],
        opens_on=today,
        closes_on=today,
    )
    with pytest.raises(ValidationError, match="还没有"):
        builder.survey_open(acting_user=world.secretary, survey=survey)


def test_the_sweep_closes_a_survey_past_its_date_and_writes_what_waits(world: World) -> None:
    survey = build_survey(world)
    for user in world.members[:3]:
        survey_answer(acting_user=user, survey=survey, submission=Submission(answers=answers_for(survey)))
    assert ballots_sweep() == {"closed": 0, "written": 0}  # 3 < 2k: they wait
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    assert ballots_sweep() == {"closed": 1, "written": 0}
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and survey.answered_count == 3
    assert not PendingBallot.objects.filter(survey=survey).exists()
    assert Answer.objects.filter(survey=survey).count() == 3 * 4


def test_written_answers_cannot_be_changed_or_deleted(world: World) -> None:
    survey = build_survey(world)
    survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))
    builder.survey_close(acting_user=world.secretary, survey=survey)
    for change in (
        lambda: Answer.objects.filter(survey=survey).update(rating=1),
        lambda: Answer.objects.filter(survey=survey).delete(),
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            change()
