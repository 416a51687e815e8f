"""The year's plan of a branch (services/orglife/planning.py): proposed dates from the rules, the
fixed theme party day moved off weekends, accepted in full or in part; the theme day setting."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.orglife.models import Attendee, BranchLifeSettings, Meeting
from services.orglife.planning import life_settings_update, plan_accept, plan_proposal
from tests.conftest import make_user
from tests.orglife.conftest import Branch

NOW = timezone.make_aware(datetime(2026, 12, 20, 9))
YEAR = 2027


def by_kind(proposals: list, kind: str) -> list:  # type: ignore[type-arg]
    return [p for p in proposals if p.kind == kind]


def day_of(proposal) -> date:  # type: ignore[no-untyped-def]
    return timezone.localtime(proposal.starts_at).date()


def test_every_period_of_the_year_gets_one_date(branch: Branch) -> None:
    proposals = plan_proposal(branch=branch.unit, year=YEAR, now=NOW)
    assert len(by_kind(proposals, Meeting.Kind.THEME_DAY)) == 12
    assert len(by_kind(proposals, Meeting.Kind.COMMITTEE_MEETING)) == 12
    members = by_kind(proposals, Meeting.Kind.MEMBER_MEETING)
    assert [day_of(p).month for p in members] == [1, 4, 7, 10]
    assert [p.period_label for p in members] == ["2027年第1季度", "2027年第2季度", "2027年第3季度", "2027年第4季度"]
    (life,) = by_kind(proposals, Meeting.Kind.LIFE_MEETING)
    assert day_of(life).month == 12
    groups = by_kind(proposals, Meeting.Kind.GROUP_MEETING)
    assert {p.unit_id for p in groups} == {branch.group.pk} and len(groups) == 12
    assert all(day_of(p).weekday() < 5 for p in proposals)


def test_the_theme_day_falls_on_the_branchs_fixed_day_moved_off_the_weekend(branch: Branch) -> None:
    life_settings_update(acting_user=branch.secretary, branch=branch.unit, theme_day_of_month=13)
    themes = by_kind(plan_proposal(branch=branch.unit, year=YEAR, now=NOW), Meeting.Kind.THEME_DAY)
    march = next(p for p in themes if day_of(p).month == 3)
    assert day_of(march) == date(2027, 3, 15)  # the 13th is a Saturday
    assert march.moved
    may = next(p for p in themes if day_of(p).month == 5)
    assert day_of(may) == date(2027, 5, 13) or may.moved  # a Thursday, unless a holiday
    assert march.topic == "2027年3月主题党日"


def test_periods_with_a_meeting_or_already_over_are_not_proposed(branch: Branch) -> None:
    midyear = timezone.make_aware(datetime(2027, 5, 20, 9))
    starts = timezone.make_aware(datetime(2027, 6, 3, 14))
    Meeting.objects.create(
        unit=branch.unit, kind=Meeting.Kind.THEME_DAY, topic="t", starts_at=starts, ends_at=starts.replace(hour=16)
    )
    proposals = plan_proposal(branch=branch.unit, year=YEAR, now=midyear)
    assert [day_of(p).month for p in by_kind(proposals, Meeting.Kind.THEME_DAY)] == [5, 7, 8, 9, 10, 11, 12]
    may = by_kind(proposals, Meeting.Kind.THEME_DAY)[0]
    assert day_of(may) > midyear.date()  # the 15th is past: the next working day
    assert all(day_of(p) > midyear.date() for p in proposals)


def test_accepting_part_of_the_plan_creates_those_meetings_with_their_lists(branch: Branch) -> None:
    year = timezone.localdate().year + 1
    proposals = plan_proposal(branch=branch.unit, year=year)
    chosen = by_kind(proposals, Meeting.Kind.MEMBER_MEETING)[:2] + by_kind(proposals, Meeting.Kind.GROUP_MEETING)[:1]
    meetings = plan_accept(acting_user=branch.secretary, branch=branch.unit, year=year, keys=[p.key for p in chosen])
    assert sorted((m.unit_id, m.kind, m.starts_at) for m in meetings) == sorted(
        (p.unit_id, p.kind, p.starts_at) for p in chosen
    )
    member_meeting = next(m for m in meetings if m.kind == Meeting.Kind.MEMBER_MEETING)
    assert Attendee.objects.filter(meeting=member_meeting, expected=True).count() == 10
    assert AuditEvent.objects.filter(event="meeting.plan_accepted").count() == 1
    assert AuditEvent.objects.filter(event="meeting.created").count() == 3
    again = {p.key for p in plan_proposal(branch=branch.unit, year=year)}
    assert not again & {p.key for p in chosen}


def test_accepting_nothing_or_someone_elses_plan_is_refused(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    year = timezone.localdate().year + 1
    keys = [p.key for p in plan_proposal(branch=branch.unit, year=year)]
    with pytest.raises(ValidationError):
        plan_accept(acting_user=branch.secretary, branch=branch.unit, year=year, keys=["nothing"])
    stranger = make_user(inst_a, username="ol_stranger")
    with pytest.raises(PermissionDenied):
        plan_accept(acting_user=stranger, branch=branch.unit, year=year, keys=keys)
    assert not Meeting.objects.exists()


def test_the_theme_day_is_set_by_managers_between_1_and_28(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        life_settings_update(acting_user=branch.secretary, branch=branch.unit, theme_day_of_month=29)
    with pytest.raises(ValidationError):
        life_settings_update(acting_user=branch.secretary, branch=branch.group, theme_day_of_month=3)
    stranger = make_user(inst_a, username="ol_stranger2")
    with pytest.raises(PermissionDenied):
        life_settings_update(acting_user=stranger, branch=branch.unit, theme_day_of_month=3)
    life_settings_update(acting_user=branch.secretary, branch=branch.unit, theme_day_of_month=3)
    assert BranchLifeSettings.objects.get(branch=branch.unit).theme_day_of_month == 3
    event = AuditEvent.objects.get(event="orglife.settings_changed")
    assert (event.before, event.after) == ({"theme_day_of_month": 15}, {"theme_day_of_month": 3})
