"""Reminder sources of surveys (services/reminders/registry.py; docs/surveys.md#reminders).

- ``surveys.open``: each member a survey asks who has an account and has not answered, while it
  is open (due on its close date);
- ``surveys.closing``: the same people again in the last ``CLOSING_DAYS`` days before the close.

Answering resolves both at the next scan. Neither says anything of what anyone answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext as _

from services.reminders.recipients import recipients
from services.reminders.registry import Due, reminder_source, url_maker

from .audience import audience_members
from .models import Participation, Survey

CLOSING_DAYS = 2  # "closing soon": the last two days (a product choice, not a party rule)


def _waiting(today: date) -> Iterator[tuple[Survey, list[int]]]:
    """Each answerable survey with the accounts it asks that have not answered (two queries each)."""
    surveys = Survey.objects.filter(status=Survey.Status.OPEN, opens_on__lte=today, closes_on__gte=today)
    for survey in surveys.select_related("unit"):
        users = set(audience_members(survey).filter(user__isnull=False).values_list("user_id", flat=True))
        users -= set(Participation.objects.filter(survey=survey).values_list("user_id", flat=True))
        if users:
            yield survey, sorted(users)


@reminder_source("surveys.open")
def survey_open(today: date) -> Iterator[Due]:
    url = url_maker("surveys:answer")
    for survey, users in _waiting(today):
        yield Due(
            key=f"surveys.open:{survey.pk}",
            kind="surveys.open",
            title=_("请参加意见征集：%(title)s") % {"title": survey.title},
            due_on=survey.closes_on,
            recipient_ids=recipients(users),
            url=url(survey.pk),
            detail=survey.unit.name,
        )


@reminder_source("surveys.closing")
def survey_closing(today: date) -> Iterator[Due]:
    url = url_maker("surveys:answer")
    for survey, users in _waiting(today):
        if survey.closes_on - today > timedelta(days=CLOSING_DAYS):
            continue
        yield Due(
            key=f"surveys.closing:{survey.pk}:{survey.closes_on.isoformat()}",
            kind="surveys.closing",
            title=_("意见征集“%(title)s”即将截止，您还没有提交") % {"title": survey.title},
            due_on=survey.closes_on,
            recipient_ids=recipients(users),
            url=url(survey.pk),
            detail=survey.unit.name,
        )
