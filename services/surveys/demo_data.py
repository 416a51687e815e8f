"""Demo data of surveys, in the demo member's branch: an open anonymous questionnaire the member has
not answered (the form says it is anonymous), an open named solicitation on a draft (comments per
section), and last month's closed questionnaire with its results (answered by the branch's members
with accounts; its results page is what the 党务公开 board links). Written through the services, so
the anonymous answers are batched as in production. Idempotent: nothing is added when the branch
already has a survey."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.members.accounts import member_accounts_ensure
from services.members.models import Member

from . import builder
from .answering import survey_answer
from .inputs import Submission
from .models import Question, Survey

SATISFACTION: tuple[tuple[str, str, list[str]], ...] = (
    ("您对本支部“三会一课”开展情况是否满意？", Question.Kind.SINGLE, ["满意", "基本满意", "不满意"]),
    ("您希望支部加强哪些方面的工作？", Question.Kind.MULTIPLE, ["理论学习", "组织生活", "志愿服务", "联系群众"]),
    ("请为支部书记抓党建工作打分", Question.Kind.RATING, []),
    ("您对支部工作还有哪些意见和建议？", Question.Kind.TEXT, []),
)
DRAFT = (
    ("第一章 总则", "第一条 为加强支部党员经常性学习，结合本支部实际，制定本制度。"),
    ("第二章 学习内容与形式", "第二条 支部每月组织一次集体学习，每季度至少安排一次专题党课。"),
    ("第三章 考核", "第三条 学习情况作为民主评议党员的参考，不搞排名。"),
)


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    member = Member.objects.filter(user__username="member").select_related("branch").first()
    if member is None or member.branch is None or Survey.objects.filter(unit=member.branch).exists():
        return
    branch = member.branch
    today = timezone.localdate()
    _questionnaire(branch, "支部工作满意度测评", today - timedelta(days=2), today + timedelta(days=10))
    _solicitation(branch, today)
    closed = _questionnaire(branch, "上月主题党日活动反馈", today - timedelta(days=30), today + timedelta(days=1))
    # Enough respondents for results above the small-cell threshold: accounts (not yet activated)
    # for a few more of the branch's members, who "answered" before the demo starts.
    more = Member.objects.filter(branch=branch, user__isnull=True, status=Member.Status.NORMAL).order_by("pk")[:8]
    member_accounts_ensure(members=list(more), acting_user=None)
    users = User.objects.filter(member__branch=branch).exclude(username="member").order_by("pk")
    for user in users:
        answers = _answers(closed, rng)
        survey_answer(acting_user=user, survey=closed, submission=Submission(answers=answers))
    builder.survey_close(acting_user=None, survey=closed)


def _questionnaire(branch: Any, title: str, opens_on: Any, closes_on: Any) -> Survey:
    survey = builder.survey_create(
        acting_user=None,
        unit=branch,
        title=title,
        intro="本问卷匿名填写，结果仅以汇总形式公布。",
        mode=Survey.Mode.ANONYMOUS,
        roles=[Survey.Role.FULL, Survey.Role.PROBATIONARY],
        opens_on=opens_on,
        closes_on=closes_on,
    )
    section = builder.section_add(acting_user=None, survey=survey, title="支部工作")
    for text, kind, options in SATISFACTION:
        required = kind != Question.Kind.TEXT
        builder.question_add(
            acting_user=None, section=section, kind=kind, text=text, options=options, required=required
        )
    return builder.survey_open(acting_user=None, survey=survey)


def _solicitation(branch: Any, today: Any) -> Survey:
    survey = builder.survey_create(
        acting_user=None,
        unit=branch,
        title="《支部党员学习制度（征求意见稿）》征求意见",
        intro="请逐条提出修改意见，没有意见的部分可以不填。",
        mode=Survey.Mode.NAMED,
        roles=[Survey.Role.FULL, Survey.Role.PROBATIONARY, Survey.Role.COMMITTEE],
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=14),
    )
    for title, body in DRAFT:
        builder.section_add(acting_user=None, survey=survey, title=title, body=body)
    return builder.survey_open(acting_user=None, survey=survey)


def _answers(survey: Survey, rng: random.Random) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for question in Question.objects.filter(section__survey=survey).prefetch_related("options"):
        options = [option.pk for option in question.options.all()]
        if question.kind == Question.Kind.SINGLE:
            answers[question.pk] = options[0] if rng.random() < 0.7 else rng.choice(options)
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question.pk] = rng.sample(options, k=2)
        elif question.kind == Question.Kind.RATING:
            answers[question.pk] = rng.choice([4, 5, 5])
        elif rng.random() < 0.5:
            answers[question.pk] = rng.choice(["希望多组织实践活动。", "学习材料可以提前发放。", "建议增加线上学习。"])
    return answers
