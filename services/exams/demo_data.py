"""Demo data of 考试: the institution's bank of party-knowledge questions (every kind, in three
categories), an exam open this week for every member (the demo member can take it on a phone),
and last month's knowledge contest, closed, which the demo member took (their result and the
leaderboard of those who chose to appear are visible).

Idempotent: nothing is added once a question exists.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.organization.models import OrgUnit

from .bank import QuestionInput
from .models import Answer, Attempt, Exam, Question
from .papers import papers_draw
from .taking import attempt_finish

K = Question.Kind
QUESTIONS: tuple[QuestionInput, ...] = (
    QuestionInput(
        K.SINGLE,
        "中国共产党第一次全国代表大会召开于哪一年？",
        ("1919年", "1921年", "1927年", "1949年"),
        (1,),
        category="党史",
    ),
    QuestionInput(K.SINGLE, "遵义会议召开于哪一年？", ("1934年", "1935年", "1936年", "1937年"), (1,), category="党史"),
    QuestionInput(
        K.SINGLE,
        "党的最高领导机关是？",
        ("党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"),
        (0,),
        category="党章",
    ),
    QuestionInput(K.SINGLE, "预备党员的预备期为几年？", ("半年", "一年", "两年", "三年"), (1,), category="党章"),
    QuestionInput(
        K.SINGLE,
        "党员连续几个月不交纳党费、不过组织生活，被认为是自行脱党？",
        ("三个月", "六个月", "九个月", "一年"),
        (1,),
        category="党章",
    ),
    QuestionInput(
        K.MULTIPLE,
        "“三会一课”中的“三会”包括：",
        ("支部党员大会", "支部委员会", "党小组会", "党课"),
        (0, 1, 2),
        category="党章",
        tags=("组织生活",),
    ),
    QuestionInput(
        K.MULTIPLE,
        "党的纪律包括：",
        ("政治纪律", "组织纪律", "廉洁纪律", "群众纪律"),
        (0, 1, 2, 3),
        category="党章",
        tags=("纪律",),
    ),
    QuestionInput(
        K.TRUE_FALSE, "党员有权在党的会议上对党的任何组织和任何党员提出有根据的批评。", answer=(0,), category="党章"
    ),
    QuestionInput(K.TRUE_FALSE, "正式党员和预备党员都有表决权、选举权和被选举权。", answer=(1,), category="党章"),
    QuestionInput(K.TRUE_FALSE, "中华人民共和国成立于1949年10月1日。", answer=(0,), category="党史"),
    QuestionInput(K.BLANK, "中国共产党的根本宗旨是全心全意____。", answer=("为人民服务",), category="理论"),
    QuestionInput(
        K.BLANK,
        "党的思想路线是一切从实际出发，理论联系实际，____，在实践中检验真理和发展真理。",
        answer=("实事求是",),
        category="理论",
    ),
    QuestionInput(
        K.SHORT, "结合本职工作，谈谈如何发挥党员先锋模范作用。", category="理论", reference="联系实际，有具体做法即可"
    ),
)
RULES = [
    {"category": "党章", "count": 3, "points": 10},
    {"category": "党史", "count": 2, "points": 10},
    {"category": "理论", "count": 3, "points": 10},
]


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    if Question.objects.exists():
        return
    root = OrgUnit.objects.filter(parent__isnull=True, closed_on__isnull=True).order_by("pk").first()
    if root is None:
        return
    Question.objects.bulk_create(
        Question(
            unit=root,
            kind=q.kind,
            text=q.text,
            options=list(q.options) or (["正确", "错误"] if q.kind == K.TRUE_FALSE else []),
            answer=list(q.answer),
            reference=q.reference,
            category=q.category,
            tags=list(q.tags),
            difficulty=3,
        )
        for q in QUESTIONS
    )
    now = timezone.now()
    _exam(root, "党章党史知识测试", opens=now - timedelta(hours=1), closes=now + timedelta(days=7))
    contest = _exam(
        root, "“学党史”知识竞赛", opens=now - timedelta(days=30), closes=now - timedelta(days=23), is_contest=True
    )
    _taken(contest, rng)


def _exam(root: OrgUnit, title: str, *, opens: Any, closes: Any, is_contest: bool = False) -> Exam:
    exam = Exam.objects.create(
        unit=root,
        title=title,
        opens_at=opens,
        closes_at=closes,
        time_limit_minutes=20,
        attempts_allowed=2,
        rules=RULES,
        is_contest=is_contest,
        status=Exam.Status.PUBLISHED,
        description="请在规定时间内独立完成；计时以服务器为准。",
    )
    papers_draw(exam=exam)
    return exam


def _taken(exam: Exam, rng: random.Random) -> None:
    """The demo member and a few dozen others took the closed contest; some chose the leaderboard."""
    demo = User.objects.filter(username="member").first()
    demo_member_id = getattr(getattr(demo, "member", None), "pk", None)
    attempts = list(Attempt.objects.filter(exam=exam).order_by("pk"))
    chosen = [a for a in attempts if a.member_id == demo_member_id] + rng.sample(attempts, min(40, len(attempts)))
    questions = Question.objects.in_bulk()
    now = timezone.now()
    for attempt in {a.pk: a for a in chosen}.values():
        Attempt.objects.filter(pk=attempt.pk).update(
            status=Attempt.Status.STARTED, started_at=now, deadline_at=now + timedelta(minutes=20)
        )
        Answer.objects.bulk_create(
            Answer(attempt=attempt, question_id=pk, given=_given(questions[pk], rng), saved_at=now)
            for pk, _kind, _order, _points in attempt.paper
        )
        attempt.status = Attempt.Status.STARTED
        attempt_finish(attempt=attempt, timed_out=False)
        when = exam.opens_at + timedelta(days=rng.randrange(0, 6), hours=rng.randrange(8, 20))
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=when,
            deadline_at=when + timedelta(minutes=20),
            submitted_at=when + timedelta(minutes=12),
            on_leaderboard=attempt.member_id != demo_member_id and rng.random() < 0.5,
        )
    Exam.objects.filter(pk=exam.pk).update(status=Exam.Status.CLOSED)


def _given(question: Question, rng: random.Random) -> list[Any]:
    right = rng.random() < 0.75
    if question.kind == K.SHORT:
        return ["在支部工作中带头学习、主动服务同学。"]
    if question.kind == K.BLANK:
        return [question.answer[0] if right else "不知道"]
    if right:
        return list(question.answer)
    return [(question.answer[0] + 1) % len(question.options)]
