"""Named solicitation on a draft: the draft in sections, a comment per section from each person,
the managers read them with names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.surveys import builder
from services.surveys.answering import survey_answer
from services.surveys.inputs import Submission
from services.surveys.models import Response, SectionComment, Survey
from services.surveys.results import survey_results

from .conftest import World


def _draft(world: World) -> Survey:
    today = timezone.localdate()
    survey = builder.survey_create(
        acting_user=world.secretary,
        unit=world.branch,
        title="《支部学习制度（征求意见稿）》",
        mode=Survey.Mode.NAMED,
        roles=[Survey.Role.FULL],
        opens_on=today,
        closes_on=today + timedelta(days=5),
    )
    builder.section_add(acting_user=world.secretary, survey=survey, title="第一章", body="第一条 ……")
    builder.section_add(acting_user=world.secretary, survey=survey, title="第二章", body="第二条 ……")
    return builder.survey_open(acting_user=world.secretary, survey=survey)


def test_comments_per_section_are_stored_with_the_name(world: World) -> None:
    survey = _draft(world)
    first, second = survey.sections.all()
    survey_answer(
        acting_user=world.members[0],
        survey=survey,
        submission=Submission(comments={first.pk: "建议删去“原则上”。", second.pk: "  "}),
    )
    response = Response.objects.get(survey=survey)
    assert response.name == "sv_member0" and response.unit_name == "测试第一支部"
    assert list(SectionComment.objects.values_list("section_id", "text")) == [(first.pk, "建议删去“原则上”。")]
    results = survey_results(survey=survey)
    assert results.sections[0].comments == [("sv_member0", "测试第一支部", "建议删去“原则上”。")]
    assert results.sections[1].comments == []


def test_a_draft_needs_at_least_one_comment_and_only_its_own_sections(world: World) -> None:
    survey = _draft(world)
    with pytest.raises(ValidationError, match="至少对一个部分"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission())
    with pytest.raises(ValidationError, match="部分不属于"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(comments={-1: "x"}))
    assert not Response.objects.filter(survey=survey).exists()


def test_an_anonymous_survey_takes_no_comments(world: World) -> None:
    from .conftest import answers_for, build_survey

    survey = build_survey(world)
    section = survey.sections.first()
    assert section is not None
    submission = Submission(answers=answers_for(survey), comments={section.pk: "署名意见"})
    with pytest.raises(ValidationError, match="匿名问卷不收"):
        survey_answer(acting_user=world.members[0], survey=survey, submission=submission)


def test_the_audience_reads_a_closed_drafts_results_without_names_or_comments(world: World) -> None:
    survey = _draft(world)
    first = survey.sections.first()
    assert first is not None
    survey_answer(acting_user=world.members[0], survey=survey, submission=Submission(comments={first.pk: "意见"}))
    survey = builder.survey_close(acting_user=world.secretary, survey=survey)
    assert survey_results(survey=survey, names=False).sections[0].comments == []
    assert survey_results(survey=survey).sections[0].comments != []
