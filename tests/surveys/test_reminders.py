"""Reminders: an open survey reminds the people it asks who have not answered; closing soon again."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from services.surveys.answering import survey_answer
from services.surveys.inputs import Submission
from services.surveys.reminders import survey_closing, survey_open

from .conftest import World, answers_for, build_survey


def test_the_people_asked_who_have_not_answered_are_reminded(world: World) -> None:
    survey = build_survey(world)
    survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(answers=answers_for(survey)))
    today = timezone.localdate()
    [due] = [d for d in survey_open(today) if d.key == f"surveys.open:{survey.pk}"]
    assert world.members[0].pk not in due.recipient_ids
    assert world.members[1].pk in due.recipient_ids and world.probationary.pk in due.recipient_ids
    assert world.outsider.pk not in due.recipient_ids
    assert due.url.endswith(f"/surveys/{survey.pk}/")
    assert not [d for d in survey_closing(today) if d.key.startswith(f"surveys.closing:{survey.pk}:")]
    soon = survey.closes_on - timedelta(days=1)
    assert [d for d in survey_closing(soon) if d.key.startswith(f"surveys.closing:{survey.pk}:")]
