"""Answering a survey: one submission per person, checked whole before anything is stored.

Anonymous mode stores the participation and, apart from it, a ``PendingBallot`` with the answers
only; the batch writer (``ballots.py``) turns ballots into answer rows later, in shuffled batches.
Named mode stores a ``Response`` with the person's name, its answers and a comment per section.
Nothing is logged, audited or sent that says what anyone answered."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.selectors import member_of

from .audience import member_in_audience
from .audit_events import EVENT_ANSWERED
from .inputs import MAX_TEXT, Submission, comment_key, question_key
from .models import Answer, Participation, PendingBallot, Question, Response, SectionComment, Survey

RATING_MAX = 5
FORGED = "__all__"


def already_answered(*, survey: Survey, user: Any) -> bool:
    return Participation.objects.filter(survey=survey, user_id=getattr(user, "pk", 0) or 0).exists()


def require_answerable(*, survey: Survey, user: Any) -> Any:
    """The member record of ``user`` if they may answer ``survey`` now; else the refusal."""
    today = timezone.localdate()
    if survey.status == Survey.Status.CLOSED or (survey.status == Survey.Status.OPEN and today > survey.closes_on):
        raise ValidationError(_("这次意见征集已经结束，不能再提交。"))
    if survey.status != Survey.Status.OPEN or today < survey.opens_on:
        raise ValidationError(_("这次意见征集还没有开始。"))
    member = member_of(user)
    if not member_in_audience(survey, member):
        raise PermissionDenied(_("您不在这次意见征集的对象范围内。"))
    if already_answered(survey=survey, user=user):
        raise ValidationError(_("您已经提交过这次意见征集，每人只能提交一次；本次提交未计入。"))
    return member


def survey_answer(*, acting_user: Any, survey: Survey, submission: Submission) -> None:
    """Store ``acting_user``'s answers to ``survey`` (all checked first: nothing is stored on a
    refusal). A second submission, even racing the first, is refused by the participation's
    unique constraint."""
    member = require_answerable(survey=survey, user=acting_user)
    submission = Submission(
        answers=submission.answers, comments={k: v for k, v in submission.comments.items() if str(v).strip()}
    )
    questions = {q.pk: q for q in Question.objects.filter(section__survey=survey).prefetch_related("options")}
    items = _check(survey, questions, submission)
    comments = _check_comments(survey, submission)
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, user=acting_user)
            if survey.anonymous:
                PendingBallot.objects.create(survey=survey, answers=items)
            else:
                _store_named(survey, acting_user, member, items, comments)
            audit_record(event=EVENT_ANSWERED, actor=acting_user, target=survey)
    except IntegrityError:
        raise ValidationError(_("您已经提交过这次意见征集，每人只能提交一次；本次提交未计入。")) from None


def _check(survey: Survey, questions: dict[int, Question], submission: Submission) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    items: list[dict[str, Any]] = []
    for question_id, raw in submission.answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(_("提交的题目不属于这次意见征集，请刷新页面后重新填写；本次提交未计入。"))
        problem, parsed = _parse(question, raw)
        if problem:
            errors.setdefault(question_key(question.pk), []).append(problem)
        items.extend(parsed)
    answered = {item["question"] for item in items}
    for question in questions.values():
        if question.required and question.pk not in answered and question_key(question.pk) not in errors:
            errors[question_key(question.pk)] = [_("请回答这道必答题：%(text)s") % {"text": question.text}]
    if not questions and not survey.anonymous and not submission.comments:
        errors[FORGED] = [_("请至少对一个部分提出意见。")]
    if errors:
        raise ValidationError(errors)
    return items


def _parse(question: Question, raw: Any) -> tuple[str, list[dict[str, Any]]]:
    """One question's answer as rows, or what is wrong with it (a forged option is refused whole)."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    if question.has_options:
        valid = {option.pk for option in question.options.all()}
        try:
            chosen = {int(value) for value in values}
        except (TypeError, ValueError):
            chosen = {-1}
        if not chosen <= valid:
            raise ValidationError(_("提交的选项不属于这道题，请刷新页面后重新填写；本次提交未计入。"))
        if question.kind == Question.Kind.SINGLE and len(chosen) > 1:
            return _("这道题只能选一项。"), []
        return "", [{"question": question.pk, "option": pk} for pk in sorted(chosen)]
    if question.kind == Question.Kind.RATING:
        try:
            rating = int(values[0]) if len(values) == 1 else 0
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= RATING_MAX:
            return _("评分应为 1 到 %(max)s 之间的整数。") % {"max": RATING_MAX}, []
        return "", [{"question": question.pk, "rating": rating}]
    text = str(values[0]).strip() if len(values) == 1 else ""
    if len(text) > MAX_TEXT:
        return _("回答不能超过 %(n)s 个字。") % {"n": MAX_TEXT}, []
    return "", [{"question": question.pk, "text": text}] if text else []


def _check_comments(survey: Survey, submission: Submission) -> dict[int, str]:
    if not submission.comments:
        return {}
    if survey.anonymous:
        raise ValidationError(_("匿名问卷不收分部分意见；本次提交未计入。"))
    sections = set(survey.sections.values_list("pk", flat=True))
    if not set(submission.comments) <= sections:
        raise ValidationError(_("提交的部分不属于这次意见征集，请刷新页面后重新填写；本次提交未计入。"))
    long = [pk for pk, text in submission.comments.items() if len(text.strip()) > MAX_TEXT]
    if long:
        raise ValidationError({comment_key(pk): [_("意见不能超过 %(n)s 个字。") % {"n": MAX_TEXT}] for pk in long})
    return {pk: text.strip() for pk, text in submission.comments.items()}


def _store_named(survey: Survey, user: Any, member: Any, items: list[dict[str, Any]], comments: dict[int, str]) -> None:
    response = Response.objects.create(
        survey=survey, user=user, name=member.name, unit_name=member.branch.name if member.branch_id else ""
    )
    today = timezone.localdate()
    Answer.objects.bulk_create(
        [
            Answer(
                survey=survey,
                response=response,
                question_id=item["question"],
                option_id=item.get("option"),
                rating=item.get("rating"),
                text=item.get("text", ""),
                day=today,
            )
            for item in items
        ]
    )
    SectionComment.objects.bulk_create(
        [SectionComment(response=response, section_id=pk, text=text) for pk, text in comments.items()]
    )
