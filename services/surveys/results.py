"""The results of a survey: counts per option and rating, averages, texts, comments — with every
cell under the small-cell threshold (``surveys.small_cell``, k) hidden.

- a count from 1 to k−1 is shown as “少于 k”; when a question's cells add up to its total (single
  choice, rating) and only one would be hidden, the next smallest is hidden too, so the hidden one
  cannot be found by subtraction;
- with fewer than k answers to the whole survey nothing is shown but that count;
- an anonymous survey's texts are listed without names, in the (random) order of their ids; a
  named survey's comments and texts carry the respondent's name, for its managers.
Only answers already written count: anonymous ballots still waiting for their batch do not.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .answering import RATING_MAX
from .ballots import small_cell
from .models import Answer, Participation, Question, Response, Section, SectionComment, Survey


@dataclass
class Cell:
    label: str
    count: int | None  # None: hidden (under the threshold)
    share: int | None = None  # percent of the question's respondents, when shown


@dataclass
class QuestionResult:
    question: Question
    answered: int
    cells: list[Cell] = field(default_factory=list)
    average: str = ""
    texts: list[str] = field(default_factory=list)
    named_texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SectionResult:
    section: Section
    questions: list[QuestionResult]
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # (name, unit, text), named only


@dataclass
class SurveyResults:
    survey: Survey
    respondents: int
    written: int  # respondents whose answers are written (anonymous: in a batch)
    threshold: int
    sections: list[SectionResult]

    @property
    def hidden(self) -> bool:
        return self.written < self.threshold


def survey_results(*, survey: Survey, names: bool = True) -> SurveyResults:
    """``names``: whether the reader may see who said what (a named survey's managers); the audience
    reading a closed named survey's results gets its texts without names and no comments."""
    k = small_cell()
    respondents = Participation.objects.filter(survey=survey).count()
    written = respondents - survey.pending.count() if survey.anonymous else respondents
    fields = ("question_id", "option_id", "rating", "text", "response__name")
    rows = list(Answer.objects.filter(survey=survey).order_by("id").values(*fields))
    by_question: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_question[row["question_id"]].append(row)
    sections = []
    for section in survey.sections.prefetch_related("questions__options"):
        results = [_question(q, by_question.get(q.pk, []), k, survey, written) for q in section.questions.all()]
        comments = _comments(survey, section) if names else []
        if not names:
            for result in results:
                result.named_texts = []
        sections.append(SectionResult(section=section, questions=results, comments=comments))
    return SurveyResults(survey=survey, respondents=respondents, written=written, threshold=k, sections=sections)


def _question(question: Question, rows: list[dict[str, Any]], k: int, survey: Survey, written: int) -> QuestionResult:
    if question.kind == Question.Kind.TEXT:
        texts = [row["text"] for row in rows if row["text"]]
        named = [] if survey.anonymous else [(row["response__name"] or "", row["text"]) for row in rows if row["text"]]
        return QuestionResult(question=question, answered=len(texts), texts=texts, named_texts=named)
    if question.kind == Question.Kind.RATING:
        counts = Counter(row["rating"] for row in rows)
        labels = [(str(n), counts.get(n, 0)) for n in range(1, RATING_MAX + 1)]
        answered = len(rows)
        average = f"{sum(row['rating'] for row in rows) / answered:.1f}" if answered >= k else ""
        cells = _cells(labels, answered, k, True)
        return QuestionResult(question=question, answered=answered, cells=cells, average=average)
    counts = Counter(row["option_id"] for row in rows)
    labels = [(option.text, counts.get(option.pk, 0)) for option in question.options.all()]
    if question.kind == Question.Kind.SINGLE:
        return QuestionResult(question=question, answered=len(rows), cells=_cells(labels, len(rows), k, True))
    # Multiple choice: an anonymous row carries no ballot, so shares are of all who answered the survey.
    return QuestionResult(question=question, answered=written, cells=_cells(labels, written, k, False))


def _cells(labels: list[tuple[str, int]], total: int, k: int, additive: bool) -> list[Cell]:
    hidden = {i for i, (_, n) in enumerate(labels) if 0 < n < k}
    if additive and len(hidden) == 1:
        others = [(n, i) for i, (_, n) in enumerate(labels) if i not in hidden and n > 0]
        if others:
            hidden.add(min(others)[1])
    cells = []
    for i, (label, n) in enumerate(labels):
        if i in hidden:
            cells.append(Cell(label=label, count=None))
        else:
            cells.append(Cell(label=label, count=n, share=round(100 * n / total) if total else 0))
    return cells


def _comments(survey: Survey, section: Section) -> list[tuple[str, str, str]]:
    if survey.anonymous:
        return []
    comments = SectionComment.objects.filter(section=section).select_related("response")
    comments = comments.order_by("response__submitted_at", "id")
    return [(c.response.name, c.response.unit_name, c.text) for c in comments]


def named_responses(*, survey: Survey) -> Any:
    return Response.objects.filter(survey=survey).order_by("submitted_at")
