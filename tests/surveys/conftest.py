"""Fixtures of the survey tests: a college with two branches of institution A, full and
probationary members with accounts, a secretary who manages the first branch, and an open anonymous
survey of the college."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.surveys import builder
from services.surveys.models import Question, Survey
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory


@dataclass
class World:
    college: OrgUnit
    branch: OrgUnit
    other_branch: OrgUnit
    secretary: User
    members: list[User]  # full members of ``branch`` with accounts
    probationary: User
    outsider: User  # a member of ``other_branch``, outside a survey of ``branch``
    admin: User  # manages the college


def _member_user(institution: Institution, unit: OrgUnit, name: str, status: str = Member.Status.NORMAL) -> User:
    user = make_user(institution, username=name)
    MemberFactory(branch=unit, status=status, name=name, user=user)
    return user


def make_world(institution: Institution) -> World:
    college = OrgUnitFactory(name="测试学院党委", kind=OrgUnit.Kind.SECOND_LEVEL)
    branch = OrgUnitFactory(name="测试第一支部", parent=college)
    other = OrgUnitFactory(name="测试第二支部", parent=college)
    secretary = _member_user(institution, branch, "sv_secretary")
    Position.objects.create(
        member=secretary.member, unit=branch, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1)
    )
    admin = _member_user(institution, college, "sv_college")
    Position.objects.create(
        member=admin.member, unit=college, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1)
    )
    members = [_member_user(institution, branch, f"sv_member{i}") for i in range(12)]
    probationary = _member_user(institution, branch, "sv_probationary", Member.Status.PROBATIONARY)
    outsider = _member_user(institution, other, "sv_outsider")
    return World(college, branch, other, secretary, members, probationary, outsider, admin)


@pytest.fixture
def world(inst_a: Institution) -> Iterator[World]:
    with in_schema(inst_a):
        yield make_world(inst_a)


def build_survey(world: World, *, mode: str = Survey.Mode.ANONYMOUS, open_it: bool = True) -> Survey:
    today = timezone.localdate()
    survey = builder.survey_create(
        acting_user=world.secretary,
        unit=world.branch,
        title="支部工作满意度调查",
        mode=mode,
        roles=[Survey.Role.FULL, Survey.Role.PROBATIONARY],
        opens_on=today,
        closes_on=today + timedelta(days=7),
    )
    section = builder.section_add(
        acting_user=world.secretary, survey=survey, title="总体评价", body="第一条 草案正文。"
    )
    builder.question_add(
        acting_user=world.secretary,
        section=section,
        kind=Question.Kind.SINGLE,
        text="您对支部工作满意吗？",
        options=["满意", "基本满意", "不满意"],
    )
    builder.question_add(
        acting_user=world.secretary,
        section=section,
        kind=Question.Kind.MULTIPLE,
        text="您希望加强哪些方面？",
        options=["理论学习", "组织生活", "志愿服务"],
    )
    builder.question_add(acting_user=world.secretary, section=section, kind=Question.Kind.RATING, text="请打分")
    builder.question_add(
        acting_user=world.secretary, section=section, kind=Question.Kind.TEXT, text="其他建议", required=False
    )
    if open_it:
        survey = builder.survey_open(acting_user=world.secretary, survey=survey)
    return survey


def answers_for(survey: Survey, *, choice: int = 0, rating: int = 4, text: str = "") -> dict[int, object]:
    """A complete submission: option ``choice`` of the single choice, the first two of the multiple."""
    questions = list(Question.objects.filter(section__survey=survey).prefetch_related("options"))
    answers: dict[int, object] = {}
    for question in questions:
        options = [o.pk for o in question.options.all()]
        if question.kind == Question.Kind.SINGLE:
            answers[question.pk] = options[choice]
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question.pk] = options[:2]
        elif question.kind == Question.Kind.RATING:
            answers[question.pk] = rating
        elif text:
            answers[question.pk] = text
    return answers
