"""Isolation cases for the survey routes (merged into test_isolation's CASES), and the builders of
the survey subjects the role × route matrix registers (matrix_world.BRANCH_SUBJECTS)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def survey_of(branch: models.Model, marker: str) -> models.Model:
    """An open anonymous survey of ``branch`` titled ``marker``, asking its full and probationary
    members, with one section and one single-choice question."""
    from services.surveys.models import Option, Question, Section, Survey

    today = timezone.localdate()
    survey = Survey.objects.create(
        title=marker,
        unit=branch,
        roles=[Survey.Role.FULL, Survey.Role.PROBATIONARY],
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=7),
        status=Survey.Status.OPEN,
    )
    section = Section.objects.create(survey=survey, title=f"{marker}-section", position=1)
    question = Question.objects.create(section=section, kind=Question.Kind.SINGLE, text=f"{marker}-question")
    Option.objects.bulk_create([Option(question=question, text=text, position=i) for i, text in enumerate("AB")])
    return survey


def section_of(branch: models.Model, marker: str) -> models.Model:
    return survey_of(branch, marker).sections.get()  # type: ignore[attr-defined]


def question_of(branch: models.Model, marker: str) -> models.Model:
    from services.surveys.models import Question

    return Question.objects.get(section__survey=survey_of(branch, marker))


def _survey(owner: User, marker: str) -> models.Model:
    """A survey of a new branch that asks ``owner`` (made a member of the branch if they are not one)."""
    from tests.factories import MemberFactory, OrgUnitFactory

    unit = OrgUnitFactory(name=f"{marker}-unit")
    if getattr(owner, "member", None) is None:
        MemberFactory(name=f"{marker}-member", branch=unit, user=owner)
    else:
        unit = owner.member.branch  # type: ignore[attr-defined]
    return survey_of(unit, marker)


def _section(owner: User, marker: str) -> models.Model:
    return _survey(owner, marker).sections.get()  # type: ignore[attr-defined]


def _question(owner: User, marker: str) -> models.Model:
    from services.surveys.models import Question

    return Question.objects.get(section__survey=_survey(owner, marker))


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "surveys:list"): Case("collection", factory=_survey),
    (TENANT, "surveys:answer"): Case("object", factory=_survey, methods=("get", "post")),
    (TENANT, "surveys:results"): Case("object", factory=_survey),
    (TENANT, "surveys:export"): Case("object", factory=_survey),
    (TENANT, "surveys:manage"): Case("collection", factory=_survey),
    (TENANT, "surveys:create"): Case("page", methods=("get", "post")),
    (TENANT, "surveys:edit"): Case("object", factory=_survey),
    (TENANT, "surveys:section_add"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "surveys:open"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "surveys:close"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "surveys:publish"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "surveys:delete"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "surveys:question_add"): Case("object", factory=_section, methods=("post",)),
    (TENANT, "surveys:section_delete"): Case("object", factory=_section, methods=("post",)),
    (TENANT, "surveys:question_delete"): Case("object", factory=_question, methods=("post",)),
    (TENANT, "survey-list"): Case("collection", factory=_survey),
    (TENANT, "survey-detail"): Case("object", factory=_survey),
    (TENANT, "survey-answer"): Case("object", factory=_survey, methods=("post",)),
    (TENANT, "survey-results"): Case("object", factory=_survey),
}
