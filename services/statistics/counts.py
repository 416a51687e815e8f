"""The count definitions a statistics template's cells name (docs/statistics.md): one registry,
``COUNTS``, key -> ``Count``. A count over a *source* is a filter (a ``Q``) on that source's rows;
a table computes all its cells of one source in one aggregate query (``COUNT(*) FILTER (WHERE …)``
per cell), whatever the number of members. The study counts are computed in Python from the
study selectors' few set-based queries (services/study/hours.py), once per filling.

Historic figures (the reporting date ``on``, 31 December by default):

- on the roll on a date: joined on or before it (a record without a joining date counts), arrived
  by a transfer in on or before it, and not off the roll then — the date a member left is the
  effective date of the last status change to an off-roll status in the record's history;
- probationary on a date: confirmed after it, or not confirmed and probationary today;
- ages and lengths of membership in whole years at the date, from the birth and joining dates.

Where the records do not allow it the count uses today's values: category, gender, ethnicity and
education as they are now; a member recorded off the roll with no status change in the history
(imported that way) is on no roll; a member whose transfer in was not made through the platform
counts from the joining date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from services.development.models import Dossier
from services.members.models import AppraisalResult, Member, MemberChange
from services.members.status import OFF_ROLL_STATUSES
from services.study.hours import hours_of, training_hours


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


@dataclass
class Period:
    """The year being reported and its reporting date; the histories read once per filling."""

    year: int
    on: date
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return date(self.year - 1, 12, 31)

    @cached_property
    def left_on(self) -> dict[int, tuple[date, str]]:
        """Members off the roll today -> (the date they left, the status they left by)."""
        rows = (
            MemberChange.objects.filter(member__status__in=OFF_ROLL_STATUSES, changes__has_key="status")
            .order_by("member_id", "changed_at", "id")
            .values_list("member_id", "changes", "changed_at")
        )
        found: dict[int, tuple[date, str]] = {}
        for member_id, changes, changed_at in rows:
            status = (changes.get("status") or [None, None])[1]
            if status not in OFF_ROLL_STATUSES:
                continue
            effective = (changes.get("effective_on") or [None, None])[1]
            day = date.fromisoformat(effective) if effective else timezone.localdate(changed_at)
            found[member_id] = (day, status)  # the last one wins
        return found

    @cached_property
    def arrived_on(self) -> dict[int, date]:
        """Members whose record came by a transfer in from another institution -> the day it arrived."""
        rows = (
            MemberChange.objects.filter(kind="transferred", changes__has_key="letter")
            .exclude(changes__has_key="status")
            .order_by("member_id", "-changed_at")
            .values_list("member_id", "changed_at")
        )
        return {member_id: timezone.localdate(changed_at) for member_id, changed_at in rows}

    def on_roll_q(self, on: date) -> Q:
        arrived_later = [pk for pk, day in self.arrived_on.items() if day > on]
        left_later = [pk for pk, (day, _status) in self.left_on.items() if day > on]
        return (
            (Q(joined_on__lte=on) | Q(joined_on__isnull=True))
            & ~Q(pk__in=arrived_later)
            & (~Q(status__in=OFF_ROLL_STATUSES) | Q(pk__in=left_later))
        )

    def in_year(self, day: date) -> bool:
        return self.start < day <= self.on


SOURCES: dict[str, Callable[[Period], QuerySet[Any]]] = {
    "members": lambda p: Member.objects.filter(p.on_roll_q(p.on)),
    "members_all": lambda p: Member.objects.all(),
    "dossiers": lambda p: Dossier.objects.all(),
    "appraisals": lambda p: AppraisalResult.objects.filter(year=p.year),
}


@dataclass(frozen=True)
class Count:
    source: str  # a key of SOURCES, or "study" (computed, not a filter)
    label: str
    q: Callable[[Period, str | None], Q] | None = None
    compute: Callable[[Period], int] | None = None
    values: tuple[str, ...] | None = None  # the values "key=value" takes; None: no value


def parse_term(term: str) -> tuple[str, str | None]:
    key, _sep, value = term.partition("=")
    return key, (value if _sep else None)


def _years_q(field_name: str, on: date, low: int | None, high: int | None) -> Q:
    """``field_name`` (a date) is ``low``..``high`` whole years before ``on`` (bounds inclusive)."""
    q = Q()
    if low is not None:
        q &= Q(**{f"{field_name}__lte": years_before(on, low)})
    if high is not None:
        q &= Q(**{f"{field_name}__gt": years_before(on, high + 1)})
    return q


AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "to30": (None, 30), "31to35": (31, 35), "36to45": (36, 45), "46to55": (46, 55), "56to60": (56, 60),
    "over60": (61, None),
}  # fmt: skip
TENURE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "under5": (None, 4), "5to10": (5, 9), "10to20": (10, 19), "20to30": (20, 29), "30plus": (30, None),
}  # fmt: skip

# Education is free text on the record: the bands are tried in this order, the first match wins,
# what matches none (or is empty) is "unknown" — so the bands always add up to the total.
EDUCATION_WORDS: dict[str, tuple[str, ...]] = {
    "postgraduate": ("研究生", "博士", "硕士"),
    "undergraduate": ("本科", "学士"),
    "secondary": ("中专", "中等专科", "高中", "初中", "小学", "技校", "职高", "中技"),
    "college": ("专科", "大专"),
}


def _education_q(period: Period, band: str | None) -> Q:
    matched = Q(pk__in=[])
    for name, words in EDUCATION_WORDS.items():
        this = Q()
        for word in words:
            this |= Q(education__contains=word)
        if name == band:
            return this & ~matched
        matched |= this
    return ~matched


def _age_q(period: Period, band: str | None) -> Q:
    low, high = AGE_BANDS[band or ""]
    return _years_q("birth_date", period.on, low, high)


def _tenure_q(period: Period, band: str | None) -> Q:
    if band == "unknown":
        return Q(joined_on__isnull=True)
    low, high = TENURE_BANDS[band or ""]
    return _years_q("joined_on", period.on, low, high)


def _probationary_q(period: Period, _value: str | None = None) -> Q:
    return Q(confirmed_on__gt=period.on) | Q(confirmed_on__isnull=True, status=Member.Status.PROBATIONARY)


def _year_q(field_name: str) -> Callable[[Period, str | None], Q]:
    return lambda p, _v: Q(**{f"{field_name}__gt": p.start, f"{field_name}__lte": p.on})


def _left_q(period: Period, status: str | None) -> Q:
    ids = [pk for pk, (day, left_by) in period.left_on.items() if left_by == status and period.in_year(day)]
    return Q(pk__in=ids)


def _arrived_q(period: Period, _value: str | None) -> Q:
    return Q(pk__in=[pk for pk, day in period.arrived_on.items() if period.in_year(day)])


def _admitted_q(period: Period, _value: str | None) -> Q:
    # A record that came by a transfer in was admitted elsewhere: it counts as an arrival.
    return _year_q("joined_on")(period, None) & ~Q(pk__in=list(period.arrived_on))


def _hours(period: Period) -> dict[int, Any]:
    if "hours" not in period.cache:
        people = Member.objects.filter(period.on_roll_q(period.on)).values_list("pk", "user_id")
        period.cache["hours"] = hours_of(members=list(people), year=period.year)
    return period.cache["hours"]  # type: ignore[no-any-return]


def _training(period: Period) -> dict[int, int]:
    if "training" not in period.cache:
        ids = Member.objects.filter(period.on_roll_q(period.on)).values_list("pk", flat=True)
        period.cache["training"] = training_hours(member_ids=list(ids), year=period.year)
    return period.cache["training"]  # type: ignore[no-any-return]


def _members_hours(period: Period, *, met: bool) -> int:
    return sum(1 for hours in _hours(period).values() if (hours.met if met else hours.total > 0))


CATEGORIES = tuple(Member.Category.values)
GENDERS = tuple(Member.Gender.values)

COUNTS: dict[str, Count] = {
    # Members on the roll at the reporting date, and filters on them.
    "members.on_roll": Count("members", "党员总数", q=lambda p, _v: Q()),
    "members.gender": Count("members", "按性别", q=lambda p, v: Q(gender=v), values=GENDERS),
    "members.category": Count("members", "按人员类别", q=lambda p, v: Q(category=v), values=CATEGORIES),
    "members.minority": Count("members", "少数民族", q=lambda p, _v: ~Q(ethnicity__in=["汉族", "汉", ""])),
    "members.probationary": Count("members", "预备党员", q=_probationary_q),
    "members.full": Count("members", "正式党员", q=lambda p, v: ~_probationary_q(p)),
    "members.education": Count("members", "按学历", q=_education_q, values=(*EDUCATION_WORDS, "unknown")),
    "members.age": Count("members", "按年龄段", q=_age_q, values=tuple(AGE_BANDS)),
    "members.tenure": Count("members", "按党龄段", q=_tenure_q, values=(*TENURE_BANDS, "unknown")),
    # Every member record, for the changes in the year.
    "members_all.on_roll_at_start": Count("members_all", "上年底党员数", q=lambda p, _v: p.on_roll_q(p.start)),
    "members_all.admitted_in_year": Count("members_all", "本年发展（入党）", q=_admitted_q),
    "members_all.arrived_in_year": Count("members_all", "本年转入", q=_arrived_q),
    "members_all.left_in_year": Count(
        "members_all", "本年减少（按原因）", q=_left_q, values=tuple(sorted(OFF_ROLL_STATUSES))
    ),
    "members_all.confirmed_in_year": Count("members_all", "本年转正", q=_year_q("confirmed_on")),
    # Development dossiers: the stages begun in the year (the decisions' dates).
    "dossiers.category": Count("dossiers", "按人员类别", q=lambda p, v: Q(category=v), values=CATEGORIES),
    "dossiers.applied_in_year": Count("dossiers", "本年递交入党申请", q=_year_q("applied_on")),
    "dossiers.activist_in_year": Count("dossiers", "本年确定为积极分子", q=_year_q("activist_on")),
    "dossiers.target_in_year": Count("dossiers", "本年确定为发展对象", q=_year_q("target_on")),
    "dossiers.admitted_in_year": Count("dossiers", "本年接收为预备党员", q=_year_q("admitted_on")),
    "dossiers.confirmed_in_year": Count("dossiers", "本年转为正式党员", q=_year_q("confirmed_on")),
    # The year's democratic appraisal results (services/orglife/appraisal.py writes them).
    "appraisals.all": Count("appraisals", "参加评议党员", q=lambda p, _v: Q()),
    "appraisals.grade": Count(
        "appraisals", "按评议结果", q=lambda p, v: Q(grade=v), values=tuple(AppraisalResult.Grade.values)
    ),
    "appraisals.category": Count("appraisals", "按人员类别", q=lambda p, v: Q(member__category=v), values=CATEGORIES),
    # Study hours of the members on the roll (services/study/hours.py, the one definition).
    "study.members_with_hours": Count("study", "有学时记录的党员", compute=lambda p: _members_hours(p, met=False)),
    "study.members_met": Count("study", "达到年度学时要求的党员", compute=lambda p: _members_hours(p, met=True)),
    "study.members_trained": Count("study", "参加校外培训的党员", compute=lambda p: len(_training(p))),
    "study.training_hours": Count("study", "校外培训学时合计", compute=lambda p: sum(_training(p).values())),
}

__all__ = ["COUNTS", "SOURCES", "Count", "Period", "parse_term"]
