"""Reminder sources of 考试 (services/reminders/registry.py; docs/exams.md "Reminders").

- ``exams.opening``: the audience of a published exam that opens today or tomorrow (one reminder
  per exam, to every member of its audience with an account);
- ``exams.closing``: those of the audience who have not submitted, when the exam closes today or
  tomorrow.

Informational: nobody is ranked or chased beyond these two.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from services.reminders.recipients import recipients
from services.reminders.registry import Due, reminder_source, url_maker

from .models import Attempt, Exam
from .papers import audience

LIVE = (Exam.Status.PUBLISHED, Exam.Status.OPEN)


def _day(moment: object) -> date:
    return timezone.localtime(moment).date()  # type: ignore[arg-type]


@reminder_source("exams.opening")
def opening(today: date) -> Iterator[Due]:
    url = url_maker("exams:exam")
    for exam in Exam.objects.filter(status__in=LIVE).select_related("unit"):
        opens_on = _day(exam.opens_at)
        if not today <= opens_on <= today + timedelta(days=1) or exam.closes_at <= timezone.now():
            continue
        users = audience(exam).filter(user__isnull=False).values_list("user_id", flat=True)
        yield Due(
            key=f"exams.opening:{exam.pk}",
            kind="exams.opening",
            title=_("考试“%(title)s”将于 %(when)s 开始")
            % {"title": exam.title, "when": timezone.localtime(exam.opens_at).strftime("%m-%d %H:%M")},
            due_on=opens_on,
            recipient_ids=recipients(users),
            url=url(exam.pk),
            detail=exam.unit.name,
        )


@reminder_source("exams.closing")
def closing(today: date) -> Iterator[Due]:
    url = url_maker("exams:exam")
    for exam in Exam.objects.filter(status__in=LIVE).select_related("unit"):
        closes_on = _day(exam.closes_at)
        if not today <= closes_on <= today + timedelta(days=1) or exam.closes_at <= timezone.now():
            continue
        done = Attempt.objects.filter(exam=exam, status__in=(Attempt.Status.SUBMITTED, Attempt.Status.MARKED))
        users = (
            audience(exam)
            .filter(user__isnull=False)
            .exclude(pk__in=done.values("member_id"))
            .values_list("user_id", flat=True)
        )
        yield Due(
            key=f"exams.closing:{exam.pk}",
            kind="exams.closing",
            title=_("考试“%(title)s”将于 %(when)s 结束，您还没有交卷")
            % {"title": exam.title, "when": timezone.localtime(exam.closes_at).strftime("%m-%d %H:%M")},
            due_on=closes_on,
            recipient_ids=recipients(users),
            url=url(exam.pk),
            detail=exam.unit.name,
        )
