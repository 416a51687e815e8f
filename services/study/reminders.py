"""Reminder source of study (services/reminders/registry.py; docs/study.md#reminders).

``study.behind``: informational, to the member only, once a quarter: from the second quarter on,
a member whose hours so far are below the share of the year's requirement that the quarters
already over would suggest (a quarter of ``study.member_hours`` / ``study.cadre_hours`` per quarter
passed). Only in a year for which the institution has set a study plan: nothing is asked of
anyone before. It never goes to the branch: study statistics inform, they do not rank.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from services.reminders.registry import Due, reminder_source

from .hours import hours_of
from .models import Plan
from .selectors import members_on_roll


def quarters_over(today: date) -> int:
    return (today.month - 1) // 3


@reminder_source("study.behind")
def behind(today: date) -> Iterator[Due]:
    passed = quarters_over(today)
    if passed == 0 or not Plan.objects.filter(year=today.year).exists():
        return
    people: list[tuple[int, int]] = list(members_on_roll().filter(user__isnull=False).values_list("pk", "user_id"))
    hours = hours_of(members=people, year=today.year)
    url = reverse("study:mine")
    for member_id, user_id in people:
        row = hours[member_id]
        expected = Decimal(row.required.number * passed) / 4
        if row.total >= expected:
            continue
        yield Due(
            key=f"study.behind:{member_id}:{today.year}-Q{passed + 1}",
            kind="study.behind",
            title=_("学习进度提示：今年已累计 %(done)s 学时，全年要求 %(required)s 学时")
            % {"done": row.total, "required": row.required.number},
            due_on=date(today.year, 12, 31),
            recipient_ids=(user_id,),
            url=url,
            rule_key=row.required.key,
            citation=row.required.citation,
            member_id=member_id,
        )
