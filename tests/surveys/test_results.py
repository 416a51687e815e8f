"""Results: counts with cells under the threshold hidden (and the one a total would give away),
nothing at all under k written answers, named comments for managers, the .xlsx, who may see them."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from services.surveys import builder
from services.surveys.answering import survey_answer
from services.surveys.exports import results_xlsx
from services.surveys.inputs import Submission
from services.surveys.models import Question, Survey
from services.surveys.results import _cells, survey_results

from .conftest import World, answers_for, build_survey


def test_a_small_cell_is_hidden_and_so_is_the_next_smallest_when_a_total_would_reveal_it() -> None:
    cells = _cells([("满意", 9), ("基本满意", 3), ("不满意", 0)], 12, 5, True)
    assert [c.count for c in cells] == [None, None, 0]  # 3 hidden; 9 too, else 12 − 9 = 3
    cells = _cells([("a", 6), ("b", 2), ("c", 1), ("d", 7)], 16, 5, True)
    assert [c.count for c in cells] == [6, None, None, 7]  # two hidden: no subtraction finds either
    multiple = _cells([("a", 9), ("b", 3)], 12, 5, False)
    assert [c.count for c in multiple] == [9, None]  # choices do not add up to a total


def _answer_all(world: World, survey: Survey, n: int, *, choice: int = 0) -> None:
    for i, user in enumerate(world.members[:n]):
        answers = answers_for(survey, choice=choice if i else 1, text=f"意见{i}")
        survey_answer(acting_user=user, survey=survey, submission=Submission(answers=answers))


def test_results_under_k_written_answers_show_nothing(world: World) -> None:
    survey = build_survey(world)
    _answer_all(world, survey, 4)
    builder.survey_close(acting_user=world.secretary, survey=survey)
    results = survey_results(survey=survey)
    assert results.respondents == 4 and results.hidden


def test_results_count_the_written_answers(world: World) -> None:
    survey = build_survey(world)
    _answer_all(world, survey, 8)
    survey = builder.survey_close(acting_user=world.secretary, survey=survey)
    results = survey_results(survey=survey)
    assert not results.hidden and results.written == 8
    single = next(q for q in results.sections[0].questions if q.question.kind == Question.Kind.SINGLE)
    # 7 chose the first, 1 the second: the 1 is hidden, and so is the 7 (8 − 7 = 1).
    assert [c.count for c in single.cells] == [None, None, 0]
    rating = next(q for q in results.sections[0].questions if q.question.kind == Question.Kind.RATING)
    assert rating.average == "4.0"


def test_the_audience_reads_the_results_once_closed_and_outsiders_never(world: World) -> None:
    from services.surveys.audience import can_see_results

    survey = build_survey(world)
    assert not can_see_results(acting_user=world.members[0], survey=survey)
    assert can_see_results(acting_user=world.secretary, survey=survey)
    assert can_see_results(acting_user=world.admin, survey=survey)  # manages the college
    survey = builder.survey_close(acting_user=world.secretary, survey=survey)
    assert can_see_results(acting_user=world.members[0], survey=survey)
    assert not can_see_results(acting_user=world.outsider, survey=survey)
    with pytest.raises(PermissionDenied):
        results_xlsx(acting_user=world.outsider, survey=survey)


def test_the_xlsx_has_the_counts_and_texts_as_text(world: World) -> None:
    survey = build_survey(world)
    for i, user in enumerate(world.members[:6]):
        text = "=1+1" if i == 0 else f"意见{i}"
        survey_answer(acting_user=user, survey=survey, submission=Submission(answers=answers_for(survey, text=text)))
    survey = builder.survey_close(acting_user=world.secretary, survey=survey)
    workbook = load_workbook(BytesIO(results_xlsx(acting_user=world.secretary, survey=survey)))
    counts = [row for row in workbook["统计"].iter_rows(values_only=True)]
    assert ("总体评价", "您对支部工作满意吗？", "满意", "6", "100") in counts
    texts = [row[2] for row in workbook["文字回答"].iter_rows(min_row=2, values_only=True)]
    assert sorted(texts) == sorted(["=1+1", *(f"意见{i}" for i in range(1, 6))])
    assert workbook["文字回答"]["C2"].data_type == "s"
