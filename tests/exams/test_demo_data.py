"""The exams demo: a bank on the root unit, an exam open now with a paper for the demo member, a
closed contest the demo member took (its result readable), some others on the leaderboard;
once only."""

from __future__ import annotations

import random
from typing import Any

import pytest

from services.exams import results
from services.exams.demo_data import seed_institution
from services.exams.models import Attempt, Exam, Question
from tests.conftest import make_user
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_exam_and_a_closed_contest_for_the_demo_member(branch: Branch, inst_a: Any) -> None:
    demo = make_user(inst_a, username="member")
    branch.members[3].user = demo
    branch.members[3].save(update_fields=["user"])
    seed_institution(institution=inst_a, rng=random.Random(0))
    states = {mine.exam.title: mine.state for mine in results.my_exams(acting_user=demo)}
    assert states == {"党章党史知识测试": "open", "“学党史”知识竞赛": "closed"}
    contest = Exam.objects.get(is_contest=True)
    best = results.best_attempt(exam=contest, member=branch.members[3])
    assert best is not None and best.score is not None and not best.on_leaderboard
    assert Attempt.objects.filter(exam=contest, status__in=("submitted", "marked")).count() > 1
    count = Question.objects.count()
    seed_institution(institution=inst_a, rng=random.Random(1))
    assert Question.objects.count() == count == 13
