"""The year's plan of a branch (docs/orglife.md#compliance-and-plans): dates proposed from the
rules, accepted in full or in part by the branch's managers as planned meetings.

For every period of the year (compliance.py) that has no meeting of its kind yet — held or
planned — and is not over, one date is proposed:

- the theme party day on the branch's fixed day of the month (``BranchLifeSettings``, 15th by
  default) of the period's first month;
- the committee meeting on the 5th, the member meeting on the 10th, the party lecture on the
  20th and each party group's meeting on the 25th of the period's first month;
- the organizational life meeting and the democratic appraisal on the 15th of the period's last
  month (they close the year);

moved to the next working day (services/workdays: weekends, holidays and adjusted workdays;
weekends only when the year's calendar is not published), or to the one before when the next
falls outside the period; a date already past becomes the next working day after today. Every
meeting starts at 14:30 and lasts two hours. Accepting creates the chosen ones through
``meeting_create`` in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage
from services.workdays.calendar import CalendarNotPublished, is_working_day

from .audit_events import EVENT_LIFE_SETTINGS_CHANGED, EVENT_PLAN_ACCEPTED
from .compliance import DUE, UPCOMING, Period, compliance
from .models import BranchLifeSettings, Meeting
from .services import NOT_YOURS, meeting_create

DEFAULT_THEME_DAY = 15
# (day of the month, in the period's last month rather than its first)
PROPOSED_DAY: dict[str, tuple[int, bool]] = {
    Meeting.Kind.COMMITTEE_MEETING: (5, False),
    Meeting.Kind.MEMBER_MEETING: (10, False),
    Meeting.Kind.LECTURE: (20, False),
    Meeting.Kind.GROUP_MEETING: (25, False),
    Meeting.Kind.LIFE_MEETING: (15, True),
    Meeting.Kind.APPRAISAL: (15, True),
}
STARTS = time(14, 30)
LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class Proposal:
    unit_id: int
    unit_name: str
    kind: str
    period_label: str
    starts_at: datetime
    moved: bool  # shifted off a weekend, a holiday or a past date

    @property
    def key(self) -> str:
        return f"{self.unit_id}:{self.kind}:{timezone.localtime(self.starts_at).date().isoformat()}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + LENGTH

    @property
    def kind_label(self) -> str:
        return str(Meeting.Kind(self.kind).label)

    @property
    def topic(self) -> str:
        return _("%(period)s%(kind)s") % {"period": self.period_label, "kind": self.kind_label}


def theme_day_of(branch: OrgUnit) -> int:
    found = BranchLifeSettings.objects.filter(branch=branch).values_list("theme_day_of_month", flat=True).first()
    return int(found) if found is not None else DEFAULT_THEME_DAY


def _working(day: date) -> bool:
    try:
        return is_working_day(day)
    except CalendarNotPublished:
        return day.weekday() < 5


def _shift(day: date, period: Period, today: date) -> date | None:
    """The working day on or after ``day`` (and after today), else the one before, in the period."""
    earliest = max(period.start, today + timedelta(days=1))
    candidate = max(day, earliest)
    while candidate < period.end:
        if _working(candidate):
            return candidate
        candidate += timedelta(days=1)
    candidate = day - timedelta(days=1)
    while candidate >= earliest:
        if _working(candidate):
            return candidate
        candidate -= timedelta(days=1)
    return None


def _wanted_day(kind: str, period: Period, theme_day: int) -> date:
    if kind == Meeting.Kind.THEME_DAY:
        return period.start.replace(day=theme_day)
    day, in_last_month = PROPOSED_DAY[kind]
    month = period.end - timedelta(days=1) if in_last_month else period.start
    return month.replace(day=day)


def plan_proposal(*, branch: OrgUnit, year: int, now: datetime | None = None) -> list[Proposal]:
    """The dates proposed for ``branch`` and its party groups in ``year``, by unit, kind and date."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    theme_day = theme_day_of(branch)
    proposals: list[Proposal] = []
    for row in compliance(branches=[branch], since=date(year, 1, 1), until=date(year, 12, 1), now=now):
        for status in row.periods:
            if status.status not in (DUE, UPCOMING) or status.planned:
                continue
            wanted = _wanted_day(row.kind, status.period, theme_day)
            day = _shift(wanted, status.period, today)
            if day is None:
                continue
            proposals.append(
                Proposal(
                    unit_id=row.unit_id,
                    unit_name=row.unit_name,
                    kind=row.kind,
                    period_label=status.label,
                    starts_at=timezone.make_aware(datetime.combine(day, STARTS)),
                    moved=day != wanted,
                )
            )
    return sorted(proposals, key=lambda p: (p.starts_at, p.unit_id, p.kind))


def plan_accept(*, acting_user: Any, branch: OrgUnit, year: int, keys: Collection[str]) -> list[Meeting]:
    """Plan the proposals of ``year`` whose ``key`` is in ``keys`` (all of them or some), in one
    transaction: each through ``meeting_create`` (its own checks and audit row), then one audit
    row for the plan. A key no longer proposed (planned meanwhile) is left out."""
    require_manage(acting_user=acting_user, unit=branch, message=NOT_YOURS)
    chosen = [p for p in plan_proposal(branch=branch, year=year) if p.key in set(keys)]
    if not chosen:
        raise ValidationError(_("请至少选择一项建议的会议。"))
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={p.unit_id for p in chosen})}
    with transaction.atomic():
        meetings = [
            meeting_create(
                acting_user=acting_user,
                unit=units[p.unit_id],
                kind=p.kind,
                topic=p.topic,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
            )
            for p in chosen
        ]
        audit_record(
            event=EVENT_PLAN_ACCEPTED,
            actor=acting_user,
            target=branch,
            after={"year": year, "meetings": [m.pk for m in meetings]},
        )
    return meetings


def life_settings_update(*, acting_user: Any, branch: OrgUnit, theme_day_of_month: int) -> BranchLifeSettings:
    """Set the branch's fixed theme party day (1–28) by one of its managers, audited."""
    require_manage(acting_user=acting_user, unit=branch, message=NOT_YOURS)
    if branch.kind != OrgUnit.Kind.BRANCH:
        raise ValidationError(_("只有党支部设置主题党日。"))
    if not 1 <= theme_day_of_month <= 28:
        raise ValidationError({"theme_day_of_month": _("主题党日请定在每月 1 日至 28 日之间。")})
    with transaction.atomic():
        found = BranchLifeSettings.objects.select_for_update().filter(branch=branch).first()
        before = found.theme_day_of_month if found else DEFAULT_THEME_DAY
        found = found or BranchLifeSettings(branch=branch)
        found.theme_day_of_month = theme_day_of_month
        found.updated_by = acting_user
        found.save()
        audit_record(
            event=EVENT_LIFE_SETTINGS_CHANGED,
            actor=acting_user,
            target=branch,
            before={"theme_day_of_month": before},
            after={"theme_day_of_month": theme_day_of_month},
        )
    return found
