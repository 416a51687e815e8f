"""A year's study hours (学时) per member, from the three sources, entered once (docs/study.md):

- online study: the seconds the heartbeats credited (heartbeat.py), per account;
- party lectures and theme party days attended: handed over by organizational life
  (orglife/study_credit.py), their planned length;
- external training: the class hours the secretary approved.

Minutes become class hours by ``study.class_minutes``; what a member owes is ``study.member_hours``
or, for a secretary, deputy secretary or committee member, ``study.cadre_hours``. The figures
inform; they rank only where the institution has turned ``study.rankings`` on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from services.members.models import Member
from services.orglife.study_credit import study_minutes
from services.rules.resolver import RuleValue, rules_for

from .models import Progress, Training
from .people import cadre_ids

MEMBER_HOURS, CADRE_HOURS, CLASS_MINUTES, RANKINGS = (
    "study.member_hours",
    "study.cadre_hours",
    "study.class_minutes",
    "study.rankings",
)


@dataclass(frozen=True)
class Hours:
    online_minutes: int
    lecture_minutes: int
    training_hours: int
    class_minutes: int
    required: RuleValue

    def _hours(self, minutes: int) -> Decimal:
        return (Decimal(minutes) / Decimal(self.class_minutes)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def online(self) -> Decimal:
        return self._hours(self.online_minutes)

    @property
    def lectures(self) -> Decimal:
        return self._hours(self.lecture_minutes)

    @property
    def total(self) -> Decimal:
        return self._hours(self.online_minutes + self.lecture_minutes) + self.training_hours

    @property
    def met(self) -> bool:
        return self.total >= self.required.number


def rules_of_year(year: int) -> dict[str, RuleValue]:
    """The study rules as they stand for ``year``: today's in the current year, else its last day's."""
    on = min(timezone.localdate(), date(year, 12, 31))
    return rules_for([MEMBER_HOURS, CADRE_HOURS, CLASS_MINUTES, RANKINGS], on=on)


def rankings_on(year: int) -> bool:
    return rules_of_year(year)[RANKINGS].value == "on"


# A set of people is passed either as ids or as a query of them (``Ids``): the query is joined
# as a subquery, so a whole institution's roll binds no ids (thousands of parameters to send,
# and for Django to compile, per statement).
Ids = Iterable[int] | QuerySet[Any]


def _ids(values: Ids) -> list[int] | QuerySet[Any]:
    return values if isinstance(values, QuerySet) else list(values)


def online_minutes(*, user_ids: Ids, year: int) -> dict[int, int]:
    rows = (
        Progress.objects.filter(user_id__in=_ids(user_ids), year=year)
        .values("user_id")
        .annotate(total=Sum("credited_seconds"))
        .values_list("user_id", "total")
    )
    return {user_id: int(total or 0) // 60 for user_id, total in rows}


def training_hours(*, member_ids: Ids, year: int) -> dict[int, int]:
    rows = (
        Training.objects.filter(member_id__in=_ids(member_ids), status=Training.Status.APPROVED, finished_on__year=year)
        .values("member_id")
        .annotate(total=Sum("class_hours"))
        .values_list("member_id", "total")
    )
    return {member_id: int(total or 0) for member_id, total in rows}


def hours_of(
    *, members: Iterable[tuple[int, int | None]], year: int, among: QuerySet[Member] | None = None
) -> dict[int, Hours]:
    """``members``: (member id, account id or None). Five queries whatever their number.
    ``among``: the same members as a query (a roll): the queries then join it instead of
    binding every id (the per-branch tables and the whole institution's figure)."""
    people = list(members)
    ids: Ids
    user_ids: Ids
    if among is None:
        ids = [member_id for member_id, _user in people]
        user_ids = [user for _m, user in people if user is not None]
    else:
        ids = among.values("pk")
        user_ids = among.filter(user__isnull=False).values("user_id")
    rules = rules_of_year(year)
    cadres = cadre_ids(member_ids=ids, on=min(timezone.localdate(), date(year, 12, 31)))
    online = online_minutes(user_ids=user_ids, year=year)
    lectures = study_minutes(member_ids=ids, year=year)
    training = training_hours(member_ids=ids, year=year)
    return {
        member_id: Hours(
            online_minutes=online.get(user_id, 0) if user_id is not None else 0,
            lecture_minutes=lectures.get(member_id, 0),
            training_hours=training.get(member_id, 0),
            class_minutes=rules[CLASS_MINUTES].number,
            required=rules[CADRE_HOURS] if member_id in cadres else rules[MEMBER_HOURS],
        )
        for member_id, user_id in people
    }
