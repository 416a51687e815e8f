"""Fixtures of the exams tests: institution A's first branch (members[0] is the secretary), a bank
of the branch with two categories, and helpers to make an exam that is open now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from services.accounts.models import User
from services.exams import bank, setup
from services.exams.bank import QuestionInput
from services.exams.models import Exam, Question
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import UserFactory
from tests.orglife.conftest import Branch, make_branch

Kind = Question.Kind


@pytest.fixture
def branch(inst_a: Institution) -> Iterator[Branch]:
    made = make_branch(inst_a, username="exam_secretary", full=4, probationary=1)
    with in_schema(inst_a):
        yield made


def account(member: Member, username: str) -> User:
    if member.user_id:
        return member.user  # type: ignore[return-value]
    user = UserFactory(username=username)
    member.user = user
    member.save(update_fields=["user"])
    return user


def add_questions(branch: Branch, count: int = 4) -> list[Question]:
    made = []
    for i in range(count):
        made.append(
            bank.question_save(
                acting_user=branch.secretary,
                unit=branch.unit,
                data=QuestionInput(
                    kind=Kind.SINGLE, text=f"党章题{i}", options=("甲", "乙", "丙"), answer=(1,), category="党章"
                ),
            )
        )
    made.append(
        bank.question_save(
            acting_user=branch.secretary,
            unit=branch.unit,
            data=QuestionInput(
                kind=Kind.MULTIPLE,
                text="多选题",
                options=("一", "二", "三", "四"),
                answer=(0, 2),
                category="理论",
                tags=("二十大",),
            ),
        )
    )
    made.append(
        bank.question_save(
            acting_user=branch.secretary,
            unit=branch.unit,
            data=QuestionInput(kind=Kind.BLANK, text="填空题", answer=("为人民服务",), category="理论"),
        )
    )
    made.append(
        bank.question_save(
            acting_user=branch.secretary,
            unit=branch.unit,
            data=QuestionInput(kind=Kind.SHORT, text="简答题", reference="要点", category="理论"),
        )
    )
    return made


def open_exam(branch: Branch, *, minutes: int = 30, attempts: int = 1, **fields: Any) -> Exam:
    """An exam of the branch open since a minute ago for an hour, published (papers drawn)."""
    now = timezone.now()
    rules = fields.pop(
        "rules", ({"category": "党章", "count": 2, "points": 2}, {"category": "理论", "count": 3, "points": 5})
    )
    exam = setup.exam_save(
        acting_user=branch.secretary,
        unit=branch.unit,
        data=setup.ExamInput(
            title=fields.pop("title", "党章知识测试"),
            opens_at=fields.pop("opens_at", now - timedelta(minutes=1)),
            closes_at=fields.pop("closes_at", now + timedelta(hours=1)),
            time_limit_minutes=minutes,
            attempts_allowed=attempts,
            rules=rules,
            **fields,
        ),
    )
    return setup.exam_publish(acting_user=branch.secretary, exam=exam)
